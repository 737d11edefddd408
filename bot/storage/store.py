"""The bot's SQLite file (sqlite-utils, WAL): linked IoT Explorer accounts and per-user settings.

Other tables live in the same file and are owned by the module that uses them
(telegram/callbacks.py: callback_payloads, telegram/persistence.py: ptb_data / ptb_conversations); their schema is
created here, by storage/migrations.py, so one version number describes the whole file.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

from sqlite_utils import Database

from bot.storage.migrations import migrate
from bot.storage.secrets import TokenCipher, register_secret

LoginMethod = Literal["telegram", "password", "token"]


def _now() -> int:
    return int(time.time())


@dataclass(frozen=True)
class Account:
    """A Telegram user's linked IoT Explorer account; `token` is the decrypted AccessToken."""

    telegram_user_id: int
    region: str
    login_method: LoginMethod
    token: str = field(repr=False)
    expire_at: int | None  # Unix seconds, as the cloud's ExpireAt
    iot_user_id: str
    nickname: str = ""
    family_id: str | None = None  # the family the user is looking at
    login_identity: str = ""  # what /me shows, e.g. a masked phone number; never a password
    linked_at: int = field(default_factory=_now)
    token_problem_notified: bool = False  # "please /login again" already said

    def token_expired(self, now: float | None = None) -> bool:
        """Whether ExpireAt has passed (False when the cloud gave no expiry)."""
        if self.expire_at is None:
            return False
        return self.expire_at <= (time.time() if now is None else now)


@dataclass(frozen=True)
class UserSettings:
    """Per-user settings; every field's default is what a user who never chose gets.

    Stored as one (user, key, JSON value) row per setting that differs from its default, rather
    than one column each: adding a setting is adding a field here, with no migration, and
    resetting one is deleting its row. Unknown keys in the file (from a newer bot) are ignored.
    """

    language: str | None = None  # None: follow the Telegram client's language
    timezone: str = "UTC"  # IANA name; the default comes from the Store (i.e. from config)
    alert_kinds: tuple[str, ...] | None = None  # None: every kind of alert
    quiet_hours: tuple[str, str] | None = None  # ("22:00", "07:00") in the user's timezone
    alerts_chat_id: int | None = None  # None: the private chat with the bot
    speaker_device_id: str | None = None  # the speaker music commands play on


SETTING_NAMES = frozenset(f.name for f in dataclasses.fields(UserSettings))


class Store:
    """One SQLite file holding everything the bot remembers; methods are small and synchronous.

    Without a `cipher`, tokens are encrypted with a key generated once into the database's
    directory (see bot.storage.secrets). `default_timezone` is the timezone of users who never set one.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        cipher: TokenCipher | None = None,
        default_timezone: str = "UTC",
    ) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.cipher = cipher or TokenCipher.from_config(self.path.parent)
        self.default_timezone = default_timezone
        # One connection shared by the event loop and any worker thread; the lock keeps one
        # thread's transaction from swallowing another's statements.
        self._lock = threading.RLock()
        # Only the bot's user may read the file (tokens are encrypted; ids and settings are not).
        # SQLite gives the -wal and -shm files the database file's permissions.
        self.path.touch(mode=0o600, exist_ok=True)
        self.path.chmod(0o600)
        connection = sqlite3.connect(str(self.path), timeout=10, check_same_thread=False)
        self.db = Database(connection)
        try:
            self.db.enable_wal()
            # WAL + NORMAL survives a crash of the bot; only a power loss can lose the last commits.
            connection.execute("PRAGMA synchronous=NORMAL")
            migrate(self.db)
        except BaseException:
            connection.close()
            raise

    def close(self) -> None:
        """Close the file (checkpointing the WAL)."""
        with self._lock:
            self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """Run several statements atomically (and exclusive of other threads)."""
        with self._lock, self.db.atomic():
            yield self.db

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        """Run one statement (committed unless inside transaction())."""
        with self._lock:
            return self.db.execute(sql, list(params))

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Run a query and return every row as a dict."""
        with self._lock:
            return list(self.db.query(sql, list(params)))

    # accounts

    def get_account(self, telegram_user_id: int) -> Account | None:
        """The user's linked account, or None when they have not logged in."""
        rows = self.rows("SELECT * FROM accounts WHERE telegram_user_id = ?", [telegram_user_id])
        return self._account_from_row(rows[0]) if rows else None

    def list_accounts(self) -> list[Account]:
        """Every linked account (e.g. to start one push listener per user)."""
        return [self._account_from_row(row) for row in self.rows("SELECT * FROM accounts")]

    def save_account(self, account: Account) -> None:
        """Insert or replace the user's account."""
        register_secret(account.token)
        row = dataclasses.asdict(account)
        row["token"] = self.cipher.encrypt(account.token)
        row["token_problem_notified"] = int(account.token_problem_notified)
        with self._lock:
            self.db.table("accounts").upsert(row, pk="telegram_user_id")

    def delete_account(self, telegram_user_id: int) -> bool:
        """Forget the user's account (settings stay); True if there was one."""
        cursor = self.execute("DELETE FROM accounts WHERE telegram_user_id = ?", [telegram_user_id])
        return cursor.rowcount > 0

    def update_token(self, telegram_user_id: int, token: str, expire_at: int | None) -> bool:
        """Store a fresh AccessToken after a re-login; re-arms the "please /login" notice."""
        register_secret(token)
        cursor = self.execute(
            "UPDATE accounts SET token = ?, expire_at = ?, token_problem_notified = 0 "
            "WHERE telegram_user_id = ?",
            [self.cipher.encrypt(token), expire_at, telegram_user_id],
        )
        return cursor.rowcount > 0

    def set_family(self, telegram_user_id: int, family_id: str | None) -> None:
        """Remember which family the user is looking at."""
        self.execute(
            "UPDATE accounts SET family_id = ? WHERE telegram_user_id = ?",
            [family_id, telegram_user_id],
        )

    def mark_token_problem_notified(self, telegram_user_id: int) -> bool:
        """Record that the user was told to log in again; True only the first time."""
        cursor = self.execute(
            "UPDATE accounts SET token_problem_notified = 1 "
            "WHERE telegram_user_id = ? AND token_problem_notified = 0",
            [telegram_user_id],
        )
        return cursor.rowcount > 0

    def _account_from_row(self, row: dict[str, Any]) -> Account:
        token = self.cipher.decrypt(row["token"])
        register_secret(token)
        return Account(
            telegram_user_id=row["telegram_user_id"],
            region=row["region"],
            login_method=cast(LoginMethod, row["login_method"]),
            token=token,
            expire_at=row["expire_at"],
            iot_user_id=row["iot_user_id"],
            nickname=row["nickname"] or "",
            family_id=row["family_id"],
            login_identity=row["login_identity"] or "",
            linked_at=row["linked_at"],
            token_problem_notified=bool(row["token_problem_notified"]),
        )

    # settings

    def get_settings(self, telegram_user_id: int) -> UserSettings:
        """The user's settings, defaults filled in."""
        rows = self.rows(
            "SELECT key, value FROM settings WHERE telegram_user_id = ?", [telegram_user_id]
        )
        stored = {
            row["key"]: _from_json(row["value"]) for row in rows if row["key"] in SETTING_NAMES
        }
        return UserSettings(**{"timezone": self.default_timezone, **stored})

    def update_settings(self, telegram_user_id: int, **changes: object) -> UserSettings:
        """Change some settings (None resets one to its default); returns the new settings."""
        unknown = set(changes) - SETTING_NAMES
        if unknown:
            raise ValueError(f"unknown settings: {', '.join(sorted(unknown))}")
        with self.transaction() as db:
            for key, value in changes.items():
                db.execute(
                    "DELETE FROM settings WHERE telegram_user_id = ? AND key = ?",
                    [telegram_user_id, key],
                )
                if value is not None:
                    db.table("settings").insert(
                        {"telegram_user_id": telegram_user_id, "key": key, "value": _to_json(value)}
                    )
        return self.get_settings(telegram_user_id)


def _to_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _from_json(text: str) -> Any:
    value = json.loads(text)
    # JSON has no tuples; settings use them so that UserSettings stays hashable.
    return tuple(value) if isinstance(value, list) else value
