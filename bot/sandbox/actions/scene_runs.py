"""Runs of scenes and automations in the sandbox, and the evaluation of automations.

A run applies its actions in order up to the first delay at once; the rest runs in a task
tracked on its record (``run_task``) so a delay never holds up an answer. Like the real cloud,
a run skips a device that is offline or no longer in the family.

Automations are edge-triggered: an enabled one fires when its conditions (all of them for
MatchType 0, any one for MatchType 1) start to hold inside its effective days and hours, and
again only after they stopped holding. Property conditions are checked on every property report
of their device, timer conditions by :func:`tick`. Only a watched state evaluates (the
production sandbox's background loop watches; tests call :func:`install_watch` or the plain
functions), so other areas' tests never see a demo automation react to their reports.
"""

from __future__ import annotations

import asyncio
import json
import logging
import operator
import time
import weakref
from collections.abc import Awaitable, Callable
from typing import Any

from bot.sandbox.actions.messages import CATEGORY_NOTICE, post_message
from bot.sandbox.state import Automation, PushEvent, SandboxState, Scene

log = logging.getLogger(__name__)

DEVICE, DELAY, SCENE, NOTIFY = 0, 1, 2, 3  # the Action structure's ActionType
PROPERTY, TIMER = 0, 1  # the Condition structure's CondType
MATCH_ALL, MATCH_ANY = 0, 1
NOTIFY_MSG_TYPE = 400  # the reference lists no MsgType for an automation's notification
TICK_SECONDS = 20.0  # under a minute, so every timer minute is seen
OPS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "lt": operator.lt,
    "ge": operator.ge,
    "le": operator.le,
}
_watched: set[int] = set()  # id() of the states whose reports are evaluated

# Tests swap this for one that does not wait, to run a delayed tail at once.
sleep: Callable[[float], Awaitable[None]] = asyncio.sleep


# -- runs ----------------------------------------------------------------------------------------


def running(record: Scene | Automation) -> bool:
    """Whether a scene or automation has a run with delays still going."""
    task = record.run_task
    return task is not None and not task.done()


def apply_action(state: SandboxState, family_id: str, item: dict[str, Any], title: str) -> None:
    """Carry out one non-delay action now."""
    kind = item["ActionType"]
    if kind == DEVICE:
        device = state.devices.get(f"{item['ProductId']}/{item['DeviceName']}")
        if device is None or device.family_id != family_id or not device.online:
            return  # skipped, as the real cloud skips what it cannot reach
        state.control_device(device.device_id, json.loads(item["Data"]))
    elif kind == SCENE:
        scene = state.scenes.get(item["Data"])
        if scene is not None and scene.family_id == family_id and not running(scene):
            start_scene(state, scene)
    elif kind == NOTIFY:
        notify_family(state, family_id, title, item["Data"])


def start_steps(
    state: SandboxState, family_id: str, steps: list[dict[str, Any]], title: str
) -> asyncio.Task[None] | None:
    """Apply ``steps`` up to the first delay now; return the task running the rest, if any."""
    for index, item in enumerate(steps):
        if item["ActionType"] == DELAY:
            rest = _run_rest(state, family_id, list(steps[index:]), title)
            try:
                return asyncio.get_running_loop().create_task(rest)
            except RuntimeError:  # no event loop to wait in: finish at once, delays left out
                rest.close()
                run_steps_now(state, family_id, steps[index:], title)
                return None
        apply_action(state, family_id, item, title)
    return None


async def _run_rest(
    state: SandboxState, family_id: str, steps: list[dict[str, Any]], title: str
) -> None:
    try:
        for item in steps:
            if item["ActionType"] == DELAY:
                await sleep(int(item["Data"]))
            else:
                apply_action(state, family_id, item, title)
    except Exception:  # a broken run must not take the sandbox down with it
        log.exception("run of %r failed", title)


def start_scene(state: SandboxState, scene: Scene) -> None:
    """Start a run of ``scene`` (the caller checked that none is in progress)."""
    delays = sum(int(a["Data"]) for a in scene.actions if a["ActionType"] == DELAY)
    scene.running_until = time.monotonic() + delays
    scene.run_task = start_steps(state, scene.family_id, scene.actions, scene.name)


def run_steps_now(
    state: SandboxState, family_id: str, steps: list[dict[str, Any]], title: str
) -> None:
    """Apply every step at once, delays left out."""
    for item in steps:
        if item["ActionType"] != DELAY:
            apply_action(state, family_id, item, title)


def run_scene_now(state: SandboxState, scene: Scene) -> None:
    """Apply every action of ``scene`` at once, delays left out (for tests and demos)."""
    run_steps_now(state, scene.family_id, scene.actions, scene.name)


def cancel_runs(state: SandboxState) -> None:
    """Stop every run in progress (the sandbox is shutting down)."""
    records: list[Scene | Automation] = [*state.scenes.values(), *state.automations.values()]
    for record in records:
        if running(record):
            record.run_task.cancel()


def notify_family(state: SandboxState, family_id: str, title: str, content: str) -> None:
    """A notification in the message center of every member of the family."""
    family = state.families.get(family_id)
    if family is None:
        return
    for user_id in family.members:
        post_message(
            state, user_id, CATEGORY_NOTICE, NOTIFY_MSG_TYPE, title, content, family_id=family_id
        )


# -- evaluation ----------------------------------------------------------------------------------


def _condition_holds(
    state: SandboxState, family_id: str, item: dict[str, Any], hhmm: str, day: int
) -> bool:
    if item["CondType"] == TIMER:
        timer = item["Timer"]
        return timer["Days"][day] == "1" and timer["TimePoint"] == hhmm
    prop = item["Property"]
    device = state.devices.get(f"{prop['ProductId']}/{prop['DeviceName']}")
    if device is None or device.family_id != family_id:
        return False
    current = device.properties.get(prop["PropertyId"])
    if current is None:
        return False
    return _compare(prop["Op"], current.value, prop["Value"])


def _compare(op: str, current: Any, wanted: Any) -> bool:
    """Numbers compare as numbers even when one side is text (enum keys are sent both ways)."""
    try:
        return bool(OPS[op](float(current), float(wanted)))
    except (TypeError, ValueError):
        pass
    if op in ("eq", "ne"):
        return bool(OPS[op](str(current), str(wanted)))
    return False


def _in_effect(automation: Automation, hhmm: str, day: int) -> bool:
    if automation.status != 1 or automation.effective_days[day] != "1":
        return False
    begin, end = automation.effective_begin, automation.effective_end
    return begin <= hhmm <= end if begin <= end else (hhmm >= begin or hhmm <= end)


def evaluate(state: SandboxState, automation: Automation) -> bool:
    """Check one automation now; run its actions if its conditions just began to hold."""
    now = time.localtime(state.now())
    hhmm, day = f"{now.tm_hour:02d}:{now.tm_min:02d}", (now.tm_wday + 1) % 7  # Sunday first
    holds = [
        _condition_holds(state, automation.family_id, c, hhmm, day) for c in automation.conditions
    ]
    matched = _in_effect(automation, hhmm, day) and (
        all(holds) if automation.match_type == MATCH_ALL else any(holds)
    )
    fire = matched and not automation.matched
    automation.matched = matched  # before the actions, whose own reports evaluate again
    if fire and not running(automation):
        automation.run_task = start_steps(
            state, automation.family_id, automation.actions, automation.name
        )
    return fire


def on_report(state: SandboxState, device_id: str) -> list[str]:
    """Evaluate the automations with a condition on ``device_id``; the ids of those that fired."""
    fired = []
    for automation in list(state.automations.values()):
        watches = any(
            c["CondType"] == PROPERTY
            and f"{c['Property']['ProductId']}/{c['Property']['DeviceName']}" == device_id
            for c in automation.conditions
        )
        if watches and evaluate(state, automation):
            fired.append(automation.automation_id)
    return fired


def tick(state: SandboxState) -> list[str]:
    """Evaluate the automations with a timer condition; the ids of those that fired."""
    fired = []
    for automation in list(state.automations.values()):
        timed = any(c["CondType"] == TIMER for c in automation.conditions)
        if timed and evaluate(state, automation):
            fired.append(automation.automation_id)
    return fired


def install_watch(state: SandboxState) -> Callable[[], None]:
    """Evaluate automations on every property report of ``state``; returns how to stop.

    Watching twice is harmless: the second call changes nothing and returns a no-op.
    """
    key = id(state)
    if key in _watched:
        return lambda: None

    def listener(event: PushEvent) -> None:
        if event.type != "Property" or event.sub_type != "Report":
            return
        try:
            on_report(state, event.device_id)
        except Exception:  # a broken automation must not break the device's report
            log.exception("automation evaluation failed")

    _watched.add(key)
    unsubscribe = state.subscribe(listener)
    weakref.finalize(state, _watched.discard, key)

    def stop() -> None:
        unsubscribe()
        _watched.discard(key)

    return stop


async def watch(state: SandboxState, period: float = TICK_SECONDS) -> None:
    """Watch reports and check timer conditions every ``period`` seconds, until cancelled."""
    stop = install_watch(state)
    try:
        while True:
            await asyncio.sleep(period)
            try:
                tick(state)
            except Exception:  # one bad automation must not end the loop
                log.exception("automation timer check failed")
    finally:
        stop()
