"""Who wants which alert, and when: kinds, per-device mutes and snoozes, quiet hours."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as clock
from typing import Any

from bot.home.timezones import zone
from bot.storage.store import Store, UserSettings

KINDS = ("alert", "fault", "info", "status")  # what /alerts toggles; status = online/offline
_KIND_OF = {
    "alert": "alert",
    "fault": "fault",
    "info": "info",
    "online": "status",
    "offline": "status",
}
SNOOZE_CHOICES = ("1h", "8h", "am")  # an hour, eight hours, until 08:00 the next morning
MORNING = clock(8, 0)
_CLOCK = r"([01]?\d|2[0-3])[:.h]([0-5]\d)"
_QUIET = re.compile(rf"\s*{_CLOCK}\s*(?:-|–|—|to|till|until|\s)\s*{_CLOCK}\s*", re.IGNORECASE)


def wants(settings: UserSettings, category: str) -> bool:
    """Whether the user receives alerts of ``category`` (notices about the bot always)."""
    kind = _KIND_OF.get(category)
    return kind is None or settings.alert_kinds is None or kind in settings.alert_kinds


def toggled(kinds: tuple[str, ...] | None, kind: str) -> tuple[str, ...] | None:
    """The kinds after switching ``kind`` on or off (None again when all are on)."""
    chosen = set(KINDS if kinds is None else kinds) ^ {kind}
    return None if chosen >= set(KINDS) else tuple(k for k in KINDS if k in chosen)


def parse_quiet_hours(text: str) -> tuple[str, str] | None:
    """("22:00", "07:00") from "22:00-07:00", "22:00 7:00", "22.00 to 07.00"; None if unreadable."""
    match = _QUIET.fullmatch(text)
    if match is None:
        return None
    h1, m1, h2, m2 = (int(part) for part in match.groups())
    if (h1, m1) == (h2, m2):
        return None
    return f"{h1:02d}:{m1:02d}", f"{h2:02d}:{m2:02d}"


def in_quiet_hours(settings: UserSettings, now: float) -> bool:
    """Whether ``now`` (Unix seconds) falls in the user's quiet hours, in their timezone."""
    if not settings.quiet_hours:
        return False
    start, end = settings.quiet_hours
    local = datetime.fromtimestamp(now, zone(settings.timezone)).strftime("%H:%M")
    if start <= end:
        return start <= local < end
    return local >= start or local < end  # over midnight, e.g. 22:00-07:00


def snooze_until(choice: str, tz: str, now: float) -> int:
    """When a snooze chosen as one of SNOOZE_CHOICES ends (Unix seconds)."""
    if choice == "1h":
        return int(now + 3600)
    if choice == "8h":
        return int(now + 8 * 3600)
    local = datetime.fromtimestamp(now, zone(tz))
    morning = datetime.combine(local.date(), MORNING, tzinfo=local.tzinfo)
    if morning <= local:
        morning = datetime.combine(local.date() + timedelta(days=1), MORNING, local.tzinfo)
    return int(morning.timestamp())


@dataclass(frozen=True)
class Snooze:
    """A device whose alerts are held back until ``until``, and how many were."""

    telegram_user_id: int
    device_id: str
    until: int  # Unix seconds
    suppressed: int = 0
    last_suppressed_at: int = 0  # Unix ms


class AlertRules:
    """Mutes and snoozes in the bot's SQLite file (tables alert_mutes and alert_snoozes)."""

    def __init__(self, store: Store, *, clock: Callable[[], float] = time.time) -> None:
        self._store = store
        self.clock = clock

    # mutes

    def muted(self, telegram_user_id: int) -> set[str]:
        """The devices the user muted."""
        rows = self._store.rows(
            "SELECT device_id FROM alert_mutes WHERE telegram_user_id = ?", [telegram_user_id]
        )
        return {str(row["device_id"]) for row in rows}

    def is_muted(self, telegram_user_id: int, device_id: str) -> bool:
        """Whether the user muted the device."""
        rows = self._store.rows(
            "SELECT 1 FROM alert_mutes WHERE telegram_user_id = ? AND device_id = ?",
            [telegram_user_id, device_id],
        )
        return bool(rows)

    def set_muted(self, telegram_user_id: int, device_id: str, muted: bool) -> None:
        """Mute or unmute one device for the user."""
        if muted:
            self._store.execute(
                "INSERT OR IGNORE INTO alert_mutes (telegram_user_id, device_id, muted_at) "
                "VALUES (?, ?, ?)",
                [telegram_user_id, device_id, int(self.clock())],
            )
        else:
            self._store.execute(
                "DELETE FROM alert_mutes WHERE telegram_user_id = ? AND device_id = ?",
                [telegram_user_id, device_id],
            )

    # snoozes

    def snooze(self, telegram_user_id: int, device_ids: Iterable[str], until: int) -> None:
        """Hold back the devices' alerts until ``until``; a running snooze keeps its count."""
        with self._store.transaction() as db:
            for device_id in device_ids:
                db.execute(
                    "INSERT INTO alert_snoozes (telegram_user_id, device_id, until) "
                    "VALUES (?, ?, ?) ON CONFLICT (telegram_user_id, device_id) "
                    "DO UPDATE SET until = excluded.until",
                    [telegram_user_id, device_id, until],
                )

    def hold_back(self, telegram_user_id: int, device_id: str, at_ms: int) -> bool:
        """Count one alert of a snoozed device; False when the device is not snoozed now."""
        cursor = self._store.execute(
            "UPDATE alert_snoozes SET suppressed = suppressed + 1, last_suppressed_at = ? "
            "WHERE telegram_user_id = ? AND device_id = ? AND until > ?",
            [at_ms, telegram_user_id, device_id, int(self.clock())],
        )
        return cursor.rowcount > 0

    def snoozes(self, telegram_user_id: int) -> list[Snooze]:
        """The user's snoozes, ending soonest first."""
        rows = self._store.rows(
            "SELECT * FROM alert_snoozes WHERE telegram_user_id = ? ORDER BY until",
            [telegram_user_id],
        )
        return [_snooze(row) for row in rows]

    def end(self, telegram_user_id: int, device_id: str) -> Snooze | None:
        """End one snooze now; returns it (with its count) if there was one."""
        with self._store.transaction() as db:
            rows = list(
                db.query(
                    "SELECT * FROM alert_snoozes WHERE telegram_user_id = ? AND device_id = ?",
                    [telegram_user_id, device_id],
                )
            )
            db.execute(
                "DELETE FROM alert_snoozes WHERE telegram_user_id = ? AND device_id = ?",
                [telegram_user_id, device_id],
            )
        return _snooze(rows[0]) if rows else None

    def take_due(self) -> list[Snooze]:
        """Remove and return every snooze whose time is up."""
        now = int(self.clock())
        with self._store.transaction() as db:
            rows = list(db.query("SELECT * FROM alert_snoozes WHERE until <= ?", [now]))
            db.execute("DELETE FROM alert_snoozes WHERE until <= ?", [now])
        return [_snooze(row) for row in rows]

    def next_end(self) -> int | None:
        """When the next snooze ends (Unix seconds), or None without snoozes."""
        rows = self._store.rows("SELECT MIN(until) AS next FROM alert_snoozes")
        value = rows[0]["next"] if rows else None
        return None if value is None else int(value)


def _snooze(row: dict[str, Any]) -> Snooze:
    return Snooze(
        telegram_user_id=int(row["telegram_user_id"]),
        device_id=str(row["device_id"]),
        until=int(row["until"]),
        suppressed=int(row["suppressed"] or 0),
        last_suppressed_at=int(row["last_suppressed_at"] or 0),
    )
