"""Automations in words, from the typed models and the templates; no cloud."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.iot.models.devices import Device
from bot.iot.models.scenes import (
    MATCH_ALL,
    MATCH_ANY,
    ActionDelay,
    ActionDevice,
    ActionNotify,
    ActionOther,
    ActionScene,
    Automation,
    ConditionDevice,
    ConditionTimer,
)
from bot.iot.template import DataTemplate
from bot.sandbox import templates
from bot.views.automations import (
    HomeBook,
    action_text,
    condition_text,
    describe,
    duration_text,
    effective_text,
)

NOW = datetime(2025, 1, 15, 9, 0, tzinfo=UTC)
SENSOR = Device("DEMOSENSR1/bed", "DEMOSENSR1", "bed", "Bedroom <sensor>")
LIGHT = Device("DEMOLIGHT1/lamp", "DEMOLIGHT1", "lamp", "Lamp")
BOOK = HomeBook(
    devices={d.device_id: d for d in (SENSOR, LIGHT)},
    templates={
        "DEMOSENSR1": DataTemplate.parse(templates.SENSOR),
        "DEMOLIGHT1": DataTemplate.parse(templates.LIGHT),
    },
    scenes={"s1": "Good night"},
)


def automation(conditions, actions, match=MATCH_ALL, days="1111111", hours=("00:00", "23:59")):
    return Automation(
        "a1", "Auto", "", True, match, tuple(conditions), tuple(actions), days, *hours
    )


@pytest.mark.parametrize(
    ("op", "value", "words"),
    [
        ("gt", 28, "Bedroom &lt;sensor&gt;'s Temperature is above 28 ℃"),
        ("lt", 10.5, "Bedroom &lt;sensor&gt;'s Temperature is below 10.5 ℃"),
        ("ge", 0, "Bedroom &lt;sensor&gt;'s Temperature is at least 0 ℃"),
        ("le", -3, "Bedroom &lt;sensor&gt;'s Temperature is at most -3 ℃"),
        ("ne", 20, "Bedroom &lt;sensor&gt;'s Temperature is not 20 ℃"),
    ],
)
def test_device_conditions_use_the_templates_names_and_units(
    op: str, value: object, words: str
) -> None:
    condition = ConditionDevice("DEMOSENSR1", "bed", "temperature", op, value)
    assert condition_text(condition, BOOK, "Asia/Shanghai", NOW) == words


def test_enum_and_bool_values_read_as_their_names() -> None:
    color = ConditionDevice("DEMOLIGHT1", "lamp", "color", "eq", 2)
    assert condition_text(color, BOOK, "Asia/Shanghai", NOW) == "Lamp's Color is Blue"
    power = ActionDevice("DEMOLIGHT1", "lamp", {"power_switch": 0})
    assert action_text(power, BOOK) == "turn Lamp's Power Off"
    several = ActionDevice("DEMOLIGHT1", "lamp", {"brightness": 20, "color": 1})
    assert action_text(several, BOOK) == "set Lamp's Brightness to 20 %, Color to Green"


def test_a_timer_condition_gives_china_time_and_the_users_time() -> None:
    timer = ConditionTimer("0111110", "07:30")
    assert (
        condition_text(timer, BOOK, "Asia/Shanghai", NOW)
        == "it is 07:30 (China time, UTC+8) · Mon–Fri"
    )
    # 07:30 in China is 18:30 the evening before in New York: the days move back one.
    assert condition_text(timer, BOOK, "America/New_York", NOW) == (
        "it is 07:30 (China time, UTC+8) · Mon–Fri (your time: 18:30 · Mon, Tue, Wed, Thu, Sun)"
    )


def test_what_the_book_does_not_know_is_shown_by_its_ids() -> None:
    unknown = ConditionDevice("OTHER", "thing", "level", "eq", 3)
    assert condition_text(unknown, BOOK, "Asia/Shanghai", NOW) == "thing's level is 3"
    assert (
        action_text(ActionDevice("OTHER", "thing", {"mode": "x"}), BOOK) == "set thing's mode to x"
    )
    assert action_text(ActionScene("s9", "Party"), BOOK) == "run the scene “Party”"
    assert action_text(ActionScene("s1"), BOOK) == "run the scene “Good night”"
    assert action_text(ActionOther(7, {}), BOOK) == "do something I can't show (action type 7)"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0 s"), (45, "45 s"), (300, "5 min"), (5400, "1 h 30 min"), (3661, "1 h 1 min 1 s")],
)
def test_durations(seconds: int, text: str) -> None:
    assert duration_text(seconds) == text


def test_effective_days_and_hours() -> None:
    assert effective_text(automation([], [])) == "at any time"
    assert effective_text(automation([], [], days="0111110")) == "on Mon–Fri, all day"
    assert effective_text(automation([], [], days="0111110", hours=("08:00", "22:00"))) == (
        "on Mon–Fri between 08:00 and 22:00 (China time)"
    )


def test_the_whole_sentence() -> None:
    auto = automation(
        [
            ConditionDevice("DEMOSENSR1", "bed", "temperature", "gt", 28),
            ConditionDevice("DEMOSENSR1", "bed", "humidity", "ge", 70),
        ],
        [
            ActionDevice("DEMOLIGHT1", "lamp", {"power_switch": 1}),
            ActionDelay(90),
            ActionNotify("Too <hot>"),
        ],
        match=MATCH_ANY,
        days="0111110",
        hours=("08:00", "22:00"),
    )
    assert describe(auto, BOOK, "Asia/Shanghai", NOW) == (
        "When Bedroom &lt;sensor&gt;'s Temperature is above 28 ℃ or Bedroom &lt;sensor&gt;'s "
        "Humidity is at least 70 % (any of these), on Mon–Fri between 08:00 and 22:00 "
        "(China time): turn Lamp's Power On, then wait 1 min 30 s, then notify “Too &lt;hot&gt;”."
    )
