"""/devices: choose a home, filter by room, page through devices, and devices shared with me."""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import Any

from telegram import Update

from bot.home.cards import ALL_ROOMS, DEFAULT_ROOM
from bot.i18n import _
from bot.telegram.callbacks import Callback
from bot.telegram.context import HomeContext, answer_query
from bot.telegram.routing import Buttons
from bot.telegram.screens import home_of, show, user_id_of
from bot.views.devices import listing as views
from bot.views.paging import page_arg

# Where "◀ Back" on a card returns to, kept in the (persisted) user_data.
VIEW_KEY = "devices_view"


def _remember(context: HomeContext, **view: Any) -> None:
    if context.user_data is not None:
        context.user_data[VIEW_KEY] = view


def _remembered(context: HomeContext) -> dict[str, Any]:
    view = (context.user_data or {}).get(VIEW_KEY)
    return view if isinstance(view, dict) else {}


def _page(text: str) -> int:
    return int(text) if text.lstrip("-").isdigit() else 0


async def show_home(
    update: Update, context: HomeContext, room_id: str = ALL_ROOMS, page: int = 0, *, edit: bool
) -> None:
    """The current family's devices (or the family choice when there is none yet)."""
    home = home_of(update, context)
    buttons = Buttons(context, user_id_of(update))
    families, current = await home.families()
    if current is None and families:
        await show(update, views.family_menu(families, None, buttons), edit=edit)
        return
    if current is None:
        view = views.no_home(await home.shared_count(), buttons)
        await show(update, view, edit=edit)
        return
    listing = await home.listing(families, current, room_id)
    if room_id not in (ALL_ROOMS, DEFAULT_ROOM) and not listing.room_name(room_id):
        listing = await home.listing(families, current, ALL_ROOMS)  # the room was deleted
    _, page, _pages = views.page_of(listing.devices, page)
    _remember(context, kind="list", room=listing.room_id, page=page)
    await show(update, views.devices_list(listing, page, buttons), edit=edit)


async def devices_command(update: Update, context: HomeContext) -> None:
    """/devices: the device list of the current home, all rooms, first page."""
    await show_home(update, context, edit=False)


async def list_page(update: Update, context: HomeContext, callback: Callback) -> None:
    """A page of the list under a room filter (paging, the room menu, Refresh)."""
    room_id = callback.args[0] if callback.args else ALL_ROOMS
    page = _page(callback.args[1]) if len(callback.args) > 1 else 0
    await show_home(update, context, room_id or ALL_ROOMS, page, edit=True)


async def back_to_list(update: Update, context: HomeContext, callback: Callback) -> None:
    """Back from the shared devices to the family's list where the user left it."""
    view = _remembered(context)
    room = str(view.get("room") or ALL_ROOMS) if view.get("kind") == "list" else ALL_ROOMS
    page = int(view.get("page") or 0) if view.get("kind") == "list" else 0
    await show_home(update, context, room, page, edit=True)


async def back_from_card(update: Update, context: HomeContext, callback: Callback) -> None:
    """◀ Back on a card: the list (or shared list) the card was opened from."""
    view = _remembered(context)
    if view.get("kind") == "shared":
        await _show_shared(update, context, int(view.get("page") or 0))
        return
    await show_home(
        update, context, str(view.get("room") or ALL_ROOMS), int(view.get("page") or 0), edit=True
    )


async def choose_family(update: Update, context: HomeContext, callback: Callback) -> None:
    """🏘 Switch home: the user's families, the current one marked (a page of them)."""
    home = home_of(update, context)
    families, current = await home.families()
    buttons, page = Buttons(context, user_id_of(update)), page_arg(callback.args, 0)
    view = views.family_menu(families, current.family_id if current else None, buttons, page)
    await show(update, view)


async def family_chosen(update: Update, context: HomeContext, callback: Callback) -> None:
    """Remember the chosen home and show its devices."""
    home = home_of(update, context)
    families, _current = await home.families()
    chosen = next((f for f in families if callback.args and f.family_id == callback.args[0]), None)
    if chosen is None:
        await answer_query(update, context, _("You're no longer in that home."), alert=True)
        await show_home(update, context, edit=True)
        return
    home.choose_family(chosen.family_id)
    await answer_query(update, context, _("Showing {home}.").format(home=chosen.name))
    await show_home(update, context, edit=True)


async def choose_room(update: Update, context: HomeContext, callback: Callback) -> None:
    """🏠 Rooms: pick the room whose devices to list."""
    home = home_of(update, context)
    families, current = await home.families()
    if current is None:
        await show_home(update, context, edit=True)
        return
    view = _remembered(context)
    room = str(view.get("room") or ALL_ROOMS) if view.get("kind") == "list" else ALL_ROOMS
    listing = await home.listing(families, current, ALL_ROOMS)
    counts = Counter(d.room_id or DEFAULT_ROOM for d in listing.devices)
    listing = dataclasses.replace(listing, room_id=room)
    buttons, page = Buttons(context, user_id_of(update)), page_arg(callback.args, 0)
    await show(update, views.room_menu(listing, counts, buttons, page))


async def shared_page(update: Update, context: HomeContext, callback: Callback) -> None:
    """🤝 Shared with me: devices others shared with the user."""
    await _show_shared(update, context, _page(callback.args[0]) if callback.args else 0)


async def _show_shared(update: Update, context: HomeContext, page: int) -> None:
    devices = await home_of(update, context).shared_devices()
    _, page, _pages = views.page_of(devices, page)
    _remember(context, kind="shared", page=page)
    buttons = Buttons(context, user_id_of(update))
    await show(update, views.shared_list(devices, page, buttons))
