"""Device cards open in chats, so a device's report can re-render them in place (live values).

A card is "open" from the moment it is shown until a button on its message is pressed (the
press re-renders it as a card again, or turns it into another menu) or 15 minutes pass.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from telegram.error import BadRequest, Forbidden

from bot.home.accounts import NotLinked, SessionExpired
from bot.home.lookup import Home
from bot.home.timezones import zone
from bot.i18n import translator, use
from bot.iot import errors
from bot.telegram.routing import Buttons
from bot.views.devices.card import card_view

if TYPE_CHECKING:
    from bot.telegram.context import HomeApplication, Services

log = logging.getLogger(__name__)

CARD_TTL = 15 * 60  # seconds a shown card keeps following its device
EXTRAS_KEY = "open_cards"


@dataclass(frozen=True)
class OpenCard:
    """A message showing the card of ``device_id`` to ``user_id``."""

    chat_id: int
    message_id: int
    user_id: int
    device_id: str
    opened_at: float


class OpenCards:
    """The cards shown in the last ``ttl`` seconds, one per message."""

    def __init__(self, ttl: float = CARD_TTL, clock: Callable[[], float] = time.monotonic):
        self.ttl = ttl
        self._clock = clock
        self._cards: dict[tuple[int, int], OpenCard] = {}

    def opened(self, chat_id: int, message_id: int, user_id: int, device_id: str) -> OpenCard:
        """Note that this message now shows the card of ``device_id``."""
        card = OpenCard(chat_id, message_id, user_id, device_id, self._clock())
        self._cards[(chat_id, message_id)] = card
        return card

    def closed(self, chat_id: int, message_id: int) -> None:
        """The message no longer shows a card (it became another menu, or is gone)."""
        self._cards.pop((chat_id, message_id), None)

    def for_device(self, device_id: str) -> list[OpenCard]:
        """The cards of ``device_id`` opened in the last ``ttl`` seconds."""
        self._forget_old()
        return [c for c in self._cards.values() if c.device_id == device_id]

    def __len__(self) -> int:
        self._forget_old()
        return len(self._cards)

    def _forget_old(self) -> None:
        oldest = self._clock() - self.ttl
        for key in [k for k, c in self._cards.items() if c.opened_at < oldest]:
            del self._cards[key]


def open_cards(services: Services) -> OpenCards:
    """The bot's registry of open cards (made on first use)."""
    if services.extras is None:
        services.extras = {}
    cards = services.extras.get(EXTRAS_KEY)
    if not isinstance(cards, OpenCards):
        cards = services.extras[EXTRAS_KEY] = OpenCards()
    return cards


async def refresh_card(app: HomeApplication, card: OpenCard) -> bool:
    """Re-render ``card`` in place from fresh cloud data; False when it could not be (and is closed)."""
    services = app.services
    settings = services.store.get_settings(card.user_id)
    with use(translator(settings.language or "en")):
        try:
            fresh = await Home(services, card.user_id).card(card.device_id)
        except (NotLinked, SessionExpired, errors.NotFound, errors.NoPermission):
            open_cards(services).closed(card.chat_id, card.message_id)
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
            open_cards(services).closed(card.chat_id, card.message_id)
            return False
        except Forbidden:
            open_cards(services).closed(card.chat_id, card.message_id)
            return False
    return True
