"""Timer times between the user's zone and China time, and how timers read; no cloud."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.config import Settings
from bot.home.timer_time import (
    Schedule,
    parse_clock,
    rotate_days,
    same_clock,
    to_cloud,
    to_local,
    utc_offset,
)
from bot.iot.models.timers import EVERY_DAY, NO_DAYS, WORKDAYS, Timer, days_from_weekdays
from bot.iot.template import DataTemplate
from bot.sandbox import templates
from bot.storage.store import Store
from bot.telegram.callbacks import CallbackCodec
from bot.telegram.context import Services
from bot.telegram.routing import Buttons
from bot.views import timers as views

SUMMER = datetime(2025, 7, 2, 9, 0, tzinfo=UTC)  # a Wednesday
WINTER = datetime(2025, 1, 15, 9, 0, tzinfo=UTC)
BERLIN, NEW_YORK, AUCKLAND = (
    ZoneInfo(z) for z in ("Europe/Berlin", "America/New_York", "Pacific/Auckland")
)


@pytest.fixture
def buttons(tmp_path: Path) -> Buttons:
    store = Store(tmp_path / "bot.sqlite3")
    services = Services(
        settings=Settings(), store=store, iot=None, codec=CallbackCodec(store), accounts=None
    )  # type: ignore[arg-type]
    return Buttons(services, 42)


def routes(markup: Any, buttons: Buttons) -> dict[str, tuple[str, tuple[str, ...]]]:
    codec = buttons._codec
    found = {}
    for row in markup.inline_keyboard:
        for b in row:
            callback = codec.decode(b.callback_data)
            found[b.text] = (callback.route, callback.args)
    return found


@pytest.mark.parametrize(
    ("typed", "clock"),
    [
        ("7:00", "07:00"),
        ("07.30", "07:30"),
        ("19h05", "19:05"),
        (" 23:59 ", "23:59"),
        ("7", "07:00"),
    ],
)
def test_times_of_day_are_read_forgivingly(typed: str, clock: str) -> None:
    assert parse_clock(typed) == clock


@pytest.mark.parametrize("typed", ["24:00", "7:60", "noon", "", "7:5", "-1:00", "12:00:00"])
def test_what_is_not_a_time_of_day_is_refused(typed: str) -> None:
    assert parse_clock(typed) is None


def test_rotating_days_moves_each_day_later_or_earlier() -> None:
    assert rotate_days(WORKDAYS, 1) == "0011111"  # Mon-Fri -> Tue-Sat
    assert rotate_days(WORKDAYS, -1) == "1111100"  # Mon-Fri -> Sun-Thu
    assert rotate_days("0000001", 1) == "1000000"  # Saturday -> Sunday
    assert rotate_days(WORKDAYS, 7) == WORKDAYS and rotate_days(NO_DAYS, 1) == NO_DAYS


def test_berlin_seven_oclock_is_one_or_two_in_the_afternoon_in_china() -> None:
    assert to_cloud("07:00", WORKDAYS, BERLIN, SUMMER) == Schedule("13:00", WORKDAYS)
    assert to_cloud("07:00", WORKDAYS, BERLIN, WINTER) == Schedule("14:00", WORKDAYS)


def test_crossing_midnight_rotates_the_days() -> None:
    mon_wed = days_from_weekdays([0, 2])
    tue_thu = days_from_weekdays([1, 3])
    assert to_cloud("20:00", mon_wed, NEW_YORK, SUMMER) == Schedule("08:00", tue_thu)
    assert to_cloud("20:00", mon_wed, NEW_YORK, WINTER) == Schedule("09:00", tue_thu)
    # East of China the other way: 03:00 Monday in Auckland is Sunday evening in China.
    assert to_cloud("03:00", days_from_weekdays([0]), AUCKLAND, WINTER) == Schedule(
        "22:00", days_from_weekdays([6])
    )


@given(
    hour=st.integers(0, 23),
    minute=st.integers(0, 59),
    days=st.text(alphabet="01", min_size=7, max_size=7),
    zone=st.sampled_from(
        ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific/Auckland", "UTC"]
    ),
)
def test_local_and_cloud_schedules_convert_back(
    hour: int, minute: int, days: str, zone: str
) -> None:
    tz = ZoneInfo(zone)
    clock = f"{hour:02d}:{minute:02d}"
    cloud = to_cloud(clock, days, tz, WINTER)
    assert to_local(cloud.time_point, cloud.days, tz, WINTER) == Schedule(clock, days)


def test_offsets_and_same_clock() -> None:
    assert utc_offset(ZoneInfo("Asia/Kolkata"), WINTER) == "UTC+5:30"
    assert utc_offset(NEW_YORK, WINTER) == "UTC-5" and utc_offset(BERLIN, SUMMER) == "UTC+2"
    assert same_clock(ZoneInfo("Asia/Singapore"), WINTER) and not same_clock(BERLIN, WINTER)


@pytest.mark.parametrize(
    ("days", "repeat", "text"),
    [
        (NO_DAYS, False, "once"),
        (EVERY_DAY, True, "every day"),
        (WORKDAYS, True, "Mon–Fri"),
        ("1000001", True, "Sat and Sun"),
        (days_from_weekdays([4, 0, 2]), True, "Mon, Wed, Fri"),
        (days_from_weekdays([6]), False, "once, on Sun"),
    ],
)
def test_days_in_words(days: str, repeat: bool, text: str) -> None:
    assert views.days_text(days, repeat) == text


def test_the_list_shows_china_time_and_the_users_own(buttons: Buttons) -> None:
    timer = Timer(
        "t1", "DEMOLIGHT1", "lamp", "Wake <up>", WORKDAYS, "07:00", True, {"power_switch": 1}
    )
    template = DataTemplate.parse(templates.LIGHT)
    back = buttons("◀ Back", "dev.open", "DEMOLIGHT1/lamp")
    text, markup = views.timer_list(
        "Lamp", "DEMOLIGHT1/lamp", [timer], template, "Europe/Berlin", WINTER, buttons, back, "c"
    )
    assert "Wake &lt;up&gt;" in text and "Power → On" in text
    assert "07:00 (China time, UTC+8) · Mon–Fri" in text
    assert "your time (Europe/Berlin): 00:00 · Mon–Fri" in text
    found = routes(markup, buttons)
    assert found["✅ Wake <up>"] == ("tmr.tog", ("DEMOLIGHT1/lamp", "t1", "c"))
    assert found["🗑"] == ("tmr.del", ("DEMOLIGHT1/lamp", "t1", "c"))
    assert found["◀ Back"] == ("dev.open", ("DEMOLIGHT1/lamp",))
    shanghai, _ = views.timer_list(
        "Lamp", "DEMOLIGHT1/lamp", [timer], template, "Asia/Shanghai", WINTER, buttons, back, "c"
    )
    assert "your time" not in shanghai


def test_the_review_tells_both_times_and_the_daylight_saving_choice(buttons: Buttons) -> None:
    local = Schedule("23:30", days_from_weekdays([6]))
    text, markup = views.review("Lamp", "Power → On", local, True, "Europe/Berlin", SUMMER, buttons)
    assert "When: 23:30 (your time, Europe/Berlin) · Sun" in text
    assert "save it as 05:30 (China time, UTC+8) · Mon" in text and "daylight-saving" in text
    assert routes(markup, buttons)["Change days"] == ("tmb.step", ("days",))


def test_day_toggles_tick_the_chosen_days(buttons: Buttons) -> None:
    _text, markup = views.day_toggles(days_from_weekdays([0, 6]), buttons)
    found = routes(markup, buttons)
    assert found["✓ Mon"] == ("tmb.day", ("0",)) and found["✓ Sun"] == ("tmb.day", ("6",))
    assert found["Tue"] == ("tmb.day", ("1",))
    assert found["Done"] == ("tmb.days", ("1100000",))
