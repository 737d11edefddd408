"""Which device a typed name means: exact names first, then parts of names, then near misses."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence

from bot.home.cards import DeviceMatch
from bot.iot.models.devices import Device

MAX_NAME_LENGTH = 64  # longer text is a sentence, not a device name
MAX_WORDS = 6
MIN_PART_LENGTH = 3  # "li" is part of too many names to mean one
CLOSE_ENOUGH = 0.72  # difflib ratio from which a typo'd name still counts
CLEAR_LEAD = 0.08  # how far the best guess must lead the next to be taken alone
MAX_CANDIDATES = 6


def fold(text: str) -> str:
    """``text`` made comparable: width-folded, lower-cased, one space between words."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def looks_like_a_name(text: str) -> bool:
    """Whether a message could be a device name (short, one line, not a command)."""
    stripped = text.strip()
    if not stripped or stripped.startswith("/") or "\n" in stripped:
        return False
    if len(stripped) > MAX_NAME_LENGTH or len(stripped.split()) > MAX_WORDS:
        return False
    return bool(re.search(r"\w", stripped))


def match_devices(text: str, devices: Sequence[Device]) -> list[DeviceMatch]:
    """The devices ``text`` may name, best first: one sure match, several, or none."""
    wanted = fold(text)
    if not wanted:
        return []
    named = [(fold(d.name), d) for d in devices]
    exact = [DeviceMatch(d, 1.0) for name, d in named if name == wanted]
    if exact:
        return exact[:MAX_CANDIDATES]
    if len(wanted) >= MIN_PART_LENGTH:
        parts = [DeviceMatch(d, 0.9) for name, d in named if _has_words(name, wanted)]
        if parts:
            return parts[:MAX_CANDIDATES]
    scored = sorted(
        (DeviceMatch(d, _similarity(wanted, name)) for name, d in named),
        key=lambda m: m.score,
        reverse=True,
    )
    close = [m for m in scored if m.score >= CLOSE_ENOUGH]
    if len(close) > 1 and close[0].score - close[1].score >= CLEAR_LEAD:
        return close[:1]
    return close[:MAX_CANDIDATES]


def _has_words(name: str, wanted: str) -> bool:
    """``wanted`` appears in ``name`` starting at a word ("light" in "living room light")."""
    return re.search(r"(?:^|\W)" + re.escape(wanted), name) is not None


def _similarity(wanted: str, name: str) -> float:
    """How alike two folded names are; a typo in a longer name's beginning still scores well."""
    whole = difflib.SequenceMatcher(None, wanted, name).ratio()
    start = difflib.SequenceMatcher(None, wanted, name[: len(wanted) + 2]).ratio()
    # The start alone counts a little less, so "lamp" is not as sure as a full-name match.
    return max(whole, start * 0.95 if len(wanted) >= MIN_PART_LENGTH + 2 else 0.0)
