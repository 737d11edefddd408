"""Dataclasses for manual scenes and automations: their actions and conditions, typed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.iot.models._fields import flag, integer, mapping, records, text

__all__ = [
    "ACTION_DELAY",
    "ACTION_DEVICE",
    "ACTION_NOTIFY",
    "ACTION_SCENE",
    "CONDITION_OPS",
    "EVERY_DAY",
    "MATCH_ALL",
    "MATCH_ANY",
    "ActionDelay",
    "ActionDevice",
    "ActionNotify",
    "ActionOther",
    "ActionScene",
    "Automation",
    "AutomationSpec",
    "AutomationSummary",
    "Condition",
    "ConditionDevice",
    "ConditionTimer",
    "Scene",
    "SceneAction",
    "ScenePage",
    "action_from_dict",
    "condition_from_dict",
]

ACTION_DEVICE, ACTION_DELAY, ACTION_SCENE, ACTION_NOTIFY = 0, 1, 2, 3
MATCH_ALL, MATCH_ANY = 0, 1  # the reference's MatchType: 0 every condition, 1 any one
CONDITION_OPS = ("eq", "ne", "gt", "lt", "ge", "le")
EVERY_DAY = "1111111"  # one 0/1 per weekday, Sunday first


@dataclass(frozen=True)
class ActionDevice:
    """Set properties of one device: ``values`` is the control's ``{"<property id>": value}``."""

    product_id: str
    device_name: str
    values: dict[str, Any]
    alias: str = ""
    icon_url: str = ""

    @property
    def device_id(self) -> str:
        return f"{self.product_id}/{self.device_name}"

    def to_dict(self) -> dict[str, Any]:
        data = json.dumps(self.values, ensure_ascii=False, separators=(",", ":"))
        return {
            "ActionType": ACTION_DEVICE,
            "ProductId": self.product_id,
            "DeviceName": self.device_name,
            "Data": data,
        }


@dataclass(frozen=True)
class ActionDelay:
    """Wait before the next action."""

    seconds: int

    def to_dict(self) -> dict[str, Any]:
        return {"ActionType": ACTION_DELAY, "Data": str(self.seconds)}


@dataclass(frozen=True)
class ActionScene:
    """Run a manual scene (automations only)."""

    scene_id: str
    scene_name: str = ""
    icon_url: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"ActionType": ACTION_SCENE, "Data": self.scene_id}


@dataclass(frozen=True)
class ActionNotify:
    """Send a notification to the family's members (automations only)."""

    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"ActionType": ACTION_NOTIFY, "Data": self.message}


@dataclass(frozen=True)
class ActionOther:
    """An action type this client does not know; kept whole so a modify sends it back unchanged."""

    action_type: int
    raw: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return dict(self.raw)


SceneAction = ActionDevice | ActionDelay | ActionScene | ActionNotify | ActionOther


def action_from_dict(data: dict[str, Any]) -> SceneAction:
    """One Action structure as its typed dataclass."""
    kind = integer(data, "ActionType", default=-1)
    payload = data.get("Data")
    if kind == ACTION_DEVICE:
        values = payload if isinstance(payload, dict) else mapping(data, "Data")
        return ActionDevice(
            product_id=text(data, "ProductId"),
            device_name=text(data, "DeviceName"),
            values=dict(values),
            alias=text(data, "AliasName"),
            icon_url=text(data, "IconUrl"),
        )
    if kind == ACTION_DELAY:
        return ActionDelay(integer(data, "Data"))
    if kind == ACTION_SCENE:
        return ActionScene(text(data, "Data"), text(data, "AliasName"), text(data, "IconUrl"))
    if kind == ACTION_NOTIFY:
        return ActionNotify(text(data, "Data"))
    return ActionOther(kind, dict(data))


@dataclass(frozen=True)
class Scene:
    """A manual scene: actions run in order when the user taps it."""

    scene_id: str
    family_id: str
    name: str
    icon: str
    actions: tuple[SceneAction, ...]
    user_id: str = ""
    created: int = 0
    updated: int = 0
    device_missing: bool = False  # Flag 1: a device of an action is no longer in the family
    running: bool = False  # Status 1: a run is in progress

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Scene:
        return cls(
            scene_id=text(data, "SceneId"),
            family_id=text(data, "FamilyId"),
            name=text(data, "SceneName"),
            icon=text(data, "SceneIcon"),
            actions=tuple(action_from_dict(a) for a in records(data, "Actions")),
            user_id=text(data, "UserId", "UserID"),
            created=integer(data, "CreateTime"),
            updated=integer(data, "UpdateTime"),
            device_missing=integer(data, "Flag") == 1,
            running=integer(data, "Status") == 1,
        )


@dataclass(frozen=True)
class ScenePage:
    """One page of a family's scenes and how many there are in all."""

    scenes: tuple[Scene, ...]
    total: int

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScenePage:
        scenes = tuple(Scene.from_dict(s) for s in records(data, "SceneList"))
        return cls(scenes, integer(data, "Total", default=len(scenes)))


@dataclass(frozen=True)
class ConditionDevice:
    """True while a device property compares to ``value`` with ``op`` (eq ne gt lt ge le)."""

    product_id: str
    device_name: str
    property_id: str
    op: str
    value: Any
    cond_id: str = ""
    alias: str = ""
    icon_url: str = ""

    @property
    def device_id(self) -> str:
        return f"{self.product_id}/{self.device_name}"

    def to_dict(self, cond_id: str) -> dict[str, Any]:
        prop = {
            "ProductId": self.product_id,
            "DeviceName": self.device_name,
            "PropertyId": self.property_id,
            "Op": self.op,
            "Value": self.value,
        }
        return {"CondId": self.cond_id or cond_id, "CondType": 0, "Property": prop}


@dataclass(frozen=True)
class ConditionTimer:
    """True at ``time_point`` ("HH:MM") on the days marked in ``days`` (seven 0/1, Sunday first)."""

    days: str
    time_point: str
    cond_id: str = ""

    def to_dict(self, cond_id: str) -> dict[str, Any]:
        timer = {"Days": self.days, "TimePoint": self.time_point}
        return {"CondId": self.cond_id or cond_id, "CondType": 1, "Timer": timer}


Condition = ConditionDevice | ConditionTimer


def condition_from_dict(data: dict[str, Any]) -> Condition:
    """One Condition structure as its typed dataclass."""
    cond_id = text(data, "CondId")
    if integer(data, "CondType") == 1:
        timer = mapping(data, "Timer")
        return ConditionTimer(
            text(timer, "Days", default=EVERY_DAY), text(timer, "TimePoint"), cond_id
        )
    prop = mapping(data, "Property")
    return ConditionDevice(
        product_id=text(prop, "ProductId"),
        device_name=text(prop, "DeviceName"),
        property_id=text(prop, "PropertyId"),
        op=text(prop, "Op", default="eq"),
        value=prop.get("Value"),
        cond_id=cond_id,
        alias=text(prop, "AliasName"),
        icon_url=text(prop, "IconUrl"),
    )


@dataclass(frozen=True)
class AutomationSpec:
    """What an automation is made of: the parameters of AppCreateAutomation / AppModifyAutomation."""

    name: str
    conditions: tuple[Condition, ...]
    actions: tuple[SceneAction, ...]
    match_type: int = MATCH_ALL
    enabled: bool = True
    icon: str = ""
    effective_days: str = EVERY_DAY
    effective_begin: str = "00:00"
    effective_end: str = "23:59"

    def to_params(self) -> dict[str, Any]:
        """The request parameters; conditions without a CondId get one unique in this automation."""
        return {
            "Name": self.name,
            "Icon": self.icon,
            "Status": 1 if self.enabled else 0,
            "MatchType": self.match_type,
            "Conditions": [c.to_dict(f"c{i}") for i, c in enumerate(self.conditions, 1)],
            "Actions": [a.to_dict() for a in self.actions],
            "EffectiveBeginTime": self.effective_begin,
            "EffectiveEndTime": self.effective_end,
            "EffectiveDays": self.effective_days,
        }


@dataclass(frozen=True)
class Automation:
    """An automation as AppDescribeAutomation returns it."""

    automation_id: str
    name: str
    icon: str
    enabled: bool
    match_type: int
    conditions: tuple[Condition, ...]
    actions: tuple[SceneAction, ...]
    effective_days: str = EVERY_DAY
    effective_begin: str = "00:00"
    effective_end: str = "23:59"

    @property
    def match_any(self) -> bool:
        return self.match_type == MATCH_ANY

    def to_spec(self) -> AutomationSpec:
        """The same automation as a spec, to change with ``dataclasses.replace`` and modify."""
        return AutomationSpec(
            self.name,
            self.conditions,
            self.actions,
            self.match_type,
            self.enabled,
            self.icon,
            self.effective_days,
            self.effective_begin,
            self.effective_end,
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Automation:
        return cls(
            automation_id=text(data, "AutomationId"),
            name=text(data, "Name"),
            icon=text(data, "Icon"),
            enabled=flag(data, "Status"),
            match_type=integer(data, "MatchType"),
            conditions=tuple(condition_from_dict(c) for c in records(data, "Conditions")),
            actions=tuple(action_from_dict(a) for a in records(data, "Actions")),
            effective_days=text(data, "EffectiveDays", default=EVERY_DAY),
            effective_begin=text(data, "EffectiveBeginTime", default="00:00"),
            effective_end=text(data, "EffectiveEndTime", default="23:59"),
        )


@dataclass(frozen=True)
class AutomationSummary:
    """One line of AppGetAutomationList."""

    automation_id: str
    name: str
    icon: str = ""
    enabled: bool = False

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AutomationSummary:
        return cls(
            automation_id=text(data, "AutomationId"),
            name=text(data, "Name"),
            icon=text(data, "Icon"),
            enabled=flag(data, "Status"),
        )
