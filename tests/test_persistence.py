"""SqlitePersistence: PTB data and conversations survive reopening the SQLite file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    ExtBot,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest, RequestData

from bot.storage.secrets import TokenCipher
from bot.storage.store import Store
from bot.telegram.persistence import SqlitePersistence

BOT_TOKEN = "123456:offline-test-token"


def _open(path: Path) -> Store:
    return Store(path, cipher=TokenCipher("test key"))


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "bot.sqlite3"


@pytest.fixture
def reopen(path: Path) -> Iterator[Any]:
    """Open the same file again, as a restarted bot would."""
    opened: list[Store] = []

    def open_persistence() -> SqlitePersistence:
        opened.append(_open(path))
        return SqlitePersistence(opened[-1])

    yield open_persistence
    for store in opened:
        store.close()


async def test_data_of_every_kind_survives_a_restart(reopen: Any) -> None:
    before = reopen()
    await before.update_user_data(42, {"region": "ap-guangzhou", "seen": {1, 2}})
    await before.update_chat_data(-1001, {"alerts": True})
    await before.update_bot_data({"started": 3})
    callback_data = ([("uuid-1", 1700000000.5, {"a": "b"})], {"msg": "uuid-1"})
    await before.update_callback_data(callback_data)

    after = reopen()
    assert await after.get_user_data() == {42: {"region": "ap-guangzhou", "seen": {1, 2}}}
    assert await after.get_chat_data() == {-1001: {"alerts": True}}
    assert await after.get_bot_data() == {"started": 3}
    assert await after.get_callback_data() == callback_data


async def test_empty_file_gives_empty_data(reopen: Any) -> None:
    fresh = reopen()
    assert await fresh.get_user_data() == {}
    assert await fresh.get_chat_data() == {}
    assert await fresh.get_bot_data() == {}
    assert await fresh.get_callback_data() is None
    assert await fresh.get_conversations("login") == {}


async def test_conversation_keys_round_trip_as_tuples(reopen: Any) -> None:
    before = reopen()
    await before.update_conversation("login", (42, 42), "ASK_PASSWORD")
    await before.update_conversation("login", (7, "42"), 2)
    await before.update_conversation("login", (9,), "ended soon")
    await before.update_conversation("login", (9,), None)
    await before.update_conversation("rename", (42, 42), 1)

    after = reopen()
    assert await after.get_conversations("login") == {(42, 42): "ASK_PASSWORD", (7, "42"): 2}
    assert await after.get_conversations("rename") == {(42, 42): 1}


async def test_dropped_data_stays_dropped(reopen: Any) -> None:
    before = reopen()
    await before.update_user_data(1, {"x": 1})
    await before.update_user_data(2, {"x": 2})
    await before.update_chat_data(3, {"y": 3})
    await before.drop_user_data(1)
    await before.drop_chat_data(3)

    after = reopen()
    assert await after.get_user_data() == {2: {"x": 2}}
    assert await after.get_chat_data() == {}


async def test_latest_write_wins_even_when_returning_to_an_earlier_value(reopen: Any) -> None:
    before = reopen()
    await before.update_user_data(1, {"step": 1})
    await before.update_user_data(1, {"step": 2})
    await before.update_user_data(1, {"step": 1})

    assert await reopen().get_user_data() == {1: {"step": 1}}


async def test_stored_data_is_encrypted(reopen: Any, path: Path) -> None:
    persistence = reopen()
    await persistence.update_user_data(42, {"email": "ann@example.com"})
    await persistence.update_conversation("login", (42, 42), "ann@example.com")

    on_disk = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    assert b"ann@example.com" not in on_disk


async def test_bot_is_not_stored_but_restored(reopen: Any) -> None:
    before = reopen()
    before.set_bot(ExtBot(BOT_TOKEN))
    await before.update_user_data(42, {"bot": before.bot})

    after = reopen()
    current_bot = ExtBot(BOT_TOKEN)
    after.set_bot(current_bot)
    assert (await after.get_user_data())[42]["bot"] is current_bot


async def test_unloadable_row_is_skipped(reopen: Any, path: Path) -> None:
    before = reopen()
    await before.update_user_data(1, {"ok": True})
    await before.update_user_data(2, {"ok": True})
    store = _open(path)
    store.execute(
        "UPDATE ptb_data SET data = ? WHERE id = 2", [store.cipher.encrypt_bytes(b"not a pickle")]
    )
    store.close()

    assert await reopen().get_user_data() == {1: {"ok": True}}


# An interrupted /login conversation continues after a restart, through PTB itself.


class OfflineRequest(BaseRequest):
    """Answers the Bot API calls Application makes at start-up without any network."""

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        result: Any = True
        if url.endswith("/getMe"):
            result = {"id": 123456, "is_bot": True, "first_name": "Home", "username": "home_bot"}
        return 200, json.dumps({"ok": True, "result": result}).encode()


ASK_EMAIL = 1


def _application(
    persistence: SqlitePersistence, answers: list[str]
) -> Application[Any, Any, Any, Any, Any, Any]:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        assert context.user_data is not None
        context.user_data["region"] = "ap-guangzhou"
        return ASK_EMAIL

    async def email(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        assert update.message is not None and context.user_data is not None
        answers.append(f"{update.message.text} in {context.user_data.get('region')}")
        return ConversationHandler.END

    application = (
        ApplicationBuilder()
        .token(BOT_TOKEN)
        .request(OfflineRequest())
        .get_updates_request(OfflineRequest())
        .persistence(persistence)
        .build()
    )
    application.add_handler(
        ConversationHandler(
            entry_points=[CommandHandler("login", start)],
            states={ASK_EMAIL: [MessageHandler(filters.TEXT & ~filters.COMMAND, email)]},
            fallbacks=[],
            name="login",
            persistent=True,
        )
    )
    return application


def _message(
    application: Application[Any, Any, Any, Any, Any, Any], update_id: int, text: str
) -> Update:
    entities = [{"type": "bot_command", "offset": 0, "length": len(text)}] if text[0] == "/" else []
    payload = {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1700000000,
            "chat": {"id": 42, "type": "private"},
            "from": {"id": 42, "is_bot": False, "first_name": "Ann"},
            "text": text,
            "entities": entities,
        },
    }
    update = Update.de_json(payload, application.bot)
    assert update is not None
    return update


async def test_login_conversation_continues_after_restart(reopen: Any) -> None:
    answers: list[str] = []
    first = _application(reopen(), answers)
    await first.initialize()
    await first.process_update(_message(first, 1, "/login"))
    await first.shutdown()  # writes the persistence, as a stopping bot does

    second = _application(reopen(), answers)
    await second.initialize()
    await second.process_update(_message(second, 2, "ann@example.com"))
    await second.shutdown()

    assert answers == ["ann@example.com in ap-guangzhou"]
