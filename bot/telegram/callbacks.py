"""The callback-data codec: who a button is for, which route it calls, and its arguments.

Telegram allows 1-64 bytes of callback data. A button whose data fits is encoded inline:
``i<owner base36>|<route>|<arg>|<arg>...`` with ``%``, ``|`` and control characters escaped
as ``%XX``. Anything longer is stored once in the ``callback_payloads`` table under a key
derived from its content and sent as ``r<key>``: re-rendering the same menu re-uses the same
row, and the reference still works after a restart. A row neither rendered nor pressed for
`KEEP_DAYS` is pruned (daily, by a job bot/app.py schedules); its button then says it no
longer works.

The owner is the Telegram user the button was made for, so that in a group another member's
press can be refused (`Callback.ensure_owner`). Telegram only accepts callback data that
belongs to a button of the message, so the data needs no signature.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.i18n import N_
from bot.storage.store import Store

MAX_BYTES = 64
_INLINE = "i"
_REFERENCE = "r"
_SEPARATOR = "|"
_KEY_LENGTH = 22  # 16 bytes of SHA-256, base64url without padding
_ROUTE = re.compile(r"[a-z][a-z0-9_.-]{0,31}")
_OWNER = re.compile(r"-?[0-9a-z]{1,13}")  # base36 of a 64-bit integer
_REFERENCE_KEY = re.compile(rf"[A-Za-z0-9_-]{{{_KEY_LENGTH}}}")
_NEEDS_ESCAPE = re.compile(r"[%|\x00-\x1f\x7f]")
_ESCAPED = re.compile(r"%([0-9A-F]{2})")
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
# used_at is only rewritten when older than this, so rendering a menu is not a write per button.
_TOUCH_AFTER_SECONDS = 3600
KEEP_DAYS = 30  # a stored button unused this long is pruned (see the module docstring)


class CallbackError(Exception):
    """A callback query whose data cannot be acted on; `user_message` is the text to show."""

    user_message: str = N_("This button no longer works. Please open the menu again.")


class InvalidCallback(CallbackError):
    """The data was not made by this codec (garbage, or another bot's format)."""


class StaleCallback(CallbackError):
    """The data refers to a stored payload that no longer exists (pruned or another database)."""


class NotYourButton(CallbackError):
    """A user pressed a button that was made for somebody else."""

    user_message = N_("This button belongs to someone else's menu.")


@dataclass(frozen=True)
class Callback:
    """A decoded button press: who it was made for, the route, and its arguments as text."""

    owner_id: int
    route: str
    args: tuple[str, ...]

    def ensure_owner(self, user_id: int) -> None:
        """Raise NotYourButton unless `user_id` is the user the button was made for."""
        if user_id != self.owner_id:
            raise NotYourButton(f"button for user {self.owner_id} pressed by user {user_id}")


class CallbackCodec:
    """Encodes and decodes callback data, storing long payloads in the Store's file."""

    def __init__(self, store: Store, *, clock: Callable[[], float] = time.time) -> None:
        self._store = store
        self._clock = clock

    def encode(self, owner_id: int, route: str, *args: str | int) -> str:
        """Callback data (at most 64 UTF-8 bytes) for a button of `owner_id` calling `route`."""
        texts = _validated(owner_id, route, args)
        data = _SEPARATOR.join([_INLINE + _to_base36(owner_id), route, *map(_escape, texts)])
        if len(data.encode("utf-8")) > MAX_BYTES:
            data = _REFERENCE + self._save(json.dumps([owner_id, route, texts], ensure_ascii=False))
        assert len(data.encode("utf-8")) <= MAX_BYTES, "callback data over Telegram's limit"
        return data

    def decode(self, data: str) -> Callback:
        """The Callback in `data`; raises InvalidCallback or StaleCallback."""
        if data.startswith(_INLINE):
            return _decode_inline(data)
        if data.startswith(_REFERENCE) and _REFERENCE_KEY.fullmatch(data[1:]):
            return _decode_payload(self._load(data[1:]))
        raise InvalidCallback(f"not callback data of this bot: {data[:MAX_BYTES]!r}")

    def prune(self, older_than_days: float) -> int:
        """Delete stored payloads unused for `older_than_days`; returns how many."""
        cutoff = int(self._clock() - older_than_days * 86400)
        return self._store.execute(
            "DELETE FROM callback_payloads WHERE used_at < ?", [cutoff]
        ).rowcount

    def _save(self, payload: str) -> str:
        digest = hashlib.sha256(payload.encode("utf-8")).digest()[:16]
        key = base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")
        now = int(self._clock())
        self._store.execute(
            "INSERT INTO callback_payloads (key, payload, used_at) VALUES (?, ?, ?) "
            "ON CONFLICT(key) DO UPDATE SET used_at = excluded.used_at "
            "WHERE used_at < excluded.used_at - ?",
            [key, payload, now, _TOUCH_AFTER_SECONDS],
        )
        return key

    def _load(self, key: str) -> str:
        rows = self._store.rows("SELECT payload FROM callback_payloads WHERE key = ?", [key])
        if not rows:
            raise StaleCallback(f"no stored callback payload {key!r}")
        now = int(self._clock())
        self._store.execute(
            "UPDATE callback_payloads SET used_at = ? WHERE key = ? AND used_at < ?",
            [now, key, now - _TOUCH_AFTER_SECONDS],
        )
        return str(rows[0]["payload"])


def _validated(owner_id: int, route: str, args: tuple[str | int, ...]) -> list[str]:
    # Programming errors, not user input: fail loudly where the button is built.
    if not isinstance(owner_id, int) or isinstance(owner_id, bool):
        raise TypeError(f"owner_id must be an int, not {type(owner_id).__name__}")
    if abs(owner_id) >= 2**63:
        raise ValueError("owner_id must fit in 64 bits, as Telegram ids do")
    if not _ROUTE.fullmatch(route):
        raise ValueError(f"route {route!r} must match {_ROUTE.pattern}")
    for arg in args:
        if isinstance(arg, bool) or not isinstance(arg, str | int):
            raise TypeError(f"callback arguments are str or int, not {type(arg).__name__}")
    return [str(arg) for arg in args]


def _decode_inline(data: str) -> Callback:
    owner, _, rest = data[1:].partition(_SEPARATOR)
    route, *escaped = rest.split(_SEPARATOR)
    if not _OWNER.fullmatch(owner) or not _ROUTE.fullmatch(route):
        raise InvalidCallback(f"not callback data of this bot: {data!r}")
    return Callback(int(owner, 36), route, tuple(_unescape(arg, data) for arg in escaped))


def _decode_payload(payload: str) -> Callback:
    try:
        owner, route, args = json.loads(payload)
    except ValueError as err:
        raise InvalidCallback("unreadable stored callback payload") from err
    if not isinstance(owner, int) or not isinstance(route, str) or not isinstance(args, list):
        raise InvalidCallback("unreadable stored callback payload")
    return Callback(owner, route, tuple(str(arg) for arg in args))


def _escape(arg: str) -> str:
    return _NEEDS_ESCAPE.sub(lambda match: f"%{ord(match.group()):02X}", arg)


def _unescape(arg: str, data: str) -> str:
    # Every "%" this codec writes starts an escape, so a stray one means foreign data.
    if arg.count("%") != len(_ESCAPED.findall(arg)):
        raise InvalidCallback(f"not callback data of this bot: {data!r}")
    return _ESCAPED.sub(lambda match: chr(int(match.group(1), 16)), arg)


def _to_base36(number: int) -> str:
    sign, number = ("-", -number) if number < 0 else ("", number)
    digits = ""
    while True:
        number, remainder = divmod(number, 36)
        digits = _DIGITS[remainder] + digits
        if number == 0:
            return sign + digits
