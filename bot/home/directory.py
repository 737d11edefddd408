"""Each user's devices (names, products, DataTemplates), cached in memory for alert texts.

An alert names its device and formats its params with the product's template, so the bot needs
them for every push. They are read once per user (families, their devices, devices shared with
the user, the products' templates), kept a few minutes, and read again early when a device
shows up that the cache does not know. A failed read keeps what was known before.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from bot.home.accounts import AccountManager, NotLinked, SessionExpired
from bot.iot import errors
from bot.iot.client import IotClient
from bot.iot.template import DataTemplate

log = logging.getLogger(__name__)

REFRESH_SECONDS = 300.0  # a user's devices are read again after this long
MISS_SECONDS = 30.0  # an unknown device triggers a re-read at most this often
# Users kept in memory; the least recently used are forgotten. Every linked account can alert at
# any moment, so this should hold them all: at 2,000, a storm over 5,000 accounts evicted each
# user before its next alert and every alert cost four cloud reads (bench/README.md). An entry is
# ~10 KB, so 10,000 users are ~100 MB.
MAX_USERS = 10_000
# Users whose devices are read at once. A burst of first alerts after a restart would otherwise
# queue a thousand reads in the HTTP pool, whose bookkeeping grows with the queue squared: none
# would finish in time. In line, they finish one after the other.
MAX_READS = 16
_SHARE_PAGE = 10


@dataclass(frozen=True)
class KnownDevice:
    """A device as alerts call it."""

    device_id: str
    name: str
    product_id: str
    shared: bool = False  # shared with the user by someone outside their families


@dataclass
class _Entry:
    devices: dict[str, KnownDevice]
    templates: dict[str, DataTemplate]
    loaded_at: float


class DeviceDirectory:
    """Per-user device names and templates, read through the user's account."""

    def __init__(
        self,
        iot: IotClient,
        accounts: AccountManager,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._iot = iot
        self._accounts = accounts
        self._clock = clock
        self._entries: OrderedDict[int, _Entry] = OrderedDict()
        self._loading: dict[int, asyncio.Task[_Entry | None]] = {}
        self._tried: dict[int, float] = {}  # last read attempt per user, failed or not
        self._reads = asyncio.Semaphore(MAX_READS)

    async def device(self, telegram_user_id: int, device_id: str) -> KnownDevice | None:
        """The device, or None when the user's account does not (or cannot now) show it."""
        entry = await self._entry(telegram_user_id, need=device_id)
        return None if entry is None else entry.devices.get(device_id)

    async def template(self, telegram_user_id: int, product_id: str) -> DataTemplate | None:
        """The product's DataTemplate, if one of the user's devices is of that product."""
        entry = await self._entry(telegram_user_id)
        return None if entry is None else entry.templates.get(product_id)

    async def devices(self, telegram_user_id: int, *, fresh: bool = False) -> list[KnownDevice]:
        """Every device the user sees, by name."""
        if fresh:
            self._tried.pop(telegram_user_id, None)
            entry = await self._load_once(telegram_user_id)
        else:
            entry = await self._entry(telegram_user_id)
        if entry is None:
            return []
        return sorted(entry.devices.values(), key=lambda d: (d.name.casefold(), d.device_id))

    async def close(self) -> None:
        """Cancel the reads in flight (the bot is stopping)."""
        tasks = list(self._loading.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def forget(self, telegram_user_id: int) -> None:
        """Drop what is known of the user (their account changed)."""
        self._entries.pop(telegram_user_id, None)
        self._tried.pop(telegram_user_id, None)

    async def _entry(self, telegram_user_id: int, need: str | None = None) -> _Entry | None:
        entry = self._entries.get(telegram_user_id)
        now = self._clock()
        tried = self._tried.get(telegram_user_id, -1e18)
        if entry is not None:
            self._entries.move_to_end(telegram_user_id)
            fresh = now - entry.loaded_at < REFRESH_SECONDS
            if fresh and (need is None or need in entry.devices):
                return entry
        if now - tried < MISS_SECONDS:
            return entry
        return await self._load_once(telegram_user_id) or entry

    async def _load_once(self, telegram_user_id: int) -> _Entry | None:
        """Read the user's devices; concurrent callers share one read."""
        task = self._loading.get(telegram_user_id)
        if task is None:
            task = asyncio.create_task(self._load(telegram_user_id))
            self._loading[telegram_user_id] = task
            task.add_done_callback(lambda _: self._loading.pop(telegram_user_id, None))
        return await asyncio.shield(task)

    async def _load(self, telegram_user_id: int) -> _Entry | None:
        self._tried[telegram_user_id] = self._clock()
        try:
            async with self._reads:
                entry = await self._accounts.run(telegram_user_id, self._read)
        except (errors.IotError, SessionExpired, NotLinked) as err:
            log.info("could not read the devices of a user for alerts: %s", type(err).__name__)
            return self._entries.get(telegram_user_id)
        self._entries[telegram_user_id] = entry
        self._entries.move_to_end(telegram_user_id)
        while len(self._entries) > MAX_USERS:
            forgotten, _ = self._entries.popitem(last=False)
            self._tried.pop(forgotten, None)
        return entry

    async def _read(self, token: str) -> _Entry:
        devices: dict[str, KnownDevice] = {}
        for family in await self._iot.list_all_families(token):
            for device in await self._iot.list_all_devices(token, family.family_id):
                devices[device.device_id] = KnownDevice(
                    device.device_id, device.name, device.product_id
                )
        offset = 0
        while True:
            page = await self._iot.list_shared_devices(token, offset=offset, limit=_SHARE_PAGE)
            for shared in page.devices:
                devices.setdefault(
                    shared.device_id,
                    KnownDevice(
                        shared.device_id,
                        shared.alias or shared.device_name,
                        shared.product_id,
                        shared=True,
                    ),
                )
            offset += len(page.devices)
            if not page.devices or offset >= page.total:
                break
        product_ids = sorted({d.product_id for d in devices.values() if d.product_id})
        products = await self._iot.get_products(token, product_ids)
        templates = {p.product_id: p.template for p in products}
        return _Entry(devices, templates, self._clock())
