"""Deep links carrying a share or invitation token, with short keys standing in for long tokens.

A /start payload is at most 64 characters of A-Z, a-z, 0-9, _ and -. A token that fits goes
into the link as it is (after a one-letter prefix naming the kind); any other token is kept,
encrypted, in the ``share_links`` table under a short random key, and the key goes into the
link instead. Every link also gets a row (keyed by a digest of the token when the token itself
is in the link) holding what the bot knew when it made the link and who used it through the bot.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from bot.storage.secrets import SecretKeyError
from bot.storage.store import Store

TABLE = "share_links"
PAYLOAD_MAX = 64  # Telegram's limit for a /start payload
KEEP_SECONDS = 60 * 24 * 3600  # rows older than this are pruned when a new link is made
_PAYLOAD = re.compile(r"[A-Za-z0-9_-]+")
_SCHEMA = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} ("
    "key TEXT PRIMARY KEY, kind TEXT NOT NULL, token TEXT NOT NULL, "
    "details TEXT NOT NULL DEFAULT '{}', created_at INTEGER NOT NULL, used_by INTEGER)"
)


@dataclass(frozen=True)
class Link:
    """A token found from the rest of a /start payload, and what the bot remembers of it."""

    token: str = field(repr=False)
    details: dict[str, Any] = field(default_factory=dict)
    used_by: int | None = None


class ShareLinks:
    """Makes and resolves share and invitation deep links for one bot."""

    def __init__(self, store: Store) -> None:
        self._store = store
        store.execute(_SCHEMA)

    def payload(self, kind: str, token: str, details: dict[str, Any] | None = None) -> str:
        """The /start payload for ``token``: ``kind`` + the token, or + a short key for it."""
        fits = len(kind) + len(token) <= PAYLOAD_MAX and _PAYLOAD.fullmatch(token)
        key = _digest_key(kind, token) if fits else secrets.token_urlsafe(9)
        now = int(time.time())
        self._store.execute(f"DELETE FROM {TABLE} WHERE created_at < ?", [now - KEEP_SECONDS])
        self._store.execute(
            f"INSERT OR REPLACE INTO {TABLE} (key, kind, token, details, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [
                key,
                kind,
                self._store.cipher.encrypt(token),
                json.dumps(details or {}, ensure_ascii=False),
                now,
            ],
        )
        return kind + (token if fits else key)

    def resolve(self, kind: str, rest: str) -> Link:
        """The token behind the part of a payload after its prefix (the rest itself if unknown)."""
        rows = self._store.rows(
            f"SELECT * FROM {TABLE} WHERE kind = ? AND key IN (?, ?)",
            [kind, rest, _digest_key(kind, rest)],
        )
        by_key = {row["key"]: row for row in rows}
        row = by_key.get(rest)
        token = rest
        if row is not None:
            try:
                token = self._store.cipher.decrypt(row["token"])
            except SecretKeyError:
                row = None  # written under another secret key: the link is as good as unknown
        else:
            row = by_key.get(_digest_key(kind, rest))
        if row is None:
            return Link(token)
        return Link(token, json.loads(row["details"] or "{}"), row["used_by"])

    def mark_used(self, kind: str, rest: str, telegram_user_id: int) -> None:
        """Remember that ``telegram_user_id`` used the link through the bot."""
        self._store.execute(
            f"UPDATE {TABLE} SET used_by = ? WHERE kind = ? AND key IN (?, ?)",
            [telegram_user_id, kind, rest, _digest_key(kind, rest)],
        )


def _digest_key(kind: str, token: str) -> str:
    # 32 characters: never one of the 12-character random keys.
    return "h" + hashlib.sha256(f"{kind}:{token}".encode()).hexdigest()[:31]
