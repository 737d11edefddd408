"""The user's side of the fake: who exists, and what they type and press."""

from __future__ import annotations

import time
from collections.abc import Iterable

from bot.faketelegram.entities import bot_command_entities
from bot.faketelegram.state import ButtonSpec, CallbackQuery, Message, TestChat, TestUser
from bot.faketelegram.world import World

ChatRef = TestChat | TestUser | int


def add_user(
    world: World, user_id: int, first_name: str, language_code: str | None, username: str | None
) -> TestUser:
    """The user with this id (created with a private chat on first mention)."""
    user = world.users.get(user_id)
    if user is None:
        user = TestUser(user_id, first_name, language_code, username)
        world.users[user_id] = user
        world.chats[user_id] = TestChat(user_id, "private", user=user)
    return user


def add_group(
    world: World,
    chat_id: int,
    title: str,
    members: Iterable[TestUser],
    admins: Iterable[TestUser],
    *,
    bot_is_admin: bool,
) -> TestChat:
    """A group chat the bot is in; admins get status "administrator", the rest "member"."""
    chat = world.chats.get(chat_id)
    if chat is None:
        chat = TestChat(chat_id, "group", title=title)
        world.chats[chat_id] = chat
    chat.members.update({user.id: "member" for user in members})
    chat.members.update({user.id: "administrator" for user in admins})
    chat.bot_status = "administrator" if bot_is_admin else "member"
    return chat


def find_chat(world: World, chat: ChatRef) -> TestChat:
    """Resolve a chat given as a TestChat, a user (their private chat) or an id."""
    chat_id = chat.id if isinstance(chat, TestChat | TestUser) else chat
    found = world.chats.get(chat_id)
    if found is None:
        raise LookupError(f"no chat {chat_id}; create it with fake.user() or fake.group()")
    return found


def user_message(world: World, user: TestUser, text: str, chat: ChatRef | None) -> Message:
    """A user writes to the bot; queues the update and returns the stored message."""
    target = find_chat(world, chat if chat is not None else user)
    if target.is_group:
        target.members.setdefault(user.id, "member")
    elif target.user is not user:
        raise ValueError(f"user {user.id} cannot write in another user's private chat")
    # Writing to a bot (its Start / Restart button) is how a user starts or unblocks it.
    user.started = True
    user.blocked = False
    message = world.add_message(
        target, user.to_json(), text=text, html=text, entities=bot_command_entities(text)
    )
    world.updates.push("message", world.message_json(message))
    return message


def user_edit(world: World, user: TestUser, message: Message, text: str) -> Message:
    """A user edits a message they sent; queues the edited_message update, as Telegram does."""
    chat = find_chat(world, message.chat_id)
    current = world.message_in(chat, message.message_id)
    if current is None or current.from_user.get("id") != user.id:
        raise ValueError(f"user {user.id} can only edit a message of their own that still exists")
    current.text = current.html = text
    current.entities = tuple(bot_command_entities(text))
    current.edit_count += 1
    current.edit_date = int(time.time())
    world.updates.push("edited_message", world.message_json(current))
    return current


def press_button(world: World, user: TestUser, message: Message | int, button: ButtonSpec) -> str:
    """A user presses an inline button; queues the callback_query and returns its id."""
    if isinstance(message, Message):
        chat, message_id = find_chat(world, message.chat_id), message.message_id
    else:
        chat, message_id = find_chat(world, user), message
    current = world.message_in(chat, message_id)
    if current is None:
        raise LookupError(f"message {message_id} in chat {chat.id} is gone (deleted or never sent)")
    pressed = current.button(button)
    if pressed.callback_data is None:
        raise ValueError(f"button {pressed.text!r} is a {pressed.action} button, not a callback")
    query_id = str(4_000_000_000_000_000 + len(world.queries) + 1)
    world.queries[query_id] = CallbackQuery(
        query_id, user.id, chat.id, message_id, pressed.callback_data
    )
    world.updates.push(
        "callback_query",
        {
            "id": query_id,
            "from": user.to_json(),
            "message": world.message_json(current),
            "chat_instance": f"{chat.id * 7919 % 10**12}",
            "data": pressed.callback_data,
        },
    )
    return query_id
