"""Pushed reports refresh the open device cards, at most every ~2 s each."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from telegram.error import BadRequest, Forbidden

from bot.home.accounts import NotLinked, SessionExpired
from bot.home.lookup import Home
from bot.home.timezones import zone
from bot.i18n import translator, use
from bot.iot import errors
from bot.telegram.context import HomeApplication, Services
from bot.telegram.open_cards import OpenCard, OpenCards
from bot.telegram.routing import Buttons
from bot.views.devices.card import card_view

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
        if device_id in self._scheduled or not self._app.services.open_cards.for_device(device_id):
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
            for card in self._app.services.open_cards.for_device(device_id):
                try:
                    await refresh_card(self._app, card)
                except Exception:
                    log.exception("refreshing a device card after a push failed")
        finally:
            if self._scheduled.get(device_id) is me:
                del self._scheduled[device_id]


def open_cards(services: Services) -> OpenCards:
    """The bot's registry of open cards."""
    return services.open_cards


async def refresh_card(app: HomeApplication, card: OpenCard) -> bool:
    """Re-render ``card`` in place from fresh cloud data; False when it could not be (and is closed)."""
    services = app.services
    settings = services.store.get_settings(card.user_id)
    with use(translator(settings.language or "en")):
        try:
            fresh = await Home(services, card.user_id).card(card.device_id)
        except (NotLinked, SessionExpired, errors.NotFound, errors.NoPermission):
            services.open_cards.closed(card.chat_id, card.message_id)
            return False
        except errors.IotError as err:
            log.info("could not refresh a device card: %s", type(err).__name__)
            return False
        text, keyboard = card_view(fresh, Buttons(services, card.user_id), zone(settings.timezone))
        try:
            await app.bot.edit_message_text(
                text, chat_id=card.chat_id, message_id=card.message_id, reply_markup=keyboard
            )
        except BadRequest as err:
            if "not modified" in str(err).lower():
                return True
            log.info("a device card can no longer be edited: %s", err)
            services.open_cards.closed(card.chat_id, card.message_id)
            return False
        except Forbidden:
            services.open_cards.closed(card.chat_id, card.message_id)
            return False
    return True
