"""Device timers: from the device card or /timers, list a device's timers to switch or delete."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, Update

from bot.home.catalogue import now
from bot.home.timezones import user_zone
from bot.i18n import _
from bot.iot.models.timers import Timer
from bot.iot.template import DataTemplate
from bot.telegram.callbacks import Callback
from bot.telegram.context import HomeContext
from bot.telegram.limits import clip
from bot.telegram.routing import Buttons
from bot.telegram.screens import View, home_for, show, user_id_of
from bot.views import setting_picker as picker
from bot.views import timers as views
from bot.views.paging import page_arg
from bot.views.scenes import no_family

FROM_PICKER = "p"  # origin of a list opened from /timers (its Back returns to the picker)
FROM_CARD = "c"  # opened from the device card (Back returns to the card)


def back_button(
    context: HomeContext, user_id: int, device_id: str, origin: str
) -> InlineKeyboardButton:
    buttons = Buttons(context, user_id)
    if origin == FROM_PICKER:
        return buttons(_("◀ Devices"), "tmr.pick")
    return buttons(_("◀ Back"), "dev.open", device_id)


async def device_picker(context: HomeContext, user_id: int, page: int = 0) -> View:
    """The family's settable devices (a page of them), to open one's timers."""
    family = home_for(context, user_id).family_id()
    if family is None:
        return no_family(), None
    home = await home_for(context, user_id).catalogue(family)
    title = _("<b>⏰ Timers</b>\nWhich device's timers?")
    buttons = Buttons(context, user_id)
    devices = home.with_settings()
    return picker.device_menu(
        title, devices, buttons, "tmr.list", None, FROM_PICKER, paging=("tmr.pick",), page=page
    )


async def timer_list(
    context: HomeContext,
    user_id: int,
    device_id: str,
    origin: str,
    notice: str = "",
    page: int = 0,
) -> View:
    """A page of one device's timers; or, when it left the family, the way back."""
    family = home_for(context, user_id).family_id()
    if family is None:
        return no_family(), None
    home = await home_for(context, user_id).catalogue(family)
    device = home.devices.get(device_id)
    if device is None:
        return (_("That device is no longer in this family."), None)
    iot = context.services.iot
    timers = await home_for(context, user_id).call(iot.list_timers, device_id)
    template = home.templates.get(device.product_id)
    return views.timer_list(
        device.name,
        device_id,
        timers,
        template if template is not None else DataTemplate(),
        user_zone(context.services.store, user_id).key,
        now(),
        Buttons(context, user_id),
        back_button(context, user_id, device_id, origin),
        origin,
        notice,
        page,
    )


async def _timer(context: HomeContext, user_id: int, device_id: str, timer_id: str) -> Timer | None:
    iot = context.services.iot
    timers = await home_for(context, user_id).call(iot.list_timers, device_id)
    return next((t for t in timers if t.timer_id == timer_id), None)


def _origin(callback: Callback, index: int) -> str:
    return callback.args[index] if len(callback.args) > index else FROM_CARD


async def timers_command(update: Update, context: HomeContext) -> None:
    """/timers: pick a device, then see its timers."""
    user_id = user_id_of(update)
    await show(update, await device_picker(context, user_id))


async def pick_again(update: Update, context: HomeContext, callback: Callback) -> None:
    await show(update, await device_picker(context, callback.owner_id, page_arg(callback.args, 0)))


async def list_timers(update: Update, context: HomeContext, callback: Callback) -> None:
    """A device's timers (the device card's ⏰ Timers button comes here)."""
    device_id, origin, page = callback.args[0], _origin(callback, 1), page_arg(callback.args, 2)
    await show(update, await timer_list(context, callback.owner_id, device_id, origin, page=page))


async def toggle(update: Update, context: HomeContext, callback: Callback) -> None:
    """Switch a timer on or off."""
    user_id, (device_id, timer_id) = callback.owner_id, callback.args[:2]
    origin, page = _origin(callback, 2), page_arg(callback.args, 3)
    timer = await _timer(context, user_id, device_id, timer_id)
    if timer is None:
        notice = _gone()
    else:
        iot, enabled = context.services.iot, not timer.enabled
        await home_for(context, user_id).call(iot.set_timer_enabled, device_id, timer_id, enabled)
        notice = (_("✅ <b>{name}</b> is on.") if enabled else _("⏸ <b>{name}</b> is off.")).format(
            name=escape(clip(timer.name))
        )
    await show(update, await timer_list(context, user_id, device_id, origin, notice, page))


async def ask_delete(update: Update, context: HomeContext, callback: Callback) -> None:
    user_id, (device_id, timer_id) = callback.owner_id, callback.args[:2]
    origin, page = _origin(callback, 2), page_arg(callback.args, 3)
    timer = await _timer(context, user_id, device_id, timer_id)
    if timer is None:
        await show(update, await timer_list(context, user_id, device_id, origin, _gone(), page))
        return
    zone, buttons = user_zone(context.services.store, user_id).key, Buttons(context, user_id)
    view = views.confirm_delete(timer, device_id, zone, now(), buttons, origin, page)
    await show(update, view)


async def delete(update: Update, context: HomeContext, callback: Callback) -> None:
    user_id, (device_id, timer_id) = callback.owner_id, callback.args[:2]
    origin, page = _origin(callback, 2), page_arg(callback.args, 3)
    timer = await _timer(context, user_id, device_id, timer_id)
    if timer is None:
        notice = _gone()
    else:
        iot = context.services.iot
        await home_for(context, user_id).call(iot.delete_timer, device_id, timer_id)
        notice = _("🗑 Deleted the timer <b>{name}</b>.").format(name=escape(clip(timer.name)))
    await show(update, await timer_list(context, user_id, device_id, origin, notice, page))


def _gone() -> str:
    return _("That timer no longer exists.")
