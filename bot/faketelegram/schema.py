"""The Bot API's parameter and field names, and the check that a request uses only those.

The lists are those of Bot API 10.0, the version python-telegram-bot 22.8 speaks
(https://core.telegram.org/bots/api). Telegram silently ignores a parameter or an object field
it does not know; the fake refuses it with a 400 instead, so a misspelt name fails a test rather
than quietly doing nothing. The types say which names hold objects to look inside, and which
are Booleans: those must be true/false or 1/0 (natively in JSON, or as text).

A type is a scalar name (STRING, INTEGER, ...), the name of an object in OBJECTS, the name of a
union in UNIONS (an object whose kind one of its fields tells), or ListOf(type).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.faketelegram.protocol import Params, bad_request, not_boolean, parse_boolean

STRING, INTEGER, BOOLEAN = "String", "Integer", "Boolean"
CHAT_ID = "Integer or String"
FILE = "InputFile or String"


@dataclass(frozen=True)
class ListOf:
    """An array of `item`."""

    item: Type


Type = str | ListOf
Fields = Mapping[str, Type]

# -- objects --------------------------------------------------------------------------------

OBJECTS: dict[str, Fields] = {
    "InlineKeyboardMarkup": {"inline_keyboard": ListOf(ListOf("InlineKeyboardButton"))},
    "InlineKeyboardButton": {
        "text": STRING,
        "icon_custom_emoji_id": STRING,
        "style": STRING,
        "url": STRING,
        "callback_data": STRING,
        "web_app": "WebAppInfo",
        "login_url": "LoginUrl",
        "switch_inline_query": STRING,
        "switch_inline_query_current_chat": STRING,
        "switch_inline_query_chosen_chat": "SwitchInlineQueryChosenChat",
        "copy_text": "CopyTextButton",
        "callback_game": "CallbackGame",
        "pay": BOOLEAN,
    },
    "WebAppInfo": {"url": STRING},
    "LoginUrl": {
        "url": STRING,
        "forward_text": STRING,
        "bot_username": STRING,
        "request_write_access": BOOLEAN,
    },
    "SwitchInlineQueryChosenChat": {
        "query": STRING,
        "allow_user_chats": BOOLEAN,
        "allow_bot_chats": BOOLEAN,
        "allow_group_chats": BOOLEAN,
        "allow_channel_chats": BOOLEAN,
    },
    "CopyTextButton": {"text": STRING},
    "CallbackGame": {},
    "ReplyKeyboardMarkup": {
        "keyboard": ListOf(ListOf("KeyboardButton")),
        "is_persistent": BOOLEAN,
        "resize_keyboard": BOOLEAN,
        "one_time_keyboard": BOOLEAN,
        "input_field_placeholder": STRING,
        "selective": BOOLEAN,
    },
    "KeyboardButton": {
        "text": STRING,
        "icon_custom_emoji_id": STRING,
        "style": STRING,
        "request_users": "KeyboardButtonRequestUsers",
        "request_chat": "KeyboardButtonRequestChat",
        "request_managed_bot": "KeyboardButtonRequestManagedBot",
        "request_contact": BOOLEAN,
        "request_location": BOOLEAN,
        "request_poll": "KeyboardButtonPollType",
        "web_app": "WebAppInfo",
    },
    "KeyboardButtonRequestUsers": {
        "request_id": INTEGER,
        "user_is_bot": BOOLEAN,
        "user_is_premium": BOOLEAN,
        "max_quantity": INTEGER,
        "request_name": BOOLEAN,
        "request_username": BOOLEAN,
        "request_photo": BOOLEAN,
    },
    "KeyboardButtonRequestChat": {
        "request_id": INTEGER,
        "chat_is_channel": BOOLEAN,
        "chat_is_forum": BOOLEAN,
        "chat_has_username": BOOLEAN,
        "chat_is_created": BOOLEAN,
        "user_administrator_rights": "ChatAdministratorRights",
        "bot_administrator_rights": "ChatAdministratorRights",
        "bot_is_member": BOOLEAN,
        "request_title": BOOLEAN,
        "request_username": BOOLEAN,
        "request_photo": BOOLEAN,
    },
    "KeyboardButtonRequestManagedBot": {
        "request_id": INTEGER,
        "suggested_name": STRING,
        "suggested_username": STRING,
    },
    "KeyboardButtonPollType": {"type": STRING},
    "ChatAdministratorRights": dict.fromkeys(
        (
            "is_anonymous",
            "can_manage_chat",
            "can_delete_messages",
            "can_manage_video_chats",
            "can_restrict_members",
            "can_promote_members",
            "can_change_info",
            "can_invite_users",
            "can_post_stories",
            "can_edit_stories",
            "can_delete_stories",
            "can_post_messages",
            "can_edit_messages",
            "can_pin_messages",
            "can_manage_topics",
            "can_manage_direct_messages",
            "can_manage_tags",
        ),
        BOOLEAN,
    ),
    "ReplyKeyboardRemove": {"remove_keyboard": BOOLEAN, "selective": BOOLEAN},
    "ForceReply": {
        "force_reply": BOOLEAN,
        "input_field_placeholder": STRING,
        "selective": BOOLEAN,
    },
    "LinkPreviewOptions": {
        "is_disabled": BOOLEAN,
        "url": STRING,
        "prefer_small_media": BOOLEAN,
        "prefer_large_media": BOOLEAN,
        "show_above_text": BOOLEAN,
    },
    "ReplyParameters": {
        "message_id": INTEGER,
        "chat_id": CHAT_ID,
        "allow_sending_without_reply": BOOLEAN,
        "quote": STRING,
        "quote_parse_mode": STRING,
        "quote_entities": ListOf("MessageEntity"),
        "quote_position": INTEGER,
        "checklist_task_id": INTEGER,
        "poll_option_id": STRING,
    },
    "MessageEntity": {
        "type": STRING,
        "offset": INTEGER,
        "length": INTEGER,
        "url": STRING,
        "user": "User",
        "language": STRING,
        "custom_emoji_id": STRING,
        "unix_time": INTEGER,
        "date_time_format": STRING,
    },
    "User": {
        "id": INTEGER,
        "is_bot": BOOLEAN,
        "first_name": STRING,
        "last_name": STRING,
        "username": STRING,
        "language_code": STRING,
        "is_premium": BOOLEAN,
        "added_to_attachment_menu": BOOLEAN,
        "can_join_groups": BOOLEAN,
        "can_read_all_group_messages": BOOLEAN,
        "supports_inline_queries": BOOLEAN,
        "can_connect_to_business": BOOLEAN,
        "has_main_web_app": BOOLEAN,
        "has_topics_enabled": BOOLEAN,
        "allows_users_to_create_topics": BOOLEAN,
        "can_manage_bots": BOOLEAN,
        "supports_guest_queries": BOOLEAN,
    },
    "SuggestedPostParameters": {"price": "SuggestedPostPrice", "send_date": INTEGER},
    "SuggestedPostPrice": {"currency": STRING, "amount": INTEGER},
    "BotCommand": {"command": STRING, "description": STRING},
    "BotCommandScopeDefault": {"type": STRING},
    "BotCommandScopeAllPrivateChats": {"type": STRING},
    "BotCommandScopeAllGroupChats": {"type": STRING},
    "BotCommandScopeAllChatAdministrators": {"type": STRING},
    "BotCommandScopeChat": {"type": STRING, "chat_id": CHAT_ID},
    "BotCommandScopeChatAdministrators": {"type": STRING, "chat_id": CHAT_ID},
    "BotCommandScopeChatMember": {"type": STRING, "chat_id": CHAT_ID, "user_id": INTEGER},
    "MenuButtonCommands": {"type": STRING},
    "MenuButtonWebApp": {"type": STRING, "text": STRING, "web_app": "WebAppInfo"},
    "MenuButtonDefault": {"type": STRING},
}


def _by_key(kinds: Mapping[str, str]) -> Callable[[Mapping[str, Any]], str | None]:
    """A union told apart by which of its fields is present."""
    return lambda value: next((kinds[key] for key in kinds if key in value), None)


def _by_type(kinds: Mapping[str, str]) -> Callable[[Mapping[str, Any]], str | None]:
    """A union told apart by its "type" field."""
    return lambda value: kinds.get(value["type"]) if isinstance(value.get("type"), str) else None


# Which object a union value is; None leaves an unknown kind to the method, which refuses it.
UNIONS: dict[str, Callable[[Mapping[str, Any]], str | None]] = {
    "ReplyMarkup": _by_key(
        {
            "inline_keyboard": "InlineKeyboardMarkup",
            "keyboard": "ReplyKeyboardMarkup",
            "remove_keyboard": "ReplyKeyboardRemove",
            "force_reply": "ForceReply",
        }
    ),
    "BotCommandScope": _by_type(
        {
            "default": "BotCommandScopeDefault",
            "all_private_chats": "BotCommandScopeAllPrivateChats",
            "all_group_chats": "BotCommandScopeAllGroupChats",
            "all_chat_administrators": "BotCommandScopeAllChatAdministrators",
            "chat": "BotCommandScopeChat",
            "chat_administrators": "BotCommandScopeChatAdministrators",
            "chat_member": "BotCommandScopeChatMember",
        }
    ),
    "MenuButton": _by_type(
        {
            "commands": "MenuButtonCommands",
            "web_app": "MenuButtonWebApp",
            "default": "MenuButtonDefault",
        }
    ),
}

# -- methods --------------------------------------------------------------------------------

_SENDING: Fields = {
    "business_connection_id": STRING,
    "chat_id": CHAT_ID,
    "message_thread_id": INTEGER,
    "direct_messages_topic_id": INTEGER,
    "disable_notification": BOOLEAN,
    "protect_content": BOOLEAN,
    "allow_paid_broadcast": BOOLEAN,
    "message_effect_id": STRING,
    "suggested_post_parameters": "SuggestedPostParameters",
    "reply_parameters": "ReplyParameters",
    "reply_markup": "ReplyMarkup",
    # Gone from the documentation since Bot API 7.0 (reply_parameters took their place), still
    # honoured by the server; python-telegram-bot turns them into reply_parameters.
    "reply_to_message_id": INTEGER,
    "allow_sending_without_reply": BOOLEAN,
}
_CAPTION: Fields = {
    "caption": STRING,
    "parse_mode": STRING,
    "caption_entities": ListOf("MessageEntity"),
}
_EDITING: Fields = {
    "business_connection_id": STRING,
    "chat_id": CHAT_ID,
    "message_id": INTEGER,
    "inline_message_id": STRING,
    "reply_markup": "InlineKeyboardMarkup",
}
# python-telegram-bot sends every message-making and editing method through Bot._send_message,
# which adds these three whenever tg.ext.Defaults sets them (the bot's parse_mode=HTML reaches
# editMessageReplyMarkup this way); Telegram ignores them where they do not apply.
_PTB_DEFAULTS: Fields = {
    "parse_mode": STRING,
    "disable_notification": BOOLEAN,
    "protect_content": BOOLEAN,
}
_SCOPE: Fields = {"scope": "BotCommandScope", "language_code": STRING}

METHODS: dict[str, Fields] = {
    "getUpdates": {
        "offset": INTEGER,
        "limit": INTEGER,
        "timeout": INTEGER,
        "allowed_updates": ListOf(STRING),
    },
    "setWebhook": {
        "url": STRING,
        "certificate": FILE,
        "ip_address": STRING,
        "max_connections": INTEGER,
        "allowed_updates": ListOf(STRING),
        "drop_pending_updates": BOOLEAN,
        "secret_token": STRING,
    },
    "deleteWebhook": {"drop_pending_updates": BOOLEAN},
    "getWebhookInfo": {},
    "sendMessage": {
        **_SENDING,
        "text": STRING,
        "parse_mode": STRING,
        "entities": ListOf("MessageEntity"),
        "link_preview_options": "LinkPreviewOptions",
        "disable_web_page_preview": BOOLEAN,  # before link_preview_options (Bot API 7.0)
    },
    "sendPhoto": {
        **_SENDING,
        **_CAPTION,
        "photo": FILE,
        "show_caption_above_media": BOOLEAN,
        "has_spoiler": BOOLEAN,
    },
    "sendAudio": {
        **_SENDING,
        **_CAPTION,
        "audio": FILE,
        "duration": INTEGER,
        "performer": STRING,
        "title": STRING,
        "thumbnail": FILE,
    },
    "sendDocument": {
        **_SENDING,
        **_CAPTION,
        "document": FILE,
        "thumbnail": FILE,
        "disable_content_type_detection": BOOLEAN,
    },
    "editMessageText": {
        **_PTB_DEFAULTS,
        **_EDITING,
        "text": STRING,
        "entities": ListOf("MessageEntity"),
        "link_preview_options": "LinkPreviewOptions",
        "disable_web_page_preview": BOOLEAN,
    },
    "editMessageCaption": {
        **_PTB_DEFAULTS,
        **_EDITING,
        **_CAPTION,
        "show_caption_above_media": BOOLEAN,
    },
    "editMessageReplyMarkup": {**_PTB_DEFAULTS, **_EDITING},
    "deleteMessage": {"chat_id": CHAT_ID, "message_id": INTEGER},
    "sendChatAction": {
        "business_connection_id": STRING,
        "chat_id": CHAT_ID,
        "message_thread_id": INTEGER,
        "action": STRING,
    },
    "answerCallbackQuery": {
        "callback_query_id": STRING,
        "text": STRING,
        "show_alert": BOOLEAN,
        "url": STRING,
        "cache_time": INTEGER,
    },
    "getFile": {"file_id": STRING},
    "getMe": {},
    "setMyCommands": {"commands": ListOf("BotCommand"), **_SCOPE},
    "getMyCommands": _SCOPE,
    "deleteMyCommands": _SCOPE,
    "setChatMenuButton": {"chat_id": INTEGER, "menu_button": "MenuButton"},
    "getChatMenuButton": {"chat_id": INTEGER},
    "getChat": {"chat_id": CHAT_ID},
    "getChatMember": {"chat_id": CHAT_ID, "user_id": INTEGER},
    "logOut": {},
    "close": {},
}

_IGNORED = "Telegram would silently ignore it"


def check_request(method: str, params: Params) -> None:
    """Refuse a request that names a parameter, or a field of an object, the method lacks."""
    known = METHODS[method]
    for name in params.names():
        if name not in known and not params.attached(name):
            raise bad_request(f'unknown parameter "{name}" of {method} ({_IGNORED})')
    for name, kind in known.items():
        if not params.has(name):
            continue
        if kind == BOOLEAN:
            params.boolean(name)  # refuses what is not a Boolean
        elif _is_structured(kind):
            _check_value(params.json(name), kind, name)


def _is_structured(kind: Type) -> bool:
    return isinstance(kind, ListOf) or kind in OBJECTS or kind in UNIONS


def _check_value(value: Any, kind: Type, where: str) -> None:
    """Check the field names inside a decoded value; values of the wrong shape are left to the
    method, which refuses them in Telegram's words."""
    if isinstance(kind, ListOf):
        if isinstance(value, list):
            for index, item in enumerate(value):
                _check_value(item, kind.item, f"{where}[{index}]")
        return
    if not isinstance(value, dict):
        return
    name: str | None = kind
    if kind in UNIONS:
        name = UNIONS[kind](value)
    if name is None or name not in OBJECTS:
        return
    fields = OBJECTS[name]
    for field_name, field_value in value.items():
        if field_name not in fields:
            raise bad_request(f'unknown field "{field_name}" in {where} ({name}; {_IGNORED})')
        field_kind = fields[field_name]
        if field_kind == BOOLEAN and parse_boolean(field_value) is None:
            raise bad_request(f'field "{field_name}" in {where} {not_boolean(field_value)}')
        if _is_structured(field_kind):
            _check_value(field_value, field_kind, f"{where}.{field_name}")
