"""Short garbage-collector pauses for a bot that runs for months.

CPython's full collections walk every container object the process holds. In this bot most of
them live as long as the process: modules, handlers and catalogs from start-up, then one push
socket, listener and device cache per linked account. At 1,000 accounts a full pass takes
100-200 ms, and whatever alert or update is in hand waits that long (bench/push_pipeline.py:
p99 109 ms with full passes, 5 ms without). ``gc.freeze()`` moves everything alive now into a
generation the collector never walks; new objects are collected as usual.

What freezing costs: garbage cycles among frozen objects (a listener dropped when its account
unlinks, a device cache entry replaced) stay until the next unfreeze. So the keeper settles the
heap again every ``every`` seconds: unfreeze, one full collection (the one pause, an hour apart
by default), freeze. Only ``python -m bot run`` keeps one; tests that build many applications in
one process must not freeze theirs.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time

log = logging.getLogger(__name__)


class HeapKeeper:
    """Freezes the long-lived heap at milestones and re-settles it every ``every`` seconds."""

    def __init__(self, every: float = 3600.0) -> None:
        self.every = every
        self.settled_times = 0

    def settle(self, why: str) -> None:
        """Collect what is garbage now, then freeze the rest (one full pass)."""
        started = time.perf_counter()
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self.settled_times += 1
        log.debug(
            "heap settled (%s): %d objects frozen in %.0f ms",
            why,
            gc.get_freeze_count(),
            (time.perf_counter() - started) * 1000,
        )

    async def run(self) -> None:
        """Settle every ``every`` seconds until cancelled; unfreezes when it stops."""
        try:
            while True:
                await asyncio.sleep(self.every)  # a schedule, not synchronization
                self.settle("periodic")
        finally:
            gc.unfreeze()
