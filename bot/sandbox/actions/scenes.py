"""Sandbox actions: manual scenes, and the validation of the action lists automations share.

Runs (and their delays) are in :mod:`bot.sandbox.actions.scene_runs`; AppRunScene starts one
and answers at once. While a run is in progress the scene can't be run, changed or deleted.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from bot.sandbox.actions.scene_runs import (
    DELAY,
    DEVICE,
    NOTIFY,
    SCENE,
    cancel_runs,
    running,
    start_scene,
    watch,
)
from bot.sandbox.actions.scene_runs import run_scene_now as run_scene_now  # for tests and demos
from bot.sandbox.registry import Call, CloudError, action
from bot.sandbox.state import Device, Family, SandboxState, Scene, new_id

if TYPE_CHECKING:
    from bot.sandbox.demo import DemoHome
    from bot.sandbox.server import Sandbox

NAME_MAX = 64
ACTIONS_MAX = 32
SCENES_MAX = 100  # per family
DELAY_MAX = 24 * 3600
NOTIFY_MAX = 200
IN_PROGRESS = "UnsupportedOperation.SceneRunInProgress"


# -- validation ----------------------------------------------------------------------------------


def invalid(message: str) -> CloudError:
    return CloudError("InvalidParameterValue", message)


def checked_name(call: Call, param: str) -> str:
    name = str(call.get(param)).strip()
    if not 1 <= len(name) <= NAME_MAX:
        raise invalid(f"{param} must have 1 to {NAME_MAX} characters")
    return name


def family_device(state: SandboxState, family: Family, product_id: Any, name: Any) -> Device:
    """The device ProductId/DeviceName, which must belong to ``family``."""
    device = state.devices.get(f"{product_id}/{name}")
    if device is None:
        raise CloudError("ResourceNotFound.DeviceNotExist", "device does not exist")
    if device.family_id != family.family_id:
        raise CloudError("InvalidParameterValue.NoPermission", "the device is not in this family")
    return device


def property_define(state: SandboxState, device: Device, prop_id: str) -> dict[str, Any]:
    """The ``define`` of a property of the device's template, with its ``mode`` folded in."""
    template = state.products[device.product_id].data_template
    for spec in template.get("properties", []):
        if spec.get("id") == prop_id:
            return {**spec.get("define", {}), "mode": spec.get("mode", "r")}
    raise invalid(f"{device.product_id} has no property {prop_id}")


def value_fits(define: dict[str, Any], value: Any) -> bool:
    """Whether ``value`` is one the property's template allows."""
    kind = define.get("type")
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "bool":
        return value in (0, 1) and (number or isinstance(value, bool))
    if kind in ("int", "float"):
        if not number or (kind == "int" and value != int(value)):
            return False
        low, high = float(define.get("min", "-inf")), float(define.get("max", "inf"))
        return low <= value <= high
    if kind == "enum":
        return (
            isinstance(value, int | str)
            and not isinstance(value, bool)
            and (str(value) in define.get("mapping", {}))
        )
    if kind == "string":
        return isinstance(value, str) and len(value) <= int(define.get("max", 2048))
    if kind == "timestamp":
        return number and value >= 0
    return True  # struct and array: the sandbox does not look inside


def checked_control(state: SandboxState, device: Device, data: Any) -> dict[str, Any]:
    """A device action's Data: a JSON object of writable properties with allowed values."""
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError as err:
            raise CloudError("InvalidParameterValue.InvalidJSON", "Data is not JSON") from err
    if not isinstance(data, dict) or not data:
        raise invalid("a device action's Data must be a non-empty JSON object")
    for prop_id, value in data.items():
        define = property_define(state, device, prop_id)
        if define["mode"] != "rw":
            raise invalid(f"property {prop_id} is read-only")
        if not value_fits(define, value):
            raise invalid(f"{value!r} is not a valid value of {prop_id}")
    return data


def checked_actions(call: Call, family: Family, kinds: tuple[int, ...]) -> list[dict[str, Any]]:
    """The Actions parameter, validated and stored in the reference's shape (Data as text)."""
    raw = call.get_json("Actions")
    if not isinstance(raw, list) or not raw:
        raise invalid("Actions must be a non-empty list")
    if len(raw) > ACTIONS_MAX:
        raise CloudError("LimitExceeded", f"at most {ACTIONS_MAX} actions")
    return [_checked_action(call.state, family, item, kinds) for item in raw]


def _checked_action(
    state: SandboxState, family: Family, item: Any, kinds: tuple[int, ...]
) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise invalid("each action must be an object")
    kind, data = item.get("ActionType"), item.get("Data")
    if isinstance(kind, str) and kind.isdigit():
        kind = int(kind)
    if kind not in kinds or isinstance(kind, bool):
        raise invalid(f"ActionType {kind!r} is not allowed here")
    if kind == DEVICE:
        device = family_device(state, family, item.get("ProductId"), item.get("DeviceName"))
        values = checked_control(state, device, data)
        return {
            "ActionType": DEVICE,
            "ProductId": device.product_id,
            "DeviceName": device.device_name,
            "Data": json.dumps(values, ensure_ascii=False),
        }
    if kind == DELAY:
        seconds = str(data).strip()
        if not seconds.isdigit() or not 1 <= int(seconds) <= DELAY_MAX:
            raise invalid(f"a delay is 1 to {DELAY_MAX} seconds")
        return {"ActionType": DELAY, "Data": str(int(seconds))}
    if kind == SCENE:
        scene = state.scenes.get(str(data))
        if scene is None or scene.family_id != family.family_id:
            raise CloudError("ResourceNotFound.SceneNotExist", "the scene does not exist")
        return {"ActionType": SCENE, "Data": scene.scene_id}
    message = str(data or "").strip()
    if not 1 <= len(message) <= NOTIFY_MAX:
        raise invalid(f"a notification has 1 to {NOTIFY_MAX} characters")
    return {"ActionType": NOTIFY, "Data": message}


def public_action(state: SandboxState, item: dict[str, Any]) -> dict[str, Any]:
    """A stored action as replies show it: with the device's or scene's name and icon."""
    shown = dict(item)
    if item["ActionType"] == DEVICE:
        device = state.devices.get(f"{item['ProductId']}/{item['DeviceName']}")
        if device is not None:
            shown.update(AliasName=device.alias, IconUrl=device.icon_url)
    elif item["ActionType"] == SCENE:
        scene = state.scenes.get(item["Data"])
        if scene is not None:
            shown.update(AliasName=scene.name, IconUrl=scene.icon)
    return shown


# -- actions -------------------------------------------------------------------------------------


def _scene(call: Call) -> tuple[Scene, Family]:
    """The SceneId parameter's scene, in a family the caller belongs to."""
    scene = call.state.scenes.get(call.get("SceneId"))
    if scene is None:
        raise CloudError("ResourceNotFound.SceneNotExist", "the scene does not exist")
    return scene, call.family(scene.family_id)


def _public_scene(state: SandboxState, scene: Scene) -> dict[str, Any]:
    family_id = scene.family_id
    missing = any(
        (d := state.devices.get(f"{a['ProductId']}/{a['DeviceName']}")) is None
        or d.family_id != family_id
        for a in scene.actions
        if a["ActionType"] == DEVICE
    )
    return {
        "SceneId": scene.scene_id,
        "FamilyId": family_id,
        "SceneName": scene.name,
        "SceneIcon": scene.icon,
        "Actions": [public_action(state, a) for a in scene.actions],
        "UserId": scene.user_id,
        "CreateTime": scene.created,
        "UpdateTime": scene.updated,
        "Flag": 1 if missing else 0,
        "Status": 1 if running(scene) else 0,
    }


@action("AppCreateScene")
async def create_scene(call: Call) -> dict[str, Any]:
    family = call.family(call.get("FamilyId"))
    name, icon = checked_name(call, "SceneName"), call.get("SceneIcon")
    actions = checked_actions(call, family, (DEVICE, DELAY))
    if sum(s.family_id == family.family_id for s in call.state.scenes.values()) >= SCENES_MAX:
        raise CloudError("LimitExceeded", f"a family has at most {SCENES_MAX} scenes")
    now = call.state.now()
    scene = Scene(
        new_id("s"), family.family_id, name, icon, actions, now, now, user_id=call.me.user_id
    )
    call.state.scenes[scene.scene_id] = scene
    return {"SceneId": scene.scene_id}


@action("AppGetSceneList")
async def get_scene_list(call: Call) -> dict[str, Any]:
    family = call.family(call.get("FamilyId"))
    offset, limit = call.page(default_limit=20, max_limit=50)
    scenes = [s for s in call.state.scenes.values() if s.family_id == family.family_id]
    page = scenes[offset : offset + limit]
    return {"SceneList": [_public_scene(call.state, s) for s in page], "Total": len(scenes)}


@action("AppModifyScene")
async def modify_scene(call: Call) -> dict[str, Any]:
    scene, family = _scene(call)
    name, icon = checked_name(call, "SceneName"), call.get("SceneIcon")
    actions = checked_actions(call, family, (DEVICE, DELAY))
    if running(scene):
        raise CloudError(IN_PROGRESS, "the scene is running")
    scene.name, scene.icon, scene.actions = name, icon, actions
    scene.updated = call.state.now()
    return {}


@action("AppDeleteScene")
async def delete_scene(call: Call) -> dict[str, Any]:
    scene, _ = _scene(call)
    if running(scene):
        raise CloudError(IN_PROGRESS, "the scene is running")
    del call.state.scenes[scene.scene_id]
    return {}


@action("AppRunScene")
async def run_scene(call: Call) -> dict[str, Any]:
    scene, _ = _scene(call)
    if running(scene):
        raise CloudError(IN_PROGRESS, "the scene is running")
    start_scene(call.state, scene)
    return {}


# -- demo and background -------------------------------------------------------------------------


def seed_demo(state: SandboxState, home: DemoHome) -> None:
    """Two demo scenes (the automations that name them are seeded next, by automations.py)."""
    light, plug, speaker = (home.devices[r] for r in ("light", "plug", "speaker"))

    def device(device_id: str, values: dict[str, Any]) -> dict[str, Any]:
        product_id, name = device_id.split("/", 1)
        data = json.dumps(values)
        return {"ActionType": DEVICE, "ProductId": product_id, "DeviceName": name, "Data": data}

    scenes = {
        "good_night": (
            "Good night",
            [device(light, {"power_switch": 0}), device(plug, {"power_switch": 0})],
        ),
        "movie_time": (
            "Movie time",
            [
                device(light, {"power_switch": 1, "brightness": 20, "color": 2}),
                {"ActionType": DELAY, "Data": "1"},
                device(speaker, {"volume": 20}),
            ],
        ),
    }
    now = state.now()
    ids: dict[str, str] = {}
    for key, (name, actions) in scenes.items():
        scene = Scene(
            new_id("s"), home.family_id, name, "", actions, now, now, user_id=home.owner.user_id
        )
        state.scenes[scene.scene_id] = scene
        ids[key] = scene.scene_id
    home.extra["scenes"] = ids  # automations.seed_demo, which runs next, names them


async def background(sandbox: Sandbox) -> None:
    """Evaluate automations while the sandbox runs; stop every run in progress when it stops."""
    try:
        await watch(sandbox.state)
    finally:
        cancel_runs(sandbox.state)
