"""The push listener of one account: keeps its websocket subscribed and hands out DeviceEvents.

Transport (opening, requests, heartbeat) is in :mod:`bot.iot.push.transport`, frame parsing and
subscriber fan-out in :mod:`bot.iot.push.dispatch`, the device list to subscribe in
:mod:`bot.iot.push.devices`; this module runs the connection's life:
subscribe, catch up after an outage, heartbeat, reconnect with backoff, give up on a dead token.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

from websockets.exceptions import WebSocketException

from bot.iot import errors
from bot.iot.client import IotClient
from bot.iot.push.devices import DevicesProvider, fetch_subscription, token_provider
from bot.iot.push.dispatch import (
    Dispatcher,
    EventCallback,
    MalformedFrame,
    SeenFrames,
    parse_device_change,
)
from bot.iot.push.events import DeviceEvent, Kind
from bot.iot.push.missed import MissedEvents, ProductsWithEvents
from bot.iot.push.transport import (
    INVALID_TOKEN,
    PushSettings,
    PushSocket,
    RequestFailed,
    Subscription,
    connect_either,
    reconnect_delay,
)

__all__ = [
    "DevicesProvider",
    "PushListener",
    "PushSettings",
    "Subscription",
    "fetch_subscription",
    "token_provider",
]

log = logging.getLogger(__name__)

_EXPECTED = (OSError, TimeoutError, WebSocketException, RequestFailed, errors.IotError)


class _TokenRejected(Exception):
    """The cloud refuses the account's token and the provider cannot get a working one."""


class PushListener:
    """One account's websocket: subscribe(callback) to get its DeviceEvents; start(), stop()."""

    def __init__(
        self,
        iot: IotClient,
        devices_provider: DevicesProvider,
        *,
        settings: PushSettings | None = None,
        url: str | None = None,
        label: str = "push",
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
        reads: asyncio.Semaphore | None = None,
        products: ProductsWithEvents | None = None,
    ) -> None:
        """``clock`` measures outages, ``wall`` dates them for the event history; ``reads`` (a
        gate on history reads) and ``products`` (which products post events) are shared by
        every account's listener (bot/iot/push/missed.py)."""
        self.settings = settings or PushSettings()
        self.url = url or iot.endpoints.websocket
        self.label = label
        self.connected = False
        self._iot = iot
        self._provider = devices_provider
        self._clock = clock  # measures outages (tests move it instead of waiting a minute)
        self._dispatcher = Dispatcher(label, self.settings.callback_timeout)
        self._seen = SeenFrames(self.settings.dedup_size)
        self._missed = MissedEvents(
            iot,
            label=label,
            look_back=self.settings.events_look_back,
            remember=self.settings.events_remembered,
            reads=reads,
            products=products,
            wall=wall,
        )
        self._subscription: Subscription | None = None
        self._read_at = 0.0  # when the provider last answered (clock seconds)
        self._online: dict[str, bool] = {}  # last known state, to tell what an outage hid
        self._live_status: set[str] | None = None  # devices pushed while statuses are re-read
        self._down_since: float | None = None
        self._connected_at = 0.0
        self._wake = asyncio.Event()
        self._settled = asyncio.Event()  # the first attempt ended: connected, failed or stopped
        self._resubscribe_wanted = False
        self._resubscribe_retry = False
        self._task: asyncio.Task[None] | None = None
        self._socket: PushSocket | None = None

    def __repr__(self) -> str:
        return f"PushListener({self.label!r}, connected={self.connected})"

    def subscribe(self, callback: EventCallback) -> Callable[[], None]:
        """Call ``callback(event)`` for every event; returns the function that unsubscribes."""
        return self._dispatcher.subscribe(callback)

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        """Connect in the background, and stay connected until stop() or a rejected token."""
        if not self.running:
            self._task = asyncio.create_task(self._run(), name=f"push-listener {self.label}")

    async def stop(self) -> None:
        """Cancel the listener and wait until its socket is closed."""
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        if task is not asyncio.current_task():
            await asyncio.wait([task])

    def resume_point(self) -> dict[str, Any]:
        """Where this listener is, for a restarted bot to read back from (missed.py)."""
        return self._missed.snapshot(self.connected)

    def resume_from(self, point: dict[str, Any]) -> None:
        """Before start(): read back the events since ``point`` once connected."""
        self._missed.restore(point)

    async def settled(self) -> bool:
        """Return once the first attempt has ended; True if the socket is up and subscribed.

        False means that attempt failed (the listener goes on retrying by itself) or stopped.
        """
        await self._settled.wait()
        return self.connected

    async def wait(self) -> None:
        """Return when the listener has stopped (after stop() or a rejected token)."""
        if self._task is not None:
            await asyncio.wait([self._task])

    def resubscribe(self) -> None:
        """The user's device set changed: read it again and send ActivePush on the live socket."""
        self._resubscribe_wanted = True
        self._wake.set()

    async def _run(self) -> None:
        failures = 0
        try:
            while True:
                try:
                    await self._serve()
                except _TokenRejected:
                    log.warning(
                        "%s: the cloud rejected the AccessToken; listener stopped", self.label
                    )
                    await self._dispatcher.emit(DeviceEvent(Kind.TOKEN_REJECTED))
                    return
                except _EXPECTED as err:
                    log.info("%s: push socket failed: %s", self.label, _describe(err))
                except Exception:  # never fatal: log it and reconnect like after any failure
                    log.exception("%s: push listener failed", self.label)
                self._settled.set()
                loop = asyncio.get_running_loop()
                stable = self.connected and (
                    loop.time() - self._connected_at >= self.settings.stable_after
                )
                # Even before CONNECTED (a drop while reading back): events may be missed now.
                self._missed.went_down()
                if self.connected:
                    self.connected = False
                    self._down_since = self._clock()
                    await self._dispatcher.emit(DeviceEvent(Kind.DISCONNECTED))
                failures = 1 if stable else failures + 1
                delay = reconnect_delay(self.settings, failures)
                log.debug("%s: reconnecting in %.2fs", self.label, delay)
                await asyncio.sleep(delay)
        finally:
            self.connected = False
            self._settled.set()

    async def _serve(self) -> None:
        subscription = self._subscription
        if subscription is None or self._clock() - self._read_at >= self.settings.devices_max_age:
            subscription = await self._fresh_subscription(fallback=True)
        async with await connect_either(self.url, self.settings) as ws:
            socket = PushSocket(
                ws, self._on_push, label=self.label, reply_timeout=self.settings.reply_timeout
            )
            reader = asyncio.create_task(socket.read(), name=f"push-reader {self.label}")
            reader.add_done_callback(lambda _: self._wake.set())
            self._socket = socket
            try:
                await self._subscribe(socket, subscription)
                # At once, as the vendor's three clients do: the heartbeat is what keeps the
                # devices traced (reference line 7120); then every heartbeat_interval.
                await self._heartbeat(socket)
                await self._catch_up(socket)
                await self._read_back_events(socket)
                self.connected = True
                self._down_since = None
                self._connected_at = asyncio.get_running_loop().time()
                await self._dispatcher.emit(DeviceEvent(Kind.CONNECTED))
                self._settled.set()
                await self._keep_alive(socket, reader)
            finally:
                self._socket = None
                reader.cancel()
                await asyncio.wait([reader])
                if not reader.cancelled():
                    reader.exception()  # retrieved: _keep_alive already reported it

    async def _keep_alive(self, socket: PushSocket, reader: asyncio.Task[None]) -> None:
        loop = asyncio.get_running_loop()
        next_beat = loop.time() + self.settings.heartbeat_interval
        while True:
            self._wake.clear()
            if reader.done():
                error = None if reader.cancelled() else reader.exception()
                raise error or ConnectionError("the cloud closed the push socket")
            if self._resubscribe_wanted:
                self._resubscribe_wanted = False
                await self._resubscribe(socket)
                continue
            now = loop.time()
            if now >= next_beat:
                await self._heartbeat(socket)
                next_beat = loop.time() + self.settings.heartbeat_interval
                continue
            try:
                async with asyncio.timeout(next_beat - now):
                    await self._wake.wait()
            except TimeoutError:
                pass

    async def _resubscribe(self, socket: PushSocket) -> None:
        try:
            subscription = await self._read_devices()
        except _TokenRejected:
            raise
        except Exception as err:
            log.warning(
                "%s: device list not re-read (%s); retrying later", self.label, _describe(err)
            )
            self._resubscribe_retry = True  # at the next heartbeat, not in a tight loop
            return
        await self._subscribe(socket, subscription)

    async def _read_devices(self) -> Subscription:
        try:
            subscription = await self._provider()
        except errors.InvalidToken:
            raise _TokenRejected from None
        self._read_at = self._clock()
        return subscription

    async def _fresh_subscription(self, *, fallback: bool) -> Subscription:
        try:
            return await self._read_devices()
        except _TokenRejected:
            raise
        except Exception as err:
            if not fallback or self._subscription is None:
                raise
            log.warning("%s: keeping the last device list (%s)", self.label, _describe(err))
            return self._subscription

    async def _subscribe(self, socket: PushSocket, subscription: Subscription) -> None:
        app_key = self._iot.app_key
        confirmed = await socket.active_push(subscription.token, subscription.device_ids, app_key)
        if subscription.device_ids and confirmed is not None and not confirmed:
            # The cloud answers an empty list both for a dead token and for devices that are
            # all gone; the API tells which (and the provider may renew the token).
            fresh = await self._fresh_subscription(fallback=False)
            if fresh.token != subscription.token:
                confirmed = await socket.active_push(fresh.token, fresh.device_ids, app_key)
            subscription = fresh
        elif confirmed is not None and not set(subscription.device_ids) <= confirmed:
            missing = len(set(subscription.device_ids) - confirmed)
            log.info("%s: ActivePush left out %d devices; listening anyway", self.label, missing)
        self._subscription = subscription
        accepted = socket.accepted
        self._online = {d: up for d, up in self._online.items() if d in accepted}
        log.debug("%s: listening to %d devices", self.label, len(accepted))

    async def _heartbeat(self, socket: PushSocket) -> None:
        subscription = self._subscription
        assert subscription is not None  # set by _subscribe before the first heartbeat
        code = await socket.heartbeat(subscription.token, subscription.device_ids)
        if code == INVALID_TOKEN:
            fresh = await self._fresh_subscription(fallback=False)
            if fresh.token == subscription.token:
                raise RequestFailed("the heartbeat refused a token the API accepts")
            await self._subscribe(socket, fresh)
        elif code:
            log.warning("%s: heartbeat answered %s", self.label, code)
        if self._resubscribe_retry:
            self._resubscribe_retry = False
            self._resubscribe_wanted = True

    async def _catch_up(self, socket: PushSocket) -> None:
        """Re-read online states after a long outage (or first), emitting what changed unseen."""
        ids = sorted(socket.accepted)
        outage = self._down_since is not None and (
            self._clock() - self._down_since >= self.settings.outage_threshold
        )
        if not ids or not (outage or not self._online) or self._subscription is None:
            return
        self._live_status = set()
        try:
            statuses = await self._iot.device_statuses(self._subscription.token, ids)
        except errors.IotError as err:
            log.info("%s: online states not re-read: %s", self.label, _describe(err))
            return
        finally:
            live, self._live_status = self._live_status, None
        for status in statuses:
            if status.device_id in live or status.device_id not in socket.accepted:
                continue  # a live push is newer than this answer
            before = self._online.get(status.device_id)
            self._online[status.device_id] = status.online
            if before is not None and before != status.online:
                kind = Kind.ONLINE if status.online else Kind.OFFLINE
                await self._dispatcher.emit(DeviceEvent(kind, status.device_id, missed=True))

    async def _read_back_events(self, socket: PushSocket) -> None:
        """Hand on the events the devices posted while the socket was down (before CONNECTED)."""
        if self._subscription is None or self._missed.down_since is None:
            return
        try:
            found = await self._missed.read_back(self._subscription.token, socket.accepted)
        except errors.InvalidToken:
            raise _TokenRejected from None
        for event in found:
            await self._dispatcher.emit(event)

    async def _on_push(self, message: dict[str, Any]) -> None:
        if message.get("action") != "DeviceChange":
            log.debug("%s: ignored a %s push", self.label, message.get("action"))
            return
        try:
            event = parse_device_change(message)
        except MalformedFrame as err:
            log.warning("%s: dropped a malformed push: %s", self.label, err)
            return
        if event is None:
            return
        if event.kind is Kind.DEVICES_CHANGED:
            # A new device is not among those listened to yet: read the list again first.
            if self._seen.seen(event.device_id, event.seq):
                return
            log.info("%s: a device was bound or unbound; re-reading the device list", self.label)
            self.resubscribe()
            await self._dispatcher.emit(event)
            return
        if self._socket is None or event.device_id not in self._socket.accepted:
            log.debug("%s: dropped a push for a device not subscribed", self.label)
            return
        if self._seen.seen(event.device_id, event.seq):
            log.debug("%s: dropped a duplicate push (Seq %d)", self.label, event.seq)
            return
        if event.kind is Kind.EVENT and self._missed.is_repeat(event):
            log.debug("%s: dropped an event already read back", self.label)
            return
        if event.kind in (Kind.ONLINE, Kind.OFFLINE):
            self._online[event.device_id] = event.kind is Kind.ONLINE
            if self._live_status is not None:
                self._live_status.add(event.device_id)
        await self._dispatcher.emit(event)


def _describe(err: BaseException) -> str:
    """A log-safe account of a failure (websockets' and the client's messages carry no token)."""
    return f"{type(err).__name__}: {err}" if str(err) else type(err).__name__
