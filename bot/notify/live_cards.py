"""Pushed reports refresh the open device cards, at most every ~2 s each."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import time
from collections.abc import Callable
from typing import Any

from bot.telegram.context import HomeApplication

log = logging.getLogger(__name__)

REFRESH_EVERY = 2.0  # seconds between two refreshes of the same device's cards


class CardUpdates:
    """Throttled card refreshes per device: the first report at once, a burst's last one later."""

    def __init__(self, app: HomeApplication, *, clock: Callable[[], float] = time.monotonic):
        self._app = app
        self._clock = clock
        self._last: dict[str, float] = {}  # device id -> when its cards were last refreshed
        self._scheduled: dict[str, asyncio.Task[None]] = {}

    def property_report(self, device_id: str) -> None:
        """New values of ``device_id`` were pushed: refresh its open cards, throttled."""
        if device_id in self._scheduled or not _open_cards(self._app, device_id):
            return
        now = self._clock()
        if len(self._last) > 1000:
            self._last = {d: t for d, t in self._last.items() if now - t < REFRESH_EVERY}
        delay = max(0.0, self._last.get(device_id, -REFRESH_EVERY) + REFRESH_EVERY - now)
        # A refresh reads the device when it runs, so reports arriving meanwhile need no other:
        # the last values win.
        self._scheduled[device_id] = asyncio.create_task(self._refresh(device_id, delay))

    async def stop(self) -> None:
        """Cancel refreshes not yet done."""
        tasks = list(self._scheduled.values())
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _refresh(self, device_id: str, delay: float) -> None:
        me = asyncio.current_task()
        try:
            if delay:
                await asyncio.sleep(delay)
            self._last[device_id] = self._clock()
            if self._scheduled.get(device_id) is me:
                del self._scheduled[device_id]  # a report during the refresh schedules the next
            refresh = _refresh_function()
            for card in _open_cards(self._app, device_id):
                try:
                    await refresh(self._app, card)
                except Exception:
                    log.exception("refreshing a device card after a push failed")
        finally:
            if self._scheduled.get(device_id) is me:
                del self._scheduled[device_id]


def _open_cards(app: HomeApplication, device_id: str) -> list[Any]:
    """The device cards showing ``device_id`` now (none while the card feature is absent)."""
    cards = (app.services.extras or {}).get("open_cards")
    if cards is None:
        return []
    return list(cards.for_device(device_id))


def _refresh_function() -> Callable[[HomeApplication, Any], Any]:
    # Imported when used: the card module is optional to this one (and imports handlers).
    module = importlib.import_module("bot.notify.open_cards")
    refresh: Callable[[HomeApplication, Any], Any] = module.refresh_card
    return refresh
