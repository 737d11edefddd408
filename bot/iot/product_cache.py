"""Products (and their DataTemplates) by ProductId, shared by everything that needs them.

Templates change rarely and are the same for every user, so one cache serves the device screens
and the push listeners alike; each product is read again after ``ttl`` seconds.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable

from bot.iot.models.devices import Product

PRODUCT_TTL = 300.0  # seconds a product's template is reused


class ProductCache:
    """Products by ProductId, each kept for ``ttl`` seconds after it was fetched."""

    def __init__(self, ttl: float = PRODUCT_TTL, clock: Callable[[], float] = time.monotonic):
        self.ttl = ttl
        self._clock = clock
        self._products: dict[str, tuple[float, Product]] = {}
        # One fetch at a time: when the cloud drops every push socket, a thousand listeners come
        # back asking about the same few products; the first reads them, the others find them.
        self._lock = asyncio.Lock()

    async def products(
        self,
        product_ids: Iterable[str],
        fetch: Callable[[list[str]], Awaitable[list[Product]]],
    ) -> dict[str, Product]:
        """The products of these ids, fetching only the ones missing or stale."""
        wanted = list(dict.fromkeys(pid for pid in product_ids if pid))
        if self._missing(wanted):
            async with self._lock:
                missing = self._missing(wanted)
                if missing:
                    now = self._clock()
                    for product in await fetch(missing):
                        self._products[product.product_id] = (now, product)
        return {pid: self._products[pid][1] for pid in wanted if pid in self._products}

    def _missing(self, wanted: list[str]) -> list[str]:
        now = self._clock()
        return [
            pid
            for pid in wanted
            if pid not in self._products or now - self._products[pid][0] > self.ttl
        ]
