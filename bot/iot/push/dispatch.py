"""Push frames to DeviceEvents: the DeviceChange parser, Seq de-duplication and subscriber fan-out."""

from __future__ import annotations

import array
import asyncio
import base64
import binascii
import inspect
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from bot.iot.push.events import DeviceEvent, Kind

log = logging.getLogger(__name__)

EventCallback = Callable[[DeviceEvent], Awaitable[None] | None]

_STATUS = {"Online": Kind.ONLINE, "Offline": Kind.OFFLINE}
_BINDING = frozenset({"bind", "unbind"})  # StatusChange Bind/Unbind, Gateway bind/unbind
_PROPERTY_TYPES = frozenset({"Property", "Template", "Shadow"})


class MalformedFrame(ValueError):
    """A push that cannot be read: dropped with a log line, never fatal."""


def parse_device_change(message: dict[str, Any]) -> DeviceEvent | None:
    """The event a DeviceChange push carries; None for kinds the bot has no use for."""
    params = message.get("params")
    if isinstance(params, str):
        # The reference's table types params as String; every example sends an object.
        params = _json_object(params, "params")
    if not isinstance(params, dict):
        raise MalformedFrame("params is not an object")
    type_ = params.get("Type")
    device_id = params.get("DeviceId")
    if not isinstance(type_, str) or not type_:
        raise MalformedFrame("no Type")
    if not isinstance(device_id, str) or "/" not in device_id:
        raise MalformedFrame("no DeviceId")
    seq = _seq(params.get("Seq"))
    sub_type = str(params.get("SubType") or "")
    base: dict[str, Any] = {
        "device_id": device_id,
        "seq": seq,
        "time_ms": _time_ms(params.get("Time")),
    }
    if type_ in ("StatusChange", "Gateway") and sub_type.lower() in _BINDING:
        return DeviceEvent(Kind.DEVICES_CHANGED, **base)
    if type_ == "StatusChange":
        kind = _STATUS.get(sub_type)
        return None if kind is None else DeviceEvent(kind, **base)
    if type_ not in _PROPERTY_TYPES and type_ not in ("Event", "Action"):
        return None  # UserDefined and whatever the cloud adds later
    payload = _payload(params.get("Payload"))
    method = str(payload.get("method") or "")
    if type_ == "Event" or method == "event_post":
        return _event(payload, base)
    if method == "action_reply" or (type_ == "Action" and sub_type == "Report"):
        return _action_reply(payload, base)
    if type_ == "Action":
        return None  # the action on its way down: its reply is what matters
    values = _property_values(payload)
    if not values:
        return None  # report_reply, control_reply...: acknowledgements without values
    if sub_type == "Report":
        return DeviceEvent(Kind.PROPERTY, params=values, **base)
    if sub_type == "Push":
        client_token = str(payload.get("clientToken") or "")
        return DeviceEvent(Kind.CONTROL, params=values, client_token=client_token, **base)
    return None


def _event(payload: dict[str, Any], base: dict[str, Any]) -> DeviceEvent:
    event_id = payload.get("eventId")
    if not isinstance(event_id, str) or not event_id:
        raise MalformedFrame("event without eventId")
    values = payload.get("params")
    return DeviceEvent(
        Kind.EVENT,
        params=values if isinstance(values, dict) else {},
        event_id=event_id,
        event_type=str(payload.get("type") or ""),
        **base,
    )


def _action_reply(payload: dict[str, Any], base: dict[str, Any]) -> DeviceEvent:
    client_token = payload.get("clientToken")
    if not isinstance(client_token, str) or not client_token:
        raise MalformedFrame("action reply without clientToken")
    response = payload.get("response")
    try:
        code = int(payload.get("code") or 0)
    except (TypeError, ValueError):
        code = -1  # a code we cannot read is not a success
    return DeviceEvent(
        Kind.ACTION_REPLY,
        params=response if isinstance(response, dict) else {},
        # The reference's action_reply example has no actionId; the sandbox's has one.
        action_id=str(payload.get("actionId") or ""),
        client_token=client_token,
        code=code,
        **base,
    )


def _property_values(payload: dict[str, Any]) -> dict[str, Any]:
    values = payload.get("params")
    if isinstance(values, dict) and isinstance(values.get("params"), dict) and "method" in values:
        # The reference's property example nests the whole device message inside params.
        values = values["params"]
    if values is None and isinstance(payload.get("state"), dict):
        state = payload["state"]  # a shadow document: {"state": {"reported": {...}}}
        values = state.get("reported") or state.get("desired")
    inner = payload.get("payload")
    if values is None and payload.get("type") == "delta" and isinstance(inner, dict):
        # The old shadow protocol's control: {"type": "delta", "payload": {"state": {...}}},
        # which all three vendor clients still read.
        values = inner.get("state")
    return values if isinstance(values, dict) else {}


def _payload(raw: object) -> dict[str, Any]:
    if not isinstance(raw, str) or not raw:
        raise MalformedFrame("no Payload")
    # Line breaks and missing padding, as in the reference's own examples (line 7480).
    compact = "".join(raw.split())
    compact += "=" * (-len(compact) % 4)
    try:
        decoded = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise MalformedFrame("Payload is not Base64") from None
    # Devices pad their message with NUL bytes; the mini-program SDK removes every one before
    # parsing (modules/IotWebsocket), and a NUL cannot stand outside a JSON string anyway.
    decoded = decoded.replace(b"\x00", b"")
    try:
        text = decoded.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedFrame("Payload is not UTF-8") from None
    return _json_object(text, "Payload")


def _json_object(text: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        raise MalformedFrame(f"{what} is not JSON") from None
    if not isinstance(value, dict):
        raise MalformedFrame(f"{what} is not a JSON object")
    return value


def _seq(raw: object) -> int:
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
        return int(raw)
    raise MalformedFrame("no Seq")


def _time_ms(raw: object) -> int:
    if not isinstance(raw, str) or not raw:
        return 0
    try:
        when = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return 0
    if when.tzinfo is None:
        return 0  # a local time of an unknown zone is no better than none
    return int(when.timestamp() * 1000)


class SeenFrames:
    """The last ``size`` (DeviceId, Seq) pairs, as 8-byte hashes in a ring: ~8 KB for 1,000."""

    def __init__(self, size: int = 1000) -> None:
        self.size = max(1, size)
        self._keys = array.array("q")
        self._next = 0

    def __len__(self) -> int:
        return len(self._keys)

    def seen(self, device_id: str, seq: int) -> bool:
        """True if the pair came before (a duplicate); otherwise remember it."""
        # A 64-bit hash instead of the pair itself keeps the ring at 8 bytes an entry; a
        # collision among 1,000 entries (about 1 in 10**16) would drop one push.
        key = hash((device_id, seq))
        if key in self._keys:  # a C-level scan of at most `size` integers
            return True
        if len(self._keys) < self.size:
            self._keys.append(key)
        else:
            self._keys[self._next] = key
            self._next = (self._next + 1) % self.size
        return False


class Dispatcher:
    """Hands every event to each subscriber; one failing subscriber never stops the others."""

    def __init__(self, label: str = "", callback_timeout: float = 10.0) -> None:
        self.label = label
        self.callback_timeout = callback_timeout
        self._callbacks: list[EventCallback] = []

    def subscribe(self, callback: EventCallback) -> Callable[[], None]:
        """Call ``callback(event)`` for every event; returns the function that unsubscribes."""
        self._callbacks.append(callback)

        def unsubscribe() -> None:
            if callback in self._callbacks:
                self._callbacks.remove(callback)

        return unsubscribe

    async def emit(self, event: DeviceEvent) -> None:
        """Run the callbacks in order; an async one is awaited, so it should only enqueue."""
        for callback in tuple(self._callbacks):
            try:
                result = callback(event)
                if inspect.isawaitable(result):
                    async with asyncio.timeout(self.callback_timeout):
                        await result
            except Exception:
                log.exception("%s: a push subscriber failed on a %s event", self.label, event.kind)
