"""A believable past for the demo home: a week of climate readings, battery and door events."""

from __future__ import annotations

import math
import random
from typing import TYPE_CHECKING, Any

from bot.sandbox.state import EventRecord, HistoryPoint, SandboxState

if TYPE_CHECKING:
    from bot.sandbox.demo import DemoHome

DAYS = 7
STEP_MS = 10 * 60 * 1000  # climate readings every 10 minutes
HOUR_MS = 3600 * 1000
DAY_MS = 24 * HOUR_MS
BATTERY_SWAP_DAYS_AGO = 3  # the sensor got a new battery then; before it ran low


def seed_history(state: SandboxState, home: DemoHome) -> None:
    """Fill the demo sensor's and door's past; the newest point equals the current value."""
    rng = random.Random(20240607)
    now_ms = state.now_ms()
    sensor_id = home.devices.get("sensor", "")
    if sensor_id in state.devices:
        _climate(state, sensor_id, now_ms, rng)
        _battery(state, sensor_id, now_ms)
    door_id = home.devices.get("door", "")
    if door_id in state.devices:
        _door(state, door_id, now_ms, rng)
    home.extra["history_days"] = DAYS


def _current(state: SandboxState, device_id: str, prop: str, default: float) -> float:
    reading = state.devices[device_id].properties.get(prop)
    try:
        return float(reading.value) if reading is not None else default
    except (TypeError, ValueError):
        return default


def _prepend(state: SandboxState, device_id: str, prop: str, points: list[HistoryPoint]) -> None:
    """Put seeded points before anything already recorded, keeping the list in time order."""
    key = (device_id, prop)
    state.history[key] = points + state.history.get(key, [])


def _daily(t_ms: int) -> float:
    """-1..1 over a day, warmest (and driest) in the afternoon."""
    hour = (t_ms / HOUR_MS) % 24
    return math.sin(2 * math.pi * (hour - 9) / 24)


def _climate(state: SandboxState, device_id: str, now_ms: int, rng: random.Random) -> None:
    temperature = _current(state, device_id, "temperature", 21.5)
    humidity = _current(state, device_id, "humidity", 45)
    # Chosen so that the curve passes through the current values now.
    t_base = temperature - 1.8 * _daily(now_ms)
    h_base = humidity + 6 * _daily(now_ms)
    temps: list[HistoryPoint] = []
    hums: list[HistoryPoint] = []
    count = DAYS * DAY_MS // STEP_MS
    for k in range(count, -1, -1):
        t_ms = now_ms - k * STEP_MS
        noise = 0.0 if k == 0 else rng.uniform(-0.2, 0.2)
        temps.append(HistoryPoint(t_ms, round(t_base + 1.8 * _daily(t_ms) + noise, 1)))
        wet = 0 if k == 0 else rng.choice((-1, 0, 0, 1))
        hums.append(HistoryPoint(t_ms, round(h_base - 6 * _daily(t_ms) + wet)))
    _prepend(state, device_id, "temperature", temps)
    _prepend(state, device_id, "humidity", hums)


def _battery(state: SandboxState, device_id: str, now_ms: int) -> None:
    """Hourly voltage: an old battery running low, low-voltage alerts, then a fresh one."""
    current = _current(state, device_id, "battery_voltage", 3.1)
    start_ms = now_ms - DAYS * DAY_MS
    swap_ms = now_ms - BATTERY_SWAP_DAYS_AGO * DAY_MS
    points: list[HistoryPoint] = []
    events: list[EventRecord] = []
    alerted_day = -1
    for k in range(DAYS * 24, -1, -1):
        t_ms = now_ms - k * HOUR_MS
        if t_ms < swap_ms:
            # The old battery sags from 2.95 V towards 2.75 V.
            volts = 2.95 - 0.2 * (t_ms - start_ms) / (swap_ms - start_ms)
            day = int((now_ms - t_ms) // DAY_MS)
            if volts < 2.85 and day != alerted_day:
                alerted_day = day
                events.append(
                    _event(state, device_id, t_ms, "low_voltage", {"voltage": round(volts, 2)})
                )
        else:
            # The new one starts at 3.2 V and has reached today's value now.
            volts = 3.2 - (3.2 - current) * (t_ms - swap_ms) / (now_ms - swap_ms)
        points.append(HistoryPoint(t_ms, round(volts, 2)))
    events.append(_event(state, device_id, swap_ms + 5 * 60 * 1000, "calibrated", {}))
    fault_ms = now_ms - 6 * DAY_MS + 2 * HOUR_MS
    fault = {"code": 17, "message": "humidity probe timeout"}
    events.append(_event(state, device_id, fault_ms, "sensor_fault", fault))
    _prepend(state, device_id, "battery_voltage", points)
    _add_events(state, device_id, events)


def _door(state: SandboxState, device_id: str, now_ms: int, rng: random.Random) -> None:
    """The front door opened a few times a day: morning, evening, sometimes at noon."""
    events: list[EventRecord] = []
    day_start = now_ms - now_ms % DAY_MS
    for day in range(DAYS, -1, -1):
        for hour in (8, 13, 19):
            t_ms = day_start - day * DAY_MS + hour * HOUR_MS + rng.randrange(0, HOUR_MS)
            if t_ms < now_ms and (hour != 13 or rng.random() < 0.5):
                events.append(_event(state, device_id, t_ms, "door_opened", {}))
    _add_events(state, device_id, events)


def _event(
    state: SandboxState, device_id: str, t_ms: int, event_id: str, params: dict[str, Any]
) -> EventRecord:
    product = state.products[state.devices[device_id].product_id]
    kind = next(
        (
            str(e.get("type", "info"))
            for e in product.data_template.get("events", [])
            if e.get("id") == event_id
        ),
        "info",
    )
    return EventRecord(t_ms, event_id, kind, params)


def _add_events(state: SandboxState, device_id: str, events: list[EventRecord]) -> None:
    merged = events + state.events.get(device_id, [])
    state.events[device_id] = sorted(merged, key=lambda e: e.time_ms)
