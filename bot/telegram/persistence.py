"""PTB persistence in the bot's SQLite file: conversations, user/chat/bot data, callback data.

Values are pickled (they are whatever handlers put in user_data, as with PTB's own
PicklePersistence) and encrypted with the Store's key, because a half-finished /login may hold
an email or phone number. The Bot instance is never pickled: a placeholder stands in for it and
the current bot is put back on load. A row that no longer unpickles (its class was renamed or
removed) is logged and skipped rather than stopping the bot.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import pickle
from typing import TYPE_CHECKING, Any

from telegram import Bot
from telegram.ext import BasePersistence, PersistenceInput

from bot.storage.store import Store

if TYPE_CHECKING:
    from telegram.ext._utils.types import CDCData, ConversationDict, ConversationKey

log = logging.getLogger(__name__)

Data = dict[Any, Any]
_BOT_PLACEHOLDER = "telegram.Bot"
_SINGLETON_ID = 0  # id of the bot_data and callback_data rows
_UNREADABLE = object()


class _Pickler(pickle.Pickler):
    def persistent_id(self, obj: object) -> str | None:
        return _BOT_PLACEHOLDER if isinstance(obj, Bot) else None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, bot: Bot | None) -> None:
        super().__init__(file)
        self._bot = bot

    def persistent_load(self, pid: object) -> object:
        if pid == _BOT_PLACEHOLDER:
            return self._bot
        raise pickle.UnpicklingError("unknown persistent id in stored data")


class SqlitePersistence(BasePersistence[Data, Data, Data]):
    """BasePersistence over the Store's SQLite file; every update is written through at once."""

    def __init__(
        self,
        store: Store,
        *,
        store_data: PersistenceInput | None = None,
        update_interval: float = 60,
    ) -> None:
        super().__init__(store_data=store_data, update_interval=update_interval)
        self._store = store
        # Application hands over every user's data each interval; unchanged rows are skipped.
        self._written: dict[tuple[str, int], bytes] = {}

    # reading, once at start-up

    async def get_user_data(self) -> dict[int, Data]:
        return self._load_kind("user")

    async def get_chat_data(self) -> dict[int, Data]:
        return self._load_kind("chat")

    async def get_bot_data(self) -> Data:
        return self._load_kind("bot").get(_SINGLETON_ID, {})

    async def get_callback_data(self) -> CDCData | None:
        stored: CDCData | None = self._load_kind("callback").get(_SINGLETON_ID)
        return stored

    async def get_conversations(self, name: str) -> ConversationDict:
        rows = self._store.rows("SELECT key, state FROM ptb_conversations WHERE name = ?", [name])
        conversations: ConversationDict = {}
        for row in rows:
            state = self._unpickle(row["state"], f"conversation {name}")
            if state is not _UNREADABLE:
                conversations[tuple(json.loads(row["key"]))] = state
        return conversations

    # writing

    async def update_user_data(self, user_id: int, data: Data) -> None:
        self._save("user", user_id, data)

    async def update_chat_data(self, chat_id: int, data: Data) -> None:
        self._save("chat", chat_id, data)

    async def update_bot_data(self, data: Data) -> None:
        self._save("bot", _SINGLETON_ID, data)

    async def update_callback_data(self, data: CDCData) -> None:
        self._save("callback", _SINGLETON_ID, data)

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        # JSON keeps the ints and strs of the key apart, so the tuple comes back identical.
        key_text = json.dumps(list(key))
        if new_state is None:
            self._store.execute(
                "DELETE FROM ptb_conversations WHERE name = ? AND key = ?", [name, key_text]
            )
            return
        self._store.execute(
            "INSERT OR REPLACE INTO ptb_conversations (name, key, state) VALUES (?, ?, ?)",
            [name, key_text, self._encrypt(self._pickle(new_state))],
        )

    async def drop_user_data(self, user_id: int) -> None:
        self._drop("user", user_id)

    async def drop_chat_data(self, chat_id: int) -> None:
        self._drop("chat", chat_id)

    # This process is the file's only writer, so there is never anything newer to pull in.

    async def refresh_user_data(self, user_id: int, user_data: Data) -> None:
        """Nothing to refresh: the data in memory is the newest."""

    async def refresh_chat_data(self, chat_id: int, chat_data: Data) -> None:
        """Nothing to refresh: the data in memory is the newest."""

    async def refresh_bot_data(self, bot_data: Data) -> None:
        """Nothing to refresh: the data in memory is the newest."""

    async def flush(self) -> None:
        """Nothing to flush: every update was committed when it was made."""

    # helpers

    def _load_kind(self, kind: str) -> dict[int, Any]:
        rows = self._store.rows("SELECT id, data FROM ptb_data WHERE kind = ?", [kind])
        loaded = {}
        for row in rows:
            value = self._unpickle(row["data"], f"{kind} data {row['id']}")
            if value is not _UNREADABLE:
                loaded[row["id"]] = value
                self._written[(kind, row["id"])] = _digest(self._pickle(value))
        return loaded

    def _save(self, kind: str, item_id: int, value: object) -> None:
        pickled = self._pickle(value)
        digest = _digest(pickled)
        if self._written.get((kind, item_id)) == digest:
            return
        self._store.execute(
            "INSERT OR REPLACE INTO ptb_data (kind, id, data) VALUES (?, ?, ?)",
            [kind, item_id, self._encrypt(pickled)],
        )
        self._written[(kind, item_id)] = digest

    def _drop(self, kind: str, item_id: int) -> None:
        self._store.execute("DELETE FROM ptb_data WHERE kind = ? AND id = ?", [kind, item_id])
        self._written.pop((kind, item_id), None)

    def _pickle(self, value: object) -> bytes:
        buffer = io.BytesIO()
        _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
        return buffer.getvalue()

    def _encrypt(self, pickled: bytes) -> bytes:
        return self._store.cipher.encrypt_bytes(pickled)

    def _unpickle(self, stored: bytes, what: str) -> Any:
        # A wrong key (WrongSecretKey) is not caught: it means every row is lost, say so loudly.
        pickled = self._store.cipher.decrypt_bytes(stored)
        try:
            return _Unpickler(io.BytesIO(pickled), self.bot).load()
        except Exception as err:
            log.warning("dropping stored %s that no longer loads: %s", what, type(err).__name__)
            return _UNREADABLE


def _digest(pickled: bytes) -> bytes:
    return hashlib.blake2b(pickled, digest_size=16).digest()
