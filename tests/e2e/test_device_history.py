"""A device's history end to end: charts from the seeded week, and the recent events."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.sandbox.demo import DemoHome
from bot.sandbox.server import Sandbox
from tests.e2e.harness import BotHarness
from tests.e2e.test_device_manage import button_texts, open_route, route_of


async def test_menu_offers_each_numeric_reading(bot: BotHarness, demo: DemoHome) -> None:
    ann = bot.tg.user(301, "Ann")
    await bot.link(ann)
    sensor = demo.devices["sensor"]
    menu = await open_route(bot, ann, "dh.menu", sensor)
    assert "History of Bedroom sensor" in menu.text
    texts = button_texts(menu)
    for name in ("Temperature", "Humidity", "Battery", "Report interval"):
        assert f"{name} · 24 h" in texts and f"{name} · 7 days" in texts
    assert "🗒 Recent events" in texts
    assert route_of(bot, menu, "◀ Back") == ("dev.open", (sensor,))
    light = await open_route(bot, ann, "dh.menu", demo.devices["light"])
    assert "Brightness · 24 h" in button_texts(light)
    assert not any(
        t.startswith(("Power ·", "Color ·", "Lamp label ·")) for t in button_texts(light)
    )


async def test_week_chart_is_a_photo_of_the_seeded_history(bot: BotHarness, demo: DemoHome) -> None:
    ann = bot.tg.user(302, "Ann")
    await bot.link(ann)
    menu = await open_route(bot, ann, "dh.menu", demo.devices["sensor"])
    await bot.tg.press(ann, menu, "Temperature · 7 days")
    photo = await bot.tg.next_message(ann)
    assert photo.media is not None and photo.media.kind == "photo"
    assert photo.media.data is not None and photo.media.data.startswith(b"\x89PNG")
    assert photo.caption is not None
    assert "Temperature (℃) · Bedroom sensor" in photo.caption
    count = int(re.search(r"Last 7 days: (\d+) readings", photo.caption).group(1))  # type: ignore[union-attr]
    assert 1000 <= count <= 1010  # a reading every ten minutes for a week
    assert "Latest 21.5 ℃" in photo.caption and "average" in photo.caption
    assert "upload_photo" in bot.tg.chat_actions(ann)
    assert bot.tg.messages(ann)[-2].text == menu.text  # the menu stays for another chart


async def test_day_chart_of_a_sparse_reading(bot: BotHarness, demo: DemoHome) -> None:
    ann = bot.tg.user(303, "Ann")
    await bot.link(ann)
    menu = await open_route(bot, ann, "dh.menu", demo.devices["sensor"])
    await bot.tg.press(ann, menu, "Battery · 24 h")
    photo = await bot.tg.next_message(ann)
    assert photo.media is not None and photo.media.data.startswith(b"\x89PNG")  # type: ignore[union-attr]
    assert "Battery (V) · Bedroom sensor" in (photo.caption or "")
    assert re.search(r"Last 24 hours: (24|25) readings", photo.caption or "")  # hourly


async def test_no_readings_is_a_sentence_not_an_empty_chart(
    bot: BotHarness, demo: DemoHome
) -> None:
    ann = bot.tg.user(304, "Ann")
    await bot.link(ann)
    menu = await open_route(bot, ann, "dh.menu", demo.devices["sensor"])
    await bot.tg.press(ann, menu, "Report interval · 24 h")
    reply = await bot.tg.next_message(ann)
    assert reply.media is None
    assert reply.text == "Bedroom sensor reported no Report interval readings in the last 24 hours."
    assert not bot.tg.calls("sendPhoto")


async def test_recent_events_with_severity_time_and_params(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann = bot.tg.user(305, "Ann")
    await bot.link(ann)
    await bot.say(ann, "/timezone Asia/Shanghai")
    sensor = demo.devices["sensor"]
    menu = await open_route(bot, ann, "dh.menu", sensor)
    events = await bot.click(ann, menu, "🗒 Recent events")
    assert "Recent events of Bedroom sensor" in events.text
    recorded = sandbox.state.events[sensor]
    newest = recorded[-1]
    when = datetime.fromtimestamp(newest.time_ms // 1000, ZoneInfo("Asia/Shanghai"))
    lines = events.text.splitlines()
    assert lines[1].startswith(f"ℹ {when:%m-%d %H:%M} Calibrated")  # newest first
    assert re.search(r"⚠ \d\d-\d\d \d\d:\d\d Low battery — Voltage: 2\.\d\d V", events.text)
    assert "⛔" in events.text and "Fault code: 17, Message: humidity probe timeout" in events.text
    assert "times in Asia/Shanghai" in events.text
    back = await bot.click(ann, events, "◀ Back")
    assert "History of Bedroom sensor" in back.text


async def test_events_list_the_last_twenty_escaped(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann = bot.tg.user(306, "Ann")
    await bot.link(ann)
    light = demo.devices["light"]
    for n in range(24):
        sandbox.control.trigger_event(light, "status_report", {"status": 0, "message": f"ok {n}"})
    sandbox.control.trigger_event(light, "status_report", {"status": 1, "message": "<hot> & on"})
    menu = await open_route(bot, ann, "dh.menu", light)
    events = await bot.click(ann, menu, "🗒 Recent events")
    shown = [line for line in events.text.splitlines() if "Status report" in line]
    assert len(shown) == 20
    assert shown[0].endswith("Status report — Running state: fault, Message: <hot> & on")
    assert shown[-1].endswith("Message: ok 5")
    empty = await open_route(bot, ann, "dh.events", demo.devices["feeder"])
    assert "No events recorded yet." in empty.text


async def test_twenty_long_faults_arrive_in_pages_telegram_takes(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann = bot.tg.user(307, "Ann")
    await bot.link(ann)
    sensor = demo.devices["sensor"]
    message = ("humidity probe timeout on channel " * 12)[:400]
    for code in range(20):
        sandbox.control.trigger_event(sensor, "sensor_fault", {"code": code, "message": message})
    # 20 such lines come to ~4,700 characters: one message of them the fake refuses, as Telegram.
    menu = await open_route(bot, ann, "dh.menu", sensor)
    first = await bot.click(ann, menu, "🗒 Recent events")
    assert first.text is not None and len(first.text) <= 4096
    assert "Recent events of Bedroom sensor · page 1 of 2" in first.text
    assert "Fault code: 19, Message: humidity probe timeout" in first.text  # the newest first
    assert "times in" in first.text
    second = await bot.click(ann, first, "▶")
    assert second.text is not None and "page 2 of 2" in second.text
    codes = re.findall(r"Fault code: (\d+),", first.text + second.text)
    assert sorted(map(int, codes)) == list(range(20))  # all twenty, each on one page
    assert "◀" in button_texts(second)
    back = await bot.click(ann, second, "◀ Back")
    assert "History of Bedroom sensor" in back.text
