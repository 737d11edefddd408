"""Controlling devices and calling their actions through the client, against the sandbox."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.iot import errors
from bot.iot.client import IotClient
from bot.iot.models import ActionResult
from bot.sandbox.actions import control as sandbox_control
from bot.sandbox.demo import DemoHome
from bot.sandbox.server import Sandbox
from bot.sandbox.state import PushEvent, ShareGrant


def props(sandbox: Sandbox, device_id: str) -> dict[str, Any]:
    return {k: v.value for k, v in sandbox.state.devices[device_id].properties.items()}


@pytest.fixture
def pushes(sandbox: Sandbox) -> list[PushEvent]:
    """Every push the sandbox makes during the test."""
    seen: list[PushEvent] = []
    sandbox.state.subscribe(seen.append)
    return seen


async def test_control_sets_properties_and_pushes(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str, pushes: list[PushEvent]
) -> None:
    light = demo.devices["light"]
    await client.control_device(owner_token, light, {"power_switch": 1, "brightness": 85})
    assert props(sandbox, light)["power_switch"] == 1
    assert props(sandbox, light)["brightness"] == 85
    kinds = [(p.type, p.sub_type) for p in pushes if p.device_id == light]
    assert kinds == [("Property", "Push"), ("Property", "Report")]
    assert pushes[-1].payload["params"] == {"power_switch": 1, "brightness": 85}


async def test_control_of_a_shared_device(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, friend_token: str
) -> None:
    plug = demo.devices["plug"]
    sandbox.state.shares[(plug, demo.friend.user_id)] = ShareGrant(
        plug, demo.friend.user_id, demo.owner.user_id, 0
    )
    await client.control_device(friend_token, plug, {"power_switch": 0})
    assert props(sandbox, plug)["power_switch"] == 0


async def test_control_refused_without_permission_or_device(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, friend_token: str, owner_token: str
) -> None:
    light = demo.devices["light"]
    with pytest.raises(errors.NoPermission):
        await client.control_device(friend_token, light, {"power_switch": 1})
    with pytest.raises(errors.NotFound):
        await client.control_device(owner_token, "DEMOLIGHT1/nowhere", {"power_switch": 1})
    assert props(sandbox, light)["power_switch"] == 0


async def test_control_of_an_offline_device(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str
) -> None:
    light = demo.devices["light"]
    sandbox.control.set_online(light, False)
    with pytest.raises(errors.OperationFailed) as caught:
        await client.control_device(owner_token, light, {"power_switch": 1})
    assert caught.value.code == "FailedOperation.DeviceOffline"
    assert props(sandbox, light)["power_switch"] == 0
    # A sub-device is out of reach when its gateway is.
    sandbox.control.set_online(demo.devices["gateway"], False)
    with pytest.raises(errors.OperationFailed):
        await client.control_device(owner_token, demo.devices["door"], {"door_state": 1})


@pytest.mark.parametrize(
    "values",
    [
        {"no_such_property": 1},
        {"brightness": 101},  # above max
        {"brightness": "50"},  # a number written as text
        {"color": 7},  # not one of the enum's choices
        {"power_switch": True, "name": "x" * 65},  # too long
        {"power_switch": 1, "brightness": None},
        {},
    ],
)
async def test_control_refuses_values_outside_the_template(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str, values: dict[str, Any]
) -> None:
    light = demo.devices["light"]
    before = props(sandbox, light)
    with pytest.raises(errors.InvalidParameter) as caught:
        await client.control_device(owner_token, light, values)
    assert caught.value.code == "InvalidParameterValue"
    assert props(sandbox, light) == before


async def test_control_refuses_read_only_property(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str
) -> None:
    sensor = demo.devices["sensor"]
    with pytest.raises(errors.InvalidParameter) as caught:
        await client.control_device(owner_token, sensor, {"temperature": 30})
    assert "read-only" in caught.value.message
    await client.control_device(owner_token, sensor, {"report_interval": 120})
    assert props(sandbox, sensor)["report_interval"] == 120


async def test_feed_sync_dispenses_and_jams_when_food_runs_out(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str
) -> None:
    feeder = demo.devices["feeder"]
    result = await client.call_action_sync(
        owner_token, feeder, "feed", {"portions": 3, "note": "breakfast"}
    )
    assert result.ok and result.action_id == "feed" and "::" in result.client_token
    assert result.outputs == {"dispensed": 3, "result": 0}
    assert props(sandbox, feeder)["food_level"] == 50
    result = await client.call_action_sync(owner_token, feeder, "feed", {"portions": 9, "note": ""})
    assert result.outputs == {"dispensed": 5, "result": 1}  # Jammed
    assert props(sandbox, feeder)["food_level"] == 0


@pytest.mark.parametrize(
    ("action_id", "inputs"),
    [
        ("explode", {}),
        ("feed", {"portions": 0, "note": ""}),  # below min
        ("feed", {"portions": 11, "note": ""}),  # above max
        ("feed", {"portions": 2}),  # an input missing
        ("feed", {"portions": 2, "note": "", "extra": 1}),
    ],
)
async def test_action_refuses_bad_calls(
    client: IotClient,
    sandbox: Sandbox,
    demo: DemoHome,
    owner_token: str,
    action_id: str,
    inputs: dict[str, Any],
) -> None:
    feeder = demo.devices["feeder"]
    with pytest.raises(errors.InvalidParameter):
        await client.call_action_sync(owner_token, feeder, action_id, inputs)
    with pytest.raises(errors.InvalidParameter):
        await client.call_action_async(owner_token, feeder, action_id, inputs)
    assert props(sandbox, feeder)["food_level"] == 80


async def test_action_refused_for_stranger_and_offline_device(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str, friend_token: str
) -> None:
    feeder = demo.devices["feeder"]
    inputs = {"portions": 1, "note": ""}
    with pytest.raises(errors.NoPermission):
        await client.call_action_sync(friend_token, feeder, "feed", inputs)
    with pytest.raises(errors.NoPermission):
        await client.call_action_async(friend_token, feeder, "feed", inputs)
    sandbox.control.set_online(feeder, False)
    with pytest.raises(errors.OperationFailed) as caught:
        await client.call_action_async(owner_token, feeder, "feed", inputs)
    assert caught.value.code == "FailedOperation.DeviceOffline"
    assert props(sandbox, feeder)["food_level"] == 80


@pytest.fixture
async def socket(sandbox: Sandbox, demo: DemoHome, owner_token: str) -> AsyncIterator[Any]:
    """The owner's push websocket, subscribed to the feeder."""
    async with aiohttp.ClientSession() as session, session.ws_connect(sandbox.ws_url) as ws:
        await ws.send_json(
            {
                "action": "ActivePush",
                "reqId": "r1",
                "params": {"AccessToken": owner_token, "DeviceIds": [demo.devices["feeder"]]},
            }
        )
        ack = await ws.receive_json(timeout=2)
        assert ack["data"]["deviceIds"] == [demo.devices["feeder"]]
        yield ws


async def _action_reply(ws: Any, client_token: str) -> dict[str, Any]:
    while True:
        frame = await ws.receive_json(timeout=2)
        params = frame.get("params", {})
        payload = json.loads(base64.b64decode(params.get("Payload") or "e30="))
        if params.get("Type") == "Action" and payload.get("method") == "action_reply":
            assert payload["clientToken"] == client_token
            return dict(payload)


async def test_feed_async_answers_at_once_and_replies_by_push(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str, socket: Any
) -> None:
    feeder = demo.devices["feeder"]
    token = await client.call_action_async(owner_token, feeder, "feed", {"portions": 2, "note": ""})
    assert token and sandbox_control.pending_action_replies(sandbox.state) == 1
    assert props(sandbox, feeder)["food_level"] == 80  # not yet: the device has not done it
    reply = ActionResult.from_push(await _action_reply(socket, token))
    assert reply.ok and reply.client_token == token and reply.action_id == "feed"
    assert reply.outputs == {"dispensed": 2, "result": 0}
    assert props(sandbox, feeder)["food_level"] == 60
    # The reply task is done (its done-callback ran before the frame could cross the socket).
    assert sandbox_control.pending_action_replies(sandbox.state) == 0


async def test_pending_async_replies_are_cancelled(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str
) -> None:
    feeder = demo.devices["feeder"]
    await client.call_action_async(owner_token, feeder, "feed", {"portions": 1, "note": ""})
    assert sandbox_control.cancel_action_replies(sandbox.state) == 1
    assert sandbox_control.pending_action_replies(sandbox.state) == 0


async def test_publish_message_applies_a_template_control(
    client: IotClient, sandbox: Sandbox, demo: DemoHome
) -> None:
    light = demo.devices["light"]
    message = {"method": "control", "clientToken": "t1", "params": {"power_switch": 1}}
    topic = f"$thing/down/property/{light}"
    await client.publish_message(light, topic, json.dumps(message).encode(), qos=1)
    assert props(sandbox, light)["power_switch"] == 1
    await client.publish_message(light, f"{light}/control", "raw text for the device")


async def test_publish_message_refuses_other_topics_and_unknown_devices(
    client: IotClient, sandbox: Sandbox, demo: DemoHome
) -> None:
    light, plug = demo.devices["light"], demo.devices["plug"]
    with pytest.raises(errors.InvalidParameter):
        await client.publish_message(light, f"{plug}/control", "hello")
    with pytest.raises(errors.InvalidParameter):
        await client.publish_message(light, f"$thing/up/property/{light}", "{}")
    with pytest.raises(errors.NotFound):
        await client.publish_message("DEMOLIGHT1/nowhere", "DEMOLIGHT1/nowhere/control", "hi")
    sandbox.control.set_online(light, False)
    with pytest.raises(errors.OperationFailed):
        await client.publish_message(light, f"{light}/control", "hello")


def test_device_id_must_name_product_and_device() -> None:
    from bot.iot.api.control import device_params

    assert device_params("PID/dev") == {"ProductId": "PID", "DeviceName": "dev"}
    with pytest.raises(ValueError):
        device_params("no-slash")
