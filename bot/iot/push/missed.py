"""Device events posted while an account's push socket was down, read back from the history.

The cloud pushes an event once, to the sockets subscribed at that moment: an alert posted while
the socket reconnects (a dropped connection, a cloud restart) would never reach the bot. So the
listener notes when its socket went down and, once it is back, asks AppListEventHistory for
each subscribed device's events since then and hands on those it has not delivered.

An event can come both ways: pushed live just before the socket dropped (or just after it came
back) and read back; and one read back can come again in the next read, whose window starts a
little before its outage. So what was handed on is remembered: a history record (device, event,
params, time) counts as handed on once it was read back or matched a live push (the same device,
event and params, at most a few seconds apart); a read hands on only the records beyond those
counts, and a live push that matches a record already read back is dropped. Counting rather than
set membership keeps a doorbell pressed twice in one second as two events.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import time
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

from bot.iot import errors
from bot.iot.client import IotClient
from bot.iot.product_cache import ProductCache
from bot.iot.push.events import DeviceEvent, Kind

log = logging.getLogger(__name__)

SKEW = 30  # seconds read before the outage began: the cloud's clock may differ from ours
SAME_WITHIN = 3  # seconds between a live push and its history record that still mean "same"


def _params_key(params: dict[str, Any]) -> str:
    return json.dumps(params, sort_keys=True, separators=(",", ":"), default=str)


Key = tuple[str, str, str, int]  # device, event, params (canonical JSON), Unix seconds


class ProductsWithEvents:
    """Which devices' products define events at all, from a ProductCache shared by every account.

    A light or a plug posts no events, so reading its history after an outage is a wasted
    request; most devices in a home are such. Products are few and shared by many accounts, so
    the cache reads each rarely. When it can't be told, the device is read.
    """

    def __init__(self, iot: IotClient, cache: ProductCache | None = None) -> None:
        self._iot = iot
        self._cache = cache or ProductCache()

    async def only_eventful(self, token: str, device_ids: Iterable[str]) -> list[str]:
        """The devices of ``device_ids`` whose product may post events."""
        ids = sorted(device_ids)
        try:
            products = await self._cache.products(
                (_product_of(d) for d in ids), functools.partial(self._iot.get_products, token)
            )
        except errors.InvalidToken:
            raise
        except errors.IotError as err:
            log.info("products not read (%s); reading every device's events", err)
            return ids
        known = {pid: bool(product.template.events) for pid, product in products.items()}
        return [d for d in ids if known.get(_product_of(d), True)]


def _product_of(device_id: str) -> str:
    return device_id.partition("/")[0]


class MissedEvents:
    """One account's record of recent events and of when its socket went down."""

    def __init__(
        self,
        iot: IotClient,
        *,
        label: str,
        look_back: float = 3600.0,
        remember: int = 128,
        reads: asyncio.Semaphore | None = None,
        products: ProductsWithEvents | None = None,
        wall: Callable[[], float] = time.time,
    ) -> None:
        """``look_back``: the longest outage read back (seconds); ``remember``: live and read-back
        events kept for matching; ``reads``: a gate shared by every account, so that a cloud
        dropping every socket at once is not answered with every account's reads at once;
        ``products``: which devices can post events at all (None: read every device)."""
        self._iot = iot
        self.label = label
        self.look_back = look_back
        self._live: deque[Key] = deque(maxlen=remember)  # pushed live, not yet read back
        self._read: deque[Key] = deque(maxlen=remember)  # read back, no live push seen yet
        self._handed: dict[Key, int] = {}  # history records handed on (read or matched live)
        self._reads = reads or asyncio.Semaphore(4)
        self._products = products
        self._wall = wall
        self.down_since: float | None = None  # wall-clock seconds; None = nothing to read back

    def snapshot(self, connected: bool) -> dict[str, Any]:
        """What a restarted bot needs to read back from here: since when, and what was handed on.

        ``connected``: the socket is up now, so reading back would start now.
        """
        since = self._wall() if connected or self.down_since is None else self.down_since
        return {
            "since": since,
            "live": [list(k) for k in self._live],
            "read": [list(k) for k in self._read],
            "handed": [[*key, n] for key, n in self._handed.items()],
        }

    def restore(self, snapshot: dict[str, Any]) -> None:
        """Continue from a snapshot: the first connection reads back from its ``since``.

        One older than ``look_back`` is ignored: a bot down that long starts afresh.
        """
        since = float(snapshot.get("since", 0))
        if self._wall() - since > self.look_back:
            return
        self.down_since = since
        self._live.extend(_key(k) for k in snapshot.get("live", []))
        self._read.extend(_key(k) for k in snapshot.get("read", []))
        for *key, count in snapshot.get("handed", []):
            self._handed[_key(key)] = int(count)

    def went_down(self) -> None:
        """The socket closed; the first close of an outage marks where reading back starts."""
        if self.down_since is None:
            self.down_since = self._wall()

    def is_repeat(self, event: DeviceEvent) -> bool:
        """For a live EVENT push: True if it was already read back; else note it."""
        at = event.time_ms // 1000 if event.time_ms else int(self._wall())
        key = (event.device_id, event.event_id, _params_key(event.params), at)
        match = _near(self._read, key)
        if match is not None:
            self._read.remove(match)
            return True
        self._live.append(key)
        return False

    async def read_back(self, token: str, device_ids: Iterable[str]) -> list[DeviceEvent]:
        """The events posted since the socket went down and not handed on yet, oldest first.

        A failed read is logged and the mark kept, so the next reconnect reads again.
        """
        if self.down_since is None:
            return []
        now = self._wall()
        start = int(max(self.down_since, now - self.look_back)) - SKEW
        end = int(now) + SKEW
        ids = sorted(device_ids)
        try:
            if self._products is not None:
                ids = await self._products.only_eventful(token, ids)
            pages = await asyncio.gather(*(self._history(token, d, start, end) for d in ids))
        except errors.InvalidToken:
            raise
        except errors.IotError as err:
            log.warning("%s: events of the outage not read back (%s)", self.label, err)
            return []
        self.down_since = None
        items = sorted((item for page in pages for item in page), key=lambda i: i.timestamp)
        occurrences: dict[Key, int] = {}
        found = []
        for item in items:
            key = (item.device_id, item.event_id, _params_key(item.params), item.timestamp)
            occurrences[key] = occurrences.get(key, 0) + 1
            if occurrences[key] <= self._handed.get(key, 0):
                continue  # handed on before (an earlier read, or its live push)
            self._handed[key] = self._handed.get(key, 0) + 1
            live = _near(self._live, key)
            if live is not None:
                self._live.remove(live)  # it came live before the socket dropped
                continue
            self._read.append(key)
            found.append(
                DeviceEvent(
                    Kind.EVENT,
                    item.device_id,
                    item.params,
                    event_id=item.event_id,
                    time_ms=item.timestamp * 1000,
                    missed=True,
                    event_type=item.type,
                )
            )
        # The next read starts SKEW before an outage that begins after now: older records can't
        # come again.
        oldest = int(now) - 2 * SKEW
        self._handed = {key: n for key, n in self._handed.items() if key[3] >= oldest}
        if found:
            log.info("%s: %d events posted during the outage read back", self.label, len(found))
        return found

    async def _history(self, token: str, device_id: str, start: int, end: int) -> list[Any]:
        async with self._reads:
            return await self._iot.event_history(token, device_id, start=start, end=end)


def _key(values: Iterable[Any]) -> Key:
    device, event, params, at = values
    return (str(device), str(event), str(params), int(at))


def _near(keys: Iterable[Key], key: Key) -> Key | None:
    """The first of ``keys`` for the same device, event and params a few seconds from ``key``."""
    device, event, params, at = key
    for other in keys:
        if other[:3] == (device, event, params) and abs(other[3] - at) <= SAME_WITHIN:
            return other
    return None
