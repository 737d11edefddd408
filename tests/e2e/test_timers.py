"""Device timers end to end: made in chat in the user's own time, saved in China time, fired."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.faketelegram import Message, TestUser
from bot.iot.models.timers import NO_DAYS, WORKDAYS
from bot.sandbox.actions.timers import fire_due_timers
from bot.sandbox.demo import DemoHome
from bot.sandbox.server import Sandbox
from tests.e2e.harness import BotHarness

CHINA = ZoneInfo("Asia/Shanghai")
MONDAY = date(2030, 1, 7)  # a Monday, in China time


def in_row_of(message: Message, label: str, text: str) -> object:
    row = message.button(label).row
    return lambda b: b.row == row and b.text == text


def cloud_time(local: str, zone: str) -> datetime:
    """When ``local`` today in ``zone`` falls in China time."""
    tz = ZoneInfo(zone)
    today = datetime.now(UTC).astimezone(tz).date()
    hours, minutes = map(int, local.split(":"))
    return datetime.combine(today, time(hours, minutes), tz).astimezone(CHINA)


def timers_of(sandbox: Sandbox, device_id: str) -> dict[str, object]:
    return {t.timer_id: t for t in sandbox.state.timers.values() if t.device_id == device_id}


def fires(sandbox: Sandbox, timer_id: str, day: date, at: str) -> bool:
    hours, minutes = map(int, at.split(":"))
    moment = datetime.combine(day, time(hours, minutes))  # naive: China time
    return timer_id in {t.timer_id for t in fire_due_timers(sandbox.state, moment)}


async def linked(bot: BotHarness, user_id: int, zone: str) -> TestUser:
    user = bot.tg.user(user_id, "Ann")
    await bot.link(user)
    bot.app.services.store.update_settings(user.id, timezone=zone)  # type: ignore[union-attr]
    return user


async def test_weekday_timer_from_berlin_is_saved_in_china_time_and_fires(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann = await linked(bot, 501, "Europe/Berlin")
    plug = demo.devices["plug"]
    before = set(timers_of(sandbox, plug))
    picker = await bot.say(ann, "/timers")
    listing = await bot.click(ann, picker, "Coffee machine plug")
    assert "Timers of Coffee machine plug" in listing.text and "No timers yet" in listing.text
    props = await bot.click(ann, listing, "➕ New timer")
    values = await bot.click(ann, props, "Power")
    ask_time = await bot.click(ann, values, "On")
    assert "Power → On" in ask_time.text and "your time, Europe/Berlin" in ask_time.text
    days = await bot.say(ann, "7:00")
    assert "At 07:00 (your time, Europe/Berlin)" in days.text
    review = await bot.click(ann, days, "Weekdays")
    china = cloud_time("07:00", "Europe/Berlin")
    assert china.strftime("%H:%M") in ("13:00", "14:00")
    assert "When: 07:00 (your time, Europe/Berlin) · Mon–Fri" in review.text
    assert f"save it as {china:%H:%M} (China time, UTC+8) · Mon–Fri" in review.text
    assert set(timers_of(sandbox, plug)) == before  # nothing saved before Save

    saved = await bot.click(ann, review, "💾 Save")
    (timer_id,) = set(timers_of(sandbox, plug)) - before
    timer = sandbox.state.timers[timer_id]
    assert (timer.days, timer.time_point, timer.repeat) == (WORKDAYS, f"{china:%H:%M}", 1)
    assert timer.data == {"power_switch": 1} and timer.status == 1
    assert "Saved the timer Power On" in saved.text
    assert f"{china:%H:%M} (China time, UTC+8) · Mon–Fri" in saved.text
    assert "your time (Europe/Berlin): 07:00 · Mon–Fri" in saved.text

    sandbox.state.control_device(plug, {"power_switch": 0})
    assert not fires(sandbox, timer_id, MONDAY + timedelta(days=5), f"{china:%H:%M}")  # Saturday
    assert sandbox.control.device_state(plug)["Properties"]["power_switch"] == 0
    assert fires(sandbox, timer_id, MONDAY, f"{china:%H:%M}")
    assert sandbox.control.device_state(plug)["Properties"]["power_switch"] == 1

    off = await bot.click(ann, saved, "✅ Power On")
    assert "Power On is off." in off.text and timer.status == 0
    assert not fires(sandbox, timer_id, MONDAY + timedelta(days=1), f"{china:%H:%M}")
    on = await bot.click(ann, off, "⏸ Power On")
    assert "Power On is on." in on.text and timer.status == 1

    ask = await bot.click(ann, on, in_row_of(on, "✅ Power On", "🗑"))
    assert "Delete the timer Power On?" in ask.text
    kept = await bot.click(ann, ask, "Cancel")
    assert timer_id in sandbox.state.timers
    ask = await bot.click(ann, kept, in_row_of(kept, "✅ Power On", "🗑"))
    gone = await bot.click(ann, ask, "🗑 Delete")
    assert "Deleted the timer Power On" in gone.text and "No timers yet" in gone.text
    assert timer_id not in sandbox.state.timers
    back = await bot.click(ann, gone, "◀ Devices")
    assert "Which device's timers?" in back.text


async def test_an_evening_in_new_york_is_the_next_morning_in_china(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann = await linked(bot, 502, "America/New_York")
    light = demo.devices["light"]
    before = set(timers_of(sandbox, light))
    picker = await bot.say(ann, "/timers")
    listing = await bot.click(ann, picker, "Living room light")
    props = await bot.click(ann, listing, "➕ New timer")
    values = await bot.click(ann, props, "Color")
    ask_time = await bot.click(ann, values, "Green")
    assert "Color → Green" in ask_time.text and "America/New_York" in ask_time.text
    days = await bot.say(ann, "20:00")
    toggles = await bot.click(ann, days, "Choose days…")
    toggles = await bot.click(ann, toggles, "Mon")
    toggles = await bot.click(ann, toggles, "Wed")
    assert {"✓ Mon", "✓ Wed", "Tue"} <= {b.text for b in toggles.all_buttons()}
    review = await bot.click(ann, toggles, "Done")
    china = cloud_time("20:00", "America/New_York")
    assert china.strftime("%H:%M") in ("08:00", "09:00")
    assert "When: 20:00 (your time, America/New_York) · Mon, Wed" in review.text
    assert f"save it as {china:%H:%M} (China time, UTC+8) · Tue, Thu" in review.text
    await bot.click(ann, review, "💾 Save")
    (timer_id,) = set(timers_of(sandbox, light)) - before
    timer = sandbox.state.timers[timer_id]
    assert (timer.days, timer.time_point, timer.data) == ("0010100", f"{china:%H:%M}", {"color": 1})
    assert fires(sandbox, timer_id, MONDAY + timedelta(days=1), f"{china:%H:%M}")  # Tuesday
    assert sandbox.control.device_state(light)["Properties"]["color"] == 1


async def test_editing_the_wake_up_timer_from_the_device_card(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann = await linked(bot, 503, "Asia/Shanghai")
    timer = sandbox.state.timers[demo.extra["timer"]]
    listing = await bot.say(ann, "/devices")
    card = await bot.click(ann, listing, lambda b: "Living room light" in b.text)
    timers = await bot.click(ann, card, "⏰ Timers")
    assert "Wake-up light (on): Power → On" in timers.text
    assert "07:00 (China time, UTC+8) · Mon–Fri" in timers.text
    assert "your time" not in timers.text  # the user's clock is China time
    review = await bot.click(ann, timers, in_row_of(timers, "✅ Wake-up light", "✏️"))
    assert "When: 07:00 (China time, UTC+8) · Mon–Fri" in review.text
    ask_time = await bot.click(ann, review, "Change time")
    review = await bot.click(ann, ask_time, "08:00")
    assert "When: 08:00 (China time, UTC+8) · Mon–Fri" in review.text
    saved = await bot.click(ann, review, "💾 Save")
    assert (timer.name, timer.time_point, timer.days) == ("Wake-up light", "08:00", WORKDAYS)
    assert timer.data == {"power_switch": 1}
    card = await bot.click(ann, saved, "◀ Back")
    assert "Living room light" in card.text and "⏰ Timers" in [b.text for b in card.all_buttons()]


async def test_bad_answers_are_explained_and_change_nothing(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann = await linked(bot, 504, "Asia/Shanghai")
    before = dict(sandbox.state.timers)
    picker = await bot.say(ann, "/timers")
    listing = await bot.click(ann, picker, "Living room light")
    props = await bot.click(ann, listing, "➕ New timer")
    await bot.click(ann, props, "Brightness")
    assert "is not a number" in (await bot.say(ann, "bright")).text
    ask_time = await bot.say(ann, "55")
    assert "Brightness → 55 %" in ask_time.text
    assert "not a time of day" in (await bot.say(ann, "25:00")).text
    days = await bot.say(ann, "7.30")
    assert "At 07:30" in days.text
    toggles = await bot.click(ann, days, "Choose days…")
    query = await bot.tg.press(ann, toggles, "Done")
    assert "at least one day" in (await bot.tg.wait_answer(query)).text
    back = await bot.click(ann, toggles, "◀ Back")
    cancelled = await bot.click(ann, back, "✖ Cancel")
    assert "Nothing was saved." in cancelled.text
    assert sandbox.state.timers == before


async def test_a_once_timer_fires_once(bot: BotHarness, sandbox: Sandbox, demo: DemoHome) -> None:
    ann = await linked(bot, 505, "Asia/Shanghai")
    plug = demo.devices["plug"]
    picker = await bot.say(ann, "/timers")
    listing = await bot.click(ann, picker, "Coffee machine plug")
    props = await bot.click(ann, listing, "➕ New timer")
    values = await bot.click(ann, props, "Power")
    ask_time = await bot.click(ann, values, "Off")
    days = await bot.click(ann, ask_time, "22:00")
    review = await bot.click(ann, days, "Once")
    assert "When: 22:00 (China time, UTC+8) · once" in review.text
    await bot.click(ann, review, "💾 Save")
    (timer,) = timers_of(sandbox, plug).values()
    assert (timer.days, timer.repeat, timer.time_point) == (NO_DAYS, 0, "22:00")
    assert fires(sandbox, timer.timer_id, MONDAY, "22:00")
    assert sandbox.control.device_state(plug)["Properties"]["power_switch"] == 0
    assert timer.status == 0  # a one-off switches itself off
