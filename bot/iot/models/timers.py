"""Dataclasses for device timers, and the cloud's conventions for their days and times."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.iot.models._fields import flag, integer, mapping, text

__all__ = [
    "EVERY_DAY",
    "NO_DAYS",
    "TIMER_TIMEZONE",
    "WORKDAYS",
    "Timer",
    "days_from_weekdays",
    "weekdays_of",
]


def _china_time() -> tzinfo:
    # China has kept UTC+8 without daylight saving since 1991, so a fixed offset is exact when
    # the system has no tz database.
    try:
        return ZoneInfo("Asia/Shanghai")
    except ZoneInfoNotFoundError:
        return timezone(timedelta(hours=8), "Asia/Shanghai")


# IoT Explorer (China) reads every TimePoint in this zone, whatever the user's own zone is.
TIMER_TIMEZONE: tzinfo = _china_time()

EVERY_DAY = "1111111"
WORKDAYS = "0111110"  # Monday to Friday; Days starts on Sunday
NO_DAYS = "0000000"  # with Repeat 0: the next time the TimePoint comes round, once


def days_from_weekdays(weekdays: Iterable[int]) -> str:
    """The ``Days`` string (Sunday first) for Python weekday numbers (Monday 0 .. Sunday 6)."""
    chosen = {day % 7 for day in weekdays}
    return "".join("1" if (index - 1) % 7 in chosen else "0" for index in range(7))


def weekdays_of(days: str) -> frozenset[int]:
    """The Python weekday numbers (Monday 0 .. Sunday 6) a ``Days`` string switches on."""
    return frozenset((index - 1) % 7 for index, bit in enumerate(days[:7]) if bit == "1")


@dataclass(frozen=True)
class Timer:
    """A timer of one device: at ``time_point`` on ``days`` the cloud sends ``data`` to it."""

    timer_id: str
    product_id: str
    device_name: str
    name: str
    days: str  # seven 0/1 characters, Sunday first
    time_point: str  # "HH:MM" in TIMER_TIMEZONE
    repeat: bool  # False: switches itself off after it fired once
    data: dict[str, Any] = field(default_factory=dict, hash=False)  # {property id: value}
    enabled: bool = True
    created: int = 0  # Unix seconds
    updated: int = 0

    @property
    def device_id(self) -> str:
        return f"{self.product_id}/{self.device_name}"

    @property
    def weekdays(self) -> frozenset[int]:
        """The Python weekday numbers (Monday 0) it runs on; empty for a one-off on the next day."""
        return weekdays_of(self.days)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Timer:
        return cls(
            timer_id=text(data, "TimerId"),
            product_id=text(data, "ProductId"),
            device_name=text(data, "DeviceName"),
            name=text(data, "TimerName"),
            days=text(data, "Days", default=NO_DAYS),
            time_point=_padded(text(data, "TimePoint")),
            repeat=flag(data, "Repeat"),
            data=mapping(data, "Data"),
            # The reference types Status as a String ("0"/"1"); its example sends a number.
            enabled=flag(data, "Status", default=True),
            created=integer(data, "CreateTime"),
            updated=integer(data, "UpdateTime"),
        )


def _padded(time_point: str) -> str:
    """ "9:30" as "09:30" (the reference's own examples write both)."""
    hours, sep, minutes = time_point.strip().partition(":")
    if sep and hours.isdigit() and len(hours) == 1:
        return f"0{hours}:{minutes}"
    return time_point.strip()
