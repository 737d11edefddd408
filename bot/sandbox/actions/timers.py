"""Sandbox actions: device timers, and the clock that fires them."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import secrets
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bot.iot.models.timers import NO_DAYS, TIMER_TIMEZONE, WORKDAYS
from bot.sandbox.actions.control import BAD_VALUE, check_values
from bot.sandbox.registry import Call, CloudError, action
from bot.sandbox.state import Device, SandboxState, Timer

if TYPE_CHECKING:
    from bot.sandbox.demo import DemoHome
    from bot.sandbox.server import Sandbox

log = logging.getLogger(__name__)

TIMER_POLL_SECONDS = 5.0  # how often the background loop looks for due timers
TIMER_NAME_MAX = 64
TIMER_NOT_FOUND = "ResourceNotFound.TimerNotExist"  # not in the reference, which lists no code
_DAYS = re.compile(r"[01]{7}")
_TIME_POINT = re.compile(r"(\d{1,2}):(\d{2})")


def _days(call: Call, repeat: int) -> str:
    days = call.get("Days")
    if not _DAYS.fullmatch(days):
        raise CloudError(BAD_VALUE, "Days must be seven 0/1 characters, Sunday first")
    if repeat and days == NO_DAYS:
        raise CloudError(BAD_VALUE, "a repeating timer needs at least one day")
    return str(days)


def _time_point(call: Call) -> str:
    raw = call.get("TimePoint")
    match = _TIME_POINT.fullmatch(raw.strip())
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise CloudError(BAD_VALUE, "TimePoint must be HH:MM")
    # Stored zero-padded: the reference's own examples send "9:30" and list "09:30".
    return f"{int(match[1]):02d}:{match[2]}"


def _repeat(call: Call) -> int:
    repeat = call.get("Repeat", int)
    if repeat not in (0, 1):
        raise CloudError(BAD_VALUE, "Repeat must be 0 or 1")
    return int(repeat)


def _name(call: Call) -> str:
    name = call.get("TimerName").strip()
    if not 1 <= len(name) <= TIMER_NAME_MAX:
        raise CloudError(BAD_VALUE, f"TimerName must be 1 to {TIMER_NAME_MAX} characters")
    return str(name)


def _settings(call: Call, device: Device) -> dict[str, Any]:
    """Every setting of a timer from the request, checked; Data against the device's template."""
    repeat = _repeat(call)
    return {
        "name": _name(call),
        "days": _days(call, repeat),
        "time_point": _time_point(call),
        "repeat": repeat,
        "data": check_values(call.state, device, call.get_json("Data")),
    }


def _timers_of(state: SandboxState, device: Device) -> list[Timer]:
    """The device's timers in its current family, oldest first."""
    found = [
        t
        for t in state.timers.values()
        if t.device_id == device.device_id and t.family_id == device.family_id
    ]
    return sorted(found, key=lambda t: (t.created, t.timer_id))


def _timer(call: Call, device: Device) -> Timer:
    timer = call.state.timers.get(call.get("TimerId"))
    if timer is None or (timer.device_id, timer.family_id) != (device.device_id, device.family_id):
        raise CloudError(TIMER_NOT_FOUND, "timer does not exist")
    return timer


def _device(call: Call) -> Device:
    # Timers belong to the device's family: a user the device was only shared with has none.
    return call.device(shared_ok=False)


@action("AppCreateTimer")
async def create_timer(call: Call) -> dict[str, Any]:
    """A new timer, switched on."""
    device = _device(call)
    settings = _settings(call, device)
    now = call.state.now()
    timer = Timer(
        timer_id=secrets.token_hex(16),
        device_id=device.device_id,
        user_id=call.me.user_id,
        family_id=device.family_id,
        created=now,
        updated=now,
        **settings,
    )
    call.state.timers[timer.timer_id] = timer
    # The parameter table answers flat (its example wraps the same fields in Data).
    return {"TimerId": timer.timer_id, "TimerName": timer.name}


@action("AppModifyTimer")
async def modify_timer(call: Call) -> dict[str, Any]:
    """Replace a timer's settings; whether it is on stays as it was."""
    device = _device(call)
    timer = _timer(call, device)
    for key, value in _settings(call, device).items():
        setattr(timer, key, value)
    timer.updated = call.state.now()
    return {}


@action("AppDeleteTimer")
async def delete_timer(call: Call) -> dict[str, Any]:
    device = _device(call)
    del call.state.timers[_timer(call, device).timer_id]
    return {}


@action("AppModifyTimerStatus")
async def modify_timer_status(call: Call) -> dict[str, Any]:
    """Switch a timer on (1) or off (0)."""
    device = _device(call)
    timer = _timer(call, device)
    # Status is optional in the table; left out, the cloud reads its zero value: off.
    status = call.get("Status", int, 0)
    if status not in (0, 1):
        raise CloudError(BAD_VALUE, "Status must be 0 or 1")
    timer.status = int(status)
    timer.updated = call.state.now()
    return {}


@action("AppGetTimerList")
async def get_timer_list(call: Call) -> dict[str, Any]:
    device = _device(call)
    offset, limit = call.page(default_limit=20, max_limit=50)
    timers = _timers_of(call.state, device)
    return {
        "Total": len(timers),
        "TimerList": [_listed(t) for t in timers[offset : offset + limit]],
    }


def _listed(timer: Timer) -> dict[str, Any]:
    product_id, _, device_name = timer.device_id.partition("/")
    return {
        "TimerId": timer.timer_id,
        "TimerName": timer.name,
        "ProductId": product_id,
        "DeviceName": device_name,
        "Days": timer.days,
        "TimePoint": timer.time_point,
        "Repeat": timer.repeat,
        "Data": json.dumps(timer.data, ensure_ascii=False),
        "Status": str(timer.status),  # a String in the TimerList table
        "CreateTime": timer.created,
        "UpdateTime": timer.updated,
    }


# -- the clock -----------------------------------------------------------------------------------


def _due(timer: Timer, weekday: int, time_point: str) -> bool:
    if timer.status != 1 or timer.time_point != time_point:
        return False
    # A one-off without days runs the next time its TimePoint comes round, whatever the day.
    return timer.days[weekday] == "1" or (not timer.repeat and timer.days == NO_DAYS)


def fire_due_timers(state: SandboxState, now: datetime) -> list[Timer]:
    """Apply every enabled timer due at ``now`` (naive: TIMER_TIMEZONE), each once a minute."""
    # An offline device misses the control, as a real one would; a one-off switches itself off.
    local = now.replace(tzinfo=TIMER_TIMEZONE) if now.tzinfo is None else now
    local = local.astimezone(TIMER_TIMEZONE)
    minute = local.strftime("%Y-%m-%d %H:%M")
    weekday = (local.weekday() + 1) % 7  # Days starts on Sunday; Python's week on Monday
    fired: list[Timer] = []
    for timer in sorted(state.timers.values(), key=lambda t: (t.created, t.timer_id)):
        device = state.devices.get(timer.device_id)
        if device is None or device.family_id != timer.family_id:
            continue
        if timer.last_fired == minute or not _due(timer, weekday, local.strftime("%H:%M")):
            continue
        timer.last_fired = minute
        if not timer.repeat:
            timer.status = 0
            timer.updated = state.now()
        if device.online:
            state.control_device(device.device_id, dict(timer.data))
        fired.append(timer)
    return fired


async def background(sandbox: Sandbox) -> None:
    """Fire due timers every few seconds on the sandbox's clock."""
    state = sandbox.state
    while True:
        try:
            fire_due_timers(state, datetime.fromtimestamp(state.clock(), UTC))
        except Exception:  # a bad timer must not stop the clock
            log.exception("firing timers failed")
        await asyncio.sleep(TIMER_POLL_SECONDS)


def seed_demo(state: SandboxState, home: DemoHome) -> None:
    """A wake-up timer: the living-room light on at 07:00 on weekdays."""
    device = state.devices[home.devices["light"]]
    now = state.now()
    timer = Timer(
        timer_id=secrets.token_hex(16),
        device_id=device.device_id,
        user_id=home.owner.user_id,
        family_id=device.family_id,
        name="Wake-up light",
        days=WORKDAYS,
        time_point="07:00",
        repeat=1,
        data={"power_switch": 1},
        created=now,
        updated=now,
    )
    state.timers[timer.timer_id] = timer
    home.extra["timer"] = timer.timer_id
