"""Schema migrations for the bot's SQLite file: numbered steps, each applied exactly once."""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlite_utils import Database

VERSION_TABLE = "schema_version"


class SchemaTooNew(Exception):
    """The database was written by a newer version of the bot than this one."""


def _accounts_and_settings(db: Database) -> None:
    db.table("accounts").create(
        {
            "telegram_user_id": int,
            "region": str,
            "login_method": str,
            "token": str,  # Fernet ciphertext, never the plain AccessToken
            "expire_at": int,
            "iot_user_id": str,
            "nickname": str,
            "family_id": str,
            "login_identity": str,
            "linked_at": int,
            "token_problem_notified": int,
        },
        pk="telegram_user_id",
        not_null={"region", "login_method", "token", "iot_user_id", "linked_at"},
        defaults={"token_problem_notified": 0, "nickname": "", "login_identity": ""},
    )
    db.table("settings").create(
        {"telegram_user_id": int, "key": str, "value": str},
        pk=("telegram_user_id", "key"),
        not_null={"value"},
    )


def _callback_payloads(db: Database) -> None:
    db.table("callback_payloads").create(
        {"key": str, "payload": str, "used_at": int}, pk="key", not_null={"payload", "used_at"}
    )
    db.table("callback_payloads").create_index(["used_at"])


def _ptb_persistence(db: Database) -> None:
    # kind is 'user', 'chat', 'bot' or 'callback'; bot and callback data use id 0.
    db.table("ptb_data").create(
        {"kind": str, "id": int, "data": bytes}, pk=("kind", "id"), not_null={"data"}
    )
    db.table("ptb_conversations").create(
        {"name": str, "key": str, "state": bytes}, pk=("name", "key"), not_null={"state"}
    )


def _alert_delivery(db: Database) -> None:
    # Alerts waiting for Telegram: written before the send, deleted once Telegram took them.
    db.table("alert_outbox").create(
        {
            "id": int,
            "telegram_user_id": int,
            "chat_id": int,
            "device_id": str,
            "category": str,
            "text": str,
            "line": str,
            "created_at": int,
        },
        pk="id",
        not_null={"telegram_user_id", "chat_id", "category", "text", "line", "created_at"},
        defaults={"device_id": ""},
    )
    db.table("alert_outbox").create_index(["chat_id", "id"])
    db.table("alert_outbox").create_index(["created_at"])
    db.table("alert_mutes").create(
        {"telegram_user_id": int, "device_id": str, "muted_at": int},
        pk=("telegram_user_id", "device_id"),
    )
    db.table("alert_snoozes").create(
        {
            "telegram_user_id": int,
            "device_id": str,
            "until": int,
            "suppressed": int,
            "last_suppressed_at": int,
        },
        pk=("telegram_user_id", "device_id"),
        not_null={"until"},
        defaults={"suppressed": 0, "last_suppressed_at": 0},
    )
    db.table("alert_snoozes").create_index(["until"])


def _push_resume(db: Database) -> None:
    # Where each account's push listener left off (bot/notify/resume.py): when it last knew its
    # socket was up, and the events it had handed on, so a restart reads back what came meanwhile.
    db.table("push_resume").create(
        {"telegram_user_id": int, "since": float, "memory": str},
        pk="telegram_user_id",
        not_null={"since", "memory"},
    )


# Append only: a released step is never edited, a change is a new step.
MIGRATIONS: tuple[Callable[[Database], None], ...] = (
    _accounts_and_settings,
    _callback_payloads,
    _ptb_persistence,
    _alert_delivery,
    _push_resume,
)


def current_version(db: Database) -> int:
    """The schema version recorded in `db` (0 for a new file)."""
    if not db.table(VERSION_TABLE).exists():
        return 0
    row = db.execute(f"SELECT MAX(version) FROM {VERSION_TABLE}").fetchone()
    return int(row[0] or 0)


def migrate(db: Database) -> int:
    """Apply every migration newer than the file's version; returns the resulting version."""
    # IMMEDIATE takes the write lock before reading the version, so two processes starting
    # together cannot both apply the same step.
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        version = _apply_pending(db)
    except BaseException:
        db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")
    return version


def _apply_pending(db: Database) -> int:
    if not db.table(VERSION_TABLE).exists():
        db.table(VERSION_TABLE).create({"version": int, "applied_at": int}, pk="version")
    version = current_version(db)
    if version > len(MIGRATIONS):
        raise SchemaTooNew(
            f"the database is at schema version {version}, this bot knows up to "
            f"{len(MIGRATIONS)}; run a newer bot or restore a backup"
        )
    for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
        step(db)
        db.table(VERSION_TABLE).insert({"version": number, "applied_at": int(time.time())})
    return len(MIGRATIONS)
