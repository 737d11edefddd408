"""Bot API methods about the bot and its chats: getMe, commands, menu button, getChat, members."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.faketelegram.protocol import Params, bad_request
from bot.faketelegram.world import Handler, World

MAX_COMMANDS = 100
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_LANGUAGE = re.compile(r"[a-z]{2}")
_SCOPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
_MENU_BUTTONS = frozenset({"commands", "web_app", "default"})
_ADMIN_RIGHTS = (
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
)

# Commands are stored per (scope type, chat_id, user_id, language_code).
CommandKey = tuple[str, int, int, str]


def command_key(scope: Mapping[str, Any] | str | None, language_code: str | None) -> CommandKey:
    """The storage key of a BotCommandScope (a dict, a scope type name, or None for default)."""
    if scope is None or isinstance(scope, str):
        scope = {"type": scope or "default"}
    scope_type = scope.get("type")
    if scope_type not in _SCOPES:
        raise bad_request("unsupported bot command scope type")
    chat_id, user_id = scope.get("chat_id", 0), scope.get("user_id", 0)
    if not isinstance(chat_id, int) or not isinstance(user_id, int):
        raise bad_request("chat not found")
    return (str(scope_type), chat_id, user_id, language_code or "")


def _key_from(world: World, params: Params) -> CommandKey:
    language = params.text("language_code") or ""
    if language and not _LANGUAGE.fullmatch(language):
        raise bad_request("invalid language code specified")
    key = command_key(params.json("scope"), language)
    if key[1] and key[1] not in world.chats:
        raise bad_request("chat not found")
    return key


async def get_me(world: World, params: Params) -> dict[str, Any]:
    """getMe."""
    return {
        **world.bot_json(),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


async def set_my_commands(world: World, params: Params) -> bool:
    """setMyCommands: an empty list deletes the scope's commands."""
    commands = params.json("commands")
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON array")
    if len(commands) > MAX_COMMANDS:
        raise bad_request("too many commands")
    parsed: list[tuple[str, str]] = []
    for command in commands:
        name = command.get("command") if isinstance(command, dict) else None
        description = command.get("description") if isinstance(command, dict) else None
        if not isinstance(name, str) or not _COMMAND.fullmatch(name):
            raise bad_request("BOT_COMMAND_INVALID")
        if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        parsed.append((name, description))
    key = _key_from(world, params)
    if parsed:
        world.commands[key] = parsed
    else:
        world.commands.pop(key, None)
    return True


async def get_my_commands(world: World, params: Params) -> list[dict[str, str]]:
    """getMyCommands: exactly the given scope and language, as Telegram answers."""
    commands = world.commands.get(_key_from(world, params), [])
    return [{"command": name, "description": text} for name, text in commands]


async def delete_my_commands(world: World, params: Params) -> bool:
    """deleteMyCommands."""
    world.commands.pop(_key_from(world, params), None)
    return True


async def set_chat_menu_button(world: World, params: Params) -> bool:
    """setChatMenuButton: for one private chat, or the default without chat_id."""
    button = params.json("menu_button") or {"type": "default"}
    if not isinstance(button, dict) or button.get("type") not in _MENU_BUTTONS:
        raise bad_request("unsupported menu button type")
    if params.has("chat_id"):
        world.chat_for_bot(params, sending=False).menu_button = button
    else:
        world.default_menu_button = button
    return True


async def get_chat_menu_button(world: World, params: Params) -> dict[str, Any]:
    """getChatMenuButton."""
    chosen = world.default_menu_button
    if params.has("chat_id"):
        chosen = world.chat_for_bot(params, sending=False).menu_button or chosen
    if chosen is None or chosen.get("type") == "default":
        return {"type": "commands"}
    return chosen


async def get_chat(world: World, params: Params) -> dict[str, Any]:
    """getChat, in ChatFullInfo's shape."""
    chat = world.chat_for_bot(params, sending=False)
    gifts = ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription")
    return {
        **chat.to_json(),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {**dict.fromkeys(gifts, False), "gifts_from_channels": False},
    }


def _member_json(user: dict[str, Any], status: str) -> dict[str, Any]:
    member: dict[str, Any] = {"status": status, "user": user}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update({"can_be_edited": False, "is_anonymous": False})
        member.update(dict.fromkeys(_ADMIN_RIGHTS, True))
    return member


async def get_chat_member(world: World, params: Params) -> dict[str, Any]:
    """getChatMember: enough for an admin check."""
    chat = world.chat_for_bot(params, sending=False)
    user_id = params.integer("user_id")
    if user_id == world.bot_id:
        return _member_json(world.bot_json(), chat.bot_status)
    user = world.users.get(user_id) if user_id is not None else None
    if user is None:
        raise bad_request("user not found")
    if chat.user is not None:
        status = "member" if chat.user is user else "left"
    else:
        status = chat.members.get(user.id, "left")
    return _member_json(user.to_json(), status)


async def log_out(world: World, params: Params) -> bool:
    """logOut and close: accepted, nothing else changes."""
    return True


METHODS: dict[str, Handler] = {
    "getMe": get_me,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "setChatMenuButton": set_chat_menu_button,
    "getChatMenuButton": get_chat_menu_button,
    "getChat": get_chat,
    "getChatMember": get_chat_member,
    "logOut": log_out,
    "close": log_out,
}
