"""The client against literal reply bodies in the shapes the vendor's own clients read.

Every body here is written from the vendor sources (docs/protocol.md names them), not captured
from our sandbox: ``{"code": 0, "msg": "", "data": {...}}`` on success; on an error a non-zero
``code`` (-1000 in the Android and iOS apps) with ``msg`` and ``data.Error``, only ``code`` and
``msg``, or ``code`` 0 with ``data.Error`` (the Node SDK rejects that too); and the reference's
``{"Response": {...}}``. They are served over real loopback HTTP.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from bot.iot import errors
from bot.iot.client import IotClient
from bot.iot.endpoints import Endpoints

Bodies = dict[str, Any]  # Action -> the literal body; "_calls" lists the Actions asked for
TOKEN = "3b9d6c1e0f2a4d8b9c7e5a1f0d2c4b6a"


@pytest.fixture
async def cloud() -> AsyncIterator[tuple[Bodies, IotClient]]:
    """A loopback server answering each Action with the literal body put in ``bodies``."""
    bodies: Bodies = {}

    async def answer(request: web.Request) -> web.Response:
        action = json.loads(await request.text())["Action"]
        bodies.setdefault("_calls", []).append(action)
        return web.Response(text=json.dumps(bodies[action]), content_type="application/json")

    app = web.Application()
    app.router.add_post("/api/exploreropen/appapi", answer)
    app.router.add_post("/api/exploreropen/tokenapi", answer)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    endpoints = Endpoints.custom(f"http://127.0.0.1:{port}/api/exploreropen", "ws://unused")
    async with IotClient(endpoints, "key", "secret", timeout=2.0, retry_delay=0.01) as iot:
        yield bodies, iot
    await runner.cleanup()


async def test_sign_in_in_the_vendor_envelope(cloud: tuple[Bodies, IotClient]) -> None:
    bodies, iot = cloud
    bodies["AppGetToken"] = {
        "code": 0,
        "msg": "",
        "data": {
            "Data": {"Token": TOKEN, "ExpireAt": 1767225600},
            "RequestId": "5e1f0c9a-7a4d-4d1e-9f3b-2c6a8b0d4e71",
        },
    }
    login = await iot.login_email("ann@example.com", "pw-123456")
    assert (login.token, login.expire_at) == (TOKEN, 1767225600)


async def test_a_list_in_the_vendor_envelope(cloud: tuple[Bodies, IotClient]) -> None:
    bodies, iot = cloud
    bodies["AppGetFamilyList"] = {
        "code": 0,
        "msg": "",
        "data": {
            "RequestId": "req-1",
            "FamilyList": [
                {"FamilyId": "f_8c1e", "FamilyName": "我的家", "Role": 1, "CreateTime": 1600000000},
                {"FamilyId": "f_77aa", "FamilyName": "Parents", "Role": 0},
            ],
            "Total": 2,
        },
    }
    families = await iot.list_all_families(TOKEN)
    assert [(f.family_id, f.name, f.is_owner) for f in families] == [
        ("f_8c1e", "我的家", True),
        ("f_77aa", "Parents", False),
    ]


async def test_the_references_response_envelope(cloud: tuple[Bodies, IotClient]) -> None:
    bodies, iot = cloud
    bodies["AppGetToken"] = {
        "Response": {"Data": {"Token": TOKEN, "ExpireAt": 7}, "RequestId": "r"}
    }
    assert (await iot.login_email("ann@example.com", "pw-123456")).token == TOKEN


async def test_data_response_inside_the_vendor_envelope(cloud: tuple[Bodies, IotClient]) -> None:
    bodies, iot = cloud
    inner = {"Data": {"Token": TOKEN, "ExpireAt": 7}, "RequestId": "r"}
    bodies["AppGetToken"] = {"code": 0, "msg": "", "data": {"Response": inner}}
    assert (await iot.login_email("ann@example.com", "pw-123456")).token == TOKEN


@pytest.mark.parametrize(
    ("body", "cls", "code"),
    [
        pytest.param(
            {
                "code": -1000,
                "msg": "AccessToken 无效",
                "data": {
                    "Error": {
                        "Code": "InvalidParameterValue.InvalidAccessToken",
                        "Message": "AccessToken 无效",
                    },
                    "RequestId": "req-e1",
                },
            },
            errors.InvalidToken,
            "InvalidParameterValue.InvalidAccessToken",
            id="code -1000 with data.Error (Android, iOS)",
        ),
        pytest.param(
            {"code": "VERIFY_LOGIN_FAIL", "msg": "登录态校验失败"},
            errors.InvalidToken,
            "VERIFY_LOGIN_FAIL",
            id="code and msg only, the mini-program SDK's login error",
        ),
        pytest.param(
            {"code": -1000, "msg": "系统繁忙"},
            errors.ApiError,
            "-1000",
            id="a numeric code and msg only",
        ),
        pytest.param(
            {
                "code": 0,
                "msg": "",
                "data": {
                    "Error": {"Code": "ResourceNotFound.FamilyNotExist", "Message": "no family"},
                    "RequestId": "req-e2",
                },
            },
            errors.NotFound,
            "ResourceNotFound.FamilyNotExist",
            id="code 0 with data.Error (the Node SDK rejects it)",
        ),
        pytest.param(
            {
                "Response": {
                    "Error": {"Code": "InternalError", "Message": "try later"},
                    "RequestId": "req-e3",
                }
            },
            errors.InternalError,
            "InternalError",
            id="the reference's Response.Error",
        ),
    ],
)
async def test_every_error_form_maps_to_the_same_classes(
    cloud: tuple[Bodies, IotClient], body: dict[str, Any], cls: type[errors.ApiError], code: str
) -> None:
    bodies, iot = cloud
    bodies["AppGetFamilyList"] = body
    with pytest.raises(cls) as caught:
        await iot.list_families(TOKEN)
    assert caught.value.code == code
    assert type(caught.value) is cls


async def test_an_error_keeps_the_clouds_request_id(cloud: tuple[Bodies, IotClient]) -> None:
    bodies, iot = cloud
    error = {"Code": "InvalidParameterValue.NoPermission", "Message": "not yours"}
    bodies["AppGetFamilyList"] = {
        "code": -1000,
        "msg": "not yours",
        "data": {"Error": error, "RequestId": "cloud-req-9"},
    }
    with pytest.raises(errors.NoPermission) as caught:
        await iot.list_families(TOKEN)
    assert (caught.value.request_id, caught.value.message) == ("cloud-req-9", "not yours")


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"Data": {"Token": TOKEN}, "RequestId": "r"}, id="no envelope"),
        pytest.param({"code": 0, "msg": "", "data": [TOKEN]}, id="data is a list"),
        pytest.param({"Response": "ok"}, id="Response is text"),
        pytest.param([TOKEN], id="not an object"),
    ],
)
async def test_an_unreadable_reply_is_an_error_logged_by_shape(
    cloud: tuple[Bodies, IotClient], body: Any, caplog: pytest.LogCaptureFixture
) -> None:
    bodies, iot = cloud
    bodies["AppGetToken"] = body
    with (
        caplog.at_level(logging.ERROR, logger="bot.iot.client"),
        pytest.raises(errors.UnreadableReply),
    ):
        await iot.login_email("ann@example.com", "pw-123456")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "AppGetToken: unreadable reply" in logged
    assert TOKEN not in logged  # the shape shows keys and types, never a value


async def test_a_sign_in_without_a_token_is_an_error(cloud: tuple[Bodies, IotClient]) -> None:
    bodies, iot = cloud
    bodies["AppGetToken"] = {"code": 0, "msg": "", "data": {}}
    with pytest.raises(errors.UnreadableReply):
        await iot.login_email("ann@example.com", "pw-123456")
    bodies["AppGetTokenByWeiXin"] = {"code": 0, "msg": "", "data": {"RequestId": "r"}}
    with pytest.raises(errors.UnreadableReply):
        await iot.login_third_party("tg-1", "Ann")


async def test_an_unreadable_reply_is_not_retried(cloud: tuple[Bodies, IotClient]) -> None:
    bodies, iot = cloud
    bodies["AppGetFamilyList"] = {"unexpected": True}
    with pytest.raises(errors.UnreadableReply):
        await iot.list_families(TOKEN)  # a read: transient failures would be tried again
    assert bodies["_calls"] == ["AppGetFamilyList"]


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param(lambda f: {"Data": f}, id="in Data (the example, Android)"),
        pytest.param(lambda f: f, id="flat (the reference's table)"),
    ],
)
async def test_describe_family_in_either_form(cloud: tuple[Bodies, IotClient], fields: Any) -> None:
    bodies, iot = cloud
    family = {
        "FamilyId": "f_8c1e",
        "FamilyName": "我的家",
        "Address": "深圳",
        "CreateTime": 1570786578,
        "UpdateTime": 1570790807,
    }
    bodies["AppDescribeFamily"] = {
        "code": 0,
        "msg": "",
        "data": {"RequestId": "r", **fields(family)},
    }
    detail = await iot.describe_family(TOKEN, "f_8c1e")
    assert (detail.name, detail.address, detail.created) == ("我的家", "深圳", 1570786578)
