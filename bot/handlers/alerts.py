"""/alerts: where alerts go, which kinds, muted devices, quiet hours; snooze buttons on alerts."""

from __future__ import annotations

import logging

from telegram import ChatMember, Update
from telegram.error import TelegramError
from telegram.ext import TypeHandler

from bot.home.alert_rules import (
    KINDS,
    SNOOZE_CHOICES,
    AlertRules,
    parse_quiet_hours,
    snooze_until,
    toggled,
)
from bot.home.directory import DeviceDirectory
from bot.i18n import N_, _
from bot.notify.wiring import notifier_of
from bot.telegram.callbacks import Callback
from bot.telegram.context import HomeApplication, HomeContext, answer_query
from bot.telegram.routing import Buttons, expect_text
from bot.telegram.screens import show, user_id_of
from bot.views import alerts as views

log = logging.getLogger(__name__)

_MEMBER = {ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER}


def _rules(context: HomeContext) -> AlertRules:
    notifier = notifier_of(context.application)
    return notifier.rules if notifier is not None else AlertRules(context.services.store)


def _directory(context: HomeContext) -> DeviceDirectory:
    notifier = notifier_of(context.application)
    if notifier is not None:
        return notifier.directory
    return DeviceDirectory(context.services.iot, context.services.accounts)


async def alerts_command(update: Update, context: HomeContext) -> None:
    """/alerts [here|private]: the settings menu, or choose the chat alerts go to."""
    user_id, chat, message = user_id_of(update), update.effective_chat, update.effective_message
    assert chat is not None and message is not None
    context.services.accounts.account(user_id)  # NotLinked -> "send /login" from the handler
    choice = (context.args or [""])[0].lower()
    if choice == "private" or (choice == "here" and chat.type == "private"):
        context.services.store.update_settings(user_id, alerts_chat_id=None)
        await message.reply_text(_("Your alerts will come to our private chat."))
        return
    if choice == "here":
        await _alerts_here(update, context)
        return
    if chat.type != "private":
        await message.reply_text(views.group_usage())
        return
    text, keyboard = await _menu(context, user_id)
    await message.reply_text(text, reply_markup=keyboard)


async def _alerts_here(update: Update, context: HomeContext) -> None:
    user_id, chat, message = user_id_of(update), update.effective_chat, update.effective_message
    assert chat is not None and message is not None
    member = await context.bot.get_chat_member(chat.id, user_id)
    is_member = member.status in _MEMBER or (
        member.status == ChatMember.RESTRICTED and bool(getattr(member, "is_member", False))
    )
    if not is_member:
        await message.reply_text(_("Only a member of this group can send their alerts here."))
        return
    context.services.store.update_settings(user_id, alerts_chat_id=chat.id)
    await message.reply_text(
        _(
            "Your alerts will come to this group from now on. "
            "Send /alerts private to get them in our private chat again."
        )
    )


async def _menu(context: HomeContext, user_id: int) -> views.View:
    services = context.services
    settings = services.store.get_settings(user_id)
    rules = _rules(context)
    destination = None
    if settings.alerts_chat_id:
        try:
            group = await context.bot.get_chat(settings.alerts_chat_id)
            destination = group.title or str(settings.alerts_chat_id)
        except TelegramError:
            destination = str(settings.alerts_chat_id)
    snoozes = rules.snoozes(user_id)
    names = {}
    if snoozes:
        names = {d.device_id: d.name for d in await _directory(context).devices(user_id)}
    return views.menu(
        settings,
        destination,
        len(rules.muted(user_id)),
        snoozes,
        names,
        Buttons(context, user_id),
    )


async def _show(update: Update, context: HomeContext, view: views.View) -> None:
    query = update.callback_query
    assert query is not None
    await answer_query(update, context)
    await show(update, view)


async def menu_button(update: Update, context: HomeContext, callback: Callback) -> None:
    """« Back: the /alerts menu again."""
    await _show(update, context, await _menu(context, callback.owner_id))


async def toggle_kind(update: Update, context: HomeContext, callback: Callback) -> None:
    """Switch one kind of alert on or off."""
    kind = callback.args[0] if callback.args else ""
    if kind in KINDS:
        store = context.services.store
        kinds = store.get_settings(callback.owner_id).alert_kinds
        store.update_settings(callback.owner_id, alert_kinds=toggled(kinds, kind))
    await _show(update, context, await _menu(context, callback.owner_id))


async def back_to_private(update: Update, context: HomeContext, callback: Callback) -> None:
    """Send alerts to the private chat instead of the group."""
    context.services.store.update_settings(callback.owner_id, alerts_chat_id=None)
    await answer_query(update, context, _("Alerts will come to this chat."))
    await _show(update, context, await _menu(context, callback.owner_id))


async def device_list(update: Update, context: HomeContext, callback: Callback) -> None:
    """The devices with their mute toggles, one page."""
    page = int(callback.args[0]) if callback.args else 0
    await _show_devices(update, context, callback.owner_id, page)


async def toggle_mute(update: Update, context: HomeContext, callback: Callback) -> None:
    """Mute or unmute one device."""
    page, device_id = int(callback.args[0]), callback.args[1]
    rules = _rules(context)
    muted = device_id not in rules.muted(callback.owner_id)
    rules.set_muted(callback.owner_id, device_id, muted)
    await answer_query(update, context, _("Muted.") if muted else _("Unmuted."))
    await _show_devices(update, context, callback.owner_id, page)


async def _show_devices(update: Update, context: HomeContext, user_id: int, page: int) -> None:
    devices = await _directory(context).devices(user_id, fresh=page == 0)
    muted = _rules(context).muted(user_id)
    await _show(update, context, views.device_list(devices, muted, page, Buttons(context, user_id)))


async def quiet_menu(update: Update, context: HomeContext, callback: Callback) -> None:
    """Quiet hours: presets, other times, off."""
    settings = context.services.store.get_settings(callback.owner_id)
    await _show(update, context, views.quiet_menu(settings, Buttons(context, callback.owner_id)))


async def quiet_preset(update: Update, context: HomeContext, callback: Callback) -> None:
    """Set quiet hours from a preset."""
    start, end = callback.args[0], callback.args[1]
    context.services.store.update_settings(callback.owner_id, quiet_hours=(start, end))
    await answer_query(
        update, context, _("Quiet hours: {start}–{end}").format(start=start, end=end)
    )
    await _show(update, context, await _menu(context, callback.owner_id))


async def quiet_off(update: Update, context: HomeContext, callback: Callback) -> None:
    """No quiet hours any more."""
    context.services.store.update_settings(callback.owner_id, quiet_hours=None)
    await answer_query(update, context, _("Quiet hours are off."))
    await _show(update, context, await _menu(context, callback.owner_id))


async def quiet_ask(update: Update, context: HomeContext, callback: Callback) -> None:
    """Ask for quiet hours typed as from-to."""
    query = update.callback_query
    assert query is not None and query.message is not None
    expect_text(context, query.message.chat.id, "al.quiet")
    await answer_query(update, context)
    await show(update, (views.ask_quiet_hours(), None))


async def quiet_typed(
    update: Update, context: HomeContext, text: str, args: tuple[str, ...]
) -> None:
    """Typed quiet hours: saved, or asked again."""
    user_id, chat, message = user_id_of(update), update.effective_chat, update.effective_message
    assert chat is not None and message is not None
    hours = parse_quiet_hours(text)
    if hours is None:
        expect_text(context, chat.id, "al.quiet")
        await message.reply_text(views.quiet_hours_not_understood(text))
        return
    context.services.store.update_settings(user_id, quiet_hours=hours)
    menu_text, keyboard = await _menu(context, user_id)
    await message.reply_text(menu_text, reply_markup=keyboard)


async def snooze(update: Update, context: HomeContext, callback: Callback) -> None:
    """A snooze button under an alert: hold back its devices' alerts for a while."""
    query = update.callback_query
    assert query is not None
    choice, device_ids = (callback.args[0], callback.args[1:]) if callback.args else ("", ())
    if choice not in SNOOZE_CHOICES or not device_ids:
        await answer_query(update, context, _("This button no longer works."))
        return
    rules = _rules(context)
    tz = context.services.store.get_settings(callback.owner_id).timezone
    until = snooze_until(choice, tz, rules.clock())
    rules.snooze(callback.owner_id, device_ids, until)
    notifier = notifier_of(context.application)
    if notifier is not None:
        notifier.snoozes_changed()
    buttons = Buttons(context, callback.owner_id)
    keyboard = views.snoozed_keyboard(buttons, device_ids, until, tz)
    await answer_query(update, context, _("Snoozed. I'll tell you what came in meanwhile."))
    await query.edit_message_reply_markup(keyboard)


async def wake(update: Update, context: HomeContext, callback: Callback) -> None:
    """End the snooze a message's devices are in, and show the snooze buttons again."""
    query = update.callback_query
    assert query is not None
    await _end_snoozes(context, callback.owner_id, callback.args)
    await answer_query(update, context, _("Alerts are back on."))
    buttons = Buttons(context, callback.owner_id)
    await query.edit_message_reply_markup(views.snooze_keyboard(buttons, callback.args))


async def wake_all(update: Update, context: HomeContext, callback: Callback) -> None:
    """End every snooze of the user."""
    snoozed = [s.device_id for s in _rules(context).snoozes(callback.owner_id)]
    await _end_snoozes(context, callback.owner_id, snoozed)
    await answer_query(update, context, _("Alerts are back on."))
    await _show(update, context, await _menu(context, callback.owner_id))


async def _end_snoozes(
    context: HomeContext, user_id: int, device_ids: tuple[str, ...] | list[str]
) -> None:
    notifier = notifier_of(context.application)
    for device_id in device_ids:
        ended = _rules(context).end(user_id, device_id)
        if ended is not None and notifier is not None:
            await notifier.snooze_ended(ended)
    if notifier is not None:
        notifier.snoozes_changed()


async def user_is_back(update: object, context: HomeContext) -> None:
    """Any update from a user: chats paused because the bot could not write there resume."""
    if not isinstance(update, Update) or update.effective_user is None:
        return
    notifier = notifier_of(context.application)
    if notifier is not None:
        chat = update.effective_chat
        notifier.user_is_back(update.effective_user.id, chat.id if chat is not None else None)


def register(app: HomeApplication) -> None:
    """Alerts: /alerts, its buttons, and noticing that a user is back."""
    routes = app.routes
    app.add_handler(TypeHandler(Update, user_is_back), group=-3)
    routes.command("alerts", alerts_command, N_("Alert settings"), 70)
    routes.button("al.menu", menu_button)
    routes.button("al.kind", toggle_kind)
    routes.button("al.private", back_to_private)
    routes.button("al.devs", device_list)
    routes.button("al.mute", toggle_mute)
    routes.button("al.quiet", quiet_menu)
    routes.button("al.qset", quiet_preset)
    routes.button("al.qoff", quiet_off)
    routes.button("al.qask", quiet_ask)
    routes.text("al.quiet", quiet_typed)
    routes.button("al.snz", snooze)
    routes.button("al.wake", wake)
    routes.button("al.wakeall", wake_all)
