"""The sandbox's websocket side: ActivePush subscriptions, heartbeats and DeviceChange pushes."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSMsgType, web

from bot.sandbox.state import PushEvent, SandboxState

log = logging.getLogger(__name__)

_TOPICS = {
    ("Property", "Report"): "$thing/up/property/{pid}/{dn}",
    ("Property", "Push"): "$thing/down/property/{pid}/{dn}",
    ("Event", "Report"): "$thing/up/event/{pid}/{dn}",
    ("Action", "Push"): "$thing/down/action/{pid}/{dn}",
    ("Action", "Report"): "$thing/up/action/{pid}/{dn}",
}


@dataclass(eq=False)
class Subscriber:
    """One open socket: whose token it carries and which devices it listens to."""

    ws: web.WebSocketResponse
    token: str = ""
    device_ids: set[str] = field(default_factory=set)
    heartbeats: int = 0
    queue: asyncio.Queue[str] = field(default_factory=asyncio.Queue)


def frame(event: PushEvent) -> dict[str, Any]:
    """The DeviceChange push for one event, as the real cloud frames it."""
    pid, _, dn = event.device_id.partition("/")
    topic = _TOPICS.get((event.type, event.sub_type), "")
    # A status change carries no message: an empty Payload, as in the reference (line 7445).
    payload = (
        ""
        if event.type == "StatusChange"
        else base64.b64encode(json.dumps(event.payload, ensure_ascii=False).encode()).decode()
    )
    when = datetime.fromtimestamp(event.time_ms / 1000, UTC).astimezone()
    return {
        "action": "DeviceChange",
        "push": True,
        "params": {
            "Time": when.isoformat(timespec="seconds"),
            "Type": event.type,
            "SubType": event.sub_type,
            "Topic": topic.format(pid=pid, dn=dn),
            "Payload": payload,
            "Seq": event.seq,
            "DeviceId": event.device_id,
        },
    }


class Hub:
    """Keeps the sockets, answers their requests and fans device events out to them."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self.subscribers: set[Subscriber] = set()
        # DeviceId -> the sockets listening to it: a push visits its listeners, not every socket.
        self._listening: dict[str, set[Subscriber]] = {}
        self._unsubscribe = state.subscribe(self._on_event)
        self._subscribed = asyncio.Event()  # set on every ActivePush, for wait_subscribed()

    def close(self) -> None:
        self._unsubscribe()

    async def wait_subscribed(self, sockets: int = 1) -> None:
        """Wait until ``sockets`` open sockets have subscribed to a device (wrap in a timeout)."""
        while True:
            self._subscribed.clear()
            if sum(1 for sub in self.subscribers if sub.device_ids) >= sockets:
                return
            await self._subscribed.wait()

    async def wait_listening(self, device_id: str) -> None:
        """Wait until an open socket listens to ``device_id`` (wrap in a timeout)."""
        while device_id not in self._listening:
            self._subscribed.clear()
            await self._subscribed.wait()

    async def drop_all(self) -> int:
        """Close every socket (a fault the tests inject); returns how many were open."""
        count = len(self.subscribers)
        for sub in list(self.subscribers):
            await sub.ws.close(code=1011, message=b"sandbox dropped the connection")
        return count

    def _on_event(self, event: PushEvent) -> None:
        text: str | None = None
        listeners: Any = self._listening.get(event.device_id, ())
        if event.type == "StatusChange" and event.sub_type == "Bind":
            # A device new to a user is on none of their lists yet: every socket of a user who
            # can see it now hears of it, and re-subscribes.
            listeners = self.subscribers
        for sub in listeners:
            user = self.state.user_by_token(sub.token)
            # A token that expired or lost the device since it subscribed hears nothing more.
            if user is None or not self.state.can_see_device(user.user_id, event.device_id):
                continue
            text = text or json.dumps(frame(event), ensure_ascii=False)
            sub.queue.put_nowait(text)

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """One websocket connection, until either side closes it."""
        ws = web.WebSocketResponse(heartbeat=None)
        await ws.prepare(request)
        sub = Subscriber(ws)
        self.subscribers.add(sub)
        sender = asyncio.create_task(self._send_loop(sub))
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                reply = self._answer(sub, msg.data)
                if reply is not None:
                    sub.queue.put_nowait(json.dumps(reply, ensure_ascii=False))
        finally:
            self.subscribers.discard(sub)
            self._listen(sub, set())
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sender
        return ws

    async def _send_loop(self, sub: Subscriber) -> None:
        while True:
            text = await sub.queue.get()
            try:
                await sub.ws.send_str(text)
            except (ConnectionError, RuntimeError):
                return

    def _answer(self, sub: Subscriber, text: str) -> dict[str, Any] | None:
        try:
            request = json.loads(text)
            action = request["action"]
            req_id = request.get("reqId", "")
            params = request.get("params") or {}
        except (ValueError, KeyError, TypeError, AttributeError):
            return {"error": "-1", "error_message": "malformed request", "data": {}, "reqId": ""}
        if action == "ActivePush":
            return self._active_push(sub, req_id, params)
        if action == "YunApi":
            return self._yun_api(sub, req_id, params)
        if action == "Hello":
            # The Android app's keep-alive, every 10 s (WSClientManager.kt): nothing to do.
            return {"error": "", "error_message": "", "data": {}, "reqId": req_id}
        return {
            "error": "-1",
            "error_message": f"unknown action {action}",
            "data": {},
            "reqId": req_id,
        }

    def _active_push(self, sub: Subscriber, req_id: str, params: dict[str, Any]) -> dict[str, Any]:
        token = str(params.get("AccessToken", ""))
        user = self.state.user_by_token(token)
        wanted = [str(d) for d in params.get("DeviceIds") or []]
        if user is None:
            # The real cloud answers an empty list rather than an error for a bad token.
            sub.token = ""
            self._listen(sub, set())
            return {"error": "", "error_message": "", "data": {"deviceIds": []}, "reqId": req_id}
        allowed = [d for d in wanted if self.state.can_see_device(user.user_id, d)]
        sub.token = token
        self._listen(sub, set(allowed))
        self._subscribed.set()
        return {"error": "", "error_message": "", "data": {"deviceIds": allowed}, "reqId": req_id}

    def _listen(self, sub: Subscriber, device_ids: set[str]) -> None:
        """Make ``device_ids`` what the socket listens to, in the index as well."""
        for device_id in sub.device_ids - device_ids:
            listeners = self._listening.get(device_id)
            if listeners is not None:
                listeners.discard(sub)
                if not listeners:
                    del self._listening[device_id]
        for device_id in device_ids - sub.device_ids:
            self._listening.setdefault(device_id, set()).add(sub)
        sub.device_ids = device_ids

    def _yun_api(self, sub: Subscriber, req_id: str, params: dict[str, Any]) -> dict[str, Any]:
        inner = params.get("ActionParams") or {}
        request_id = str(inner.get("RequestId", ""))
        # The iOS app sends AccessToken beside Action rather than inside ActionParams.
        token = str(inner.get("AccessToken") or params.get("AccessToken") or "")
        error: dict[str, str]
        if params.get("Action") != "AppDeviceTraceHeartBeat":
            error = {
                "Code": "InvalidAction",
                "Message": "only AppDeviceTraceHeartBeat is served here",
            }
        elif self.state.user_by_token(token) is None:
            error = {"Code": "InvalidParameterValue.InvalidAccessToken", "Message": "token invalid"}
        else:
            sub.heartbeats += 1
            body = {"Response": {"RequestId": request_id}}
            return {"error": "", "error_message": "", "data": body, "reqId": req_id}
        failed: dict[str, Any] = {"Response": {"Error": error, "RequestId": request_id}}
        return {"error": "", "error_message": "", "data": failed, "reqId": req_id}
