"""Sandbox actions: a property's history and a device's events, paged by an opaque cursor."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from bot.sandbox.actions.device_rows import wire_text
from bot.sandbox.registry import Call, CloudError, action
from bot.sandbox.state import EventRecord

HISTORY_MAX_LIMIT = 500
EVENT_DEFAULT_SIZE = 10
EVENT_MAX_SIZE = 100
EVENT_TYPES = ("info", "alert", "fault")


def _encode(cursor: dict[str, int]) -> str:
    return base64.urlsafe_b64encode(json.dumps(cursor).encode()).decode()


def _decode(context: str) -> dict[str, int]:
    """The cursor a previous page handed out; anything else is refused as the cloud would."""
    try:
        cursor = json.loads(base64.urlsafe_b64decode(context.encode()))
    except (binascii.Error, ValueError) as err:
        raise CloudError("InvalidParameterValue", "Context is not a cursor we issued") from err
    if not isinstance(cursor, dict) or not all(isinstance(v, int) for v in cursor.values()):
        raise CloudError("InvalidParameterValue", "Context is not a cursor we issued")
    return cursor


@action("AppGetDeviceDataHistory")
async def device_data_history(call: Call) -> dict[str, Any]:
    """Values of one property between MinTime and MaxTime (ms), oldest first."""
    device = call.device()
    field_name = call.get("FieldName")
    min_time, max_time = call.get("MinTime", int), call.get("MaxTime", int)
    limit = call.get("Limit", int)
    if min_time > max_time:
        raise CloudError("InvalidParameterValue", "MinTime is after MaxTime")
    if limit < 1:
        raise CloudError("InvalidParameterValue", "Limit must be positive")
    limit = min(limit, HISTORY_MAX_LIMIT)
    context = call.get("Context", str, "")
    offset = _decode(context).get("o", 0) if context else 0
    # Points arrive in time order and MaxTime is fixed, so offsets stay valid between pages.
    points = [
        p
        for p in call.state.history.get((device.device_id, field_name), [])
        if min_time <= p.time_ms <= max_time
    ]
    page = points[offset : offset + limit]
    more = offset + len(page) < len(points)
    return {
        "FieldName": field_name,
        "Results": [{"Time": str(p.time_ms), "Value": wire_text(p.value)} for p in page],
        "Context": _encode({"o": offset + len(page)}) if more else "",
        # The reference's table: true = not finished, more can be read; false = all read.
        "Listover": more,
    }


@action("AppListEventHistory")
async def list_event_history(call: Call) -> dict[str, Any]:
    """The device's events, newest first, filtered by type, event id and time (seconds)."""
    device = call.device()
    event_type = call.get("Type", str, "")
    if event_type and event_type not in EVENT_TYPES:
        raise CloudError("InvalidParameterValue", "Type must be info, alert or fault")
    event_id = call.get("EventId", str, "")
    size = call.get("Size", int, EVENT_DEFAULT_SIZE) or EVENT_DEFAULT_SIZE
    size = max(1, min(size, EVENT_MAX_SIZE))
    context = call.get("Context", str, "")
    cursor = _decode(context) if context else {}
    # EndTime 0 is "now" (reference). StartTime 0 is documented as "now" too, which would make
    # the reference's own (0, 0) example empty; it is read as "from the beginning" instead.
    end_ms = cursor.get("e") or (call.get("EndTime", int, 0) * 1000 or call.state.now_ms())
    start_ms = call.get("StartTime", int, 0) * 1000
    if start_ms > end_ms:
        raise CloudError("InvalidParameterValue", "StartTime is after EndTime")
    matching = [
        e
        for e in reversed(call.state.events.get(device.device_id, []))
        if start_ms <= e.time_ms <= end_ms
        and (not event_type or e.event_type == event_type)
        and (not event_id or e.event_id == event_id)
    ]
    offset = cursor.get("o", 0)
    page = matching[offset : offset + size]
    more = offset + len(page) < len(matching)
    return {
        "Context": _encode({"o": offset + len(page), "e": end_ms}) if more else "",
        "Total": len(matching),
        "Listover": not more,  # "whether the results have ended" (reference table)
        "EventHistory": [_event_row(device.product_id, device.device_name, e) for e in page],
    }


def _event_row(product_id: str, device_name: str, event: EventRecord) -> dict[str, Any]:
    return {
        "TimeStamp": event.time_ms // 1000,
        "ProductId": product_id,
        "DeviceName": device_name,
        "EventId": event.event_id,
        "Type": event.event_type,
        "Data": json.dumps(event.params, ensure_ascii=False),
    }
