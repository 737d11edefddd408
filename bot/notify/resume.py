"""Where every account's push listener left off, kept in SQLite across restarts.

A listener remembers when its socket went down and which events it handed on
(bot/iot/push/missed.py). Saved here at a clean stop and every minute while running, that lets
the next start read back the alerts the devices posted while the bot was down (a deploy, a
crash): each once after a clean stop; after a crash, those from the last minute before it may
come twice, which beats not at all.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any

from bot.storage.store import Store

log = logging.getLogger(__name__)


class ResumePoints:
    """The push_resume table: save the running listeners' points, read one account's."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def save(self, points: Iterable[tuple[int, dict[str, Any]]]) -> int:
        """Store ``points`` ((telegram user id, point)) over those accounts' old ones.

        An account without a point now keeps its old one: a listener not started yet (a stop
        during a start-up spread) still reads back from where it was. Points of accounts no
        longer linked go. Returns how many were written.
        """
        rows = [
            (user_id, float(point["since"]), json.dumps(point, separators=(",", ":")))
            for user_id, point in points
        ]
        with self._store.transaction() as db:
            db.conn.executemany(
                "INSERT OR REPLACE INTO push_resume (telegram_user_id, since, memory) "
                "VALUES (?, ?, ?)",
                rows,
            )
            db.execute(
                "DELETE FROM push_resume WHERE telegram_user_id NOT IN "
                "(SELECT telegram_user_id FROM accounts)"
            )
        return len(rows)

    def get(self, telegram_user_id: int) -> dict[str, Any] | None:
        """The account's stored point, or None (never saved, or unreadable)."""
        rows = self._store.rows(
            "SELECT memory FROM push_resume WHERE telegram_user_id = ?", [telegram_user_id]
        )
        if not rows:
            return None
        try:
            point = json.loads(rows[0]["memory"])
        except ValueError:
            log.warning("push user %d: unreadable resume point ignored", telegram_user_id)
            return None
        return point if isinstance(point, dict) else None

    def forget(self, telegram_user_id: int) -> None:
        self._store.execute(
            "DELETE FROM push_resume WHERE telegram_user_id = ?", [telegram_user_id]
        )
