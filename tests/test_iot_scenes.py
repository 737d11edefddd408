"""Manual scenes through the client, against the sandbox over loopback HTTP."""

from __future__ import annotations

import asyncio

import pytest

from bot.iot import errors
from bot.iot.client import IotClient
from bot.iot.models import ActionDelay, ActionDevice, SceneAction
from bot.sandbox.actions import scene_runs
from bot.sandbox.actions.scenes import run_scene_now
from bot.sandbox.demo import DemoHome
from bot.sandbox.server import Sandbox


def _props(sandbox: Sandbox, device_id: str) -> dict:
    return sandbox.control.device_state(device_id)["Properties"]


def _device_action(device_id: str, **values: object) -> ActionDevice:
    product_id, name = device_id.split("/")
    return ActionDevice(product_id, name, dict(values))


async def test_seeded_scenes_are_listed_with_typed_actions(
    client: IotClient, owner_token: str, demo: DemoHome
) -> None:
    page = await client.list_scenes(owner_token, demo.family_id)
    assert page.total == 2
    by_name = {s.name: s for s in page.scenes}
    movie = by_name["Movie time"]
    assert movie.scene_id == demo.extra["scenes"]["movie_time"]
    light, delay, speaker = movie.actions
    assert isinstance(light, ActionDevice) and light.device_id == demo.devices["light"]
    assert light.values == {"power_switch": 1, "brightness": 20, "color": 2}
    assert light.alias == "Living room light"
    assert delay == ActionDelay(1)
    assert isinstance(speaker, ActionDevice) and speaker.values == {"volume": 20}
    assert not movie.running and not movie.device_missing
    assert movie.user_id == demo.owner.user_id

    second = await client.list_scenes(owner_token, demo.family_id, offset=1, limit=1)
    assert second.total == 2 and [s.name for s in second.scenes] == [page.scenes[1].name]


async def test_only_members_see_a_familys_scenes(
    client: IotClient, friend_token: str, demo: DemoHome
) -> None:
    with pytest.raises(errors.NoPermission):
        await client.list_scenes(friend_token, demo.family_id)
    assert (await client.list_scenes(friend_token, demo.friend_family_id)).total == 0


async def test_create_then_run_applies_every_action(
    client: IotClient, sandbox: Sandbox, owner_token: str, demo: DemoHome
) -> None:
    light, plug = demo.devices["light"], demo.devices["plug"]
    actions = [
        _device_action(light, power_switch=1, brightness=70),
        _device_action(plug, power_switch=0),
    ]
    scene_id = await client.create_scene(owner_token, demo.family_id, "Reading", actions, icon="i")
    listed = {s.scene_id: s for s in (await client.list_scenes(owner_token, demo.family_id)).scenes}
    assert listed[scene_id].name == "Reading" and listed[scene_id].icon == "i"
    assert [a.values for a in listed[scene_id].actions if isinstance(a, ActionDevice)] == [
        {"power_switch": 1, "brightness": 70},
        {"power_switch": 0},
    ]

    await client.run_scene(owner_token, scene_id)
    assert (
        _props(sandbox, light)["brightness"] == 70 and _props(sandbox, light)["power_switch"] == 1
    )
    assert _props(sandbox, plug)["power_switch"] == 0


@pytest.mark.parametrize(
    ("values", "why"),
    [
        ({"no_such_property": 1}, "unknown property"),
        ({"brightness": 150}, "out of range"),
        ({"color": 7}, "not an enum key"),
        ({"power_switch": "on"}, "not a bool"),
        ({}, "nothing to do"),
    ],
)
async def test_create_refuses_data_the_template_does_not_allow(
    client: IotClient, owner_token: str, demo: DemoHome, values: dict, why: str
) -> None:
    action = _device_action(demo.devices["light"], **values)
    with pytest.raises(errors.InvalidParameter):
        await client.create_scene(owner_token, demo.family_id, why, [action])


async def test_create_refuses_read_only_properties_names_and_strangers_devices(
    client: IotClient, sandbox: Sandbox, owner_token: str, demo: DemoHome
) -> None:
    read_only = _device_action(demo.devices["plug"], power=10)
    with pytest.raises(errors.InvalidParameter):
        await client.create_scene(owner_token, demo.family_id, "Power", [read_only])
    ok = _device_action(demo.devices["plug"], power_switch=1)
    with pytest.raises(errors.InvalidParameter):
        await client.create_scene(owner_token, demo.family_id, "   ", [ok])
    with pytest.raises(errors.InvalidParameter):
        await client.create_scene(owner_token, demo.family_id, "Nothing", [])
    with pytest.raises(errors.NotFound):
        await client.create_scene(
            owner_token, demo.family_id, "Ghost", [ActionDevice("NOPE", "gone", {"a": 1})]
        )
    theirs = sandbox.control.create_device(demo.friend_family_id, "DEMOPLUG01", "sams_plug")
    with pytest.raises(errors.NoPermission):
        await client.create_scene(
            owner_token, demo.family_id, "Theirs", [_device_action(theirs, power_switch=1)]
        )
    assert (await client.list_scenes(owner_token, demo.family_id)).total == 2


async def test_a_run_with_a_delay_answers_at_once_and_blocks_another(
    client: IotClient,
    sandbox: Sandbox,
    owner_token: str,
    demo: DemoHome,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    gate = asyncio.Event()

    async def held(seconds: float) -> None:
        await gate.wait()

    monkeypatch.setattr(scene_runs, "sleep", held)
    scene_id = demo.extra["scenes"]["movie_time"]
    light, speaker = demo.devices["light"], demo.devices["speaker"]

    await client.run_scene(owner_token, scene_id)
    # The actions before the delay are done when the answer comes; the one after is not.
    lit = _props(sandbox, light)
    assert (lit["power_switch"], lit["brightness"], lit["color"]) == (1, 20, 2)
    assert _props(sandbox, speaker)["volume"] == 30
    scenes = (await client.list_scenes(owner_token, demo.family_id)).scenes
    assert next(s for s in scenes if s.scene_id == scene_id).running
    for attempt in (
        client.run_scene(owner_token, scene_id),
        client.delete_scene(owner_token, scene_id),
        client.modify_scene(owner_token, scene_id, "x", [ActionDelay(2)]),
    ):
        with pytest.raises(errors.UnsupportedOperation) as caught:
            await attempt
        assert caught.value.code == "UnsupportedOperation.SceneRunInProgress"

    gate.set()
    await sandbox.state.scenes[scene_id].run_task
    assert _props(sandbox, speaker)["volume"] == 20
    scenes = (await client.list_scenes(owner_token, demo.family_id)).scenes
    assert not next(s for s in scenes if s.scene_id == scene_id).running
    gate.clear()
    sandbox.control.report(speaker, {"volume": 35})
    await client.run_scene(owner_token, scene_id)  # free to run again
    scene_runs.cancel_runs(sandbox.state)  # what the sandbox does when it stops
    with pytest.raises(asyncio.CancelledError):
        await sandbox.state.scenes[scene_id].run_task
    assert _props(sandbox, speaker)["volume"] == 35  # the cancelled tail never ran


async def test_run_scene_now_skips_offline_devices(sandbox: Sandbox, demo: DemoHome) -> None:
    light, speaker = demo.devices["light"], demo.devices["speaker"]
    sandbox.control.set_online(light, False)
    run_scene_now(sandbox.state, sandbox.state.scenes[demo.extra["scenes"]["movie_time"]])
    assert _props(sandbox, light)["brightness"] == 60  # offline: left alone
    assert _props(sandbox, speaker)["volume"] == 20  # after the delay, applied without waiting


async def test_run_scene_errors(
    client: IotClient, friend_token: str, owner_token: str, demo: DemoHome
) -> None:
    with pytest.raises(errors.NoPermission):
        await client.run_scene(friend_token, demo.extra["scenes"]["good_night"])
    with pytest.raises(errors.NotFound):
        await client.run_scene(owner_token, "s_does_not_exist")


async def test_modify_scene(
    client: IotClient, sandbox: Sandbox, owner_token: str, friend_token: str, demo: DemoHome
) -> None:
    scene_id = demo.extra["scenes"]["good_night"]
    actions: list[SceneAction] = [
        _device_action(demo.devices["speaker"], volume=10),
        ActionDelay(5),
    ]
    await client.modify_scene(owner_token, scene_id, "Quiet night", actions, icon="moon")
    scene = sandbox.state.scenes[scene_id]
    assert (scene.name, scene.icon, len(scene.actions)) == ("Quiet night", "moon", 2)
    listed = {s.scene_id: s for s in (await client.list_scenes(owner_token, demo.family_id)).scenes}
    assert listed[scene_id].actions[1] == ActionDelay(5)
    with pytest.raises(errors.NoPermission):
        await client.modify_scene(friend_token, scene_id, "Mine now", actions)
    with pytest.raises(errors.NotFound):
        await client.modify_scene(owner_token, "s_does_not_exist", "x", actions)
    with pytest.raises(errors.InvalidParameter):
        await client.modify_scene(owner_token, scene_id, "Long wait", [ActionDelay(0)])


async def test_delete_scene(
    client: IotClient, owner_token: str, friend_token: str, demo: DemoHome
) -> None:
    scene_id = demo.extra["scenes"]["good_night"]
    with pytest.raises(errors.NoPermission):
        await client.delete_scene(friend_token, scene_id)
    await client.delete_scene(owner_token, scene_id)
    page = await client.list_scenes(owner_token, demo.family_id)
    assert [s.name for s in page.scenes] == ["Movie time"] and page.total == 1
    with pytest.raises(errors.NotFound):
        await client.delete_scene(owner_token, scene_id)


async def test_a_scene_whose_device_left_the_family_is_flagged(
    client: IotClient, sandbox: Sandbox, owner_token: str, demo: DemoHome
) -> None:
    sandbox.state.devices[demo.devices["plug"]].family_id = demo.friend_family_id
    page = await client.list_scenes(owner_token, demo.family_id)
    flags = {s.name: s.device_missing for s in page.scenes}
    assert flags == {"Good night": True, "Movie time": False}
