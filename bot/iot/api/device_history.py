"""Typed app-API methods: a device's property history and event history, cursor by cursor."""

from __future__ import annotations

from bot.iot.api.base import ApiMixin
from bot.iot.models.device_history import EventHistoryItem, EventPage, HistoryPage, HistoryPoint
from bot.iot.replies import data_of

HISTORY_PAGE = 100  # points per AppGetDeviceDataHistory page
EVENT_PAGE = 50  # events per AppListEventHistory page
EVENT_TYPES = ("", "info", "alert", "fault")


def device_params(device_id: str) -> dict[str, str]:
    """ProductId and DeviceName of a DeviceId ("PRODUCTID/name")."""
    product_id, slash, device_name = device_id.partition("/")
    if not (product_id and slash and device_name):
        raise ValueError(f"not a DeviceId (ProductId/DeviceName): {device_id!r}")
    return {"ProductId": product_id, "DeviceName": device_name}


class DeviceHistoryApi(ApiMixin):
    """What a device reported over time.

    Both actions page with an opaque ``Context`` cursor and a ``Listover`` flag whose meaning the
    reference gives both ways (data history: true = more to read; events: true = finished; the
    cloud's own DescribeDeviceDataHistory: true = finished). So the flag is not trusted: a cursor
    is followed while the cloud hands out a new one and the page was not empty.
    """

    async def device_history_page(
        self,
        token: str,
        device_id: str,
        prop: str,
        start_ms: int,
        end_ms: int,
        *,
        limit: int = HISTORY_PAGE,
        context: str = "",
    ) -> HistoryPage:
        """AppGetDeviceDataHistory: one page of a property's values between two instants (ms)."""
        params: dict[str, object] = {
            **device_params(device_id),
            "FieldName": prop,
            "MinTime": int(start_ms),
            "MaxTime": int(end_ms),
            "Limit": max(1, limit),
        }
        if context:
            params["Context"] = context
        reply = await self.call("AppGetDeviceDataHistory", params, token=token, read=True)
        return HistoryPage.from_dict(data_of(reply))

    async def device_history(
        self,
        token: str,
        device_id: str,
        prop: str,
        start_ms: int,
        end_ms: int,
        *,
        max_points: int = 50_000,
    ) -> list[HistoryPoint]:
        """Every recorded value of ``prop`` between two instants (ms), oldest first."""
        points: list[HistoryPoint] = []
        context = ""
        used: set[str] = set()
        while len(points) < max_points:
            page = await self.device_history_page(
                token, device_id, prop, start_ms, end_ms, context=context
            )
            points += page.points
            if not page.points or not page.context or page.context in used:
                break
            used.add(page.context)
            context = page.context
        points.sort(key=lambda point: point.time_ms)
        return points[:max_points]

    async def event_history_page(
        self,
        token: str,
        device_id: str,
        *,
        start: int = 0,
        end: int = 0,
        event_type: str = "",
        event_id: str = "",
        size: int = EVENT_PAGE,
        context: str = "",
    ) -> EventPage:
        """AppListEventHistory: one page of events, newest first (times in Unix seconds)."""
        if event_type not in EVENT_TYPES:
            raise ValueError(f"event_type must be one of {EVENT_TYPES}, not {event_type!r}")
        params: dict[str, object] = {
            **device_params(device_id),
            "StartTime": int(start),
            "EndTime": int(end),
            "Size": max(1, size),
        }
        if event_type:
            params["Type"] = event_type
        if event_id:
            params["EventId"] = event_id
        if context:
            params["Context"] = context
        reply = await self.call("AppListEventHistory", params, token=token, read=True)
        return EventPage.from_dict(data_of(reply))

    async def event_history(
        self,
        token: str,
        device_id: str,
        *,
        start: int = 0,
        end: int = 0,
        event_type: str = "",
        event_id: str = "",
        max_items: int = 200,
    ) -> list[EventHistoryItem]:
        """Up to ``max_items`` events of the device, newest first, following the cursor."""
        events: list[EventHistoryItem] = []
        context = ""
        used: set[str] = set()
        while len(events) < max_items:
            page = await self.event_history_page(
                token,
                device_id,
                start=start,
                end=end,
                event_type=event_type,
                event_id=event_id,
                size=min(EVENT_PAGE, max_items - len(events)),
                context=context,
            )
            events += page.events
            if not page.events or not page.context or page.context in used:
                break
            used.add(page.context)
            context = page.context
        return events[:max_items]
