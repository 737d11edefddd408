"""Automations: /automations lists them with on/off switches; details say what triggers each."""

from __future__ import annotations

from html import escape

from telegram import Update

from bot.home.catalogue import now
from bot.home.timezones import user_zone
from bot.i18n import _
from bot.iot import errors
from bot.iot.models.scenes import ActionScene, Automation
from bot.telegram.callbacks import Callback
from bot.telegram.context import HomeContext
from bot.telegram.limits import clip
from bot.telegram.routing import Buttons
from bot.telegram.screens import View, home_for, show, user_id_of
from bot.views import automations as views
from bot.views.paging import page_arg
from bot.views.scenes import no_family


async def automation_list(
    context: HomeContext, user_id: int, notice: str = "", page: int = 0
) -> View:
    """A page of the family's automations with their switches, or why there are none."""
    family = home_for(context, user_id).family_id()
    if family is None:
        return no_family(), None
    iot = context.services.iot
    automations = await home_for(context, user_id).call(iot.list_automations, family)
    return views.automation_list(automations, Buttons(context, user_id), notice, page)


async def details(
    context: HomeContext, user_id: int, automation: Automation, notice: str = "", page: int = 0
) -> View:
    """The automation in words, naming devices, properties and scenes from the family."""
    family = home_for(context, user_id).family_id()
    home = await home_for(context, user_id).catalogue(family) if family else None
    wants_scenes = any(isinstance(a, ActionScene) and not a.scene_name for a in automation.actions)
    scenes = await home_for(context, user_id).all_scenes(family) if family and wants_scenes else []
    book = views.HomeBook.of(home, scenes) if home else views.HomeBook()
    zone = user_zone(context.services.store, user_id).key
    buttons = Buttons(context, user_id)
    return views.automation_details(automation, book, zone, now(), buttons, notice, page)


async def _describe(context: HomeContext, user_id: int, automation_id: str) -> Automation | None:
    iot = context.services.iot
    try:
        return await home_for(context, user_id).call(iot.describe_automation, automation_id)
    except errors.NotFound:
        return None


async def automations_command(update: Update, context: HomeContext) -> None:
    """/automations: the family's automations."""
    user_id = user_id_of(update)
    await show(update, await automation_list(context, user_id))


async def list_again(update: Update, context: HomeContext, callback: Callback) -> None:
    page = page_arg(callback.args, 0)
    await show(update, await automation_list(context, callback.owner_id, page=page))


async def open_details(update: Update, context: HomeContext, callback: Callback) -> None:
    user_id, page = callback.owner_id, page_arg(callback.args, 1)
    automation = await _describe(context, user_id, callback.args[0])
    if automation is None:
        await show(update, await automation_list(context, user_id, _gone(), page))
        return
    await show(update, await details(context, user_id, automation, page=page))


async def toggle(update: Update, context: HomeContext, callback: Callback) -> None:
    """Switch an automation on or off; show the list or the details again, as pressed from."""
    user_id, automation_id = callback.owner_id, callback.args[0]
    where = callback.args[1] if len(callback.args) > 1 else "l"
    page = page_arg(callback.args, 2)
    automation = await _describe(context, user_id, automation_id)
    if automation is None:
        await show(update, await automation_list(context, user_id, _gone(), page))
        return
    enabled = not automation.enabled
    iot = context.services.iot
    await home_for(context, user_id).call(iot.set_automation_enabled, automation_id, enabled)
    notice = (_("✅ <b>{name}</b> is on.") if enabled else _("⏸ <b>{name}</b> is off.")).format(
        name=escape(clip(automation.name))
    )
    if where == "d":
        fresh = await _describe(context, user_id, automation_id)
        await show(update, await details(context, user_id, fresh or automation, notice, page))
    else:
        await show(update, await automation_list(context, user_id, notice, page))


def _gone() -> str:
    return _("That automation no longer exists.")
