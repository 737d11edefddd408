"""The sandbox speaks the real cloud's wire: its envelope, the vendor clients' URLs, Hello."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect

from bot.iot import signing
from bot.sandbox.demo import DemoHome
from bot.sandbox.server import Sandbox


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    """The vendor envelope here, whatever IOT_SANDBOX_ENVELOPE says for the rest of the suite."""
    async with Sandbox(background=False, envelope="vendor") as sb:
        yield sb


def _signed(sandbox: Sandbox, action: str | None, **params: Any) -> dict[str, Any]:
    body = {**params, "RequestId": uuid.uuid4().hex}
    if action is not None:
        body["Action"] = action
    return signing.signed(body, sandbox.state.app_key, sandbox.state.app_secret)


async def test_replies_come_in_the_vendor_envelope(sandbox: Sandbox, demo: DemoHome) -> None:
    login = _signed(
        sandbox, "AppGetToken", Type="email", Email=demo.owner.email, Password=demo.owner.password
    )
    wrong = _signed(sandbox, "AppGetToken", Type="email", Email=demo.owner.email, Password="nope")
    async with httpx.AsyncClient() as http:
        ok = (await http.post(f"{sandbox.api_url}/appapi", json=login)).json()
        refused = (await http.post(f"{sandbox.api_url}/appapi", json=wrong)).json()
    assert (ok["code"], ok["msg"]) == (0, "")
    assert ok["data"]["Data"]["Token"] and ok["data"]["RequestId"] == login["RequestId"]
    # An error: the non-zero code the vendor's apps compare with, msg, and data.Error.
    assert refused["code"] == -1000 and refused["msg"]
    assert refused["data"]["Error"]["Code"].startswith("InvalidParameterValue")
    assert refused["data"]["RequestId"] == wrong["RequestId"]


async def test_the_reference_envelope_on_request() -> None:
    async with Sandbox(background=False, envelope="response") as sandbox:
        home: DemoHome = sandbox.demo
        login = _signed(
            sandbox,
            "AppGetToken",
            Type="email",
            Email=home.owner.email,
            Password=home.owner.password,
        )
        async with httpx.AsyncClient() as http:
            reply = (await http.post(f"{sandbox.api_url}/appapi", json=login)).json()
    assert list(reply) == ["Response"] and reply["Response"]["Data"]["Token"]


def test_an_unknown_envelope_is_refused() -> None:
    with pytest.raises(ValueError, match="vendor, response"):
        Sandbox(envelope="xml")


async def test_signed_calls_on_appapi_slash_action(sandbox: Sandbox, demo: DemoHome) -> None:
    params = {"Type": "email", "Email": demo.owner.email, "Password": demo.owner.password}
    with_action = _signed(sandbox, "AppGetToken", **params)  # Android puts it in the body too
    without = _signed(sandbox, None, **params)
    other = _signed(sandbox, "AppGetTokenByWeiXin", WxOpenID="x", NickName="y")
    async with httpx.AsyncClient() as http:
        url = f"{sandbox.api_url}/appapi/AppGetToken"
        first = (await http.post(url, json=with_action)).json()
        second = (await http.post(url, json=without)).json()
        mismatch = (await http.post(url, json=other)).json()
    assert first["code"] == 0 and first["data"]["Data"]["Token"]
    assert second["code"] == 0 and second["data"]["Data"]["Token"]
    assert mismatch["code"] == -1000
    assert "AppGetToken" in mismatch["msg"] and "AppGetTokenByWeiXin" in mismatch["msg"]


async def test_tokenapi_with_uin_and_cmd(sandbox: Sandbox, owner_token: str) -> None:
    body = {"AccessToken": owner_token, "RequestId": "r-1"}  # the mini-program SDK's query
    async with httpx.AsyncClient() as http:
        url = f"{sandbox.api_url}/tokenapi?uin=u1&cmd=AppGetUser"
        named = (await http.post(url, json=body)).json()
        both = (await http.post(url, json={**body, "Action": "AppGetUser"})).json()
    assert named["code"] == 0 and named["data"]["Data"]["NickName"] == "Alex"
    assert both["code"] == 0 and both["data"]["Data"]["NickName"] == "Alex"


async def test_the_android_hello_is_answered(sandbox: Sandbox) -> None:
    async with connect(sandbox.ws_url.replace("/iotstudio_v2_weapp_1", "/ws/explorer")) as ws:
        await ws.send(json.dumps({"action": "Hello", "reqId": 7}))
        reply = json.loads(await ws.recv())
    assert (reply["error"], reply["reqId"]) == ("", 7)


async def test_the_ios_heartbeat_with_the_token_beside_the_action(
    sandbox: Sandbox, demo: DemoHome, owner_token: str
) -> None:
    beat = {
        "Action": "AppDeviceTraceHeartBeat",
        "AccessToken": owner_token,
        "ActionParams": {"DeviceIds": [demo.devices["light"]], "RequestId": "hb-ios"},
    }
    async with connect(sandbox.ws_url) as ws:
        await ws.send(json.dumps({"action": "YunApi", "reqId": "i1", "params": beat}))
        reply = json.loads(await ws.recv())
    assert reply["data"]["Response"] == {"RequestId": "hb-ios"}


async def test_gateway_sub_devices_without_a_product_id(
    sandbox: Sandbox, demo: DemoHome, owner_token: str
) -> None:
    gateway_product, _, gateway_name = demo.devices["gateway"].partition("/")
    body = {
        "Action": "AppGetGatewayBindDeviceList",
        "AccessToken": owner_token,
        "RequestId": "g-1",
        "GatewayProductId": gateway_product,
        "GatewayDeviceName": gateway_name,
        "Offset": 0,
        "Limit": 20,
    }  # no ProductId, as the vendor's apps ask
    async with httpx.AsyncClient() as http:
        reply = (await http.post(f"{sandbox.api_url}/tokenapi", json=body)).json()
    assert reply["code"] == 0
    assert demo.devices["door"] in [
        f"{row['ProductId']}/{row['DeviceName']}" for row in reply["data"]["DeviceList"]
    ]
