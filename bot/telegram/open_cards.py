"""Device cards open in chats, so a device's report can re-render them in place (live values).

A card is "open" from the moment it is shown until a button on its message is pressed (the
press re-renders it as a card again, or turns it into another menu) or 15 minutes pass. The
registry is the bot's one (``Services.open_cards``); notify/live_cards.py refreshes them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

CARD_TTL = 15 * 60  # seconds a shown card keeps following its device


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
