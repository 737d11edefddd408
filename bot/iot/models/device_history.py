"""Dataclasses for what a device did over time: property history and posted events."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.iot.models._fields import flag, integer, mapping, records, text

__all__ = ["EventHistoryItem", "EventPage", "HistoryPage", "HistoryPoint"]

# Timestamps above this are milliseconds, below it seconds (it is 2001-09-09 in milliseconds).
_MS_THRESHOLD = 10**12


@dataclass(frozen=True)
class HistoryPoint:
    """One recorded value of a property; the cloud sends values as text (``raw``)."""

    time_ms: int
    raw: str

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HistoryPoint:
        return cls(integer(data, "Time"), text(data, "Value"))

    @property
    def number(self) -> float | None:
        """The value as a number, or None when it is not one (a string property)."""
        try:
            return float(self.raw)
        except ValueError:
            return None


@dataclass(frozen=True)
class HistoryPage:
    """One page of AppGetDeviceDataHistory; ``context`` is the cursor for the next page."""

    field_name: str
    points: tuple[HistoryPoint, ...]
    context: str = ""
    listover: bool = False  # as sent; see DevicesApi.device_history for why it is not trusted

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HistoryPage:
        return cls(
            field_name=text(data, "FieldName"),
            points=tuple(HistoryPoint.from_dict(row) for row in records(data, "Results")),
            context=text(data, "Context"),
            listover=flag(data, "Listover"),
        )


@dataclass(frozen=True)
class EventHistoryItem:
    """An event a device posted: which, how serious (info/alert/fault), its params and when."""

    device_id: str
    event_id: str
    type: str
    timestamp: int  # Unix seconds
    params: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EventHistoryItem:
        product_id, device_name = text(data, "ProductId"), text(data, "DeviceName")
        stamp = integer(data, "TimeStamp", "Timestamp")
        return cls(
            device_id=f"{product_id}/{device_name}",
            event_id=text(data, "EventId"),
            type=text(data, "Type").lower(),
            timestamp=stamp // 1000 if stamp > _MS_THRESHOLD else stamp,
            params=mapping(data, "Data", "Params"),
        )


@dataclass(frozen=True)
class EventPage:
    """One page of AppListEventHistory; ``context`` is the cursor for the next page."""

    events: tuple[EventHistoryItem, ...]
    total: int = 0
    context: str = ""
    listover: bool = False

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EventPage:
        rows = records(data, "EventHistory")
        return cls(
            events=tuple(EventHistoryItem.from_dict(row) for row in rows),
            total=integer(data, "Total", default=len(rows)),
            context=text(data, "Context"),
            listover=flag(data, "Listover"),
        )
