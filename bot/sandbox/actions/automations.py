"""Sandbox actions: automations, stored and served as the reference describes them.

How they are evaluated and run is in :mod:`bot.sandbox.actions.scene_runs`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from bot.sandbox.actions.scene_runs import (
    DELAY,
    DEVICE,
    MATCH_ALL,
    NOTIFY,
    OPS,
    PROPERTY,
    SCENE,
    TIMER,
    running,
)
from bot.sandbox.actions.scenes import (
    checked_actions,
    checked_name,
    family_device,
    invalid,
    property_define,
    public_action,
    value_fits,
)
from bot.sandbox.registry import Call, CloudError, action
from bot.sandbox.state import Automation, Family, SandboxState, new_id

if TYPE_CHECKING:
    from bot.sandbox.demo import DemoHome

AUTOMATIONS_MAX = 100  # per family
CONDITIONS_MAX = 10
_DAYS = re.compile(r"[01]{7}")
_HH_MM = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


# -- validation ----------------------------------------------------------------------------------


def _binary(call: Call, name: str) -> int:
    value = call.get(name, int)
    if value not in (0, 1):
        raise invalid(f"{name} is 0 or 1")
    return int(value)


def _pattern(call: Call, name: str, pattern: re.Pattern[str]) -> str:
    value = str(call.get(name))
    if not pattern.fullmatch(value):
        raise invalid(f"{name} {value!r} is not valid")
    return value


def _checked_conditions(call: Call, family: Family) -> list[dict[str, Any]]:
    raw = call.get_json("Conditions")
    if not isinstance(raw, list) or not raw:
        raise invalid("Conditions must be a non-empty list")
    if len(raw) > CONDITIONS_MAX:
        raise CloudError("LimitExceeded", f"at most {CONDITIONS_MAX} conditions")
    conditions = [_checked_condition(call.state, family, item) for item in raw]
    ids = [c["CondId"] for c in conditions]
    if len(set(ids)) != len(ids):
        raise invalid("CondId must be unique within an automation")
    return conditions


def _checked_condition(state: SandboxState, family: Family, item: Any) -> dict[str, Any]:
    if not isinstance(item, dict) or not str(item.get("CondId") or "").strip():
        raise invalid("each condition is an object with a CondId")
    cond_id, kind = str(item["CondId"]), item.get("CondType")
    if isinstance(kind, str) and kind.isdigit():
        kind = int(kind)
    if kind == TIMER:
        timer = item.get("Timer")
        if not isinstance(timer, dict):
            raise invalid("a timer condition needs Timer")
        days, point = str(timer.get("Days", "")), str(timer.get("TimePoint", ""))
        if not _DAYS.fullmatch(days) or not _HH_MM.fullmatch(point):
            raise invalid("Timer needs Days (seven 0/1) and TimePoint (HH:MM)")
        return {"CondId": cond_id, "CondType": TIMER, "Timer": {"Days": days, "TimePoint": point}}
    if kind != PROPERTY or not isinstance(item.get("Property"), dict):
        raise invalid("CondType is 0 (with Property) or 1 (with Timer)")
    prop = item["Property"]
    device = family_device(state, family, prop.get("ProductId"), prop.get("DeviceName"))
    prop_id, op, value = str(prop.get("PropertyId", "")), prop.get("Op"), prop.get("Value")
    define = property_define(state, device, prop_id)
    if op not in OPS:
        raise invalid(f"Op must be one of {', '.join(OPS)}")
    if op not in ("eq", "ne") and define.get("type") not in ("int", "float", "timestamp"):
        raise invalid(f"{prop_id} is not a number: only eq and ne compare it")
    if not value_fits(define, value):
        raise invalid(f"{value!r} is not a valid value of {prop_id}")
    checked = {
        "ProductId": device.product_id,
        "DeviceName": device.device_name,
        "PropertyId": prop_id,
        "Op": op,
        "Value": value,
    }
    return {"CondId": cond_id, "CondType": PROPERTY, "Property": checked}


def _checked_fields(call: Call, family: Family) -> dict[str, Any]:
    """Every field AppCreateAutomation and AppModifyAutomation require, validated."""
    return {
        "name": checked_name(call, "Name"),
        "icon": str(call.get("Icon")),
        "status": _binary(call, "Status"),
        "match_type": _binary(call, "MatchType"),
        "conditions": _checked_conditions(call, family),
        "actions": checked_actions(call, family, (DEVICE, DELAY, SCENE, NOTIFY)),
        "effective_begin": _pattern(call, "EffectiveBeginTime", _HH_MM),
        "effective_end": _pattern(call, "EffectiveEndTime", _HH_MM),
        "effective_days": _pattern(call, "EffectiveDays", _DAYS),
    }


def _automation(call: Call) -> tuple[Automation, Family]:
    """The AutomationId parameter's automation, in a family the caller belongs to."""
    automation = call.state.automations.get(call.get("AutomationId"))
    if automation is None:
        raise CloudError("ResourceNotFound.AutomationNotExist", "the automation does not exist")
    return automation, call.family(automation.family_id)


def _public_condition(state: SandboxState, item: dict[str, Any]) -> dict[str, Any]:
    if item["CondType"] != PROPERTY:
        return item
    prop = item["Property"]
    device = state.devices.get(f"{prop['ProductId']}/{prop['DeviceName']}")
    if device is None:
        return item
    return {**item, "Property": {**prop, "AliasName": device.alias, "IconUrl": device.icon_url}}


# -- actions -------------------------------------------------------------------------------------


@action("AppCreateAutomation")
async def create_automation(call: Call) -> dict[str, Any]:
    family = call.family(call.get("FamilyId"))
    fields = _checked_fields(call, family)
    state = call.state
    if sum(a.family_id == family.family_id for a in state.automations.values()) >= AUTOMATIONS_MAX:
        raise CloudError("LimitExceeded", f"a family has at most {AUTOMATIONS_MAX} automations")
    now = state.now()
    automation = Automation(new_id("a"), family.family_id, created=now, updated=now, **fields)
    state.automations[automation.automation_id] = automation
    return {"AutomationId": automation.automation_id}


@action("AppGetAutomationList")
async def get_automation_list(call: Call) -> dict[str, Any]:
    family = call.family(call.get("FamilyId"))
    items = [
        {"AutomationId": a.automation_id, "Icon": a.icon, "Name": a.name, "Status": a.status}
        for a in call.state.automations.values()
        if a.family_id == family.family_id
    ]
    return {"List": items}


@action("AppDescribeAutomation")
async def describe_automation(call: Call) -> dict[str, Any]:
    automation, _ = _automation(call)
    state = call.state
    data = {
        "AutomationId": automation.automation_id,
        "Icon": automation.icon,
        "Name": automation.name,
        "Status": automation.status,
        "MatchType": automation.match_type,
        "EffectiveBeginTime": automation.effective_begin,
        "EffectiveEndTime": automation.effective_end,
        "EffectiveDays": automation.effective_days,
        "Conditions": [_public_condition(state, c) for c in automation.conditions],
        "Actions": [public_action(state, a) for a in automation.actions],
    }
    return {"Data": data}


@action("AppModifyAutomation")
async def modify_automation(call: Call) -> dict[str, Any]:
    automation, family = _automation(call)
    for name, value in _checked_fields(call, family).items():
        setattr(automation, name, value)
    automation.matched = False  # new conditions start from scratch
    automation.updated = call.state.now()
    return {}


@action("AppModifyAutomationStatus")
async def modify_automation_status(call: Call) -> dict[str, Any]:
    automation, _ = _automation(call)
    automation.status = _binary(call, "Status")
    automation.matched = False
    automation.updated = call.state.now()
    return {}


@action("AppDeleteAutomation")
async def delete_automation(call: Call) -> dict[str, Any]:
    automation, _ = _automation(call)
    if running(automation):
        automation.run_task.cancel()
    del call.state.automations[automation.automation_id]
    return {}


def seed_demo(state: SandboxState, home: DemoHome) -> None:
    """The demo automation "Too hot": bedroom above 28 °C -> coffee plug off, and a notice."""
    sensor, plug = home.devices["sensor"].split("/", 1), home.devices["plug"].split("/", 1)
    condition = {
        "CondId": "hot",
        "CondType": PROPERTY,
        "Property": {
            "ProductId": sensor[0],
            "DeviceName": sensor[1],
            "PropertyId": "temperature",
            "Op": "gt",
            "Value": 28,
        },
    }
    actions = [
        {
            "ActionType": DEVICE,
            "ProductId": plug[0],
            "DeviceName": plug[1],
            "Data": '{"power_switch": 0}',
        },
        {
            "ActionType": NOTIFY,
            "Data": "It is over 28 °C in the bedroom: the coffee machine plug is off.",
        },
    ]
    now = state.now()
    automation = Automation(
        new_id("a"),
        home.family_id,
        "Too hot",
        "",
        status=1,
        match_type=MATCH_ALL,
        conditions=[condition],
        actions=actions,
        created=now,
        updated=now,
    )
    state.automations[automation.automation_id] = automation
    home.extra["automations"] = {"too_hot": automation.automation_id}
