"""Cards built from any DataTemplate: times in the user's zone, long choice lists, bare actions."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.faketelegram import Message, TestUser
from bot.sandbox.demo import DemoHome
from bot.sandbox.server import Sandbox
from bot.sandbox.state import Product
from tests.e2e.harness import BotHarness

MODES = {f"m{i}": f"Program {i}" for i in range(1, 7)}
OVEN = {
    "version": "1.0",
    "profile": {"ProductId": "TESTOVEN01", "CategoryId": "1"},
    "properties": [
        {
            "id": "program",
            "name": "Program",
            "mode": "rw",
            "define": {"type": "stringenum", "mapping": MODES},
        },
        {"id": "ready_at", "name": "Ready at", "mode": "rw", "define": {"type": "timestamp"}},
    ],
    "events": [],
    "actions": [{"id": "light_on", "name": "Oven light", "input": [], "output": []}],
}
START = int(datetime(2025, 1, 1, tzinfo=ZoneInfo("UTC")).timestamp())


async def open_oven(bot: BotHarness, sandbox: Sandbox, demo: DemoHome, user: TestUser) -> Message:
    sandbox.state.products["TESTOVEN01"] = Product("TESTOVEN01", "Oven", OVEN)
    values = {"program": "m2", "ready_at": START}
    sandbox.control.create_device(demo.family_id, "TESTOVEN01", "oven", "Oven", values=values)
    await bot.link(user, "owner")
    bot.app.services.store.update_settings(user.id, timezone="Asia/Shanghai")  # type: ignore[union-attr]
    listing = await bot.say(user, "/devices")
    return await bot.click(user, listing, "🟢 Oven")


async def test_times_are_read_and_typed_in_the_users_zone(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann = bot.tg.user(401, "Ann")
    card = await open_oven(bot, sandbox, demo, ann)
    assert "Ready at: 2025-01-01 08:00" in card.text  # midnight UTC is 08:00 in Shanghai
    asked = await bot.click(ann, card, "✏️ Ready at")
    assert "a date and time like" in asked.text
    refused = await bot.say(ann, "next tuesday")
    assert "is not a time I understand" in refused.text
    done = await bot.say(ann, "2025-06-01 18:30")
    stored = sandbox.control.device_state("TESTOVEN01/oven")["Properties"]["ready_at"]
    assert stored == int(datetime(2025, 6, 1, 10, 30, tzinfo=ZoneInfo("UTC")).timestamp())
    assert "Ready at: 2025-06-01 18:30" in done.text


async def test_many_choices_in_a_sub_menu(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann = bot.tg.user(402, "Ann")
    card = await open_oven(bot, sandbox, demo, ann)
    menu = await bot.click(ann, card, "Program: Program 2 ▸")
    assert "Choose one" in menu.text
    assert "✓ Program 2" in [b.text for b in menu.all_buttons()]
    chosen = await bot.click(ann, menu, "Program 5")
    assert sandbox.control.device_state("TESTOVEN01/oven")["Properties"]["program"] == "m5"
    assert "Program: Program 5" in chosen.text and chosen.message_id == card.message_id


async def test_an_action_without_inputs_runs_at_once(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann = bot.tg.user(403, "Ann")
    card = await open_oven(bot, sandbox, demo, ann)
    done = await bot.click(ann, card, "▶ Oven light")
    assert done.message_id == card.message_id
    assert done.text.startswith("✅ Oven light done.")
    assert ("AppCallDeviceActionSync", "") in sandbox.server.requests
