"""The sandbox's websocket: subscriptions, heartbeats and DeviceChange pushes, over loopback."""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from bot.iot.client import IotClient
from bot.sandbox.demo import DemoHome
from bot.sandbox.server import Sandbox


async def _request(ws: ClientConnection, frame: dict[str, Any]) -> dict[str, Any]:
    """Send a request frame and return the reply with the same reqId (pushes are skipped)."""
    await ws.send(json.dumps(frame))
    while True:
        reply = json.loads(await asyncio.wait_for(ws.recv(), timeout=5))
        if reply.get("reqId") == frame["reqId"]:
            return reply


async def _next_push(ws: ClientConnection) -> dict[str, Any]:
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=5))
        if frame.get("push"):
            return frame


def _payload(frame: dict[str, Any]) -> dict[str, Any]:
    decoded: dict[str, Any] = json.loads(base64.b64decode(frame["params"]["Payload"]))
    return decoded


async def test_control_of_a_subscribed_device_is_pushed(
    sandbox: Sandbox, demo: DemoHome, client: IotClient, owner_token: str
) -> None:
    light = demo.devices["light"]
    async with connect(sandbox.ws_url) as ws:
        subscribed = await _request(
            ws,
            {
                "action": "ActivePush",
                "reqId": "r1",
                "params": {"DeviceIds": [light], "AccessToken": owner_token},
            },
        )
        assert subscribed["error"] == "" and subscribed["data"]["deviceIds"] == [light]
        await client.control_device(owner_token, light, {"power_switch": 1})
        control = await _next_push(ws)
        report = await _next_push(ws)
    assert control["action"] == "DeviceChange"
    assert (control["params"]["Type"], control["params"]["SubType"]) == ("Property", "Push")
    assert (report["params"]["Type"], report["params"]["SubType"]) == ("Property", "Report")
    assert report["params"]["DeviceId"] == light
    assert report["params"]["Topic"] == "$thing/up/property/DEMOLIGHT1/living_light"
    assert _payload(report) == {"method": "report", "params": {"power_switch": 1}}
    assert report["params"]["Seq"] > control["params"]["Seq"]


async def test_a_device_the_token_may_not_see_never_reaches_the_socket(
    sandbox: Sandbox, demo: DemoHome, friend_token: str
) -> None:
    light, friend_plug = (
        demo.devices["light"],
        sandbox.control.create_device(
            demo.friend_family_id,
            "DEMOPLUG01",
            "sam_plug",
            "Sam's plug",
            values={"power_switch": 0},
        ),
    )
    async with connect(sandbox.ws_url) as ws:
        subscribed = await _request(
            ws,
            {
                "action": "ActivePush",
                "reqId": "r1",
                "params": {"DeviceIds": [light, friend_plug], "AccessToken": friend_token},
            },
        )
        assert subscribed["data"]["deviceIds"] == [friend_plug]  # the owner's light is refused
        sandbox.control.report(light, {"power_switch": 1})
        sandbox.control.trigger_event(demo.devices["sensor"], "low_voltage", {"voltage": 2.9})
        sandbox.control.report(friend_plug, {"power_switch": 1})
        only = await _next_push(ws)  # the first push this socket gets is Sam's own plug
    assert only["params"]["DeviceId"] == friend_plug


async def test_events_and_status_changes_are_pushed(
    sandbox: Sandbox, demo: DemoHome, owner_token: str
) -> None:
    sensor = demo.devices["sensor"]
    async with connect(sandbox.ws_url) as ws:
        await _request(
            ws,
            {
                "action": "ActivePush",
                "reqId": "r1",
                "params": {"DeviceIds": [sensor], "AccessToken": owner_token},
            },
        )
        sandbox.control.trigger_event(sensor, "low_voltage", {"voltage": 2.9})
        sandbox.control.set_online(sensor, False)
        event, offline = await _next_push(ws), await _next_push(ws)
    assert event["params"]["Type"] == "Event"
    assert _payload(event)["eventId"] == "low_voltage"
    assert _payload(event)["params"] == {"voltage": 2.9}
    assert (offline["params"]["Type"], offline["params"]["SubType"]) == ("StatusChange", "Offline")


async def test_heartbeats_are_answered_and_bad_tokens_refused(
    sandbox: Sandbox, demo: DemoHome, owner_token: str
) -> None:
    beat = {
        "Action": "AppDeviceTraceHeartBeat",
        "ActionParams": {
            "DeviceIds": [demo.devices["light"]],
            "AccessToken": owner_token,
            "RequestId": "hb-1",
        },
    }
    async with connect(sandbox.ws_url) as ws:
        ok = await _request(ws, {"action": "YunApi", "reqId": "h1", "params": beat})
        beat["ActionParams"]["AccessToken"] = "not-a-token"
        refused = await _request(ws, {"action": "YunApi", "reqId": "h2", "params": beat})
        malformed = await _request(ws, {"action": "Nonsense", "reqId": "h3", "params": {}})
        counted = [sub.heartbeats for sub in sandbox.server.hub.subscribers]
    assert counted == [1]  # the accepted heartbeat counts, the refused one does not
    assert ok["error"] == "" and ok["data"]["Response"] == {"RequestId": "hb-1"}
    assert (
        refused["data"]["Response"]["Error"]["Code"] == "InvalidParameterValue.InvalidAccessToken"
    )
    assert malformed["error"] == "-1"


async def test_expired_token_stops_pushes(
    sandbox: Sandbox, demo: DemoHome, owner_token: str
) -> None:
    light, plug = demo.devices["light"], demo.devices["plug"]
    async with connect(sandbox.ws_url) as ws:
        await _request(
            ws,
            {
                "action": "ActivePush",
                "reqId": "r1",
                "params": {"DeviceIds": [light, plug], "AccessToken": owner_token},
            },
        )
        sandbox.control.report(plug, {"power_switch": 0})
        assert (await _next_push(ws))["params"]["DeviceId"] == plug
        sandbox.control.expire_tokens(token=owner_token)
        sandbox.control.report(light, {"power_switch": 1})
        # Re-subscribing with a fresh token is how a client recovers; only then pushes resume.
        other = sandbox.state.issue_token(demo.owner.user_id).token
        await _request(
            ws,
            {
                "action": "ActivePush",
                "reqId": "r2",
                "params": {"DeviceIds": [plug], "AccessToken": other},
            },
        )
        sandbox.control.report(plug, {"power_switch": 1})
        after = await _next_push(ws)
    assert after["params"]["DeviceId"] == plug and _payload(after)["params"] == {"power_switch": 1}
