"""Automations through the client, against the sandbox over loopback HTTP; and their evaluation."""

from __future__ import annotations

import dataclasses
import time

import pytest

from bot.iot import errors
from bot.iot.client import IotClient
from bot.iot.models import (
    MATCH_ANY,
    ActionDelay,
    ActionDevice,
    ActionNotify,
    ActionScene,
    AutomationSpec,
    ConditionDevice,
    ConditionTimer,
)
from bot.sandbox.actions import scene_runs
from bot.sandbox.demo import DemoHome
from bot.sandbox.server import Sandbox


def _split(device_id: str) -> tuple[str, str]:
    product_id, name = device_id.split("/")
    return product_id, name


def _spec(demo: DemoHome, **changes: object) -> AutomationSpec:
    light, door = _split(demo.devices["light"]), _split(demo.devices["door"])
    spec = AutomationSpec(
        name="Welcome home",
        conditions=(
            ConditionDevice(*door, "door_state", "eq", 1),
            ConditionTimer("0111110", "18:30", cond_id="evening"),
        ),
        actions=(
            ActionDevice(*light, {"power_switch": 1, "brightness": 80}),
            ActionDelay(30),
            ActionScene(demo.extra["scenes"]["movie_time"]),
            ActionNotify("Welcome home!"),
        ),
        match_type=MATCH_ANY,
        icon="https://example.com/home.png",
        effective_days="0111110",
        effective_begin="17:00",
        effective_end="23:00",
    )
    return dataclasses.replace(spec, **changes)  # type: ignore[arg-type]


def _owner_notices(sandbox: Sandbox, demo: DemoHome) -> list[str]:
    return [
        m.content
        for m in sandbox.state.messages.values()
        if m.user_id == demo.owner.user_id and m.category == 3
    ]


async def test_seeded_automation_described_in_types(
    client: IotClient, owner_token: str, demo: DemoHome
) -> None:
    listed = await client.list_automations(owner_token, demo.family_id)
    assert [(a.name, a.enabled) for a in listed] == [("Too hot", True)]
    too_hot = await client.describe_automation(owner_token, listed[0].automation_id)
    assert too_hot.automation_id == demo.extra["automations"]["too_hot"]
    (condition,) = too_hot.conditions
    assert isinstance(condition, ConditionDevice)
    assert condition.device_id == demo.devices["sensor"]
    assert (condition.property_id, condition.op, condition.value) == ("temperature", "gt", 28)
    assert condition.alias == "Bedroom sensor"
    plug_off, notify = too_hot.actions
    assert isinstance(plug_off, ActionDevice) and plug_off.values == {"power_switch": 0}
    assert plug_off.device_id == demo.devices["plug"]
    assert isinstance(notify, ActionNotify) and "28" in notify.message
    assert not too_hot.match_any and too_hot.effective_days == "1111111"


async def test_create_and_describe_round_trip(
    client: IotClient, owner_token: str, demo: DemoHome
) -> None:
    spec = _spec(demo)
    automation_id = await client.create_automation(owner_token, demo.family_id, spec)
    described = await client.describe_automation(owner_token, automation_id)
    assert described.automation_id == automation_id
    assert (described.name, described.icon, described.enabled) == (spec.name, spec.icon, True)
    assert described.match_any
    assert (described.effective_days, described.effective_begin, described.effective_end) == (
        "0111110",
        "17:00",
        "23:00",
    )
    door, timer = described.conditions
    assert isinstance(door, ConditionDevice) and door.cond_id == "c1" and door.value == 1
    assert timer == ConditionTimer("0111110", "18:30", cond_id="evening")
    device, delay, scene, notify = described.actions
    assert isinstance(device, ActionDevice) and device.values == {
        "power_switch": 1,
        "brightness": 80,
    }
    assert delay == ActionDelay(30) and notify == ActionNotify("Welcome home!")
    assert isinstance(scene, ActionScene) and scene.scene_name == "Movie time"
    names = [a.name for a in await client.list_automations(owner_token, demo.family_id)]
    assert names == ["Too hot", "Welcome home"]


@pytest.mark.parametrize(
    "bad",
    [
        {"name": ""},
        {"effective_days": "11111"},
        {"effective_begin": "25:00"},
        {"conditions": ()},
        {"actions": ()},
        {"conditions": (ConditionTimer("1111111", "9:3"),)},
    ],
)
async def test_create_refuses_malformed_fields(
    client: IotClient, owner_token: str, demo: DemoHome, bad: dict
) -> None:
    with pytest.raises(errors.InvalidParameter):
        await client.create_automation(owner_token, demo.family_id, _spec(demo, **bad))


async def test_create_refuses_conditions_the_template_does_not_allow(
    client: IotClient, owner_token: str, demo: DemoHome
) -> None:
    light = _split(demo.devices["light"])
    for condition in (
        ConditionDevice(*light, "no_such_property", "eq", 1),
        ConditionDevice(*light, "color", "gt", 1),  # an enum has no order
        ConditionDevice(*light, "brightness", "about", 1),
        ConditionDevice(*light, "brightness", "ge", 1000),
    ):
        spec = _spec(demo, conditions=(condition,))
        with pytest.raises(errors.InvalidParameter):
            await client.create_automation(owner_token, demo.family_id, spec)


async def test_create_needs_membership_and_the_familys_devices(
    client: IotClient, sandbox: Sandbox, owner_token: str, friend_token: str, demo: DemoHome
) -> None:
    with pytest.raises(errors.NoPermission):
        await client.create_automation(friend_token, demo.family_id, _spec(demo))
    theirs = sandbox.control.create_device(demo.friend_family_id, "DEMOPLUG01", "sams_plug")
    stranger = ActionDevice(*_split(theirs), {"power_switch": 1})
    with pytest.raises(errors.NoPermission):
        await client.create_automation(
            owner_token, demo.family_id, _spec(demo, actions=(stranger,))
        )
    with pytest.raises(errors.NoPermission):
        await client.list_automations(friend_token, demo.family_id)


async def test_switch_off_and_on(
    client: IotClient, sandbox: Sandbox, owner_token: str, friend_token: str, demo: DemoHome
) -> None:
    automation_id = demo.extra["automations"]["too_hot"]
    await client.set_automation_enabled(owner_token, automation_id, False)
    assert sandbox.state.automations[automation_id].status == 0
    assert not (await client.describe_automation(owner_token, automation_id)).enabled
    await client.set_automation_enabled(owner_token, automation_id, True)
    assert (await client.list_automations(owner_token, demo.family_id))[0].enabled
    with pytest.raises(errors.NoPermission):
        await client.set_automation_enabled(friend_token, automation_id, False)
    with pytest.raises(errors.NotFound):
        await client.set_automation_enabled(owner_token, "a_does_not_exist", False)


async def test_modify_replaces_everything(
    client: IotClient, owner_token: str, friend_token: str, demo: DemoHome
) -> None:
    automation_id = demo.extra["automations"]["too_hot"]
    current = await client.describe_automation(owner_token, automation_id)
    sensor = _split(demo.devices["sensor"])
    humid = ConditionDevice(*sensor, "humidity", "ge", 70, cond_id="wet")
    spec = dataclasses.replace(
        current.to_spec(),
        name="Too humid",
        conditions=(humid,),
        enabled=False,
    )
    await client.modify_automation(owner_token, automation_id, spec)
    changed = await client.describe_automation(owner_token, automation_id)
    assert (changed.name, changed.enabled) == ("Too humid", False)
    assert changed.conditions == (dataclasses.replace(humid, alias="Bedroom sensor"),)
    assert [type(a) for a in changed.actions] == [ActionDevice, ActionNotify]
    with pytest.raises(errors.NoPermission):
        await client.modify_automation(friend_token, automation_id, spec)
    with pytest.raises(errors.NotFound):
        await client.modify_automation(owner_token, "a_does_not_exist", spec)


async def test_delete(
    client: IotClient, owner_token: str, friend_token: str, demo: DemoHome
) -> None:
    automation_id = demo.extra["automations"]["too_hot"]
    with pytest.raises(errors.NoPermission):
        await client.delete_automation(friend_token, automation_id)
    await client.delete_automation(owner_token, automation_id)
    assert await client.list_automations(owner_token, demo.family_id) == []
    with pytest.raises(errors.NotFound):
        await client.describe_automation(owner_token, automation_id)


async def test_a_watched_report_fires_too_hot_once_per_crossing(
    sandbox: Sandbox, demo: DemoHome
) -> None:
    state, sensor, plug = sandbox.state, demo.devices["sensor"], demo.devices["plug"]
    scene_runs.install_watch(state)
    scene_runs.install_watch(state)  # a second watch must not fire twice
    sandbox.control.report(sensor, {"temperature": 27.5})
    assert state.devices[plug].properties["power_switch"].value == 1
    sandbox.control.report(sensor, {"temperature": 29.0})
    assert state.devices[plug].properties["power_switch"].value == 0
    assert len(_owner_notices(sandbox, demo)) == 1

    state.report_properties(plug, {"power_switch": 1}, sub_type="Report")
    sandbox.control.report(sensor, {"temperature": 30.0})  # still hot: no new crossing
    assert state.devices[plug].properties["power_switch"].value == 1
    sandbox.control.report(sensor, {"temperature": 25.0})
    sandbox.control.report(sensor, {"temperature": 28.5})
    assert state.devices[plug].properties["power_switch"].value == 0
    assert len(_owner_notices(sandbox, demo)) == 2


async def test_disabled_or_out_of_hours_automations_do_not_fire(
    sandbox: Sandbox, demo: DemoHome
) -> None:
    state = sandbox.state
    too_hot = state.automations[demo.extra["automations"]["too_hot"]]
    sandbox.control.report(demo.devices["sensor"], {"temperature": 35})
    too_hot.status = 0
    assert scene_runs.on_report(state, demo.devices["sensor"]) == []
    too_hot.status, too_hot.effective_days = 1, "0000000"
    assert scene_runs.on_report(state, demo.devices["sensor"]) == []
    too_hot.effective_days = "1111111"
    assert scene_runs.on_report(state, demo.devices["sensor"]) == [too_hot.automation_id]


async def test_timer_conditions_fire_on_their_minute(
    client: IotClient, sandbox: Sandbox, owner_token: str, demo: DemoHome
) -> None:
    frozen = time.time()
    sandbox.state.clock = lambda: frozen
    minute = time.strftime("%H:%M", time.localtime(frozen))
    light = _split(demo.devices["light"])
    spec = AutomationSpec(
        "Lights at a time",
        (ConditionTimer("1111111", minute),),
        (ActionDevice(*light, {"brightness": 5}),),
    )
    automation_id = await client.create_automation(owner_token, demo.family_id, spec)
    assert scene_runs.tick(sandbox.state) == [automation_id]
    assert sandbox.state.devices[demo.devices["light"]].properties["brightness"].value == 5
    assert scene_runs.tick(sandbox.state) == []  # the same minute fires once


async def test_an_automation_runs_a_scene_and_unwatching_stops_it(
    client: IotClient, sandbox: Sandbox, owner_token: str, demo: DemoHome
) -> None:
    door, plug = demo.devices["door"], demo.devices["plug"]
    spec = AutomationSpec(
        "Door opened at night",
        (ConditionDevice(*_split(door), "door_state", "eq", 1),),
        (ActionScene(demo.extra["scenes"]["good_night"]), ActionNotify("Door open")),
    )
    await client.create_automation(owner_token, demo.family_id, spec)
    stop = scene_runs.install_watch(sandbox.state)
    sandbox.control.report(door, {"door_state": 1})
    assert sandbox.state.devices[plug].properties["power_switch"].value == 0
    assert _owner_notices(sandbox, demo) == ["Door open"]

    stop()
    sandbox.control.report(door, {"door_state": 0})
    sandbox.state.report_properties(plug, {"power_switch": 1}, sub_type="Report")
    sandbox.control.report(door, {"door_state": 1})
    assert sandbox.state.devices[plug].properties["power_switch"].value == 1
