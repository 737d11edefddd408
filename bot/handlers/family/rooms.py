"""A family's rooms: list, create, rename, delete; and the family lookup and name check /family uses."""

from __future__ import annotations

from telegram import Update

from bot.iot.models.families import Family, Room
from bot.telegram.callbacks import Callback
from bot.telegram.context import HomeContext
from bot.telegram.routing import Buttons, expect_text
from bot.telegram.screens import home_for, pressed, show, user_id_of
from bot.views import family as views
from bot.views.paging import page_arg

NAME_MAX = 30  # characters in a family or room name (the cloud's limit)


def valid_name(text: str) -> str | None:
    """The name typed, trimmed, when it is 1 to NAME_MAX characters on one line."""
    name = text.strip()
    if not name or len(name) > NAME_MAX or "\n" in name:
        return None
    return name


async def typed_name(
    context: HomeContext, update: Update, text: str, route: str, args: tuple[str, ...]
) -> str | None:
    """The family or room name typed for ``route``; else says why and waits for another."""
    message = update.effective_message
    assert message is not None
    name = valid_name(text)
    if name is None:
        expect_text(context, message.chat_id, route, *args)
        await message.reply_text(views.bad_name())
    return name


async def family_of(context: HomeContext, user_id: int, family_id: str) -> Family | None:
    """One of the user's families, with the user's role in it; None when they aren't in it."""
    services = context.services
    families = await home_for(context, user_id).call(services.iot.list_all_families)
    return next((f for f in families if f.family_id == family_id), None)


async def _rooms_view(
    context: HomeContext, user_id: int, family_id: str, notice: str = "", page: int = 0
) -> views.View:
    family = await family_of(context, user_id, family_id)
    if family is None:
        return views.gone(), None
    iot = context.services.iot
    rooms = await home_for(context, user_id).call(iot.list_all_rooms, family_id=family_id)
    return views.rooms(family, rooms, Buttons(context, user_id), notice, page)


async def _room(
    context: HomeContext, user_id: int, family_id: str, room_id: str
) -> tuple[Family, Room] | None:
    family = await family_of(context, user_id, family_id)
    if family is None:
        return None
    iot = context.services.iot
    rooms = await home_for(context, user_id).call(iot.list_all_rooms, family_id=family_id)
    room = next((r for r in rooms if r.room_id == room_id), None)
    return None if room is None else (family, room)


async def show_rooms(update: Update, context: HomeContext, callback: Callback) -> None:
    user_id = user_id_of(update)
    page = page_arg(callback.args, 1)
    text, keyboard = await _rooms_view(context, user_id, callback.args[0], page=page)
    await show(update, (text, keyboard))


async def show_room(update: Update, context: HomeContext, callback: Callback) -> None:
    user_id = user_id_of(update)
    found = await _room(context, user_id, callback.args[0], callback.args[1])
    if found is None:
        text, keyboard = await _rooms_view(context, user_id, callback.args[0], views.room_gone())
    else:
        text, keyboard = views.room_card(found[0], found[1], Buttons(context, user_id))
    await show(update, (text, keyboard))


async def ask_new_room(update: Update, context: HomeContext, callback: Callback) -> None:
    _user_id, query = pressed(update)
    assert query.message is not None
    expect_text(context, query.message.chat.id, "fam.room_new", callback.args[0])
    await show(update, (views.ask_room_name(), None))


async def new_room_typed(
    update: Update, context: HomeContext, text: str, args: tuple[str, ...]
) -> None:
    """AppCreateRoom with the typed name, then the rooms."""
    user_id, message = user_id_of(update), update.effective_message
    assert message is not None
    name = await typed_name(context, update, text, "fam.room_new", args)
    if name is None:
        return
    iot = context.services.iot
    await home_for(context, user_id).call(iot.create_room, family_id=args[0], name=name)
    notice = views.room_created(name)
    reply, keyboard = await _rooms_view(context, user_id, args[0], notice)
    await message.reply_text(reply, reply_markup=keyboard)


async def ask_room_name(update: Update, context: HomeContext, callback: Callback) -> None:
    user_id, query = pressed(update)
    found = await _room(context, user_id, callback.args[0], callback.args[1])
    if found is None or query.message is None:
        await show(update, (views.room_gone(), None))
        return
    expect_text(context, query.message.chat.id, "fam.room_ren", *callback.args)
    await show(update, (views.ask_room_name(found[1].name), None))


async def room_name_typed(
    update: Update, context: HomeContext, text: str, args: tuple[str, ...]
) -> None:
    """AppModifyRoom with the typed name, then the rooms."""
    user_id, message = user_id_of(update), update.effective_message
    assert message is not None
    name = await typed_name(context, update, text, "fam.room_ren", args)
    if name is None:
        return
    iot = context.services.iot
    await home_for(context, user_id).call(
        iot.modify_room, family_id=args[0], room_id=args[1], name=name
    )
    reply, keyboard = await _rooms_view(context, user_id, args[0], views.room_renamed(name))
    await message.reply_text(reply, reply_markup=keyboard)


async def confirm_room_delete(update: Update, context: HomeContext, callback: Callback) -> None:
    user_id = user_id_of(update)
    found = await _room(context, user_id, callback.args[0], callback.args[1])
    if found is None:
        text, keyboard = await _rooms_view(context, user_id, callback.args[0], views.room_gone())
    else:
        text, keyboard = views.confirm_room_delete(found[0], found[1], Buttons(context, user_id))
    await show(update, (text, keyboard))


async def delete_room(update: Update, context: HomeContext, callback: Callback) -> None:
    """AppDeleteRoom, then the rooms."""
    user_id = user_id_of(update)
    family_id, room_id = callback.args[0], callback.args[1]
    found = await _room(context, user_id, family_id, room_id)
    iot = context.services.iot
    await home_for(context, user_id).call(iot.delete_room, family_id=family_id, room_id=room_id)
    notice = views.room_deleted(found[1].name if found else "")
    text, keyboard = await _rooms_view(context, user_id, family_id, notice)
    await show(update, (text, keyboard))
