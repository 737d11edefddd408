"""Reply markup as Telegram checks it: inline keyboards parsed into buttons, other keyboards kept."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.faketelegram.links import check_start_payloads
from bot.faketelegram.protocol import ApiError, bad_request

MAX_BUTTONS = 100
MAX_ROW_BUTTONS = 8
MAX_CALLBACK_DATA_BYTES = 64
_ACTIONS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_URL_SCHEMES = ("http", "https", "tg")


@dataclass(frozen=True)
class Button:
    """One inline keyboard button: its text, which action field it uses, and that field's value."""

    text: str
    row: int
    col: int
    action: str
    value: str

    @property
    def callback_data(self) -> str | None:
        """The data a press sends back to the bot, for callback buttons."""
        return self.value if self.action == "callback_data" else None

    @property
    def url(self) -> str | None:
        """The link a URL button opens."""
        return self.value if self.action == "url" else None

    def to_json(self) -> dict[str, Any]:
        """The button as it appears in a Message's reply_markup."""
        value: Any = (
            self.value if self.action in ("callback_data", "url") else json.loads(self.value)
        )
        return {"text": self.text, self.action: value}


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class ReplyMarkup:
    """A request's reply_markup: inline buttons (kept on the message) or another keyboard kind."""

    inline: Keyboard | None = None
    other: dict[str, Any] | None = None


def keyboard_json(keyboard: Keyboard) -> dict[str, Any]:
    """An inline keyboard in the shape of InlineKeyboardMarkup."""
    return {"inline_keyboard": [[button.to_json() for button in row] for row in keyboard]}


def parse_reply_markup(markup: Any, *, inline_only: bool = False) -> ReplyMarkup:
    """Validate a decoded reply_markup value; raises ApiError with Telegram's wording."""
    if markup is None:
        return ReplyMarkup()
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        return ReplyMarkup(inline=_parse_inline(markup["inline_keyboard"]))
    if inline_only:
        raise bad_request("inline keyboard expected")
    if any(kind in markup for kind in ("keyboard", "remove_keyboard", "force_reply")):
        return ReplyMarkup(other=markup)
    raise bad_request("can't parse reply keyboard markup JSON object")


def _parse_inline(rows: Any) -> Keyboard:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('can\'t parse inline keyboard: field "inline_keyboard" must be an Array')
    if sum(len(row) for row in rows) > MAX_BUTTONS:
        raise bad_request("reply markup is too long")
    for number, row in enumerate(rows, start=1):
        if len(row) > MAX_ROW_BUTTONS:
            raise bad_request(
                f"reply markup is too long: row {number} of the inline keyboard has {len(row)} "
                f"buttons, at most {MAX_ROW_BUTTONS} fit in a row"
            )
    return tuple(
        tuple(_parse_button(raw, row_number, col) for col, raw in enumerate(row))
        for row_number, row in enumerate(rows)
        if row
    )


def _parse_button(raw: Any, row: int, col: int) -> Button:
    if not isinstance(raw, dict):
        raise _button_error("Button must be an Object")
    text = raw.get("text")
    if not isinstance(text, str) or not text.strip():
        raise _button_error("Text must be non-empty")
    actions = [name for name in _ACTIONS if raw.get(name) is not None]
    if not actions:
        raise _button_error("Text buttons are unallowed in the inline keyboard")
    if len(actions) > 1:
        raise _button_error("exactly one of the optional fields must be used")
    action = actions[0]
    value = raw[action]
    if action == "callback_data":
        if not isinstance(value, str) or not 1 <= len(value.encode()) <= MAX_CALLBACK_DATA_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
        return Button(text, row, col, action, value)
    if action == "url":
        if not isinstance(value, str) or not _is_button_url(value):
            raise bad_request("BUTTON_URL_INVALID")
        check_start_payloads(value)
        return Button(text, row, col, action, value)
    return Button(text, row, col, action, json.dumps(value, sort_keys=True))


def _is_button_url(url: str) -> bool:
    scheme, separator, rest = url.partition("://")
    return bool(separator) and scheme.lower() in _URL_SCHEMES and bool(rest) and " " not in rest


def _button_error(detail: str) -> ApiError:
    return bad_request(f"can't parse inline keyboard button: {detail}")
