"""A device's Manage menu: rename, move to another room, remove, sub-devices and details."""

from __future__ import annotations

import asyncio
import logging
import unicodedata
from html import escape

from telegram import InlineKeyboardMarkup, Update

from bot.i18n import _
from bot.iot import errors
from bot.iot.models.devices import DeviceDetail, DeviceExtInfo
from bot.iot.models.firmware import DeviceVersion
from bot.telegram.callbacks import Callback
from bot.telegram.context import HomeContext, answer_query
from bot.telegram.error_texts import describe
from bot.telegram.limits import clip
from bot.telegram.routing import Buttons, cancel_text, expect_text, pending
from bot.telegram.screens import home_for, show, user_id_of
from bot.views.devices import manage as views
from bot.views.paging import page_arg

log = logging.getLogger(__name__)
NO_PERMISSION = "InvalidParameterValue.NoPermission"
ALERT_MAX = 200  # characters Telegram shows in a callback alert


async def load_device(context: HomeContext, user_id: int, device_id: str) -> DeviceDetail:
    """The device as the cloud has it now (its family, room, alias and kind)."""
    services = context.services
    family_id = services.accounts.account(user_id).family_id or ""
    return await home_for(context, user_id).call(services.iot.get_device, family_id, device_id)


def clean_name(text: str) -> tuple[str, str]:
    """(the name, "") for an acceptable device name, else ("", the reason it is refused)."""
    name = text.strip()
    if not name:
        return "", "empty"
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        return "", "control"
    if len(name) > views.NAME_MAX:
        return "", "too_long"
    return name, ""


async def menu_view(
    context: HomeContext, user_id: int, device_id: str, notice: str = ""
) -> tuple[str, InlineKeyboardMarkup]:
    """The Manage menu of the device as it is now (a short one for a device shared with the user)."""
    services = context.services
    device, families = await asyncio.gather(
        load_device(context, user_id, device_id),
        home_for(context, user_id).call(services.iot.list_all_families),
    )
    buttons = Buttons(context, user_id)
    if all(f.family_id != device.family_id for f in families):
        return views.shared_menu(device, buttons)
    rooms = await home_for(context, user_id).call(services.iot.list_all_rooms, device.family_id)
    room = views.room_name(rooms, device.room_id or views.DEFAULT_ROOM)
    return views.manage_menu(device, room, buttons, notice)


async def show_menu(update: Update, context: HomeContext, callback: Callback) -> None:
    """Manage: the menu in place of the card."""
    await show(update, await menu_view(context, user_id_of(update), callback.args[0]))


async def stop_renaming(update: Update, context: HomeContext, callback: Callback) -> None:
    """Cancel on the rename question: forget it and show the menu again."""
    chat = update.effective_chat
    question = pending(context, chat.id) if chat is not None else None
    if question is not None and question.route == "dmg.rename":
        cancel_text(context)
    await show_menu(update, context, callback)


async def ask_name(update: Update, context: HomeContext, callback: Callback) -> None:
    """Rename: ask for the new name (the next text message answers)."""
    user_id, chat = user_id_of(update), update.effective_chat
    assert chat is not None
    device = await load_device(context, user_id, callback.args[0])
    expect_text(context, chat.id, "dmg.rename", device.device_id)
    await show(update, views.ask_new_name(device, Buttons(context, user_id)))


async def name_typed(
    update: Update, context: HomeContext, text: str, args: tuple[str, ...]
) -> None:
    """The typed name: checked, then given to the device."""
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    user_id, device_id = user_id_of(update), args[0]
    name, problem = clean_name(text)
    if problem:
        expect_text(context, chat.id, "dmg.rename", device_id)
        await message.reply_text(views.name_problem(problem))
        return
    services = context.services
    await home_for(context, user_id).call(services.iot.rename_device, device_id, name)
    notice = _("✅ Renamed to <b>{name}</b>.").format(name=escape(name))
    menu, keyboard = await menu_view(context, user_id, device_id, notice)
    await message.reply_text(menu, reply_markup=keyboard)


async def pick_room(update: Update, context: HomeContext, callback: Callback) -> None:
    """Move: the family's rooms, the current one marked (a page of them)."""
    services, user_id = context.services, user_id_of(update)
    device = await load_device(context, user_id, callback.args[0])
    rooms = await home_for(context, user_id).call(services.iot.list_all_rooms, device.family_id)
    page = page_arg(callback.args, 1)
    await show(update, views.room_picker(device, rooms, Buttons(context, user_id), page))


async def move_to_room(update: Update, context: HomeContext, callback: Callback) -> None:
    """A room was picked: move the device there (unless it is there already)."""
    services, user_id = context.services, user_id_of(update)
    device_id, room_id = callback.args[0], callback.args[1]
    device = await load_device(context, user_id, device_id)
    rooms = await home_for(context, user_id).call(services.iot.list_all_rooms, device.family_id)
    room = views.room_name(rooms, room_id)
    if room_id != views.DEFAULT_ROOM and all(r.room_id != room_id for r in rooms):
        await answer_query(update, context, _("That room no longer exists."), alert=True)
        await show(update, views.room_picker(device, rooms, Buttons(context, user_id)))
        return
    notice = _("✅ Moved to <b>{room}</b>.").format(room=escape(clip(room)))
    if room_id == (device.room_id or views.DEFAULT_ROOM):
        await answer_query(update, context, _("It's already there."))
        notice = ""
    else:
        await home_for(context, user_id).call(
            services.iot.move_device, device.family_id, device_id, room_id
        )
    await show(update, await menu_view(context, user_id, device_id, notice))


async def is_admin(context: HomeContext, user_id: int, family_id: str) -> bool:
    """Whether the user is the admin of ``family_id``: only the admin may unbind devices."""
    services = context.services
    families = await home_for(context, user_id).call(services.iot.list_all_families)
    return any(f.family_id == family_id and f.is_owner for f in families)


async def refuse(update: Update, context: HomeContext, err: errors.ApiError) -> None:
    """Tell the user, in an alert over the menu, why the cloud won't do it."""
    await answer_query(update, context, (describe(err) or "")[:ALERT_MAX], alert=True)


async def confirm_remove(update: Update, context: HomeContext, callback: Callback) -> None:
    """Remove: the family's admin is asked to confirm; anyone else is told they may not."""
    user_id = user_id_of(update)
    device = await load_device(context, user_id, callback.args[0])
    if not await is_admin(context, user_id, device.family_id):
        # The cloud would refuse the removal with this error: say so before asking.
        await refuse(update, context, errors.NoPermission(NO_PERMISSION, "not the family admin"))
        return
    await show(update, views.confirm_remove(device, Buttons(context, user_id)))


async def remove(update: Update, context: HomeContext, callback: Callback) -> None:
    """Confirmed: unbind the device from its family."""
    services, user_id = context.services, user_id_of(update)
    device = await load_device(context, user_id, callback.args[0])
    try:
        await home_for(context, user_id).call(
            services.iot.delete_device, device.family_id, device.device_id, device.room_id
        )
    except errors.NoPermission as err:
        await refuse(update, context, err)
        await show(update, await menu_view(context, user_id, device.device_id))
        return
    await answer_query(update, context, _("Removed."))
    await show(update, (views.removed(device), None))


async def show_sub_devices(update: Update, context: HomeContext, callback: Callback) -> None:
    """A gateway's sub-devices in its family, with whether each is online."""
    services, user_id = context.services, user_id_of(update)
    gateway = await load_device(context, user_id, callback.args[0])
    subs = await home_for(context, user_id).call(services.iot.family_sub_devices, gateway.device_id)
    if subs:
        statuses = await home_for(context, user_id).call(
            services.iot.device_statuses, [s.device_id for s in subs]
        )
        online = {s.device_id: s.online for s in statuses}
        subs = [s.with_online(online.get(s.device_id)) for s in subs]
    page = page_arg(callback.args, 1)
    await show(update, views.sub_devices(gateway, subs, Buttons(context, user_id), page))


async def show_details(update: Update, context: HomeContext, callback: Callback) -> None:
    """Product, firmware, MAC, IP and when the device was added."""
    services, user_id = context.services, user_id_of(update)
    device = await load_device(context, user_id, callback.args[0])
    iot = services.iot
    products, ext, versions = await asyncio.gather(
        home_for(context, user_id).call(iot.get_products, [device.product_id]),
        _ext_info(context, user_id, device.device_id),
        _versions(context, user_id, device.device_id),
    )
    product_name = products[0].name if products else ""
    timezone = services.store.get_settings(user_id).timezone
    view = views.details(device, product_name, ext, versions, timezone, Buttons(context, user_id))
    await show(update, view)


async def _ext_info(context: HomeContext, user_id: int, device_id: str) -> DeviceExtInfo | None:
    """What the device reported about itself; None when the cloud has nothing (never reported)."""
    services = context.services
    try:
        return await home_for(context, user_id).call(services.iot.device_ext_info, device_id)
    except (errors.NotFound, errors.OperationFailed) as err:
        log.info("no extra info for a device: %s", err.code)
        return None


async def _versions(context: HomeContext, user_id: int, device_id: str) -> list[DeviceVersion]:
    """The firmware of each module; empty when the cloud has none."""
    services = context.services
    try:
        return await home_for(context, user_id).call(services.iot.device_versions, device_id)
    except (errors.NotFound, errors.OperationFailed) as err:
        log.info("no module versions for a device: %s", err.code)
        return []
