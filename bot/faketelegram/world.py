"""The fake Telegram's shared state and the lookups every Bot API method starts with."""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bot.faketelegram.entities import (
    EntityParseError,
    FormattedText,
    explicit_entities,
    parse_html,
    trimmed,
    utf16_length,
)
from bot.faketelegram.links import check_links_in_text
from bot.faketelegram.protocol import Params, bad_request, forbidden
from bot.faketelegram.ratelimit import FloodControl, RateLimits
from bot.faketelegram.state import ApiCall, CallbackQuery, Media, Message, TestChat, TestUser
from bot.faketelegram.updates import UpdateFeed


class World:
    """Everything the fake knows: the bot, users, chats and messages, calls, queries, commands."""

    def __init__(
        self,
        token: str,
        bot_username: str,
        bot_name: str,
        limits: RateLimits | None,
        *,
        allow_local_webhooks: bool = False,
    ):
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_username = bot_username
        self.bot_name = bot_name
        self.users: dict[int, TestUser] = {}
        self.chats: dict[int, TestChat] = {}
        self.queries: dict[str, CallbackQuery] = {}
        self.files: dict[str, Media] = {}
        self.commands: dict[tuple[str, int, int, str], list[tuple[str, str]]] = {}
        self.default_menu_button: dict[str, Any] | None = None
        self.calls: list[ApiCall] = []
        self.bot_events: dict[int, list[Message]] = {}  # snapshots of each send/edit, per chat
        self.flood = FloodControl(limits) if limits is not None else None
        self.changed = asyncio.Condition()
        self.updates = UpdateFeed(self.changed, allow_local_webhooks=allow_local_webhooks)
        self._file_numbers = itertools.count(1)

    async def notify(self) -> None:
        """Wake everything waiting for the fake's state to change."""
        async with self.changed:
            self.changed.notify_all()

    def bot_json(self) -> dict[str, Any]:
        """The bot as a User object."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_name,
            "username": self.bot_username,
        }

    def chat_for_bot(self, params: Params, *, sending: bool = True) -> TestChat:
        """The chat named by chat_id, refusing as Telegram does when the bot may not write there."""
        if not params.has("chat_id"):
            raise bad_request("chat_id is empty")
        chat_id = params.integer("chat_id")
        chat = self.chats.get(chat_id) if chat_id is not None else None
        if chat is None:
            raise bad_request("chat not found")
        if sending and chat.user is not None:
            if chat.user.blocked:
                raise forbidden("bot was blocked by the user")
            if not chat.user.started:
                raise forbidden("bot can't initiate conversation with a user")
        if sending and chat.is_group and chat.bot_status in ("left", "kicked"):
            raise forbidden(f"bot was kicked from the {chat.type} chat")
        return chat

    def message_in(self, chat: TestChat, message_id: int | None) -> Message | None:
        """A message of the chat that still exists."""
        for message in chat.messages:
            if message.message_id == message_id and not message.deleted:
                return message
        return None

    def add_message(self, chat: TestChat, from_user: dict[str, Any], **fields: Any) -> Message:
        """Append a message with the chat's next message_id."""
        message_id = chat.messages[-1].message_id + 1 if chat.messages else 1
        message = Message(chat.id, message_id, from_user, int(time.time()), **fields)
        chat.messages.append(message)
        if message.from_bot:
            self.record_bot_event(message)
        return message

    def record_bot_event(self, message: Message) -> None:
        """Remember a send or edit, as it looked at that moment, for next_message()."""
        self.bot_events.setdefault(message.chat_id, []).append(dataclasses.replace(message))

    def message_json(self, message: Message) -> dict[str, Any]:
        """A stored message as the Message object Telegram returns."""
        chat = self.chats[message.chat_id]
        reply_to = None
        if message.reply_to_message_id is not None:
            reply_to = self.message_in(chat, message.reply_to_message_id)
        return message.to_json(chat.to_json(), reply_to)

    def admit(self, chat: TestChat) -> None:
        """Count a message-producing call against flood control."""
        if self.flood is not None:
            self.flood.admit(chat.id, is_group=chat.is_group)

    def new_file_ids(self, kind: str) -> tuple[str, str]:
        """A fresh (file_id, file_unique_id) pair."""
        number = next(self._file_numbers)
        return f"fake-{kind}-{number:06d}", f"u{number:06d}"


def formatted(
    params: Params, text_name: str, entities_name: str, *, limit: int, too_long: str
) -> tuple[FormattedText, str | None]:
    """Parse a text or caption parameter per parse_mode, checking its length after parsing."""
    source = params.text(text_name)
    if source is None:
        return FormattedText(""), None
    try:
        result = _parse(
            source, (params.text("parse_mode") or "").lower(), params.json(entities_name)
        )
    except EntityParseError as err:
        raise bad_request(f"can't parse entities: {err}") from None
    if utf16_length(result.text) > limit:  # Telegram counts UTF-16 code units, as in entities
        raise bad_request(too_long)
    check_links_in_text(result.text, result.entities)
    return result, source


def _parse(source: str, mode: str, explicit: Any) -> FormattedText:
    if explicit:  # entities sent with the text: Telegram ignores parse_mode then
        return trimmed(source, explicit_entities(source, explicit))
    if mode == "html":
        return parse_html(source)
    if mode in ("markdown", "markdownv2"):
        raise bad_request("unsupported parse_mode (the fake Telegram implements HTML only)")
    if mode:
        raise bad_request("unsupported parse_mode")
    return trimmed(source)


def require_message(world: World, chat: TestChat, params: Params, missing: str) -> Message:
    """The message an edit or delete names; `missing` is Telegram's not-found wording."""
    if params.has("inline_message_id") and not params.has("message_id"):
        raise bad_request("MESSAGE_ID_INVALID")
    if not params.has("message_id"):
        raise bad_request("message identifier is not specified")
    message = world.message_in(chat, params.integer("message_id"))
    if message is None:
        raise bad_request(missing)
    return message


# A Bot API method: reads its parameters, returns the JSON result or raises ApiError.
Handler = Callable[[World, Params], Awaitable[Any]]
