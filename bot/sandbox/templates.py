"""DataTemplates of the demo products, written as the cloud serves them (numbers as text)."""

from __future__ import annotations

from typing import Any


def _bool(pid: str, name: str, off: str, on: str, mode: str = "rw") -> dict[str, Any]:
    return {
        "id": pid,
        "name": name,
        "desc": "",
        "mode": mode,
        "required": False,
        "define": {"type": "bool", "mapping": {"0": off, "1": on}},
    }


def _num(
    pid: str,
    name: str,
    kind: str,
    lo: str,
    hi: str,
    step: str,
    unit: str,
    mode: str = "r",
    start: str | None = None,
) -> dict[str, Any]:
    define = {"type": kind, "min": lo, "max": hi, "step": step, "unit": unit, "start": start or lo}
    return {"id": pid, "name": name, "desc": "", "mode": mode, "required": False, "define": define}


def _enum(pid: str, name: str, mapping: dict[str, str], mode: str = "rw") -> dict[str, Any]:
    return {
        "id": pid,
        "name": name,
        "desc": "",
        "mode": mode,
        "required": False,
        "define": {"type": "enum", "mapping": mapping},
    }


def _string(pid: str, name: str, max_len: str, mode: str = "rw") -> dict[str, Any]:
    return {
        "id": pid,
        "name": name,
        "desc": "",
        "mode": mode,
        "required": False,
        "define": {"type": "string", "min": "0", "max": max_len},
    }


def _param(pid: str, name: str, define: dict[str, Any]) -> dict[str, Any]:
    return {"id": pid, "name": name, "desc": "", "define": define}


def _template(
    pid: str,
    props: list[dict[str, Any]],
    events: list[dict[str, Any]] | None = None,
    actions: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "version": "1.0",
        "profile": {"ProductId": pid, "CategoryId": "1"},
        "properties": props,
        "events": events or [],
        "actions": actions or [],
    }


LIGHT = _template(
    "DEMOLIGHT1",
    [
        _bool("power_switch", "Power", "Off", "On"),
        _enum("color", "Color", {"0": "Red", "1": "Green", "2": "Blue"}),
        _num("brightness", "Brightness", "int", "0", "100", "1", "%", mode="rw", start="1"),
        _string("name", "Lamp label", "64"),
    ],
    events=[
        {
            "id": "status_report",
            "name": "Status report",
            "desc": "",
            "type": "info",
            "required": False,
            "params": [
                _param(
                    "status",
                    "Running state",
                    {"type": "bool", "mapping": {"0": "normal", "1": "fault"}},
                ),
                _param("message", "Message", {"type": "string", "min": "0", "max": "64"}),
            ],
        },
    ],
)

PLUG = _template(
    "DEMOPLUG01",
    [
        _bool("power_switch", "Power", "Off", "On"),
        _num("power", "Power draw", "float", "0", "3500", "0.1", "W"),
        _num("energy", "Energy today", "float", "0", "1000", "0.01", "kWh"),
    ],
    events=[
        {
            "id": "overload",
            "name": "Overload",
            "desc": "",
            "type": "alert",
            "required": False,
            "params": [
                _param(
                    "power",
                    "Power draw",
                    {"type": "float", "min": "0", "max": "5000", "step": "0.1", "unit": "W"},
                )
            ],
        },
    ],
)

SENSOR = _template(
    "DEMOSENSR1",
    [
        _num("temperature", "Temperature", "float", "-40", "100", "0.1", "℃"),
        _num("humidity", "Humidity", "int", "0", "100", "1", "%"),
        _num("battery_voltage", "Battery", "float", "0", "5", "0.01", "V"),
        _num("report_interval", "Report interval", "int", "10", "3600", "10", "s", mode="rw"),
    ],
    events=[
        {
            "id": "low_voltage",
            "name": "Low battery",
            "desc": "",
            "type": "alert",
            "required": False,
            "params": [
                _param(
                    "voltage",
                    "Voltage",
                    {"type": "float", "min": "0", "max": "5", "step": "0.01", "unit": "V"},
                )
            ],
        },
        {
            "id": "sensor_fault",
            "name": "Sensor fault",
            "desc": "",
            "type": "fault",
            "required": False,
            "params": [
                _param(
                    "code",
                    "Fault code",
                    {"type": "int", "min": "0", "max": "255", "step": "1", "unit": ""},
                ),
                _param("message", "Message", {"type": "string", "min": "0", "max": "64"}),
            ],
        },
        {
            "id": "calibrated",
            "name": "Calibrated",
            "desc": "",
            "type": "info",
            "required": False,
            "params": [],
        },
    ],
)

GATEWAY = _template(
    "DEMOGATEW1",
    [
        _num("zigbee_channel", "Zigbee channel", "int", "11", "26", "1", ""),
        _bool("permit_join", "Pairing mode", "Closed", "Open"),
    ],
)

DOOR = _template(
    "DEMODOOR01",
    [
        _bool("door_state", "Door", "Closed", "Open", mode="r"),
        _num("battery", "Battery", "int", "0", "100", "1", "%"),
    ],
    events=[
        {
            "id": "door_opened",
            "name": "Door opened",
            "desc": "",
            "type": "info",
            "required": False,
            "params": [],
        },
    ],
)

SPEAKER = _template(
    "DEMOSPEAK1",
    [
        _num("volume", "Volume", "int", "0", "100", "5", "%", mode="rw", start="30"),
        _enum("play_state", "Playback", {"0": "Stopped", "1": "Playing", "2": "Paused"}),
        _string("song", "Now playing", "128", mode="r"),
    ],
)

FEEDER = _template(
    "DEMOFEEDR1",
    [
        _num("food_level", "Food level", "int", "0", "100", "1", "%"),
    ],
    actions=[
        {
            "id": "feed",
            "name": "Feed now",
            "desc": "",
            "required": False,
            "input": [
                _param(
                    "portions",
                    "Portions",
                    {"type": "int", "min": "1", "max": "10", "step": "1", "unit": ""},
                ),
                _param("note", "Note", {"type": "string", "min": "0", "max": "32"}),
            ],
            "output": [
                _param(
                    "dispensed",
                    "Dispensed",
                    {"type": "int", "min": "0", "max": "10", "step": "1", "unit": ""},
                ),
                _param("result", "Result", {"type": "enum", "mapping": {"0": "OK", "1": "Jammed"}}),
            ],
        },
    ],
)
