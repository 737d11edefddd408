"""Texts and keyboards of /alerts: kinds, destination, quiet hours, muted and snoozed devices."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.home.alert_rules import KINDS, Snooze
from bot.home.directory import KnownDevice
from bot.home.timezones import zone
from bot.i18n import N_, _
from bot.storage.store import UserSettings
from bot.telegram.limits import clip, fit_lines
from bot.telegram.routing import Buttons

View = tuple[str, InlineKeyboardMarkup]
PAGE = 10  # devices per page of the mute list

KIND_LABELS = {
    "alert": N_("⚠️ Alerts"),
    "fault": N_("⛔ Faults"),
    "info": N_("ℹ️ Info"),
    "status": N_("🟢 Online/offline"),
}


def snooze_keyboard(buttons: Buttons, device_ids: Sequence[str]) -> InlineKeyboardMarkup:
    """The buttons under an alert: snooze its device(s) for 1 h, 8 h or until the morning."""
    ids = list(dict.fromkeys(device_ids))
    return InlineKeyboardMarkup(
        [
            [
                buttons(_("💤 1 h"), "al.snz", "1h", *ids),
                buttons(_("💤 8 h"), "al.snz", "8h", *ids),
                buttons(_("💤 Until tomorrow"), "al.snz", "am", *ids),
            ]
        ]
    )


def snoozed_keyboard(
    buttons: Buttons, device_ids: Sequence[str], until: int, tz: str
) -> InlineKeyboardMarkup:
    """What replaces the snooze buttons once pressed: when it ends, and a way to end it now."""
    ids = list(dict.fromkeys(device_ids))
    label = _("💤 Snoozed until {time} · Wake").format(time=_when(until, tz))
    return InlineKeyboardMarkup([[buttons(label, "al.wake", *ids)]])


def menu(
    settings: UserSettings,
    destination: str | None,
    muted: int,
    snoozes: Sequence[Snooze],
    names: dict[str, str],
    buttons: Buttons,
) -> View:
    """The /alerts menu: a summary and the toggles."""
    where = (
        _("a group, {title}").format(title=escape(clip(destination)))
        if destination
        else _("this private chat")
    )
    if settings.quiet_hours:
        start, end = settings.quiet_hours
        quiet = _("{start}–{end} ({zone}), delivered without sound").format(
            start=start, end=end, zone=escape(settings.timezone)
        )
    else:
        quiet = _("off")
    head = [
        _("<b>Alerts</b>"),
        _("Sent to: {where}").format(where=where),
        _("Quiet hours: {quiet}").format(quiet=quiet),
        _("Muted devices: {count}").format(count=muted),
    ]
    snoozed = [
        _("💤 {device} snoozed until {time}").format(
            device=escape(clip(names.get(snooze.device_id, snooze.device_id))),
            time=_when(snooze.until, settings.timezone),
        )
        for snooze in snoozes
    ]
    lines = fit_lines(snoozed, head=head, tail=["", _("Tap a kind to switch it on or off.")])
    rows: list[list[InlineKeyboardButton]] = []
    kind_buttons = []
    for kind in KINDS:
        on = settings.alert_kinds is None or kind in settings.alert_kinds
        kind_buttons.append(
            buttons(("✅ " if on else "⬜ ") + _(KIND_LABELS[kind]), "al.kind", kind)
        )
    rows += [kind_buttons[:2], kind_buttons[2:]]
    rows.append([buttons(_("🔕 Mute devices…"), "al.devs", 0)])
    rows.append([buttons(_("🌙 Quiet hours…"), "al.quiet")])
    if snoozes:
        rows.append([buttons(_("⏰ End all snoozes"), "al.wakeall")])
    if destination:
        rows.append([buttons(_("📨 Send alerts here instead"), "al.private")])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def device_list(
    devices: Sequence[KnownDevice], muted: set[str], page: int, buttons: Buttons
) -> View:
    """One page of devices with a mute toggle each."""
    if not devices:
        text = _("I couldn't find any devices in your account.")
        return text, InlineKeyboardMarkup([[buttons(_("« Back"), "al.menu")]])
    pages = (len(devices) + PAGE - 1) // PAGE
    page = max(0, min(page, pages - 1))
    text = _("Tap a device to mute or unmute its alerts. 🔕 = muted.")
    rows = []
    for device in devices[page * PAGE : (page + 1) * PAGE]:
        icon = "🔕" if device.device_id in muted else "🔔"
        rows.append([buttons(f"{icon} {clip(device.name)}", "al.mute", page, device.device_id)])
    nav = []
    if page > 0:
        nav.append(buttons("‹", "al.devs", page - 1))
    if page < pages - 1:
        nav.append(buttons("›", "al.devs", page + 1))
    if nav:
        rows.append(nav)
    rows.append([buttons(_("« Back"), "al.menu")])
    return text, InlineKeyboardMarkup(rows)


def quiet_menu(settings: UserSettings, buttons: Buttons) -> View:
    """Quiet hours: what they are, presets, typing your own, or off."""
    text = _(
        "During quiet hours alerts still arrive, but without a sound. Times are in "
        "{zone} (change it with /timezone)."
    ).format(zone=escape(settings.timezone))
    rows = [
        [
            buttons("22:00–07:00", "al.qset", "22:00", "07:00"),
            buttons("23:00–08:00", "al.qset", "23:00", "08:00"),
        ],
        [buttons(_("✏️ Other times…"), "al.qask")],
    ]
    if settings.quiet_hours:
        rows.append([buttons(_("Turn quiet hours off"), "al.qoff")])
    rows.append([buttons(_("« Back"), "al.menu")])
    return text, InlineKeyboardMarkup(rows)


def ask_quiet_hours() -> str:
    """The question for typed quiet hours."""
    return _("Send the quiet hours as from–to, like 22:00-07:00, or /cancel.")


def quiet_hours_not_understood(text: str) -> str:
    """The answer to quiet hours that could not be read."""
    return _(
        "I can't read “{text}” as quiet hours. Send them like 22:00-07:00, or /cancel."
    ).format(text=escape(text[:40]))


def group_usage() -> str:
    """/alerts in a group: what can be done there."""
    return _(
        "Send <code>/alerts here</code> to get your alerts in this group, or "
        "<code>/alerts private</code> to get them in our private chat. The other settings are "
        "in the private chat."
    )


def _when(until: int, tz: str) -> str:
    moment = datetime.fromtimestamp(until, zone(tz))
    now = datetime.now(zone(tz))
    return moment.strftime("%H:%M" if moment.date() == now.date() else "%a %H:%M")
