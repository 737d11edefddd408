"""DataTemplate: parsing (forgiving), checking user input, -/+ steps, formatting and wire values."""

from __future__ import annotations

import json
import logging
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.iot.template import (
    NO_VALUE,
    REASONS,
    DataTemplate,
    InvalidValue,
    ValueSpec,
    numeric_properties,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _prop(pid: str, name: str, define: dict[str, Any], mode: str = "rw", **extra: Any) -> dict:
    return {"id": pid, "name": name, "desc": "", "mode": mode, "define": define, **extra}


def _param(pid: str, name: str, define: dict[str, Any]) -> dict:
    return {"id": pid, "name": name, "desc": "", "define": define}


# The light of the reference's AppGetProducts example (line ~1060), with the extraction's
# broken brackets repaired, plus an action (the example has none) in the same shape.
REFERENCE_LIGHT: dict[str, Any] = {
    "version": "1.0",
    "profile": {"ProductId": "QDA1PZLBNB", "CategoryId": "141"},
    "properties": [
        _prop(
            "power_switch",
            "电灯开关",
            {"type": "bool", "mapping": {"0": "关", "1": "开"}},
            required=True,
        ),
        _prop(
            "color", "颜色", {"type": "enum", "mapping": {"0": "Red", "1": "Green", "2": "Blue"}}
        ),
        _prop(
            "brightness",
            "亮度",
            {"type": "int", "unit": "%", "step": "1", "min": "0", "max": "100", "start": "1"},
        ),
        _prop("name", "灯位置名称", {"type": "string", "min": "0", "max": "64"}, required=False),
        _prop(
            "Temperature",
            "温度",
            {"type": "float", "min": "0", "max": "100", "start": "0", "step": "1", "unit": ""},
        ),
        _prop("mac", "mac地址", {"type": "string", "min": "0", "max": "30"}, mode="r"),
    ],
    "events": [
        {
            "id": "status_report",
            "name": "DeviceStatus",
            "desc": "Report the device status",
            "type": "info",
            "required": False,
            "params": [
                _param(
                    "status",
                    "running_state",
                    {"type": "bool", "mapping": {"0": "normal", "1": "fault"}},
                ),
                _param("message", "Message", {"type": "string", "min": "0", "max": "64"}),
            ],
        },
        {
            "id": "low_voltage",
            "name": "LowVoltage",
            "desc": "Alert for device voltage is low",
            "type": "alert",
            "required": False,
            "params": [
                _param(
                    "voltage",
                    "Voltage",
                    {
                        "type": "float",
                        "unit": "V",
                        "step": "1",
                        "min": "0.0",
                        "max": "24.0",
                        "start": "1",
                    },
                )
            ],
        },
        {
            "id": "hardware_fault",
            "name": "Hardware_fault",
            "desc": "Report hardware fault",
            "type": "fault",
            "required": False,
            "params": [
                _param("name", "Name", {"type": "string", "min": "0", "max": "64"}),
                _param(
                    "error_code",
                    "Error_Code",
                    {
                        "type": "int",
                        "unit": "",
                        "step": "1",
                        "min": "0",
                        "max": "2000",
                        "start": "1",
                    },
                ),
            ],
        },
    ],
    "actions": [
        {
            "id": "blink",
            "name": "Blink",
            "desc": "Blink a few times",
            "required": False,
            "input": [
                _param(
                    "times",
                    "Times",
                    {"type": "int", "min": "1", "max": "10", "step": "1", "unit": ""},
                ),
                _param("fast", "Fast", {"type": "bool", "mapping": {"0": "no", "1": "yes"}}),
            ],
            "output": [
                _param("result", "Result", {"type": "enum", "mapping": {"0": "OK", "1": "Jammed"}}),
            ],
        }
    ],
}

LIGHT = DataTemplate.parse(REFERENCE_LIGHT)


def spec(define: dict[str, Any]) -> ValueSpec:
    return ValueSpec.from_define(define)


INT_0_100 = spec({"type": "int", "min": "0", "max": "100", "step": "5", "unit": "%", "start": "1"})
FLOAT_TEMP = spec(
    {"type": "float", "min": "16", "max": "30", "step": "0.5", "unit": "℃", "start": "24"}
)
ENUM = spec({"type": "enum", "mapping": {"0": "Red", "1": "Green", "2": "Blue"}})
STRING_ENUM = spec({"type": "stringenum", "mapping": {"auto": "Auto", "eco": "Eco mode"}})
BOOL = spec({"type": "bool", "mapping": {"0": "关", "1": "开"}})
STRING = spec({"type": "string", "min": "2", "max": "4"})
TIMESTAMP = spec({"type": "timestamp"})
RGB_DEFINE = {
    "type": "struct",
    "specs": [
        {
            "id": "r",
            "name": "Red",
            "dataType": {"type": "int", "min": "0", "max": "255", "step": "1"},
        },
        {"id": "on", "name": "Lit", "dataType": {"type": "bool"}},
    ],
}
RGB = spec(RGB_DEFINE)


def test_parses_the_reference_light() -> None:
    assert LIGHT.product_id == "QDA1PZLBNB"
    assert [p.id for p in LIGHT.properties] == [
        "power_switch",
        "color",
        "brightness",
        "name",
        "Temperature",
        "mac",
    ]
    brightness = LIGHT.property("brightness")
    assert brightness is not None
    assert (brightness.spec.type, brightness.spec.unit) == ("int", "%")
    assert (
        brightness.spec.min,
        brightness.spec.max,
        brightness.spec.step,
        brightness.spec.start,
    ) == (0, 100, 1, 1)
    name = LIGHT.property("name")
    assert name is not None and name.spec.max_length == 64
    power = LIGHT.property("power_switch")
    assert power is not None and power.required and power.spec.mapping["1"] == "开"
    assert [p.id for p in LIGHT.writable_properties] == [
        "power_switch",
        "color",
        "brightness",
        "name",
        "Temperature",
    ]
    assert [e.severity for e in LIGHT.events] == ["info", "alert", "fault"]
    fault = LIGHT.event("hardware_fault")
    assert fault is not None and [p.name for p in fault.params] == ["Name", "Error_Code"]
    blink = LIGHT.action("blink")
    assert blink is not None
    assert [p.id for p in blink.inputs] == ["times", "fast"]
    assert [p.id for p in blink.outputs] == ["result"]
    assert (
        LIGHT.property("nope") is None
        and LIGHT.event("nope") is None
        and LIGHT.action("nope") is None
    )


def test_a_json_string_template_reads_like_the_object() -> None:
    assert DataTemplate.parse(json.dumps(REFERENCE_LIGHT, ensure_ascii=False)) == LIGHT


def test_lists_nested_in_profile_are_found() -> None:
    # the reference's first AppGetProducts example puts the properties inside "profile"
    raw = {
        "version": "1.0",
        "profile": {
            "ProductId": "FVYYYEL4ON",
            "CategoryId": "1",
            "properties": [
                _prop(
                    "signal",
                    "wifi强度",
                    {"type": "int", "unit": "dbm", "step": "1", "min": "-180", "max": "180"},
                    mode="r",
                )
            ],
            "events": [],
            "actions": [],
        },
    }
    template = DataTemplate.parse(raw)
    signal = template.property("signal")
    assert signal is not None and signal.spec.min == -180 and not signal.writable
    assert signal.format(-60) == "-60 dbm"


@pytest.mark.parametrize(
    "raw", [None, "", "not json {", "[1, 2]", "42", {"properties": "many"}, {"profile": 3}]
)
def test_unreadable_templates_are_empty(raw: Any) -> None:
    template = DataTemplate.parse(raw)
    assert (template.properties, template.events, template.actions) == ((), (), ())


def test_bad_pieces_are_skipped_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    raw = {
        "properties": [
            1,
            {"name": "no id"},
            _prop("ok", "OK", {"type": "int", "min": "abc", "max": "5", "step": "-1"}),
            _prop("ok", "second ok", {"type": "bool"}),
            _prop("junk", "Junk", "not a define"),  # type: ignore[arg-type]
            _prop("flipped", "Flipped", {"type": "int", "min": "10", "max": "0"}),
            _prop("enum", "Enum", {"type": "enum", "mapping": {"a": "A", "1": "One"}}),
        ],
        "events": [
            {"id": "e", "type": "catastrophe", "params": [None, _param("p", "P", {"type": "int"})]}
        ],
        "actions": [{"id": "a", "input": "nope"}],
    }
    with caplog.at_level(logging.WARNING):
        template = DataTemplate.parse(raw)
    assert [p.id for p in template.properties] == ["ok", "junk", "flipped", "enum"]
    ok = template.property("ok")
    assert ok is not None and ok.spec.type == "int" and ok.name == "OK"
    assert (ok.spec.min, ok.spec.max, ok.spec.step) == (None, 5, None)
    flipped = template.property("flipped")
    assert flipped is not None and (flipped.spec.min, flipped.spec.max) == (0, 10)
    enum = template.property("enum")
    assert enum is not None and dict(enum.spec.mapping) == {"1": "One"}
    event = template.event("e")
    assert event is not None and event.severity == "info" and [p.id for p in event.params] == ["p"]
    action = template.action("a")
    assert action is not None and action.inputs == ()
    assert caplog.records


def test_deeply_nested_arrays_do_not_crash() -> None:
    define: dict[str, Any] = {"type": "int"}
    for _ in range(200):
        define = {"type": "array", "arrayInfo": define}
    assert not spec(define).supported


def test_unknown_types_are_shown_raw_and_never_writable() -> None:
    template = DataTemplate.parse({"properties": [_prop("geo", "Where", {"type": "geopoint"})]})
    geo = template.property("geo")
    assert geo is not None and geo.spec.type == "unknown" and not geo.writable
    assert template.writable_properties == ()
    assert geo.format({"lat": 1.5}) == '{"lat": 1.5}'
    with pytest.raises(InvalidValue) as err:
        geo.coerce("1,2")
    assert err.value.reason == "unsupported_type" and err.value.details["type"] == "geopoint"
    assert err.value.details["field"] == "geo"


@pytest.mark.parametrize(
    ("value_spec", "typed", "expected"),
    [
        (INT_0_100, "45", 45),
        (INT_0_100, " 45 % ", 45),
        (INT_0_100, "４５", 45),
        (INT_0_100, 45.0, 45),
        (FLOAT_TEMP, "21.5", 21.5),
        (FLOAT_TEMP, "21,5 ℃", 21.5),
        (FLOAT_TEMP, 0.1 + 21.4, 21.5),
        (FLOAT_TEMP, 22, 22.0),
        (BOOL, "开", True),
        (BOOL, "OFF", False),
        (BOOL, "true", True),
        (BOOL, 0, False),
        (ENUM, "blue", 2),
        (ENUM, "1", 1),
        (ENUM, 0, 0),
        (STRING_ENUM, "ECO MODE", "eco"),
        (STRING_ENUM, "auto", "auto"),
        (STRING, "ab", "ab"),
        (STRING, "四个汉字", "四个汉字"),
        (TIMESTAMP, "1714521600", 1714521600),
        (TIMESTAMP, 1714521600000, 1714521600),
        (TIMESTAMP, "2024-05-01 00:00", 1714521600),
        (RGB, {"r": "255", "on": "on"}, {"r": 255, "on": True}),
    ],
)
def test_coerce_accepts_what_a_user_types(value_spec: ValueSpec, typed: Any, expected: Any) -> None:
    coerced = value_spec.coerce(typed)
    assert coerced == expected and type(coerced) is type(expected)


BAD_INPUTS = [
    (INT_0_100, "lots", "not_a_number"),
    (INT_0_100, True, "not_a_number"),
    (INT_0_100, "42.5", "not_an_integer"),
    (INT_0_100, "105", "out_of_range"),
    (FLOAT_TEMP, "15.5", "out_of_range"),
    (INT_0_100, "42", "off_step"),
    (FLOAT_TEMP, "21.3", "off_step"),
    (ENUM, "purple", "not_in_choices"),
    (ENUM, "3", "not_in_choices"),
    (STRING_ENUM, "turbo", "not_in_choices"),
    (BOOL, "maybe", "not_a_bool"),
    (BOOL, 2, "not_a_bool"),
    (STRING, "abcde", "too_long"),
    (STRING, "a", "too_short"),
    (STRING, {"a": 1}, "wrong_type"),
    (RGB, ["r", 1], "wrong_type"),
    (TIMESTAMP, "next tuesday", "bad_time"),
    (TIMESTAMP, -5, "bad_time"),
    (RGB, {"r": 1}, "missing"),
    (INT_0_100, None, "missing"),
    (spec({"type": "vector"}), "1", "unsupported_type"),
]


@pytest.mark.parametrize(("value_spec", "typed", "reason"), BAD_INPUTS)
def test_coerce_refuses_with_a_reason(value_spec: ValueSpec, typed: Any, reason: str) -> None:
    with pytest.raises(InvalidValue) as err:
        value_spec.coerce(typed)
    assert err.value.reason == reason
    assert str(err.value)


def test_every_reason_is_documented_and_reachable() -> None:
    reachable = {reason for _, _, reason in BAD_INPUTS} | {"read_only"}
    assert reachable == set(REASONS)


def test_refusals_carry_what_explains_them() -> None:
    with pytest.raises(InvalidValue) as err:
        INT_0_100.coerce("105")
    assert err.value.details.items() >= {"min": 0, "max": 100, "unit": "%"}.items()
    with pytest.raises(InvalidValue) as err:
        INT_0_100.coerce("42")
    assert (err.value.details["lower"], err.value.details["upper"], err.value.details["step"]) == (
        40,
        45,
        5,
    )
    with pytest.raises(InvalidValue) as err:
        spec({"type": "int", "min": "0", "max": "10", "step": "3"}).coerce("10")
    assert (err.value.details["lower"], err.value.details["upper"]) == (9, None)
    with pytest.raises(InvalidValue) as err:
        ENUM.coerce("purple")
    assert err.value.details["choices"] == {"0": "Red", "1": "Green", "2": "Blue"}
    with pytest.raises(InvalidValue) as err:
        STRING.coerce("abcde")
    assert (err.value.details["length"], err.value.details["max_length"]) == (5, 4)


def test_a_property_names_itself_in_refusals() -> None:
    brightness = LIGHT.property("brightness")
    mac = LIGHT.property("mac")
    assert brightness is not None and mac is not None
    with pytest.raises(InvalidValue) as err:
        brightness.coerce("120")
    assert err.value.details["field"] == "brightness" and err.value.details["name"] == "亮度"
    assert str(err.value).startswith("brightness: ")
    with pytest.raises(InvalidValue) as err:
        mac.coerce("aa:bb")
    assert err.value.reason == "read_only" and err.value.details["field"] == "mac"


def test_struct_input_as_object_json_or_pairs() -> None:
    expected = {"r": 12, "on": False}
    assert RGB.coerce({"r": 12, "on": False}) == expected
    assert RGB.coerce('{"r": 12, "on": 0}') == expected
    assert RGB.coerce("Red = 12; lit: off") == expected
    assert RGB.to_wire("r=12, on=on") == {"r": 12, "on": 1}


def test_struct_refusals_point_at_the_field() -> None:
    with pytest.raises(InvalidValue) as err:
        RGB.coerce("r=300, on=on")
    assert (err.value.reason, err.value.details["field"], err.value.details["name"]) == (
        "out_of_range",
        "r",
        "Red",
    )
    with pytest.raises(InvalidValue) as err:
        RGB.coerce({"r": 1})
    assert (err.value.reason, err.value.details["field"]) == ("missing", "on")
    with pytest.raises(InvalidValue) as err:
        RGB.coerce({"r": 1, "on": 1, "g": 2})
    assert err.value.reason == "not_in_choices" and err.value.details["choices"] == {
        "r": "Red",
        "on": "Lit",
    }
    nested = spec(
        {"type": "struct", "specs": [{"id": "c", "name": "Colour", "dataType": RGB_DEFINE}]}
    )
    with pytest.raises(InvalidValue) as err:
        nested.coerce({"c": {"r": -1, "on": 1}})
    assert err.value.details["field"] == "c.r"


def test_arrays_are_checked_item_by_item() -> None:
    levels = spec(
        {"type": "array", "arrayInfo": {"type": "int", "min": "0", "max": "10", "step": "1"}}
    )
    assert levels.coerce("1, 2, 3") == [1, 2, 3]
    assert levels.coerce([4]) == [4]
    assert levels.format([1, 2]) == "1, 2"
    with pytest.raises(InvalidValue) as err:
        levels.coerce("[1, 20]")
    assert (err.value.reason, err.value.details["field"]) == ("out_of_range", "1")


def test_step_value_moves_one_step_and_stops_at_the_ends() -> None:
    assert INT_0_100.step_value(50, +1) == 55
    assert INT_0_100.step_value(50, -1) == 45
    assert INT_0_100.step_value(100, +1) == 100
    assert INT_0_100.step_value(0, -1) == 0
    assert INT_0_100.step_value(42, +1) == 45  # off the grid: the next grid value, not 47
    assert INT_0_100.step_value(42, -1) == 40
    assert INT_0_100.step_value(500, -1) == 100  # a reading past max: back in range first
    assert INT_0_100.step_value(None, +1) == 0  # start "1" is off the step-5 grid from 0
    assert FLOAT_TEMP.step_value(None, -1) == 24.0
    assert FLOAT_TEMP.step_value(29.5, +1) == 30.0
    assert FLOAT_TEMP.step_value(30.0, +1) == 30.0


def test_float_steps_do_not_drift() -> None:
    tenths = spec({"type": "float", "min": "0", "max": "1", "step": "0.1"})
    value = 0.0
    for _ in range(3):
        value = tenths.step_value(value, +1)
    assert value == 0.3


def test_clamp_brings_numbers_into_range_and_onto_the_grid() -> None:
    assert INT_0_100.clamp(150) == 100
    assert INT_0_100.clamp(-3) == 0
    assert INT_0_100.clamp(43) == 45
    assert FLOAT_TEMP.clamp(21.3) == 21.5
    uneven = spec({"type": "int", "min": "0", "max": "10", "step": "3"})
    assert uneven.clamp(10) == 9
    assert uneven.step_value(9, +1) == 9
    assert ENUM.clamp(7) == 7  # only numbers are clamped


def test_choices_and_bools_step_too() -> None:
    assert ENUM.step_value(0, +1) == 1
    assert ENUM.step_value(2, +1) == 2
    assert ENUM.step_value(None, +1) == 0
    assert STRING_ENUM.step_value("auto", +1) == "eco"
    assert BOOL.step_value(False, +1) is True
    assert BOOL.step_value(True, -1) is False
    with pytest.raises(InvalidValue) as err:
        STRING.step_value("ab", +1)
    assert err.value.reason == "unsupported_type"


@pytest.mark.parametrize(
    ("value_spec", "value", "shown"),
    [
        (INT_0_100, 42, "42 %"),
        (FLOAT_TEMP, 21.5, "21.5 ℃"),
        (FLOAT_TEMP, 21, "21.0 ℃"),
        (FLOAT_TEMP, 21.25, "21.25 ℃"),  # finer than the step: shown as reported, not rounded away
        (spec({"type": "float", "step": "0.01", "unit": "V"}), 3.3, "3.30 V"),
        (spec({"type": "float"}), 0.1 + 0.2, "0.3"),
        (spec({"type": "float", "step": "1", "min": "0.0"}), 12.0, "12"),
        (BOOL, 1, "开"),
        (BOOL, False, "关"),
        (ENUM, 2, "Blue"),
        (ENUM, "1", "Green"),
        (STRING_ENUM, "eco", "Eco mode"),
        (STRING, "书房", "书房"),
        (RGB, {"r": 7, "on": 1, "extra": [1]}, "Red: 7, Lit: 1, extra: [1]"),
        (TIMESTAMP, 1714521600, "2024-05-01 00:00"),
        (TIMESTAMP, 1714521600000, "2024-05-01 00:00"),
        (INT_0_100, None, NO_VALUE),
    ],
)
def test_format_for_people(value_spec: ValueSpec, value: Any, shown: str) -> None:
    assert value_spec.format(value) == shown


def test_timestamps_are_shown_in_the_users_zone() -> None:
    assert TIMESTAMP.format(1714521600, tz=SHANGHAI) == "2024-05-01 08:00"
    assert TIMESTAMP.coerce("2024-05-01 08:00", tz=SHANGHAI) == 1714521600


@pytest.mark.parametrize(
    ("value_spec", "value", "shown"),
    [
        (ENUM, 7, "7"),
        (BOOL, "maybe", "maybe"),
        (INT_0_100, "lots", "lots"),
        (TIMESTAMP, 10**40, str(10**40)),
        (RGB, "not a struct", "not a struct"),
        (FLOAT_TEMP, float("nan"), "nan"),
    ],
)
def test_values_that_do_not_fit_are_shown_raw(
    value_spec: ValueSpec, value: Any, shown: str
) -> None:
    assert value_spec.format(value) == shown


@pytest.mark.parametrize(
    ("value_spec", "value", "wire"),
    [
        (BOOL, "开", 1),
        (BOOL, False, 0),
        (ENUM, "Blue", 2),
        (STRING_ENUM, "Auto", "auto"),
        (FLOAT_TEMP, "21.5", 21.5),
        (INT_0_100, "45", 45),
        (TIMESTAMP, "2024-05-01", 1714521600),
    ],
)
def test_wire_values(value_spec: ValueSpec, value: Any, wire: Any) -> None:
    sent = value_spec.to_wire(value)
    assert sent == wire and type(sent) is type(wire)


def test_event_params_in_template_order_with_extras_last() -> None:
    status = LIGHT.event("status_report")
    assert status is not None
    shown = status.format_params({"extra": {"x": 1}, "message": "ok", "status": 1})
    assert shown == [("running_state", "fault"), ("Message", "ok"), ("extra", '{"x": 1}')]
    unknown = DataTemplate.parse({"events": [{"id": "x", "type": "boom"}]}).event("x")
    assert unknown is not None and unknown.severity == "info"
    voltage = LIGHT.event("low_voltage")
    assert voltage is not None and voltage.format_params({"voltage": 3}) == [("Voltage", "3 V")]


def test_action_inputs_are_checked_and_sent_as_wire_values() -> None:
    blink = LIGHT.action("blink")
    assert blink is not None
    assert blink.coerce_inputs({"times": "3", "fast": "yes"}) == {"times": 3, "fast": True}
    assert blink.wire_inputs({"times": 3, "fast": True}) == {"times": 3, "fast": 1}
    with pytest.raises(InvalidValue) as err:
        blink.coerce_inputs({"times": 3})
    assert err.value.reason == "missing" and err.value.details == {"field": "fast", "name": "Fast"}
    with pytest.raises(InvalidValue) as err:
        blink.coerce_inputs({"times": 11, "fast": 1})
    assert err.value.reason == "out_of_range" and err.value.details["field"] == "times"
    assert blink.format_outputs({"result": 1}) == [("Result", "Jammed")]


def test_numeric_properties_are_what_a_chart_can_plot() -> None:
    assert [p.id for p in numeric_properties(LIGHT)] == ["brightness", "Temperature"]


@st.composite
def int_specs(draw: st.DrawFn) -> ValueSpec:
    low = draw(st.integers(-1000, 1000))
    high = low + draw(st.integers(0, 2000))
    step = draw(st.integers(1, 50))
    return spec({"type": "int", "min": str(low), "max": str(high), "step": str(step), "unit": "W"})


@given(int_specs(), st.one_of(st.none(), st.integers(-5000, 5000)), st.sampled_from([-1, 1]))
def test_step_value_stays_in_range_and_on_the_grid(
    value_spec: ValueSpec, current: int | None, direction: int
) -> None:
    stepped = value_spec.step_value(current, direction)
    assert value_spec.min is not None and value_spec.max is not None and value_spec.step is not None
    assert value_spec.min <= stepped <= value_spec.max
    assert (stepped - value_spec.min) % value_spec.step == 0
    assert value_spec.coerce(stepped) == stepped


@given(int_specs(), st.integers(0, 100))
def test_a_shown_int_reads_back_as_itself(value_spec: ValueSpec, nth: int) -> None:
    assert value_spec.min is not None and value_spec.max is not None and value_spec.step is not None
    value = min(value_spec.min + nth * value_spec.step, value_spec.clamp(value_spec.max))
    assert value_spec.coerce(value_spec.format(value)) == value


@given(st.integers(0, 280).map(lambda n: Decimal(n) / 20))
def test_a_shown_float_reads_back_as_itself(twentieths: Decimal) -> None:
    fine = spec({"type": "float", "min": "0", "max": "14", "step": "0.05", "unit": "pH"})
    value = float(twentieths)
    assert fine.coerce(fine.format(value)) == value
