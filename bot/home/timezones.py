"""Time zones: a stored zone name as a tzinfo, the same way everywhere.

A user's zone is chosen with /timezone (checked then) or is the bot's default
(BOT_DEFAULT_TIMEZONE, checked at start-up). A name that no longer resolves (tzdata lost it, a
hand-edited database) falls back to UTC, logged, wherever it is read: lists, cards, alerts and
timers all agree on the hour they show.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

if TYPE_CHECKING:
    from bot.storage.store import Store

log = logging.getLogger(__name__)

FALLBACK = ZoneInfo("UTC")


@lru_cache(maxsize=256)
def zone(name: str) -> ZoneInfo:
    """The zone called ``name``; UTC when there is no such zone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("unknown timezone %r; using UTC", name)
        return FALLBACK


def user_zone(store: Store, user_id: int) -> ZoneInfo:
    """The zone of a Telegram user, from their settings (``.key`` is its name)."""
    return zone(store.get_settings(user_id).timezone)
