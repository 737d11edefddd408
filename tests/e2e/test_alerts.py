"""Alerts end to end: device pushes reach the right chat, as the user set them up, within limits.

Devices act in the sandbox cloud, which pushes over its websocket to the bot's listeners; only
what a live cloud cannot be made to send on cue (a change found after an outage) is handed to
Notifier.handle directly, as the listener would.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import re
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.faketelegram import FakeTelegram, Message, RateLimits, TestChat, TestUser
from bot.iot.push.events import DeviceEvent, Kind
from bot.notify import notifier as notify
from bot.notify.notifier import Notifier
from bot.notify.wiring import notifier_of, start_push, stop_push
from bot.ops import metrics
from bot.sandbox.server import Sandbox
from bot.sandbox.state import ShareGrant
from tests.e2e.harness import BotHarness


class Home:
    """The demo home's devices doing things, and what the bot's chats show of it."""

    def __init__(self, bot: BotHarness, sandbox: Sandbox) -> None:
        self.bot, self.sandbox = bot, sandbox
        self.devices = sandbox.demo.devices

    @property
    def notifier(self) -> Notifier:
        notifier = notifier_of(self.bot.app)
        assert notifier is not None
        return notifier

    async def listening(self, users: list[TestUser], device: str) -> None:
        """Wait until every user's push socket subscribed ``device`` (pushes before are lost)."""
        hub = self.sandbox.server.hub
        store = self.bot.app.services.store  # type: ignore[union-attr]
        tokens = {store.get_account(u.id).token for u in users}  # type: ignore[union-attr]

        def subscribed() -> bool:
            return tokens <= {s.token for s in hub.subscribers if device in s.device_ids}

        await self.bot.tg.wait_for(subscribed, timeout=10)

    async def event(self, users: list[TestUser], role: str, event_id: str, **params: Any) -> None:
        """The device posts an event; the cloud pushes it to the users' listeners."""
        await self.listening(users, self.devices[role])
        self.sandbox.control.trigger_event(self.devices[role], event_id, params)

    async def online(self, users: list[TestUser], role: str, online: bool) -> None:
        """The device goes offline or comes back."""
        await self.listening(users, self.devices[role])
        self.sandbox.control.set_online(self.devices[role], online)

    async def report(self, users: list[TestUser], role: str, **values: Any) -> None:
        """The device reports property values."""
        await self.listening(users, self.devices[role])
        self.sandbox.control.report(self.devices[role], values)

    async def arrives(self, chat: TestUser | TestChat, text: str, wait: float = 10) -> Message:
        """The bot's message in ``chat`` that contains ``text`` (waiting for it)."""

        def found() -> Message | None:
            return next((m for m in _bot_messages(self.bot, chat) if text in (m.text or "")), None)

        message = await self.bot.tg.wait_for(found, wait, chat=chat)
        assert message is not None
        self.bot.tg.drain_messages(chat)  # so that the next say/click reads what comes after
        return message


def _bot_messages(bot: BotHarness, chat: TestUser | TestChat) -> list[Message]:
    return [m for m in bot.tg.messages(chat) if m.from_bot]


def _texts(bot: BotHarness, chat: TestUser | TestChat) -> str:
    return "\n".join(m.text or "" for m in _bot_messages(bot, chat))


@pytest.fixture
async def home(bot: BotHarness, sandbox: Sandbox) -> AsyncIterator[Home]:
    await start_push(bot.app)  # type: ignore[arg-type]  # a no-op once post_init starts it
    try:
        yield Home(bot, sandbox)
    finally:
        await stop_push(bot.app)  # type: ignore[arg-type]


@contextlib.asynccontextmanager
async def limited_bot(sandbox: Sandbox, data_dir: Path) -> AsyncIterator[Home]:
    """The bot against a fake Telegram that enforces its flood limits (429 with retry_after)."""
    async with FakeTelegram(limits=RateLimits()) as tg:
        harness = BotHarness(tg, sandbox, data_dir)
        await harness.start()
        await start_push(harness.app)  # type: ignore[arg-type]
        try:
            yield Home(harness, sandbox)
        finally:
            await stop_push(harness.app)  # type: ignore[arg-type]
            await harness.stop()


async def test_low_battery_alert_names_device_event_and_value(home: Home) -> None:
    ann = home.bot.tg.user(201, "Ann")
    await home.bot.link(ann, "owner")
    await home.event([ann], "sensor", "low_voltage", voltage=2.9)
    alert = await home.arrives(ann, "Low battery")
    assert alert.text is not None
    assert alert.text.startswith("⚠️ Bedroom sensor: Low battery")
    assert "Voltage: 2.9 V" in alert.text
    assert "<b>Bedroom sensor</b>" in (alert.html or "")
    assert [b.text for b in alert.all_buttons()] == ["💤 1 h", "💤 8 h", "💤 Until tomorrow"]


async def test_reports_refresh_an_open_card_at_most_every_two_seconds(home: Home) -> None:
    ann = home.bot.tg.user(216, "Ann")
    await home.bot.link(ann, "owner")
    listing = await home.bot.say(ann, "/devices")
    card = await home.bot.click(ann, listing, "🟢 Living room light")
    assert "Brightness: 60 %" in (card.text or "")

    def shown() -> Message:
        return next(m for m in home.bot.tg.messages(ann) if m.message_id == card.message_id)

    def card_edits() -> int:
        calls = home.bot.tg.calls("editMessageText")
        return sum(1 for c in calls if str(c.params.get("message_id")) == str(card.message_id))

    await home.report([ann], "light", brightness=10)
    await home.bot.tg.wait_for(lambda: "Brightness: 10 %" in (shown().text or ""), chat=ann)
    edits, started = card_edits(), time.monotonic()
    for level in (20, 30, 40, 50):  # a burst within the next second
        await home.report([ann], "light", brightness=level)
        await _pause_until(started + (level - 10) / 40)
    await home.bot.tg.wait_for(lambda: "Brightness: 50 %" in (shown().text or ""), chat=ann)
    # One edit for the whole burst, about two seconds after the first: the last values win.
    assert card_edits() == edits + 1
    assert time.monotonic() - started >= 1.5
    assert not [m for m in _bot_messages(home.bot, ann) if m.message_id > card.message_id]


async def test_fault_and_status_changes_arrive(home: Home) -> None:
    ann = home.bot.tg.user(202, "Ann")
    await home.bot.link(ann, "owner")
    await home.event([ann], "sensor", "sensor_fault", code=3)
    fault = await home.arrives(ann, "Sensor fault")
    assert fault.text is not None and fault.text.startswith("⛔ Bedroom sensor")
    await home.online([ann], "light", False)
    await home.arrives(ann, "Living room light is offline")
    await home.online([ann], "light", True)
    await home.arrives(ann, "Living room light is online again")
    # Found by re-reading statuses after an outage: said so, with the time it happened.
    at = datetime(2024, 5, 1, 6, 30, tzinfo=UTC)
    await home.notifier.handle(
        ann.id,
        DeviceEvent(
            Kind.OFFLINE, home.devices["plug"], time_ms=int(at.timestamp() * 1000), missed=True
        ),
    )
    zone = home.bot.app.services.store.get_settings(ann.id).timezone  # type: ignore[union-attr]
    local = at.astimezone(ZoneInfo(zone)).strftime("%H:%M")
    await home.arrives(
        ann, f"Coffee machine plug went offline while I was disconnected, at {local}"
    )


async def test_an_alert_waits_for_the_device_name_only_so_long(
    home: Home, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cloud too slow to name the device does not hold the alert: it names the device by id."""
    monkeypatch.setattr(notify, "LOOKUP_WAIT", 0.3)
    ann = home.bot.tg.user(219, "Ann")
    await home.bot.link(ann, "owner")
    sandbox.control.inject(action="AppGetProducts", latency=3.0, count=1)
    await home.event([ann], "sensor", "low_voltage", voltage=2.9)
    alert = await home.arrives(ann, home.devices["sensor"], wait=2)
    assert alert.text is not None and "low_voltage" in alert.text


async def test_device_shared_with_a_friend_alerts_them_too(home: Home, sandbox: Sandbox) -> None:
    ann, sam = home.bot.tg.user(203, "Ann"), home.bot.tg.user(204, "Sam")
    sensor = home.devices["sensor"]
    grant = ShareGrant(sensor, sandbox.demo.friend.user_id, sandbox.demo.owner.user_id, 0)
    sandbox.state.shares[(sensor, sandbox.demo.friend.user_id)] = grant
    await home.bot.link(ann, "owner")
    await home.bot.link(sam, "friend")
    await home.event([ann, sam], "sensor", "low_voltage", voltage=2.9)
    for user in (ann, sam):
        alert = await home.arrives(user, "Low battery")
        assert "Bedroom sensor" in (alert.text or "") and "2.9 V" in (alert.text or "")


async def test_switching_a_kind_off_stops_only_that_kind(home: Home) -> None:
    ann = home.bot.tg.user(205, "Ann")
    await home.bot.link(ann, "owner")
    menu = await home.bot.say(ann, "/alerts")
    assert "Sent to: this private chat" in (menu.text or "")
    menu = await home.bot.click(ann, menu, "✅ ⚠️ Alerts")
    assert "⬜ ⚠️ Alerts" in [b.text for b in menu.all_buttons()]
    await home.event([ann], "sensor", "low_voltage", voltage=2.9)
    await home.event([ann], "sensor", "sensor_fault", code=1)
    await home.arrives(ann, "Sensor fault")
    assert "Low battery" not in _texts(home.bot, ann)


async def test_a_muted_device_is_silent_and_others_are_not(home: Home) -> None:
    ann = home.bot.tg.user(206, "Ann")
    await home.bot.link(ann, "owner")
    menu = await home.bot.say(ann, "/alerts")
    devices = await home.bot.click(ann, menu, "🔕 Mute devices…")
    assert "🔔 Bedroom sensor" in [b.text for b in devices.all_buttons()]
    devices = await home.bot.click(ann, devices, "🔔 Bedroom sensor")
    assert "🔕 Bedroom sensor" in [b.text for b in devices.all_buttons()]
    await home.event([ann], "sensor", "low_voltage", voltage=2.9)
    await home.online([ann], "light", False)
    await home.arrives(ann, "Living room light is offline")
    assert "Low battery" not in _texts(home.bot, ann)
    devices = await home.bot.click(ann, devices, "🔕 Bedroom sensor")  # unmute
    await home.event([ann], "sensor", "low_voltage", voltage=2.8)
    await home.arrives(ann, "2.8 V")


async def test_snooze_holds_back_alerts_and_counts_them_when_it_ends(home: Home) -> None:
    ann = home.bot.tg.user(207, "Ann")
    await home.bot.link(ann, "owner")
    await home.event([ann], "sensor", "low_voltage", voltage=2.9)
    alert = await home.arrives(ann, "Low battery")
    snoozed = await home.bot.click(ann, alert, "💤 1 h")
    assert snoozed.message_id == alert.message_id
    assert snoozed.all_buttons()[0].text.startswith("💤 Snoozed until")
    await home.event([ann], "sensor", "low_voltage", voltage=2.7)
    await home.event([ann], "sensor", "low_voltage", voltage=2.6)
    await home.online([ann], "light", False)
    await home.arrives(ann, "Living room light is offline")
    assert "2.7 V" not in _texts(home.bot, ann) and "2.6 V" not in _texts(home.bot, ann)
    # An hour later (the notifier's clock moved on), the snooze ends with a count.
    home.notifier.clock = lambda: time.time() + 3700
    assert await home.notifier.end_due_snoozes() == 1
    ended = await home.arrives(ann, "no longer snoozed")
    assert "Bedroom sensor" in (ended.text or "") and "2 alerts came" in (ended.text or "")
    await home.event([ann], "sensor", "low_voltage", voltage=2.5)
    await home.arrives(ann, "2.5 V")


async def test_wake_button_ends_a_snooze_at_once(home: Home) -> None:
    ann = home.bot.tg.user(208, "Ann")
    await home.bot.link(ann, "owner")
    await home.online([ann], "light", False)
    alert = await home.arrives(ann, "Living room light is offline")
    snoozed = await home.bot.click(ann, alert, "💤 Until tomorrow")
    await home.online([ann], "light", True)
    await home.event([ann], "sensor", "low_voltage", voltage=2.9)
    await home.arrives(ann, "Low battery")
    assert "online again" not in _texts(home.bot, ann)
    await home.bot.tg.press(ann, snoozed, snoozed.all_buttons()[0].text)
    ended = await home.arrives(ann, "no longer snoozed")
    assert "Living room light" in (ended.text or "") and "1 alert came" in (ended.text or "")


def _clock_in(minutes: int, zone: str) -> str:
    return (datetime.now(ZoneInfo(zone)) + timedelta(minutes=minutes)).strftime("%H:%M")


async def test_quiet_hours_deliver_without_sound(home: Home) -> None:
    ann = home.bot.tg.user(209, "Ann")
    await home.bot.link(ann, "owner")
    menu = await home.bot.say(ann, "/alerts")
    quiet = await home.bot.click(ann, menu, "🌙 Quiet hours…")
    asked = await home.bot.click(ann, quiet, "✏️ Other times…")
    assert "22:00-07:00" in (asked.text or "")
    zone = home.bot.app.services.store.get_settings(ann.id).timezone  # type: ignore[union-attr]
    start, end = _clock_in(-60, zone), _clock_in(60, zone)
    menu = await home.bot.say(ann, f"{start}-{end}")
    assert f"Quiet hours: {start}–{end}" in (menu.text or "")
    await home.event([ann], "sensor", "low_voltage", voltage=2.9)
    await home.arrives(ann, "2.9 V")
    sends = [c for c in home.bot.tg.calls("sendMessage") if "2.9 V" in str(c.params.get("text"))]
    assert [str(c.params.get("disable_notification")).lower() for c in sends] == ["true"]
    quiet = await home.bot.click(ann, menu, "🌙 Quiet hours…")
    await home.bot.click(ann, quiet, "Turn quiet hours off")
    await home.event([ann], "sensor", "low_voltage", voltage=2.8)
    await home.arrives(ann, "2.8 V")
    sends = [c for c in home.bot.tg.calls("sendMessage") if "2.8 V" in str(c.params.get("text"))]
    assert [c.params.get("disable_notification") for c in sends] == [None]


async def test_alerts_here_sends_them_to_a_group_and_private_back(home: Home) -> None:
    ann = home.bot.tg.user(210, "Ann")
    await home.bot.link(ann, "owner")
    family = home.bot.tg.group(-100210, "Family", members=[ann])
    reply = await home.bot.say(ann, "/alerts here", chat=family)
    assert "Your alerts will come to this group" in (reply.text or "")
    await home.event([ann], "sensor", "low_voltage", voltage=2.9)
    alert = await home.arrives(family, "Low battery")
    assert alert.all_buttons()  # the snooze buttons work for Ann in the group
    assert "Low battery" not in _texts(home.bot, ann)
    menu = await home.bot.say(ann, "/alerts")
    assert "Sent to: a group, Family" in (menu.text or "")
    reply = await home.bot.say(ann, "/alerts private", chat=family)
    assert "private chat" in (reply.text or "")
    await home.event([ann], "sensor", "low_voltage", voltage=2.8)
    await home.arrives(ann, "2.8 V")
    assert "2.8 V" not in _texts(home.bot, family)


async def test_a_rejected_token_is_told_once(home: Home, sandbox: Sandbox) -> None:
    ann = home.bot.tg.user(211, "Ann")
    await home.bot.link(ann, "owner")
    await home.listening([ann], home.devices["light"])
    sandbox.control.expire_tokens(user_id=sandbox.demo.owner.user_id)
    await sandbox.control.drop_sockets()  # the listener reconnects and finds the token dead
    await home.arrives(ann, "session ended")
    await home.notifier.handle(ann.id, DeviceEvent(Kind.TOKEN_REJECTED))  # said already
    await home.notifier.handle(ann.id, DeviceEvent(Kind.DISCONNECTED))
    # Something said after them, so a second notice would have come before it.
    await home.notifier.handle(ann.id, DeviceEvent(Kind.OFFLINE, home.devices["light"]))
    await home.arrives(ann, "is offline")
    assert _texts(home.bot, ann).count("session ended") == 1


async def test_a_429_and_a_500_are_retried_by_the_queue(
    home: Home, caplog: pytest.LogCaptureFixture
) -> None:
    ann = home.bot.tg.user(212, "Ann")
    await home.bot.link(ann, "owner")
    home.bot.tg.fail_next("sendMessage", 429, retry_after=1)
    home.bot.tg.fail_next("sendMessage", 500)
    await home.event([ann], "sensor", "low_voltage", voltage=2.9)
    await home.arrives(ann, "2.9 V")
    codes = [c.error_code for c in home.bot.tg.calls("sendMessage") if not c.ok]
    assert codes == [429, 500]
    assert not [r for r in caplog.records if r.name == "bot.telegram.errors"]


async def test_a_blocked_chat_gets_its_alerts_when_the_user_is_back(home: Home) -> None:
    ann = home.bot.tg.user(213, "Ann")
    await home.bot.link(ann, "owner")
    home.bot.tg.block(ann)
    await home.event([ann], "sensor", "low_voltage", voltage=2.9)
    await home.bot.tg.wait_for(
        lambda: any(c.error_code == 403 for c in home.bot.tg.calls("sendMessage"))
    )
    scrape = metrics.of(home.bot.app)
    assert scrape is not None
    assert "bot_alerts_waiting 1.0" in scrape.exposition().decode()  # kept, not dropped
    await home.bot.tg.send(ann, "/help")  # writing to the bot unblocks it
    await home.arrives(ann, "2.9 V")
    assert _texts(home.bot, ann).count("2.9 V") == 1
    # The row goes once Telegram has taken the message, just after the fake recorded it.
    await home.bot.tg.wait_for(lambda: "bot_alerts_waiting 0.0" in scrape.exposition().decode())
    exposition = scrape.exposition().decode()
    # The process's own figures are there too, for the operator's dashboards.
    assert "process_resident_memory_bytes" in exposition
    assert "python_gc_collections_total" in exposition


async def test_alerts_queued_when_the_bot_stops_arrive_after_restart_once(home: Home) -> None:
    bot, ann = home.bot, home.bot.tg.user(214, "Ann")
    await bot.link(ann, "owner")
    bot.tg.block(ann)
    await home.event([ann], "sensor", "low_voltage", voltage=2.9)
    await home.online([ann], "light", False)
    await bot.tg.wait_for(lambda: any(c.error_code == 403 for c in bot.tg.calls("sendMessage")))
    await stop_push(bot.app)  # type: ignore[arg-type]
    await bot.restart()
    bot.tg.unblock(ann)  # without writing: the restart alone must deliver what was kept
    await start_push(bot.app)  # type: ignore[arg-type]
    await home.arrives(ann, "2.9 V")
    await home.arrives(ann, "Living room light is offline")
    await home.event([ann], "sensor", "low_voltage", voltage=2.8)
    await home.arrives(ann, "2.8 V")
    texts = _texts(bot, ann)
    assert texts.count("2.9 V") == 1 and texts.count("Living room light is offline") == 1


async def test_an_alert_posted_while_the_bot_was_down_arrives_after_restart_once(
    home: Home, sandbox: Sandbox
) -> None:
    bot, ann = home.bot, home.bot.tg.user(218, "Ann")
    await bot.link(ann, "owner")
    await home.event([ann], "sensor", "low_voltage", voltage=2.7)
    await home.arrives(ann, "2.7 V")
    await stop_push(bot.app)  # type: ignore[arg-type]
    await bot.stop()  # a deploy: the bot is down...
    sandbox.control.trigger_event(home.devices["sensor"], "low_voltage", {"voltage": 2.3})
    await bot.start()  # ...and back
    await start_push(bot.app)  # type: ignore[arg-type]
    await home.arrives(ann, "2.3 V")
    await home.event([ann], "sensor", "low_voltage", voltage=2.2)
    await home.arrives(ann, "2.2 V")
    texts = _texts(bot, ann)
    assert texts.count("2.7 V") == 1 and texts.count("2.3 V") == 1


async def test_sockets_dropped_again_and_again_lose_no_alert_and_repeat_none(
    home: Home, sandbox: Sandbox
) -> None:
    manager = home.bot.app.services.push.manager  # type: ignore[union-attr]
    # Reconnect within 50 ms rather than backing off towards a minute, as a cloud that keeps
    # dropping sockets would make the listener do: the test needs no minutes.
    manager.settings = dataclasses.replace(
        manager.settings, reconnect_initial=0.01, reconnect_max=0.05
    )
    ann = home.bot.tg.user(217, "Ann")
    await home.bot.link(ann, "owner")
    sensor = home.devices["sensor"]
    sent = [round(2.0 + i / 10, 1) for i in range(6)]
    for voltage in sent:
        await home.listening([ann], sensor)  # the socket is up (again)...
        await sandbox.control.drop_sockets()  # ...the cloud drops it, and an alert comes now
        sandbox.control.trigger_event(sensor, "low_voltage", {"voltage": voltage})

    def voltages() -> list[float]:
        return [float(v) for v in re.findall(r"Voltage: ([\d.]+) V", _texts(home.bot, ann))]

    await home.bot.tg.wait_for(lambda: set(voltages()) == set(sent), timeout=10, chat=ann)
    await home.listening([ann], sensor)
    sandbox.control.trigger_event(sensor, "low_voltage", {"voltage": 1.5})  # live, afterwards
    await home.arrives(ann, "1.5 V")
    assert sorted(voltages()) == sorted([*sent, 1.5])  # each exactly once


async def test_a_storm_of_200_events_arrives_whole_in_a_few_messages(
    sandbox: Sandbox, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with limited_bot(sandbox, tmp_path) as home:
        ann = home.bot.tg.user(215, "Ann")
        await home.bot.link(ann, "owner")
        before = len(_bot_messages(home.bot, ann))
        await home.listening([ann], home.devices["sensor"])
        started = time.monotonic()
        for i in range(200):
            await home.event([ann], "sensor", "low_voltage", voltage=round(1 + i / 100, 2))
            # Spread over ~2 s: the storm's shape, not a wait for the bot.
            await _pause_until(started + 2 * (i + 1) / 200)

        def voltages() -> set[float]:
            found = re.findall(r"Voltage: ([\d.]+) V", _texts(home.bot, ann))
            return {float(v) for v in found}

        await home.bot.tg.wait_for(lambda: len(voltages()) == 200, timeout=30, chat=ann)
        assert voltages() == {round(1 + i / 100, 2) for i in range(200)}
        assert _texts(home.bot, ann).count("Voltage:") == 200  # each once
        alerts = _bot_messages(home.bot, ann)[before:]
        assert 2 <= len(alerts) <= 10
        assert "notifications" in (alerts[-1].text or "")
        rate_limited = [c for c in home.bot.tg.calls() if c.error_code == 429]
        assert not rate_limited
        assert not [r for r in caplog.records if r.name == "bot.telegram.errors"]
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def _pause_until(moment: float) -> None:
    delay = moment - time.monotonic()
    if delay > 0:
        await asyncio.sleep(delay)
