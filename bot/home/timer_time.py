"""Timer times between the user's timezone and the cloud's (TIMER_TIMEZONE), days rotated across midnight.

IoT Explorer reads a timer's TimePoint and Days in China time (UTC+8, no daylight saving). A
user types a time in their own zone; we convert it with their UTC offset on the day they set
it. A repeating timer then keeps that China time: after a daylight-saving change in the user's
zone it runs an hour earlier or later in their local time, and the lists show the local
equivalent as it is now so the shift is visible. (Re-saving it takes the new offset.) When the
conversion crosses midnight, the Days string is rotated by the day it moved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo

from bot.iot.models.timers import NO_DAYS, TIMER_TIMEZONE

_CLOCK = re.compile(r"\s*(\d{1,2})\s*[:.：h]\s*(\d{2})\s*")
_HOURS_ONLY = re.compile(r"\s*(\d{1,2})\s*")


@dataclass(frozen=True)
class Schedule:
    """A time of day and the days it applies to (seven 0/1, Sunday first), in one zone."""

    time_point: str  # "HH:MM"
    days: str


def parse_clock(text: str) -> str | None:
    """ "7:30", "07.30", "19h05" or "7" as "HH:MM"; None when it is not a time of day."""
    match = _CLOCK.fullmatch(text) or _HOURS_ONLY.fullmatch(text)
    if match is None:
        return None
    hours = int(match.group(1))
    minutes = int(match.group(2)) if match.lastindex == 2 else 0
    if hours > 23 or minutes > 59:
        return None
    return f"{hours:02d}:{minutes:02d}"


def rotate_days(days: str, shift: int) -> str:
    """``days`` with every day moved ``shift`` days later (Saturday +1 is Sunday)."""
    shift %= 7
    return days[-shift:] + days[:-shift] if shift else days


def _moved(time_point: str, days: str, source: tzinfo, target: tzinfo, on: date) -> Schedule:
    hours, minutes = (int(part) for part in time_point.split(":"))
    start = datetime.combine(on, time(hours, minutes), source)
    moved = start.astimezone(target)
    return Schedule(moved.strftime("%H:%M"), rotate_days(days, (moved.date() - on).days))


def to_cloud(time_point: str, days: str, user_zone: tzinfo, now: datetime) -> Schedule:
    """What the user means by ``time_point`` on ``days`` in their zone, in TIMER_TIMEZONE."""
    today = now.astimezone(user_zone).date()
    return _moved(time_point, days, user_zone, TIMER_TIMEZONE, today)


def to_local(time_point: str, days: str, user_zone: tzinfo, now: datetime) -> Schedule:
    """A timer's cloud ``time_point`` and ``days`` as they fall in the user's zone now."""
    today = now.astimezone(TIMER_TIMEZONE).date()
    return _moved(time_point, days, TIMER_TIMEZONE, user_zone, today)


def same_clock(user_zone: tzinfo, now: datetime) -> bool:
    """Whether the user's clock shows China time right now (same UTC offset)."""
    return now.astimezone(user_zone).utcoffset() == now.astimezone(TIMER_TIMEZONE).utcoffset()


def utc_offset(tz: tzinfo, now: datetime) -> str:
    """ "UTC+8", "UTC-4", "UTC+5:30" for ``tz`` at ``now``."""
    offset = now.astimezone(tz).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def is_once(days: str, repeat: bool) -> bool:
    """A one-off the cloud runs the next time its TimePoint comes round."""
    return not repeat and days == NO_DAYS
