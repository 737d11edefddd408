"""The push websocket's wire: settings, opening a socket, and requests matched to replies by reqId."""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidStatus

log = logging.getLogger(__name__)
# websockets logs every frame at DEBUG, and the frames carry the AccessToken: its own logger
# stays at INFO whatever level the bot runs at.
_WIRE_LOG = logging.getLogger("bot.iot.push.listener.wire")
_WIRE_LOG.setLevel(logging.INFO)

INVALID_TOKEN = "InvalidParameterValue.InvalidAccessToken"
MAX_FRAME = 256 * 1024  # DeviceChange frames are a few hundred bytes; this bounds a rogue one
MAX_QUEUE = 8  # frames buffered before reading pauses (back-pressure, not loss)


@dataclass(frozen=True)
class PushSettings:
    """Timings of one listener; the defaults follow the vendor's clients, tests shrink them."""

    heartbeat_interval: float = 50.0
    reply_timeout: float = 15.0  # an unanswered ActivePush or heartbeat means a dead socket
    connect_timeout: float = 10.0
    close_timeout: float = 2.0  # keeps stop() fast when the far end does not answer the close
    reconnect_initial: float = 1.0
    reconnect_max: float = 60.0
    stable_after: float = 30.0  # a socket up this long resets the reconnect delay
    outage_threshold: float = 60.0  # longer outages re-read the devices' online states
    # A reconnect reuses a device list younger than this: when the cloud drops every socket at
    # once, a thousand accounts come back without a thousand device-list reads.
    devices_max_age: float = 600.0
    dedup_size: int = 1000  # (DeviceId, Seq) pairs remembered per account
    # Events posted while the socket was down are read back from the history, at most this far
    # back (seconds); this many recent events are remembered to hand each on once.
    events_look_back: float = 3600.0
    events_remembered: int = 128
    callback_timeout: float = 10.0


@dataclass(frozen=True)
class Subscription:
    """What one socket listens to: the user's AccessToken and every DeviceId they can see."""

    token: str = field(repr=False)
    device_ids: tuple[str, ...]


def reconnect_delay(settings: PushSettings, failures: int) -> float:
    """Seconds before attempt ``failures + 1``: doubling from the initial delay, capped, jittered."""
    base = min(settings.reconnect_max, settings.reconnect_initial * 2 ** max(0, failures - 1))
    # Jitter in [base/2, base] so that a thousand sockets dropped at once do not return at once.
    return base * (0.5 + random.random() / 2)


def open_socket(url: str, settings: PushSettings) -> connect:
    """An ``async with`` that opens the push socket, sized for thousands of them per process."""
    return connect(
        url,
        open_timeout=settings.connect_timeout,
        close_timeout=settings.close_timeout,
        # The protocol's own heartbeat (with its reply timeout) finds dead sockets; websockets'
        # pings would add a task per socket for nothing.
        ping_interval=None,
        # Frames are tiny JSON; per-message deflate would cost zlib state per socket.
        compression=None,
        max_size=MAX_FRAME,
        max_queue=MAX_QUEUE,
        logger=_WIRE_LOG,
    )


# The two paths the cloud's push socket is known on: the reference and the iOS app use the first,
# the Android app and the mini-program SDK the second (docs/protocol.md).
SOCKET_PATHS = ("/iotstudio_v2_weapp_1", "/ws/explorer")
# Configured socket URL -> the URL that answered, shared by every account's listener: a
# thousand listeners do not each try the refused path first (and it is logged once).
_working: dict[str, str] = {}


def other_socket_url(url: str) -> str | None:
    """``url`` on the other known socket path, or None when its path is neither of them."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    for known, other in zip(SOCKET_PATHS, reversed(SOCKET_PATHS), strict=True):
        if path.endswith(known):
            return urlunsplit(parts._replace(path=path[: -len(known)] + other))
    return None


async def connect_either(url: str, settings: PushSettings) -> ClientConnection:
    """Open the socket on ``url``; when the upgrade is refused, on the other known path."""
    first = _working.get(url, url)
    try:
        ws = await open_socket(first, settings)
        used = first
    except InvalidStatus as refused:
        other = other_socket_url(first)
        if other is None:
            raise
        try:
            ws = await open_socket(other, settings)
        except InvalidStatus:
            raise refused from None
        log.info(
            "push websocket: %s refused the upgrade (HTTP %d), %s answered",
            _path(first),
            refused.response.status_code,
            _path(other),
        )
        used = other
    if _working.get(url) != used:
        _working[url] = used
        log.info("push websocket: using %s", _path(used))
    return ws


def _path(url: str) -> str:
    """Scheme, host and path of a socket URL: its query string may one day carry an id."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(query="", fragment=""))


class RequestFailed(Exception):
    """The socket answered a request with a top-level error (a server-side failure)."""


ReplyHook = Callable[[dict[str, Any]], None]


class PushSocket:
    """One open socket: sends numbered requests and routes replies and pushes as they arrive."""

    def __init__(
        self,
        ws: ClientConnection,
        on_push: Callable[[dict[str, Any]], Awaitable[None]],
        *,
        label: str = "",
        reply_timeout: float = 15.0,
    ) -> None:
        self.ws = ws
        self.label = label
        self.reply_timeout = reply_timeout
        self.accepted: frozenset[str] = frozenset()  # the devices of the last ActivePush answered
        self._on_push = on_push
        self._numbers = itertools.count(1)
        self._pending: dict[str, tuple[asyncio.Future[dict[str, Any]], ReplyHook | None]] = {}

    async def read(self) -> None:
        """Read until the socket closes; pushes are handled in order, one at a time."""
        try:
            async for text in self.ws:
                if isinstance(text, str):
                    await self._handle(text)
        finally:
            for future, _ in self._pending.values():
                if not future.done():
                    future.set_exception(ConnectionError("the push socket closed"))

    async def _handle(self, text: str) -> None:
        try:
            message = json.loads(text)
        except ValueError:
            log.warning(
                "%s: dropped a push frame that is not JSON (%d chars)", self.label, len(text)
            )
            return
        if not isinstance(message, dict):
            log.warning("%s: dropped a push frame that is not an object", self.label)
            return
        if message.get("push"):
            try:
                await self._on_push(message)
            except Exception:  # a bug in handling one push must not end the socket
                log.exception("%s: failed to handle a push", self.label)
            return
        pending = self._pending.get(str(message.get("reqId", "")))
        if pending is None:
            log.debug("%s: a reply nobody waits for", self.label)
            return
        future, hook = pending
        if hook is not None and not message.get("error"):
            # Run before the next frame is read, so a new device list filters the pushes that
            # follow its answer.
            hook(message)
        if not future.done():
            future.set_result(message)

    async def request(
        self, action: str, params: dict[str, Any], hook: ReplyHook | None = None
    ) -> dict[str, Any]:
        """Send one request and wait for its reply's ``data``; TimeoutError when none comes."""
        req_id = f"{action}-{next(self._numbers)}"
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[req_id] = (future, hook)
        try:
            await self.ws.send(json.dumps({"action": action, "reqId": req_id, "params": params}))
            async with asyncio.timeout(self.reply_timeout):
                reply = await future
        finally:
            self._pending.pop(req_id, None)
        if reply.get("error"):
            # error_message is the server's text; it never echoes our request.
            raise RequestFailed(f"{action}: {reply.get('error')} {reply.get('error_message', '')}")
        data = reply.get("data")
        return data if isinstance(data, dict) else {}

    async def active_push(
        self, token: str, device_ids: tuple[str, ...], app_key: str = ""
    ) -> frozenset[str] | None:
        """ActivePush: listen to these devices; returns the list the answer confirmed (None when
        it has none). The reference's failure example is an empty list."""
        confirmed: frozenset[str] | None = None

        def granted(message: dict[str, Any]) -> None:
            nonlocal confirmed
            data = message.get("data")
            ids = data.get("deviceIds") if isinstance(data, dict) else None
            confirmed = frozenset(str(d) for d in ids) if isinstance(ids, list) else None
            # No vendor client reads the list: a device the answer leaves out (a shared one, a
            # gateway's sub-device) is still listened to, rather than going quiet unseen.
            self.accepted = frozenset(device_ids)

        params: dict[str, Any] = {"DeviceIds": list(device_ids), "AccessToken": token}
        if app_key:
            params["AppKey"] = app_key  # as the Android app and the mini-program SDK send it
        await self.request("ActivePush", params, granted)
        return confirmed

    async def heartbeat(self, token: str, device_ids: tuple[str, ...]) -> str:
        """YunApi AppDeviceTraceHeartBeat; returns the Error Code of the answer, "" when fine."""
        number = next(self._numbers)
        inner = {"DeviceIds": list(device_ids), "AccessToken": token, "RequestId": f"hb-{number}"}
        data = await self.request(
            "YunApi", {"Action": "AppDeviceTraceHeartBeat", "ActionParams": inner}
        )
        response = data.get("Response")
        error = response.get("Error") if isinstance(response, dict) else None
        return str(error.get("Code") or "Error") if isinstance(error, dict) else ""
