"""Browsing a home and controlling devices from their cards, end to end."""

from __future__ import annotations

import logging
import time

import pytest

from bot.app import PRUNE_JOB
from bot.faketelegram import Message, TestUser
from bot.sandbox.demo import DemoHome
from bot.sandbox.server import Sandbox
from bot.telegram.callbacks import KEEP_DAYS, CallbackCodec
from tests.e2e.harness import BotHarness


def writes(sandbox: Sandbox) -> list[str]:
    """The control and action requests the cloud received so far."""
    sent = ("AppControlDeviceData", "AppCallDeviceActionSync", "AppCallDeviceActionAsync")
    return [action for action, _ in sandbox.server.requests if action in sent]


def props(sandbox: Sandbox, device_id: str) -> dict[str, object]:
    return sandbox.control.device_state(device_id)["Properties"]  # type: ignore[no-any-return]


async def open_light(bot: BotHarness, user: TestUser) -> Message:
    await bot.link(user, "owner")
    listing = await bot.say(user, "/devices")
    return await bot.click(user, listing, "🟢 Living room light")


async def test_list_shows_the_home_with_online_marks(bot: BotHarness, sandbox: Sandbox) -> None:
    ann = bot.tg.user(201, "Ann")
    await bot.link(ann, "owner")
    sandbox.control.set_online(sandbox.demo.devices["plug"], False)
    listing = await bot.say(ann, "/devices")
    assert "My Home · All rooms" in listing.text
    assert "7 devices · 6 online" in listing.text
    assert "🟢 Living room light · Living room" in listing.text
    assert "⚪ Coffee machine plug · Kitchen" in listing.text
    texts = [b.text for b in listing.all_buttons()]
    assert "🟢 Living room light" in texts and "⚪ Coffee machine plug" in texts
    assert "◀" not in texts and "▶" not in texts  # one page only


async def test_room_filter(bot: BotHarness) -> None:
    ann = bot.tg.user(202, "Ann")
    await bot.link(ann, "owner")
    listing = await bot.say(ann, "/devices")
    rooms = await bot.click(ann, listing, "🏠 Rooms")
    assert "Show the devices of which room?" in rooms.text
    kitchen = await bot.click(ann, rooms, "Kitchen (3)")
    assert "My Home · Kitchen" in kitchen.text and "3 devices" in kitchen.text
    names = [b.text for b in kitchen.all_buttons()]
    assert "🟢 Kitchen speaker" in names and "🟢 Living room light" not in names
    card = await bot.click(ann, kitchen, "🟢 Cat feeder")
    back = await bot.click(ann, card, "◀ Back")
    assert "My Home · Kitchen" in back.text  # back where the user was


async def test_card_shows_properties_and_feature_buttons(bot: BotHarness) -> None:
    ann = bot.tg.user(203, "Ann")
    card = await open_light(bot, ann)
    assert "Living room light" in card.text and "🏠 Living room · 🟢 Online" in card.text
    for line in ("Power: Off", "Color: Red", "Brightness: 60 %", "Lamp label: Lamp"):
        assert line in card.text
    assert "Updated " in card.text
    texts = [b.text for b in card.all_buttons()]
    for label in ("⚙ Manage", "📈 History", "⏰ Timers", "🔗 Share", "⬆ Firmware", "◀ Back"):
        assert label in texts
    assert card.button("⚙ Manage").callback_data is not None


async def test_toggle_power_changes_the_device_and_the_card(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann = bot.tg.user(204, "Ann")
    card = await open_light(bot, ann)
    toggled = await bot.click(ann, card, "⚪ Power: Off")
    assert props(sandbox, demo.devices["light"])["power_switch"] == 1
    assert "Power: On" in toggled.text and toggled.message_id == card.message_id
    assert "🟢 Power: On" in [b.text for b in toggled.all_buttons()]
    off = await bot.click(ann, toggled, "🟢 Power: On")
    assert props(sandbox, demo.devices["light"])["power_switch"] == 0
    assert "Power: Off" in off.text


async def test_brightness_steps_and_exact_value(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann = bot.tg.user(205, "Ann")
    light = demo.devices["light"]
    card = await open_light(bot, ann)
    up = await bot.click(ann, card, "➕")
    assert props(sandbox, light)["brightness"] == 61 and "Brightness: 61 %" in up.text
    down = await bot.click(ann, up, "➖")
    assert props(sandbox, light)["brightness"] == 60 and "Brightness: 60 %" in down.text
    asked = await bot.click(ann, down, "✏️ Brightness: 60 %")
    assert "Send the new Brightness" in asked.text and "from 0 to 100 %" in asked.text
    before = len(writes(sandbox))
    refused = await bot.say(ann, "150")
    assert "Choose a value between 0 and 100 %" in refused.text
    assert "Nothing was sent" in refused.text
    refused = await bot.say(ann, "bright")
    assert "is not a number" in refused.text
    refused = await bot.say(ann, "12.5")
    assert "not a whole number" in refused.text
    assert len(writes(sandbox)) == before and props(sandbox, light)["brightness"] == 60
    done = await bot.say(ann, "75")
    assert props(sandbox, light)["brightness"] == 75
    assert "✅ Brightness is now 75 %." in done.text and "Brightness: 75 %" in done.text


async def test_step_at_the_limit_sends_nothing(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann = bot.tg.user(206, "Ann")
    sandbox.control.report(demo.devices["light"], {"brightness": 100})
    card = await open_light(bot, ann)
    before = len(writes(sandbox))
    query = await bot.tg.press(ann, card, "➕")
    answer = await bot.tg.wait_answer(query)
    assert "already at its highest" in (answer.text or "")
    assert len(writes(sandbox)) == before


async def test_choose_a_color(bot: BotHarness, sandbox: Sandbox, demo: DemoHome) -> None:
    ann = bot.tg.user(207, "Ann")
    card = await open_light(bot, ann)
    assert "✓ Red" in [b.text for b in card.all_buttons()]
    green = await bot.click(ann, card, "Green")
    assert props(sandbox, demo.devices["light"])["color"] == 1
    assert "Color: Green" in green.text
    texts = [b.text for b in green.all_buttons()]
    assert "✓ Green" in texts and "Red" in texts


async def test_text_property_too_long_then_set(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann = bot.tg.user(208, "Ann")
    card = await open_light(bot, ann)
    asked = await bot.click(ann, card, "✏️ Lamp label")
    assert "text of at most 64 characters" in asked.text
    before = len(writes(sandbox))
    refused = await bot.say(ann, "x" * 70)
    assert "That is 70 characters; at most 64 fit." in refused.text
    assert len(writes(sandbox)) == before
    done = await bot.say(ann, "Reading <lamp>")
    assert props(sandbox, demo.devices["light"])["name"] == "Reading <lamp>"
    assert "Lamp label: Reading <lamp>" in done.text


async def test_feeder_action_asks_inputs_and_shows_outputs(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann = bot.tg.user(209, "Ann")
    await bot.link(ann, "owner")
    listing = await bot.say(ann, "/devices")
    card = await bot.click(ann, listing, "🟢 Cat feeder")
    assert "Food level: 80 %" in card.text
    first = await bot.click(ann, card, "▶ Feed now")
    assert "Feed now (1 of 2)" in first.text and "Send Portions" in first.text
    refused = await bot.say(ann, "11")
    assert "Choose a value between 1 and 10." in refused.text
    second = await bot.say(ann, "2")
    assert "Feed now (2 of 2)" in second.text and "Send Note" in second.text
    assert writes(sandbox) == []
    result = await bot.say(ann, "-")
    assert writes(sandbox) == ["AppCallDeviceActionSync"]
    assert "✅ Feed now done." in result.text
    assert "Dispensed: 2" in result.text and "Result: OK" in result.text
    assert "Food level: 60 %" in result.text
    assert props(sandbox, demo.devices["feeder"])["food_level"] == 60


async def test_offline_device_refuses_controls_and_actions(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann = bot.tg.user(210, "Ann")
    card = await open_light(bot, ann)
    sandbox.control.set_online(demo.devices["light"], False)
    for button in ("⚪ Power: Off", "➕", "Green", "✏️ Lamp label"):
        query = await bot.tg.press(ann, card, button)
        answer = await bot.tg.wait_answer(query)
        assert answer.show_alert and "offline" in (answer.text or "")
    assert writes(sandbox) == []
    assert props(sandbox, demo.devices["light"])["power_switch"] == 0
    shown = bot.tg.last_message(ann)
    assert shown is not None and "⚪ Offline" in shown.text  # the card caught up


async def test_offline_device_refuses_actions(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann = bot.tg.user(211, "Ann")
    await bot.link(ann, "owner")
    sandbox.control.set_online(demo.devices["feeder"], False)
    listing = await bot.say(ann, "/devices")
    card = await bot.click(ann, listing, "⚪ Cat feeder")
    assert "It's offline" in card.text
    query = await bot.tg.press(ann, card, "▶ Feed now")
    answer = await bot.tg.wait_answer(query)
    assert answer.show_alert and "Cat feeder is offline" in (answer.text or "")
    assert writes(sandbox) == []
    assert props(sandbox, demo.devices["feeder"])["food_level"] == 80


async def test_buttons_keep_working_after_a_restart(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann = bot.tg.user(240, "Ann")
    await bot.link(ann, "owner")
    sandbox.control.create_device(
        demo.family_id,
        "DEMOLIGHT1",
        "hallway_light_with_a_rather_long_device_name_48c",  # the payload goes to the database
        "Hallway light",
        values={"power_switch": 0},
    )
    listing = await bot.say(ann, "/devices")
    card = await bot.click(ann, listing, "🟢 Hallway light")
    stored = [b for b in card.all_buttons() if (b.callback_data or "").startswith("r")]
    assert stored  # too long to fit in 64 bytes: kept in the database, found after the restart
    await bot.restart()
    toggled = await bot.click(ann, card, "⚪ Power: Off")
    assert "Power: On" in toggled.text
    hallway = "DEMOLIGHT1/hallway_light_with_a_rather_long_device_name_48c"
    assert props(sandbox, hallway)["power_switch"] == 1


async def test_the_daily_prune_forgets_buttons_unused_for_keep_days_only(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome, caplog: pytest.LogCaptureFixture
) -> None:
    assert bot.app is not None and bot.app.job_queue is not None
    now = [time.time()]
    bot.app.services.codec = CallbackCodec(bot.app.store, clock=lambda: now[0])
    ann = bot.tg.user(241, "Ann")
    await bot.link(ann, "owner")
    for name, label in [("hallway", "Hallway light"), ("porch", "Porch light")]:
        long_name = f"{name}_light_with_a_rather_long_device_name".ljust(48, "x")
        sandbox.control.create_device(
            demo.family_id, "DEMOLIGHT1", long_name, label, values={"power_switch": 0}
        )
    old = await bot.click(ann, await bot.say(ann, "/devices"), "🟢 Hallway light")
    assert (old.button("⚪ Power: Off").callback_data or "").startswith("r")  # a stored one
    now[0] += 20 * 86400
    recent = await bot.click(ann, await bot.say(ann, "/devices"), "🟢 Porch light")
    now[0] += (KEEP_DAYS - 15) * 86400  # old: KEEP_DAYS + 5 days unused

    (job,) = bot.app.job_queue.get_jobs_by_name(PRUNE_JOB)
    with caplog.at_level(logging.INFO, logger="bot.app"):
        await job.run(bot.app)  # what the daily schedule does, without waiting a day
        assert "pruned" in caplog.text
        caplog.clear()
        await job.run(bot.app)
        assert "pruned" not in caplog.text  # nothing left to prune: nothing logged

    query = await bot.tg.press(ann, old, "⚪ Power: Off")
    answer = await bot.tg.wait_answer(query)
    assert answer.text == "This button no longer works. Please open the menu again."
    assert writes(sandbox) == []
    toggled = await bot.click(ann, recent, "⚪ Power: Off")
    assert "Power: On" in toggled.text
    assert writes(sandbox) == ["AppControlDeviceData"]
