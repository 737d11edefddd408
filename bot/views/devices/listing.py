"""The device list: choosing a home, filtering by room, pages of devices, and shared devices."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.home.cards import ALL_ROOMS, DEFAULT_ROOM, DeviceMatch, HomeListing
from bot.i18n import _, ngettext
from bot.iot.models.devices import Device
from bot.iot.models.families import Family
from bot.telegram.limits import clip, fitted
from bot.telegram.routing import Buttons
from bot.views.devices.card import online_mark
from bot.views.paging import PAGE_SIZE, page_of, pager

__all__ = [
    "PAGE_SIZE",
    "candidates",
    "devices_list",
    "family_menu",
    "no_home",
    "page_of",
    "room_label",
    "room_menu",
    "shared_list",
]

View = tuple[str, InlineKeyboardMarkup]


def room_label(listing: HomeListing, room_id: str) -> str:
    """How a room filter is called (plain text)."""
    if room_id == ALL_ROOMS:
        return _("All rooms")
    if room_id == DEFAULT_ROOM:
        return _("No room")
    return listing.room_name(room_id) or _("Unknown room")


def _device_button(buttons: Buttons, device: Device) -> list[InlineKeyboardButton]:
    label = f"{online_mark(device.online)} {clip(device.name)}"
    return [buttons(label, "dev.open", device.device_id)]


def devices_list(listing: HomeListing, page: int, buttons: Buttons) -> View:
    """One page of the family's devices under the room filter, with online marks."""
    devices, page, pages = page_of(listing.devices, page)
    total = len(listing.devices)
    online = sum(1 for d in listing.devices if d.online)
    room_filter = room_label(listing, listing.room_id)
    title = f"<b>{escape(clip(listing.family.name))}</b> · {escape(clip(room_filter))}"
    lines = [title]
    if total:
        summary = ngettext("{count} device", "{count} devices", total).format(count=total)
        summary += " · " + _("{online} online").format(online=online)
        if pages > 1:
            summary += " · " + _("page {page} of {pages}").format(page=page + 1, pages=pages)
        lines += [summary, ""]
        for device in devices:
            line = f"{online_mark(device.online)} {escape(clip(device.name))}"
            room = listing.room_name(device.room_id)
            if listing.room_id == ALL_ROOMS and room:
                line += f" · <i>{escape(clip(room))}</i>"
            lines.append(line)
    elif listing.room_id == ALL_ROOMS:
        lines += ["", _("No devices in this home yet. Add them in the IoT Explorer app.")]
    else:
        lines += ["", _("No devices in this room.")]
    rows = [_device_button(buttons, d) for d in devices]
    if pages > 1:
        rows.append(pager(buttons, page, pages, "dev.list", listing.room_id))
    menu = [buttons(_("🏠 Rooms"), "dev.rooms")]
    if listing.several_families:
        menu.append(buttons(_("🏘 Switch home"), "dev.fam"))
    rows.append(menu)
    if listing.shared_count:
        label = _("🤝 Shared with me ({count})").format(count=listing.shared_count)
        rows.append([buttons(label, "dev.shared", 0)])
    rows.append([buttons(_("🔄 Refresh"), "dev.list", listing.room_id, page)])
    return fitted("\n".join(lines)), InlineKeyboardMarkup(rows)


def family_menu(
    families: Sequence[Family], current_id: str | None, buttons: Buttons, page: int = 0
) -> View:
    """Which home to show, when the user belongs to several (a page of them)."""
    text = _(
        "<b>Which home?</b>\nYou belong to several homes. I'll remember your choice; "
        "“Switch home” changes it."
    )
    shown, page, pages = page_of(families, page)
    rows = [
        [
            buttons(
                ("✓ " if f.family_id == current_id else "") + clip(f.name),
                "dev.famset",
                f.family_id,
            )
        ]
        for f in shown
    ]
    if pages > 1:
        rows.append(pager(buttons, page, pages, "dev.fam"))
    return text, InlineKeyboardMarkup(rows)


def room_menu(
    listing: HomeListing, counts: Mapping[str, int], buttons: Buttons, page: int = 0
) -> View:
    """The room filter: every room with its device count, the current one marked (paged)."""
    text = _("<b>{home}</b>\nShow the devices of which room?").format(
        home=escape(clip(listing.family.name))
    )
    choices = [(ALL_ROOMS, sum(counts.values()))]
    choices += [(room.room_id, counts.get(room.room_id, 0)) for room in listing.rooms]
    if counts.get(DEFAULT_ROOM) or listing.room_id == DEFAULT_ROOM:
        choices.append((DEFAULT_ROOM, counts.get(DEFAULT_ROOM, 0)))
    shown, page, pages = page_of(choices, page)
    rows = []
    for room_id, count in shown:
        mark = "✓ " if room_id == listing.room_id else ""
        label = f"{mark}{clip(room_label(listing, room_id))} ({count})"
        rows.append([buttons(label, "dev.list", room_id, 0)])
    if pages > 1:
        rows.append(pager(buttons, page, pages, "dev.rooms"))
    return text, InlineKeyboardMarkup(rows)


def shared_list(devices: Sequence[Device], page: int, buttons: Buttons) -> View:
    """The devices others shared with the user; they open the same card."""
    shown, page, pages = page_of(devices, page)
    lines = [_("<b>Shared with me</b>")]
    if devices:
        lines.append(
            ngettext("{count} device", "{count} devices", len(devices)).format(count=len(devices))
        )
        lines.append("")
        lines += [f"{online_mark(d.online)} {escape(clip(d.name))}" for d in shown]
    else:
        lines += ["", _("Nobody has shared a device with you.")]
    rows = [_device_button(buttons, d) for d in shown]
    if pages > 1:
        rows.append(pager(buttons, page, pages, "dev.shared"))
    rows.append([buttons(_("◀ Back"), "dev.home")])
    return fitted("\n".join(lines)), InlineKeyboardMarkup(rows)


def no_home(shared_count: int, buttons: Buttons) -> View:
    """The user belongs to no family (shared devices may still be there)."""
    text = _("You don't belong to any home yet. Create one in the IoT Explorer app.")
    rows = []
    if shared_count:
        label = _("🤝 Shared with me ({count})").format(count=shared_count)
        rows.append([buttons(label, "dev.shared", 0)])
    return text, InlineKeyboardMarkup(rows)


def candidates(text: str, matches: Sequence[DeviceMatch], buttons: Buttons) -> View:
    """Several devices fit a typed name: the user picks one."""
    question = _("Several devices match “{text}”. Which one?").format(
        text=escape(clip(text.strip()))
    )
    rows = [[buttons(clip(m.device.name), "dev.open", m.device.device_id)] for m in matches]
    return question, InlineKeyboardMarkup(rows)
