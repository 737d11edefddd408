"""Bot API methods on text messages: send, edit, delete, chat actions, callback query answers."""

from __future__ import annotations

import time
from typing import Any

from bot.faketelegram.entities import utf16_length
from bot.faketelegram.keyboards import Keyboard, parse_reply_markup
from bot.faketelegram.links import opens_bot_with_payload
from bot.faketelegram.protocol import Params, bad_request, parse_boolean
from bot.faketelegram.state import CallbackAnswer, Message, TestChat
from bot.faketelegram.world import Handler, World, formatted, require_message

# In UTF-16 code units, after entity parsing: a character outside the BMP (most emoji) is two.
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_ANSWER = 200
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"


def reply_target(world: World, chat: TestChat, params: Params) -> int | None:
    """The message_id a new message replies to, from reply_parameters or reply_to_message_id."""
    wanted = params.json("reply_parameters")
    if isinstance(wanted, dict):
        message_id = wanted.get("message_id")
        lenient = parse_boolean(wanted.get("allow_sending_without_reply")) or False
    else:
        message_id = params.integer("reply_to_message_id")
        lenient = params.boolean("allow_sending_without_reply")
    if message_id is None:
        return None
    if world.message_in(chat, int(message_id)) is not None:
        return int(message_id)
    if lenient:
        return None
    raise bad_request("message to be replied not found")


async def send_message(world: World, params: Params) -> dict[str, Any]:
    """sendMessage."""
    chat = world.chat_for_bot(params)
    text, source = formatted(
        params, "text", "entities", limit=MAX_TEXT, too_long="message is too long"
    )
    if not text.text:
        raise bad_request("message text is empty")
    markup = parse_reply_markup(params.json("reply_markup"))
    reply_to = reply_target(world, chat, params)
    world.admit(chat)
    message = world.add_message(
        chat,
        world.bot_json(),
        text=text.text,
        html=source,
        entities=text.entities,
        buttons=markup.inline or (),
        reply_keyboard=markup.other,
        reply_to_message_id=reply_to,
    )
    return world.message_json(message)


def _editable(world: World, params: Params) -> tuple[TestChat, Message, Keyboard]:
    chat = world.chat_for_bot(params)
    message = require_message(world, chat, params, "message to edit not found")
    if not message.from_bot:
        raise bad_request("message can't be edited")
    # An edit without reply_markup removes the keyboard, exactly as on Telegram.
    markup = parse_reply_markup(params.json("reply_markup"), inline_only=True)
    return chat, message, markup.inline or ()


def _apply_edit(
    world: World, chat: TestChat, message: Message, changes: dict[str, Any], **source: Any
) -> dict[str, Any]:
    # Only what the user sees counts: the same text written with other tags is "not modified".
    if all(getattr(message, name) == value for name, value in changes.items()):
        raise bad_request(_NOT_MODIFIED)
    world.admit(chat)
    for name, value in {**changes, **source}.items():
        setattr(message, name, value)
    message.edit_count += 1
    message.edit_date = int(time.time())
    world.record_bot_event(message)
    return world.message_json(message)


async def edit_message_text(world: World, params: Params) -> dict[str, Any]:
    """editMessageText."""
    chat, message, buttons = _editable(world, params)
    if message.text is None:
        raise bad_request("there is no text in the message to edit")
    text, source = formatted(
        params, "text", "entities", limit=MAX_TEXT, too_long="message is too long"
    )
    if not text.text:
        raise bad_request("message text is empty")
    changes = {"text": text.text, "entities": text.entities, "buttons": buttons}
    return _apply_edit(world, chat, message, changes, html=source)


async def edit_message_caption(world: World, params: Params) -> dict[str, Any]:
    """editMessageCaption."""
    chat, message, buttons = _editable(world, params)
    if message.media is None:
        raise bad_request("there is no caption in the message to edit")
    caption, source = formatted(
        params,
        "caption",
        "caption_entities",
        limit=MAX_CAPTION,
        too_long="message caption is too long",
    )
    changes = {
        "caption": caption.text or None,
        "caption_entities": caption.entities,
        "buttons": buttons,
    }
    return _apply_edit(world, chat, message, changes, caption_html=source)


async def edit_message_reply_markup(world: World, params: Params) -> dict[str, Any]:
    """editMessageReplyMarkup."""
    chat, message, buttons = _editable(world, params)
    return _apply_edit(world, chat, message, {"buttons": buttons})


async def delete_message(world: World, params: Params) -> bool:
    """deleteMessage: the bot's own messages anywhere, users' messages in private chats."""
    chat = world.chat_for_bot(params, sending=False)
    message = require_message(world, chat, params, "message to delete not found")
    may_delete_others = chat.bot_status in ("administrator", "creator")
    if chat.is_group and not message.from_bot and not may_delete_others:
        raise bad_request("message can't be deleted")
    message.deleted = True
    return True


async def send_chat_action(world: World, params: Params) -> bool:
    """sendChatAction: remembered per chat, never rate limited."""
    chat = world.chat_for_bot(params)
    action = params.text("action")
    if action not in _CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    chat.actions.append(action)
    return True


async def answer_callback_query(world: World, params: Params) -> bool:
    """answerCallbackQuery: each query can be answered once."""
    query = world.queries.get(params.text("callback_query_id") or "")
    if query is None or query.answer is not None:
        raise bad_request(_QUERY_INVALID)
    text = params.text("text")
    if text is not None and utf16_length(text) > MAX_CALLBACK_ANSWER:
        raise bad_request("MESSAGE_TOO_LONG")
    url = params.text("url")
    # Telegram opens only a game's URL (games are not modelled) or t.me/<this bot>?start=...
    if url is not None and not opens_bot_with_payload(url, world.bot_username):
        raise bad_request("URL_INVALID")
    query.answer = CallbackAnswer(
        text=text,
        show_alert=params.boolean("show_alert"),
        url=url,
        cache_time=params.integer("cache_time") or 0,
    )
    return True


METHODS: dict[str, Handler] = {
    "sendMessage": send_message,
    "editMessageText": edit_message_text,
    "editMessageCaption": edit_message_caption,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "sendChatAction": send_chat_action,
    "answerCallbackQuery": answer_callback_query,
}
