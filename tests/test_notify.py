"""Alert delivery pieces: texts, rules, the outbox, and the queue against the fake Telegram."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from telegram import Bot

from bot.faketelegram import FakeTelegram, RateLimits
from bot.home.alert_rules import (
    AlertRules,
    in_quiet_hours,
    parse_quiet_hours,
    snooze_until,
    toggled,
    wants,
)
from bot.notify.outbox import Outbox, OutboxAlert
from bot.notify.queue import DeliveryQueue, Outgoing, Pacing
from bot.notify.texts import (
    MAX_TEXT,
    compact_number,
    digest_text,
    event_texts,
    fit_digest,
    status_texts,
    text_length,
)
from bot.storage.store import Store, UserSettings

# -- texts ---------------------------------------------------------------------------------


def test_a_float_loses_only_the_steps_trailing_zeros() -> None:
    assert compact_number("2.90 V") == "2.9 V"
    assert compact_number("3.00 V") == "3 V"
    assert compact_number("2.95 V") == "2.95 V"
    assert compact_number("100 %") == "100 %"
    assert compact_number("-0.50") == "-0.5"


def test_names_from_the_cloud_are_escaped() -> None:
    text, line = event_texts(
        "<Lamp & co>", "alert", "Low <battery>", [("Volt", "2.9 V")], ms=0, tz="UTC"
    )
    assert "<b>&lt;Lamp &amp; co&gt;</b>" in text and "Low &lt;battery&gt;" in text
    assert "Volt: 2.9 V" in text and "Volt: 2.9 V" in line
    text, _ = status_texts("A<b>", False, missed=False, ms=0, tz="UTC")
    assert "<b>A&lt;b&gt;</b> is offline" in text


def test_a_long_parameter_list_is_cut_on_a_boundary_with_tags_closed() -> None:
    params = [(f"p{i}", "x & y " * 20) for i in range(100)]
    text, line = event_texts("Dev", "info", "Dump", params, ms=0, tz="UTC")
    assert text_length(text) <= 3000 and text.endswith("…")
    assert text.count("<b>") == text.count("</b>") and text.count("<i>") == text.count("</i>")
    assert not re.search(r"&[a-z]*…$", text) and text_length(line) <= 400


def test_a_digest_takes_what_fits_and_leaves_the_rest_for_the_next_message() -> None:
    lines = [f"{i:04d} " + "y" * 90 for i in range(100)]
    first = fit_digest(lines)
    assert 0 < first < 100
    assert text_length(digest_text(lines[:first])) <= MAX_TEXT
    assert text_length(digest_text(lines[: first + 1])) > MAX_TEXT


# -- rules ---------------------------------------------------------------------------------


def test_kinds_toggle_off_and_back_to_all() -> None:
    kinds = toggled(None, "info")
    assert kinds == ("alert", "fault", "status")
    assert not wants(UserSettings(alert_kinds=kinds), "info")
    assert not wants(UserSettings(alert_kinds=("alert",)), "offline")
    assert wants(UserSettings(alert_kinds=()), "account")  # notices about the bot always
    assert toggled(kinds, "info") is None


@pytest.mark.parametrize(
    ("typed", "hours"),
    [
        ("22:00-07:00", ("22:00", "07:00")),
        ("7:05 – 9:30", ("07:05", "09:30")),
        ("23.00 to 6.00", ("23:00", "06:00")),
        ("22:00 07:00", ("22:00", "07:00")),
        ("25:00-07:00", None),
        ("10:00-10:00", None),
        ("tonight", None),
    ],
)
def test_quiet_hours_as_typed(typed: str, hours: tuple[str, str] | None) -> None:
    assert parse_quiet_hours(typed) == hours


def test_quiet_hours_over_midnight_in_the_users_timezone() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    settings = UserSettings(timezone="Europe/Berlin", quiet_hours=("22:00", "07:00"))

    def at(hour: int, minute: int = 0) -> float:
        return datetime(2024, 6, 1, hour, minute, tzinfo=berlin).timestamp()

    assert in_quiet_hours(settings, at(23)) and in_quiet_hours(settings, at(6, 59))
    assert not in_quiet_hours(settings, at(7)) and not in_quiet_hours(settings, at(21, 59))
    assert not in_quiet_hours(UserSettings(), at(23))


def test_until_tomorrow_is_the_next_eight_oclock() -> None:
    tz = ZoneInfo("Asia/Shanghai")
    evening = datetime(2024, 6, 1, 21, 0, tzinfo=tz).timestamp()
    night = datetime(2024, 6, 2, 2, 0, tzinfo=tz).timestamp()
    expected = datetime(2024, 6, 2, 8, 0, tzinfo=tz).timestamp()
    assert snooze_until("am", "Asia/Shanghai", evening) == expected
    assert snooze_until("am", "Asia/Shanghai", night) == expected
    assert snooze_until("1h", "UTC", evening) == evening + 3600


def test_a_snooze_counts_what_it_holds_back_and_ends_on_time(tmp_path: Path) -> None:
    now = [1_000_000.0]
    store = Store(tmp_path / "bot.sqlite3")
    rules = AlertRules(store, clock=lambda: now[0])
    rules.snooze(1, ["dev/a"], int(now[0] + 3600))
    assert rules.hold_back(1, "dev/a", 5) and rules.hold_back(1, "dev/a", 6)
    assert not rules.hold_back(1, "dev/b", 7) and not rules.hold_back(2, "dev/a", 7)
    assert rules.take_due() == []
    now[0] += 3600
    assert not rules.hold_back(1, "dev/a", 8)  # over: the alert goes out
    [ended] = rules.take_due()
    assert (ended.device_id, ended.suppressed, ended.last_suppressed_at) == ("dev/a", 2, 6)
    assert rules.next_end() is None
    store.close()


# -- outbox and queue ----------------------------------------------------------------------


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    store = Store(tmp_path / "bot.sqlite3")
    yield store
    store.close()


def _digest(chat_id: int, alerts: list[OutboxAlert]) -> Outgoing:
    chosen = alerts[: fit_digest([a.line for a in alerts])]
    text = chosen[0].text if len(chosen) == 1 else digest_text([a.line for a in chosen])
    return Outgoing(text, tuple(a.id for a in chosen))


def _alert(chat_id: int, n: int, width: int = 20) -> OutboxAlert:
    text = f"alert #{n} " + "z" * width
    return OutboxAlert(chat_id, chat_id, "alert", text, text)


async def _bot(tg: FakeTelegram) -> Bot:
    bot = Bot(tg.token, base_url=f"{tg.url}/bot", base_file_url=f"{tg.url}/file/bot")
    await bot.initialize()
    return bot


def _numbers(tg: FakeTelegram, chat: int) -> list[int]:
    texts = "\n".join(m.text or "" for m in tg.messages(chat) if m.from_bot)
    return [int(n) for n in re.findall(r"alert #(\d+)", texts)]


async def test_a_flood_to_one_chat_comes_as_few_full_messages_without_429(store: Store) -> None:
    async with FakeTelegram(limits=RateLimits()) as tg:
        ann = tg.user(7, "Ann")
        ann.started = True
        bot = await _bot(tg)
        queue = DeliveryQueue(bot, Outbox(store), _digest, Pacing())
        queue.start()
        for n in range(600):  # wide lines: more than one 4096-character message's worth
            queue.submit(_alert(7, n, width=60))
        await queue.wait_idle()
        await bot.shutdown()
        assert sorted(_numbers(tg, 7)) == list(range(600))
        sent = [m for m in tg.messages(7) if m.from_bot]
        assert 3 <= len(sent) <= 20 and all(len(m.text or "") <= 4096 for m in sent)
        assert not [c for c in tg.calls() if c.error_code == 429]
        assert queue.stats.alerts == 600 and Outbox(store).count() == 0


async def test_a_blocked_chat_is_paused_kept_and_resumed(store: Store) -> None:
    async with FakeTelegram() as tg:
        ann, bob = tg.user(7, "Ann"), tg.user(8, "Bob")
        ann.started = bob.started = True
        tg.block(ann)
        bot = await _bot(tg)
        queue = DeliveryQueue(bot, Outbox(store), _digest)
        queue.start()
        queue.submit(_alert(7, 1))
        queue.submit(_alert(8, 2))
        await queue.wait_idle()
        assert queue.is_paused(7) and _numbers(tg, 8) == [2]
        forbidden = [c for c in tg.calls("sendMessage") if c.error_code == 403]
        queue.submit(_alert(7, 3))  # paused: kept, not tried again
        await queue.wait_idle()
        assert len([c for c in tg.calls("sendMessage") if c.error_code == 403]) == len(forbidden)
        tg.unblock(ann)
        assert queue.resume(7)
        await queue.wait_idle()
        await bot.shutdown()
        assert sorted(_numbers(tg, 7)) == [1, 3] and Outbox(store).count() == 0


async def test_what_was_not_sent_is_sent_by_the_next_queue_once(store: Store) -> None:
    async with FakeTelegram() as tg:
        ann = tg.user(7, "Ann")
        ann.started = True
        tg.fail_next("sendMessage", 502, count=3)  # Telegram is down for a while
        bot = await _bot(tg)
        first = DeliveryQueue(bot, Outbox(store), _digest)
        first.start()
        for n in range(5):
            first.submit(_alert(7, n))
        await tg.wait_for(lambda: first.stats.failures >= 1)
        await first.stop()
        assert _numbers(tg, 7) == []
        second = DeliveryQueue(bot, Outbox(store), _digest, Pacing(first_backoff=0.01))
        assert second.start() == 5
        await second.wait_idle()
        await bot.shutdown()
        assert sorted(_numbers(tg, 7)) == [0, 1, 2, 3, 4]  # each once


async def test_a_message_telegram_cannot_parse_goes_out_as_plain_text(store: Store) -> None:
    async with FakeTelegram() as tg:
        ann = tg.user(7, "Ann")
        ann.started = True
        bot = await _bot(tg)
        queue = DeliveryQueue(bot, Outbox(store), _digest)
        queue.start()
        queue.submit(OutboxAlert(7, 7, "alert", "<b>alert #1 unclosed", "x"))
        await queue.wait_idle()
        await bot.shutdown()
        assert _numbers(tg, 7) == [1] and Outbox(store).count() == 0


def test_outbox_keeps_order_and_expires_old_alerts(tmp_path: Path) -> None:
    now = [datetime(2024, 6, 1, tzinfo=UTC).timestamp()]
    store = Store(tmp_path / "bot.sqlite3")
    outbox = Outbox(store, clock=lambda: now[0])
    stored = [outbox.add(_alert(-5 if n % 2 else 5, n)) for n in range(4)]
    assert [a.text for a in outbox.pending(5)] == [stored[0].text, stored[2].text]
    assert outbox.chats() == [5, -5]
    outbox.delivered([stored[0].id])
    now[0] += 8 * 86400
    assert outbox.expire() == 3 and outbox.count() == 0
    store.close()
