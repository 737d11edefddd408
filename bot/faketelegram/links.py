"""t.me links: which bot they open, and whether the /start payload they carry would arrive.

A link like https://t.me/<bot>?start=<payload> (or ?startgroup= for a group) makes the user's
client send "/start <payload>" to the bot, but only when the payload is 1-64 characters of
A-Z, a-z, 0-9, _ and -; any other payload the client silently drops. The fake refuses a
message or button carrying such a link, so a bot's broken deep link fails a test.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from bot.faketelegram.protocol import bad_request

START_PARAMETERS = ("start", "startgroup")
_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")
_HOSTS = frozenset({"t.me", "telegram.me", "www.t.me", "www.telegram.me"})
# A t.me link written out in a text; Telegram leaves closing punctuation out of the link.
_IN_TEXT = re.compile(r"(?<![\w./])(?:https?://)?(?:www\.)?(?:t|telegram)\.me/\S+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}>'\"»”"


@dataclass(frozen=True)
class TmeLink:
    """A t.me link: the username it opens and its query parameters."""

    username: str
    query: Mapping[str, list[str]]


def tme_link(url: str) -> TmeLink | None:
    """The t.me link `url` is (with or without its https://), or None for any other URL."""
    parts = urlsplit(url if "://" in url else f"https://{url}")
    if parts.scheme.lower() not in ("http", "https") or (parts.hostname or "") not in _HOSTS:
        return None
    username = parts.path.strip("/").split("/", 1)[0]
    return TmeLink(username, parse_qs(parts.query, keep_blank_values=True))


def check_start_payloads(url: str) -> None:
    """Refuse a t.me link whose start or startgroup payload a client would drop."""
    link = tme_link(url)
    if link is None:
        return
    if link.username == "share":  # t.me/share/url?url=...: the link the user will send on
        for shared in link.query.get("url", []):
            check_start_payloads(shared)
    for name in START_PARAMETERS:
        for payload in link.query.get(name, []):
            if not _PAYLOAD.fullmatch(payload):
                raise bad_request(
                    f'{name} parameter "{payload}" of t.me link "{url}" is not 1-64 characters '
                    "of A-Z, a-z, 0-9, _ and - (a Telegram client would silently drop it)"
                )


def check_links_in_text(text: str, entities: Iterable[Mapping[str, Any]]) -> None:
    """Check the t.me links written in a text and those behind its text_link entities."""
    for match in _IN_TEXT.finditer(text):
        check_start_payloads(match.group().rstrip(_TRAILING))
    for entity in entities:
        if entity.get("type") == "text_link" and isinstance(entity.get("url"), str):
            check_start_payloads(entity["url"])


def opens_bot_with_payload(url: str, bot_username: str) -> bool:
    """Whether `url` is t.me/<bot_username>?start=<a payload that arrives>."""
    link = tme_link(url)
    if link is None or link.username.lower() != bot_username.lower():
        return False
    payloads = link.query.get("start", [])
    return len(payloads) == 1 and _PAYLOAD.fullmatch(payloads[0]) is not None
