"""Managing a device end to end: rename, move, remove, sub-devices, details and firmware."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.app import PRUNE_JOB
from bot.faketelegram import Message, TestUser
from bot.handlers.devices import firmware
from bot.sandbox.demo import DemoHome
from bot.sandbox.server import Sandbox
from bot.sandbox.state import ShareGrant
from tests.e2e.harness import BotHarness


async def open_route(bot: BotHarness, user: TestUser, route: str, *args: str) -> Message:
    """Press a button of ``route`` (as the device card would carry it); the bot's answer."""
    assert bot.app is not None
    data = bot.app.services.codec.encode(user.id, route, *args)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Open", callback_data=data)]])
    await bot.app.bot.send_message(user.id, "Device card", reply_markup=keyboard)
    card = await bot.tg.next_message(user)
    return await bot.click(user, card, "Open")


def route_of(bot: BotHarness, message: Message, text: str) -> tuple[str, tuple[str, ...]]:
    """The route and arguments a button of ``message`` calls."""
    assert bot.app is not None
    data = message.button(text).callback_data
    assert data is not None
    callback = bot.app.services.codec.decode(data)
    return callback.route, callback.args


def button_texts(message: Message) -> list[str]:
    return [b.text for b in message.all_buttons()]


def line_with(message: Message, text: str) -> str:
    """The line of the message that mentions ``text``."""
    lines = [line for line in (message.text or "").splitlines() if text in line]
    assert lines, f"{text!r} is not in {message.text!r}"
    return lines[0]


async def test_the_device_card_leads_here_and_back(bot: BotHarness, demo: DemoHome) -> None:
    ann = bot.tg.user(200, "Ann")
    await bot.link(ann)
    listing = await bot.say(ann, "/devices")
    card = await bot.click(ann, listing, lambda b: "Bedroom sensor" in b.text)
    menu = await bot.click(ann, card, lambda b: "Manage" in b.text)
    assert "Manage Bedroom sensor" in menu.text and "Room: Bedroom" in menu.text
    again = await bot.click(ann, menu, "◀ Back")
    history = await bot.click(ann, again, lambda b: "History" in b.text)
    assert "History of Bedroom sensor" in history.text


async def test_rename_keeps_html_intact_and_shows_in_the_family(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann = bot.tg.user(201, "Ann")
    await bot.link(ann)
    light = demo.devices["light"]
    menu = await open_route(bot, ann, "dmg.menu", light)
    assert "Manage Living room light" in menu.text and "Room: Living room" in menu.text
    assert route_of(bot, menu, "◀ Back") == ("dev.open", (light,))
    asked = await bot.click(ann, menu, "✏️ Rename")
    assert "Send a new name for Living room light" in asked.text
    done = await bot.say(ann, "  <b>Desk</b> & lamp  ")
    assert "Renamed to <b>Desk</b> & lamp." in done.text
    assert "Manage <b>Desk</b> & lamp" in done.text
    assert sandbox.control.device_state(light)["AliasName"] == "<b>Desk</b> & lamp"
    hint = await bot.say(ann, "another name")
    assert "didn't catch that" in hint.text  # the question was answered; it is closed
    listing = await bot.say(ann, "/devices")
    assert "Living room light" not in listing.text
    assert "Living room" in line_with(listing, "<b>Desk</b> & lamp")


async def test_bad_names_are_refused_and_change_nothing(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann = bot.tg.user(202, "Ann")
    await bot.link(ann)
    plug = demo.devices["plug"]
    menu = await open_route(bot, ann, "dmg.menu", plug)
    await bot.click(ann, menu, "✏️ Rename")
    too_long = await bot.say(ann, "x" * 65)
    assert "too long" in too_long.text and "at most 64 characters" in too_long.text
    control = await bot.say(ann, "Coffee\nmachine")
    assert "line breaks or control characters" in control.text
    assert sandbox.control.device_state(plug)["AliasName"] == "Coffee machine plug"
    fits = await bot.say(ann, "é" * 64)  # 64 characters is fine, whatever their bytes
    assert "Renamed to " + "é" * 64 in fits.text
    await bot.click(ann, fits, "✏️ Rename")
    assert "Cancelled" in (await bot.say(ann, "/cancel")).text
    assert "didn't catch that" in (await bot.say(ann, "Kettle")).text
    assert sandbox.control.device_state(plug)["AliasName"] == "é" * 64


async def test_cancel_button_closes_the_rename_question(bot: BotHarness, demo: DemoHome) -> None:
    ann = bot.tg.user(203, "Ann")
    await bot.link(ann)
    menu = await open_route(bot, ann, "dmg.menu", demo.devices["plug"])
    asked = await bot.click(ann, menu, "✏️ Rename")
    back = await bot.click(ann, asked, "Cancel")
    assert "Manage Coffee machine plug" in back.text
    assert "didn't catch that" in (await bot.say(ann, "Kettle")).text


async def test_move_to_another_room(bot: BotHarness, sandbox: Sandbox, demo: DemoHome) -> None:
    ann = bot.tg.user(204, "Ann")
    await bot.link(ann)
    light = demo.devices["light"]
    menu = await open_route(bot, ann, "dmg.menu", light)
    rooms = await bot.click(ann, menu, "🚪 Move")
    assert "Move Living room light to which room?" in rooms.text
    assert {"✓ Living room", "Bedroom", "Kitchen", "No room"} <= set(button_texts(rooms))
    moved = await bot.click(ann, rooms, "Kitchen")
    assert "Moved to Kitchen." in moved.text and "Room: Kitchen" in moved.text
    assert sandbox.control.device_state(light)["RoomId"] == demo.rooms["Kitchen"]
    listing = await bot.say(ann, "/devices")
    assert "Kitchen" in line_with(listing, "Living room light")
    rooms = await bot.click(ann, moved, "🚪 Move")
    assert "✓ Kitchen" in button_texts(rooms) and "Living room" in button_texts(rooms)
    query = await bot.tg.press(ann, rooms, "✓ Kitchen")
    assert (await bot.tg.wait_answer(query)).text == "It's already there."
    nowhere = await bot.click(ann, await bot.tg.next_message(ann), "🚪 Move")
    unroomed = await bot.click(ann, nowhere, "No room")
    assert "Room: No room" in unroomed.text
    assert sandbox.control.device_state(light)["RoomId"] == "0"


async def test_remove_asks_first_then_unbinds(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann = bot.tg.user(205, "Ann")
    await bot.link(ann)
    plug = demo.devices["plug"]
    menu = await open_route(bot, ann, "dmg.menu", plug)
    asked = await bot.click(ann, menu, "🗑 Remove from the family")
    assert "Remove Coffee machine plug? This unbinds it from the family" in asked.text
    assert button_texts(asked) == ["Remove", "Keep"]
    assert plug in sandbox.state.devices
    kept = await bot.click(ann, asked, "Keep")
    assert "Manage Coffee machine plug" in kept.text and plug in sandbox.state.devices
    asked = await bot.click(ann, kept, "🗑 Remove from the family")
    gone = await bot.click(ann, asked, "Remove")
    assert "Coffee machine plug was removed from the family" in gone.text
    assert not gone.buttons
    assert plug not in sandbox.state.devices


async def test_a_member_may_not_remove(bot: BotHarness, sandbox: Sandbox, demo: DemoHome) -> None:
    sandbox.state.families[demo.family_id].members[demo.friend.user_id] = 0  # Sam joins
    sam = bot.tg.user(206, "Sam")
    await bot.link(sam, "friend")
    plug = demo.devices["plug"]
    menu = await open_route(bot, sam, "dmg.menu", plug)
    query = await bot.tg.press(sam, menu, "🗑 Remove from the family")
    answer = await bot.tg.wait_answer(query)
    assert answer.text == "You don't have permission to do that." and answer.show_alert
    assert plug in sandbox.state.devices
    assert bot.tg.messages(sam)[-1].text == menu.text  # no confirmation was offered


async def test_a_device_shared_with_me_offers_details_only(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    light = demo.devices["light"]
    grant = ShareGrant(light, demo.friend.user_id, demo.owner.user_id, sandbox.state.now())
    sandbox.state.shares[(light, demo.friend.user_id)] = grant
    sam = bot.tg.user(212, "Sam")
    await bot.link(sam, "friend")
    menu = await open_route(bot, sam, "dmg.menu", light)
    assert "This device is shared with you." in menu.text
    assert button_texts(menu) == ["ℹ️ Details", "◀ Back"]
    details = await bot.click(sam, menu, "ℹ️ Details")
    assert "Firmware: 1.0.0" in details.text


async def test_gateway_lists_its_sub_devices(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann = bot.tg.user(207, "Ann")
    await bot.link(ann)
    plug_menu = await open_route(bot, ann, "dmg.menu", demo.devices["plug"])
    assert "🔗 Sub-devices" not in button_texts(plug_menu)
    sandbox.control.set_online(demo.devices["door"], False)
    menu = await open_route(bot, ann, "dmg.menu", demo.devices["gateway"])
    subs = await bot.click(ann, menu, "🔗 Sub-devices")
    assert "Sub-devices of Home hub" in subs.text and "0 of 1 online" in subs.text
    assert route_of(bot, subs, "⚪ Front door") == ("dev.open", (demo.devices["door"],))
    sandbox.control.set_online(demo.devices["door"], True)
    back = await bot.click(ann, subs, "◀ Back")
    subs = await bot.click(ann, back, "🔗 Sub-devices")
    assert "1 of 1 online" in subs.text and "🟢 Front door" in button_texts(subs)


async def test_details_in_the_users_timezone(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann = bot.tg.user(208, "Ann")
    await bot.link(ann)
    await bot.say(ann, "/timezone Asia/Shanghai")
    light = sandbox.state.devices[demo.devices["light"]]
    menu = await open_route(bot, ann, "dmg.menu", light.device_id)
    info = await bot.click(ann, menu, "ℹ️ Details")
    added = datetime.fromtimestamp(light.created, ZoneInfo("Asia/Shanghai"))
    assert "Details of Living room light" in info.text
    assert "Product: Smart bulb" in info.text and "Firmware: 1.0.0" in info.text
    assert f"MAC: {light.mac.upper()}" in info.text and f"IP: {light.ip}" in info.text
    assert f"Added: {added:%Y-%m-%d %H:%M} CST" in info.text
    assert route_of(bot, info, "⬆️ Check for updates") == ("fw.check", (light.device_id,))
    assert "Manage Living room light" in (await bot.click(ann, info, "◀ Back")).text


@pytest.fixture
def slow_refresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """Scheduled refreshes far in the future: the test presses Refresh itself."""
    monkeypatch.setattr(firmware, "REFRESH_SECONDS", 3600.0)


async def test_firmware_upgrade_with_refresh(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome, slow_refresh: None
) -> None:
    ann = bot.tg.user(209, "Ann")
    await bot.link(ann)
    light = demo.devices["light"]
    start = sandbox.state.clock()
    sandbox.state.clock = lambda: start  # the upgrade's progress follows the sandbox's clock
    check = await open_route(bot, ann, "fw.check", light)
    assert "Installed: 1.0.0" in check.text and "Available: 1.2.0" in check.text
    asked = await bot.click(ann, check, "⬆️ Upgrade now")
    assert "Update Living room light from 1.0.0 to 1.2.0?" in asked.text
    assert sandbox.state.devices[light].firmware_task is None  # nothing before confirming
    progress = await bot.click(ann, asked, "Upgrade")
    assert "Status: sent to the device" in progress.text and "0%" in progress.text
    sandbox.state.clock = lambda: start + 36
    halfway = await bot.click(ann, progress, "🔄 Refresh")
    assert "Status: installing" in halfway.text and "60%" in halfway.text
    again = await open_route(bot, ann, "fw.check", light)  # the card's button mid-upgrade
    assert "60%" in again.text
    sandbox.state.clock = lambda: start + 61
    done = await bot.click(ann, halfway, "🔄 Refresh")
    assert "Updated to 1.2.0." in done.text and "🔄 Refresh" not in button_texts(done)
    assert sandbox.state.devices[light].firmware_version == "1.2.0"
    latest = await open_route(bot, ann, "fw.check", light)
    assert "You have the latest firmware (1.2.0)." in latest.text
    assert "⬆️ Upgrade now" not in button_texts(latest)


async def test_firmware_message_refreshes_itself(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(firmware, "REFRESH_SECONDS", 0.05)
    ann = bot.tg.user(210, "Ann")
    await bot.link(ann)
    start = sandbox.state.clock()
    sandbox.state.clock = lambda: start
    check = await open_route(bot, ann, "fw.check", demo.devices["light"])
    progress = await bot.click(ann, await bot.click(ann, check, "⬆️ Upgrade now"), "Upgrade")
    assert "0%" in progress.text
    sandbox.state.clock = lambda: start + 120

    def finished() -> bool:
        message = bot.tg.last_message(ann)
        return message is not None and "Updated to 1.2.0." in (message.text or "")

    await bot.tg.wait_for(finished)
    assert bot.tg.last_message(ann).message_id == progress.message_id  # type: ignore[union-attr]
    job_queue = bot.app.job_queue  # type: ignore[union-attr]
    # It stops once the upgrade is done; only the app's own daily prune stays.
    await bot.tg.wait_for(lambda: [job.name for job in job_queue.jobs()] == [PRUNE_JOB])


async def test_firmware_offline_and_up_to_date(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome, slow_refresh: None
) -> None:
    ann = bot.tg.user(211, "Ann")
    await bot.link(ann)
    plug = await open_route(bot, ann, "fw.check", demo.devices["plug"])
    assert "You have the latest firmware (1.0.0)." in plug.text
    light = demo.devices["light"]
    sandbox.control.set_online(light, False)
    offline = await open_route(bot, ann, "fw.check", light)
    assert "The device is offline. It can be updated once it's back online." in offline.text
    assert "⬆️ Upgrade now" not in button_texts(offline)
    sandbox.control.set_online(light, True)
    online = await bot.click(ann, offline, "🔄 Check again")
    asked = await bot.click(ann, online, "⬆️ Upgrade now")
    sandbox.control.set_online(light, False)  # it drops off while the user reads
    query = await bot.tg.press(ann, asked, "Upgrade")
    answer = await bot.tg.wait_answer(query)
    assert answer.text is not None and answer.show_alert
    assert answer.text.startswith("The device is offline, so it can't do that now.")
    shown = await bot.tg.next_message(ann)
    assert "The device is offline" in shown.text
    assert sandbox.state.devices[light].firmware_task is None
