"""Alerts not yet delivered, in the bot's SQLite file: written before a send, deleted after it.

The outbox is the delivery queue itself: the in-memory side only knows which chats have rows,
so a storm, a blocked chat or a restart costs disk rows, not memory, and nothing is lost.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.storage.store import Store

KEEP_SECONDS = 7 * 86400  # how long an alert waits for a chat that blocked the bot or vanished


@dataclass(frozen=True)
class OutboxAlert:
    """One alert for one chat: its full message and its line in a digest (both HTML)."""

    telegram_user_id: int  # whose alert it is (owner of its buttons, whose settings apply)
    chat_id: int
    category: str  # alert, fault, info, online, offline, account, snooze
    text: str
    line: str
    device_id: str = ""
    created_at: int = 0  # Unix ms
    id: int = 0  # set once stored


class Outbox:
    """The alert_outbox table: add, read per chat in order, delete once delivered."""

    def __init__(self, store: Store, *, clock: Callable[[], float] = time.time) -> None:
        self._store = store
        self._clock = clock

    def add(self, alert: OutboxAlert) -> OutboxAlert:
        """Persist ``alert``; returns it with its id (and creation time when it had none)."""
        created = alert.created_at or int(self._clock() * 1000)
        cursor = self._store.execute(
            "INSERT INTO alert_outbox "
            "(telegram_user_id, chat_id, device_id, category, text, line, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                alert.telegram_user_id,
                alert.chat_id,
                alert.device_id,
                alert.category,
                alert.text,
                alert.line,
                created,
            ],
        )
        return OutboxAlert(
            alert.telegram_user_id,
            alert.chat_id,
            alert.category,
            alert.text,
            alert.line,
            alert.device_id,
            created,
            int(cursor.lastrowid or 0),
        )

    def pending(self, chat_id: int, limit: int = 200) -> list[OutboxAlert]:
        """The chat's oldest undelivered alerts, oldest first."""
        rows = self._store.rows(
            "SELECT * FROM alert_outbox WHERE chat_id = ? ORDER BY id LIMIT ?", [chat_id, limit]
        )
        return [_from_row(row) for row in rows]

    def has_pending(self, chat_id: int) -> bool:
        """Whether anything waits for the chat."""
        rows = self._store.rows("SELECT 1 FROM alert_outbox WHERE chat_id = ? LIMIT 1", [chat_id])
        return bool(rows)

    def count(self, chat_id: int | None = None) -> int:
        """How many alerts wait (for one chat, or in all)."""
        if chat_id is None:
            rows = self._store.rows("SELECT COUNT(*) AS n FROM alert_outbox")
        else:
            rows = self._store.rows(
                "SELECT COUNT(*) AS n FROM alert_outbox WHERE chat_id = ?", [chat_id]
            )
        return int(rows[0]["n"])

    def chats(self) -> list[int]:
        """Every chat with something waiting, the one waiting longest first."""
        rows = self._store.rows(
            "SELECT chat_id, MIN(id) AS first FROM alert_outbox GROUP BY chat_id ORDER BY first"
        )
        return [int(row["chat_id"]) for row in rows]

    def delivered(self, ids: Sequence[int]) -> None:
        """Forget alerts Telegram accepted."""
        if not ids:
            return
        marks = ",".join("?" * len(ids))
        self._store.execute(f"DELETE FROM alert_outbox WHERE id IN ({marks})", list(ids))

    def expire(self, keep_seconds: float = KEEP_SECONDS) -> int:
        """Drop alerts older than ``keep_seconds`` (a chat gone for good); returns how many."""
        cutoff = int((self._clock() - keep_seconds) * 1000)
        return self._store.execute(
            "DELETE FROM alert_outbox WHERE created_at < ?", [cutoff]
        ).rowcount


def _from_row(row: dict[str, Any]) -> OutboxAlert:
    return OutboxAlert(
        telegram_user_id=int(row["telegram_user_id"]),
        chat_id=int(row["chat_id"]),
        category=str(row["category"]),
        text=str(row["text"]),
        line=str(row["line"]),
        device_id=str(row["device_id"] or ""),
        created_at=int(row["created_at"]),
        id=int(row["id"]),
    )
