"""Texts and keyboards of a device's Manage menu and its firmware upgrade."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import N_, _
from bot.iot.models.devices import Device, DeviceExtInfo
from bot.iot.models.families import Room
from bot.iot.models.firmware import DeviceVersion, FirmwareStatus, FirmwareUpdate
from bot.telegram.limits import clip, fit_lines, fitted, shorten
from bot.telegram.routing import Buttons
from bot.views.paging import page_of, pager

View = tuple[str, InlineKeyboardMarkup]
DEFAULT_ROOM = "0"  # where a device without a room lives (reference: RoomId "0")
NAME_MAX = 64
ROOMS_PAGE = 20  # rooms per page of the Move picker (two a row)
ERROR_SHOWN = 500  # UTF-16 units of the device's reason an upgrade failed
_BAR_CELLS = 10

_STATUS_TEXT = {
    "offline": N_("waiting for the device to come online"),
    "pending": N_("waiting to start"),
    "sent": N_("sent to the device"),
    "downloading": N_("downloading"),
    "burning": N_("installing"),
    "failed": N_("failed"),
    "done": N_("done"),
    "processing": N_("in progress"),
    "awaiting_confirmation": N_("waiting for confirmation"),
    "downloaded": N_("downloaded"),
}


def back_to_card(buttons: Buttons, device_id: str) -> InlineKeyboardButton:
    """The "◀ Back" button that reopens the device's card."""
    return buttons(_("◀ Back"), "dev.open", device_id)


def room_name(rooms: Sequence[Room], room_id: str) -> str:
    """The name of ``room_id`` among ``rooms``; "No room" for the default room."""
    found = next((r.name for r in rooms if r.room_id == room_id), None)
    return found if found and room_id != DEFAULT_ROOM else _("No room")


def manage_menu(device: Device, room: str, buttons: Buttons, notice: str = "") -> View:
    """The Manage menu: rename, move, sub-devices (gateways), details, remove."""
    did = device.device_id
    lines = [notice, ""] if notice else []
    lines += [
        _("<b>Manage {name}</b>").format(name=escape(clip(device.name))),
        _("Room: {room}").format(room=escape(clip(room))),
    ]
    rows = [
        [buttons(_("✏️ Rename"), "dmg.rename", did), buttons(_("🚪 Move"), "dmg.move", did)],
    ]
    if device.is_gateway:
        rows.append([buttons(_("🔗 Sub-devices"), "dmg.subs", did)])
    rows.append([buttons(_("ℹ️ Details"), "dmg.info", did)])
    rows.append([buttons(_("🗑 Remove from the family"), "dmg.remove", did)])
    rows.append([back_to_card(buttons, did)])
    return fitted("\n".join(lines)), InlineKeyboardMarkup(rows)


def shared_menu(device: Device, buttons: Buttons) -> View:
    """For a device someone shared with the user: details only, and why."""
    text = _(
        "<b>Manage {name}</b>\nThis device is shared with you. Only the members of its family "
        "can rename, move or remove it."
    ).format(name=escape(clip(device.name)))
    rows = [
        [buttons(_("ℹ️ Details"), "dmg.info", device.device_id)],
        [back_to_card(buttons, device.device_id)],
    ]
    return text, InlineKeyboardMarkup(rows)


def ask_new_name(device: Device, buttons: Buttons) -> View:
    """The rename question, with a Cancel button."""
    text = _("Send a new name for <b>{name}</b> (1-{max} characters), or /cancel.").format(
        name=escape(clip(device.name)), max=NAME_MAX
    )
    keyboard = InlineKeyboardMarkup([[buttons(_("Cancel"), "dmg.back", device.device_id)]])
    return text, keyboard


def name_problem(reason: str) -> str:
    """Why a typed name was refused, and what to do."""
    texts = {
        "empty": _("A name can't be empty. Send another, or /cancel."),
        "too_long": _(
            "That's too long: a name has at most {max} characters. Send a shorter one, or /cancel."
        ),
        "control": _(
            "A name can't contain line breaks or control characters. Send another, or /cancel."
        ),
    }
    return texts[reason].format(max=NAME_MAX)


def room_picker(device: Device, rooms: Sequence[Room], buttons: Buttons, page: int = 0) -> View:
    """The family's rooms as buttons (a page of them), the device's current one marked."""
    did = device.device_id
    choices = [(r.room_id, r.name) for r in rooms if r.room_id != DEFAULT_ROOM]
    choices.append((DEFAULT_ROOM, _("No room")))
    shown, page, pages = page_of(choices, page, ROOMS_PAGE)
    cells = [
        buttons(
            ("✓ " if rid == (device.room_id or DEFAULT_ROOM) else "") + clip(name),
            "dmg.room",
            did,
            rid,
        )
        for rid, name in shown
    ]
    rows = [cells[i : i + 2] for i in range(0, len(cells), 2)]
    if pages > 1:
        rows.append(pager(buttons, page, pages, "dmg.move", did))
    rows.append([buttons(_("◀ Back"), "dmg.menu", did)])
    text = _("Move <b>{name}</b> to which room?").format(name=escape(clip(device.name)))
    return text, InlineKeyboardMarkup(rows)


def confirm_remove(device: Device, buttons: Buttons) -> View:
    """Remove or Keep: removal unbinds the device."""
    text = _(
        "Remove <b>{name}</b>? This unbinds it from the family: its timers and shares go too, "
        "and it has to be set up again to come back."
    ).format(name=escape(clip(device.name)))
    keyboard = InlineKeyboardMarkup(
        [
            [
                buttons(_("Remove"), "dmg.rm", device.device_id),
                buttons(_("Keep"), "dmg.menu", device.device_id),
            ]
        ]
    )
    return text, keyboard


def removed(device: Device) -> str:
    """What is left of the menu once the device is gone."""
    return _(
        "<b>{name}</b> was removed from the family. Send /devices to see the rest of your home."
    ).format(name=escape(clip(device.name)))


def online_mark(online: bool | None) -> str:
    """🟢 online, ⚪ offline, ❔ not known."""
    return "❔" if online is None else "🟢" if online else "⚪"


def sub_devices(gateway: Device, subs: Sequence[Device], buttons: Buttons, page: int = 0) -> View:
    """A gateway's sub-devices with online marks (a page of them), each opening its card."""
    if subs:
        online = sum(1 for s in subs if s.online)
        text = _("<b>Sub-devices of {name}</b>\n{online} of {count} online.").format(
            name=escape(clip(gateway.name)), online=online, count=len(subs)
        )
    else:
        text = _("No sub-devices are paired with <b>{name}</b> yet.").format(
            name=escape(clip(gateway.name))
        )
    shown, page, pages = page_of(subs, page)
    rows = [
        [buttons(f"{online_mark(s.online)} {clip(s.name)}", "dev.open", s.device_id)] for s in shown
    ]
    if pages > 1:
        rows.append(pager(buttons, page, pages, "dmg.subs", gateway.device_id))
    rows.append([buttons(_("◀ Back"), "dmg.menu", gateway.device_id)])
    return text, InlineKeyboardMarkup(rows)


def _mac(raw: str) -> str:
    plain = raw.replace(":", "").replace("-", "").upper()
    if len(plain) == 12:
        return ":".join(plain[i : i + 2] for i in range(0, 12, 2))
    return raw


def details(
    device: Device,
    product_name: str,
    ext: DeviceExtInfo | None,
    versions: Sequence[DeviceVersion],
    timezone: str,
    buttons: Buttons,
) -> View:
    """Firmware, MAC, IP, product and when the device was added, in the user's timezone."""
    unknown = "—"
    firmware = ext.firmware_version if ext and ext.firmware_version else ""
    if not firmware and versions:
        firmware = versions[0].version
    head = [
        _("<b>Details of {name}</b>").format(name=escape(clip(device.name))),
        _("Product: {product}").format(product=escape(clip(product_name or device.product_id))),
        _("Device ID: <code>{device_id}</code>").format(device_id=escape(device.device_id)),
        _("Firmware: {version}").format(version=escape(clip(firmware or unknown))),
    ]
    modules = [v for v in versions if v.module and v.version]
    listed = []
    if len(modules) > 1:
        listed = [f"  • {escape(clip(v.module))}: {escape(clip(v.version))}" for v in modules]
    tail = [_("MAC: {mac}").format(mac=escape(clip(_mac(ext.mac) if ext and ext.mac else unknown)))]
    tail.append(_("IP: {ip}").format(ip=escape(clip(ext.ip if ext and ext.ip else unknown))))
    if ext and (ext.manufacturer or ext.model):
        maker = " · ".join(x for x in (clip(ext.manufacturer), clip(ext.model)) if x)
        tail.append(_("Made by: {maker}").format(maker=escape(maker)))
    if device.created:
        when = datetime.fromtimestamp(device.created, ZoneInfo(timezone))
        tail.append(_("Added: {when}").format(when=when.strftime("%Y-%m-%d %H:%M %Z")))
    lines = fit_lines(listed, head=head, tail=tail)
    keyboard = InlineKeyboardMarkup(
        [
            [buttons(_("⬆️ Check for updates"), "fw.check", device.device_id)],
            [buttons(_("◀ Back"), "dmg.menu", device.device_id)],
        ]
    )
    return "\n".join(lines), keyboard


def firmware_check(
    device: Device, update: FirmwareUpdate, online: bool | None, buttons: Buttons
) -> View:
    """Current and latest firmware; the Upgrade button when there is something newer."""
    did = device.device_id
    lines = [
        _("<b>Firmware of {name}</b>").format(name=escape(clip(device.name))),
        _("Installed: {version}").format(version=escape(clip(update.current or "—"))),
    ]
    rows: list[list[InlineKeyboardButton]] = []
    if not update.has_update:
        lines.append(
            _("You have the latest firmware ({version}).").format(
                version=escape(clip(update.current or "—"))
            )
        )
    else:
        lines.append(_("Available: {version}").format(version=escape(clip(update.latest))))
        if online is False:
            lines += ["", _("The device is offline. It can be updated once it's back online.")]
            rows.append([buttons(_("🔄 Check again"), "fw.check", did)])
        else:
            rows.append([buttons(_("⬆️ Upgrade now"), "fw.ask", did)])
    rows.append([back_to_card(buttons, did)])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def confirm_upgrade(device: Device, update: FirmwareUpdate, buttons: Buttons) -> View:
    """Upgrade or Not now, with both versions."""
    text = _(
        "Update <b>{name}</b> from {current} to {latest}?\n"
        "It may restart and be unavailable for a few minutes. Keep it powered on."
    ).format(
        name=escape(clip(device.name)),
        current=escape(clip(update.current)),
        latest=escape(clip(update.latest)),
    )
    keyboard = InlineKeyboardMarkup(
        [
            [
                buttons(_("Upgrade"), "fw.go", device.device_id),
                buttons(_("Not now"), "fw.check", device.device_id),
            ]
        ]
    )
    return text, keyboard


def progress_bar(percent: int) -> str:
    """Ten cells, filled by ``percent``."""
    filled = round(max(0, min(100, percent)) * _BAR_CELLS / 100)
    return "▓" * filled + "░" * (_BAR_CELLS - filled)


def firmware_progress(device: Device, status: FirmwareStatus, buttons: Buttons) -> View:
    """How the upgrade is going; Refresh while it runs."""
    did = device.device_id
    lines = [_("<b>Firmware update of {name}</b>").format(name=escape(clip(device.name)))]
    if status.from_version and status.to_version:
        lines.append(f"{escape(clip(status.from_version))} → {escape(clip(status.to_version))}")
    rows: list[list[InlineKeyboardButton]] = []
    if status.done:
        version = escape(clip(status.to_version or "—"))
        lines.append(_("✅ Updated to {version}.").format(version=version))
    elif status.failed:
        reason = shorten(status.error, ERROR_SHOWN) or _("the device did not say why")
        lines.append(_("❌ The update failed: {reason}").format(reason=escape(reason)))
        rows.append([buttons(_("🔄 Try again"), "fw.check", did)])
    else:
        state = _(_STATUS_TEXT.get(status.name, N_("in progress")))
        lines.append(_("Status: {state}").format(state=state))
        lines.append(f"{progress_bar(status.percent)} {status.percent}%")
        rows.append([buttons(_("🔄 Refresh"), "fw.status", did)])
    rows.append([back_to_card(buttons, did)])
    return "\n".join(lines), InlineKeyboardMarkup(rows)
