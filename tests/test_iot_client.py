"""The client's one request path: reply shapes, error mapping, timeouts and the retry policy."""

from __future__ import annotations

import pytest

from bot.iot import errors
from bot.iot.client import IotClient
from bot.iot.endpoints import Endpoints
from bot.iot.replies import ReplyShapeError, data_of, unwrap
from bot.sandbox.server import Sandbox


def test_reply_shapes_are_normalized_in_one_place() -> None:
    wrapped = {"Response": {"Data": {"Token": "t"}, "RequestId": "r"}}
    flat = {"code": 0, "msg": "", "data": {"Total": 2, "DeviceList": [], "RequestId": "r"}}
    json_text = {"Response": {"Data": '{"power_switch": {"Value": 1}}', "RequestId": "r"}}
    listed = {"Response": {"Data": [{"a": 1}], "RequestId": "r"}}
    assert data_of(unwrap(wrapped)) == {"Token": "t"}
    assert data_of(unwrap(flat))["Total"] == 2
    assert data_of(unwrap(json_text)) == {"power_switch": {"Value": 1}}
    assert unwrap(listed)["Data"] == [{"a": 1}]
    assert unwrap({"Response": {"Data": "{not json", "RequestId": "r"}})["Data"] == "{not json"
    with pytest.raises(ReplyShapeError):
        unwrap(["not", "an", "object"])
    with pytest.raises(ReplyShapeError):
        unwrap({"Total": 2, "DeviceList": []})  # no envelope at all: not a reply of the cloud


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        ("InvalidParameterValue.InvalidAccessToken", errors.InvalidToken),
        ("AuthFailure.InvalidAccessToken", errors.InvalidToken),  # anywhere in the code
        ("VERIFY_LOGIN_FAIL", errors.InvalidToken),
        ("InvalidParameterValue.NoPermission", errors.NoPermission),
        ("UnauthorizedOperation.NoPermissionToFamily", errors.NoPermission),
        ("ResourceNotFound.DeviceNotExist", errors.NotFound),
        ("LimitExceeded.FamilyDeviceExceedLimit", errors.LimitExceeded),
        ("UnsupportedOperation.SceneRunInProgress", errors.UnsupportedOperation),
        ("InternalError.InternalServerExceptionDB", errors.InternalError),
        ("FailedOperation.DeviceOffline", errors.OperationFailed),
        ("InvalidParameterValue", errors.InvalidParameter),
        ("SomethingNew.Entirely", errors.ApiError),
    ],
)
def test_error_codes_map_to_classes(code: str, cls: type[errors.ApiError]) -> None:
    assert errors.error_class(code) is cls


async def test_unknown_action_missing_param_and_error_fields(
    client: IotClient, owner_token: str
) -> None:
    with pytest.raises(errors.UnsupportedOperation) as caught:
        await client.call("AppNoSuchAction", token=owner_token)
    assert caught.value.code == "InvalidAction"
    assert caught.value.action == "AppNoSuchAction" and len(caught.value.request_id) == 32
    with pytest.raises(errors.InvalidParameter) as missing:
        await client.call("AppGetTokenByWeiXin", {"NickName": "Ann"})
    assert missing.value.code == "ErrorRequiredParamNotFound"


async def test_stale_timestamp_refused(sandbox: Sandbox, client: IotClient) -> None:
    real_clock = sandbox.state.clock
    sandbox.state.clock = lambda: real_clock() + 3600  # the cloud's clock is an hour ahead
    with pytest.raises(errors.AuthFailure) as caught:
        await client.login_third_party("tg-1", "Ann")
    assert caught.value.code == "AuthFailure.SignatureExpire"


async def test_reads_retry_transient_failures(
    sandbox: Sandbox, client: IotClient, owner_token: str
) -> None:
    sandbox.control.inject(action="AppGetUser", http_status=502, count=1)
    sandbox.control.inject(action="AppGetUser", error_code="InternalError", count=1)
    user = await client.get_user(owner_token)
    assert user.nickname == "Alex"
    assert [code for action, code in sandbox.server.requests if action == "AppGetUser"] == [
        "HTTP 502",
        "InternalError",
        "",
    ]


async def test_reads_give_up_after_the_cap(
    sandbox: Sandbox, client: IotClient, owner_token: str
) -> None:
    sandbox.control.inject(action="AppGetUser", error_code="InternalError")
    with pytest.raises(errors.InternalError):
        await client.get_user(owner_token)
    assert [a for a, _ in sandbox.server.requests].count("AppGetUser") == client.read_attempts


async def test_writes_are_never_sent_twice(
    sandbox: Sandbox, client: IotClient, owner_token: str
) -> None:
    sandbox.control.inject(action="AppLogoutUser", http_status=503, count=1)
    with pytest.raises(errors.TransportError):
        await client.logout(owner_token)
    assert [a for a, _ in sandbox.server.requests].count("AppLogoutUser") == 1


async def test_timeout_is_a_request_timeout(sandbox: Sandbox, owner_token: str) -> None:
    endpoints = Endpoints.custom(sandbox.api_url, sandbox.ws_url)
    sandbox.control.inject(action="AppLogoutUser", latency=0.5, count=1)
    async with IotClient(
        endpoints, sandbox.state.app_key, sandbox.state.app_secret, timeout=0.1
    ) as quick:
        with pytest.raises(errors.RequestTimeout) as caught:
            await quick.logout(owner_token)
    assert caught.value.action == "AppLogoutUser"


async def test_unreachable_cloud_is_a_transport_error() -> None:
    endpoints = Endpoints.custom("http://127.0.0.1:9/api/exploreropen", "ws://127.0.0.1:9/ws")
    async with IotClient(endpoints, "key", "secret", timeout=1.0, retry_delay=0.01) as iot:
        with pytest.raises(errors.TransportError) as caught:
            await iot.login_third_party("tg-1", "Ann")
    assert "cannot reach" in str(caught.value)


def test_region_presets() -> None:
    cn = Endpoints.for_region("cn")
    assert cn.app_api == "https://iot.cloud.tencent.com/api/exploreropen/appapi"
    assert cn.token_api == "https://iot.cloud.tencent.com/api/exploreropen/tokenapi"
    assert cn.websocket == "wss://iot.cloud.tencent.com/iotstudio_v2_weapp_1"
    assert Endpoints.for_region("overseas").app_api.startswith(
        "https://oversea.iotcloud.tencentiotcloud.com/"
    )
    with pytest.raises(ValueError):
        Endpoints.for_region("mars")


def test_secret_not_in_repr() -> None:
    iot = IotClient(Endpoints.for_region("cn"), "key", "very-secret-value")
    assert "very-secret-value" not in repr(iot) and "very-secret-value" not in str(vars(iot).keys())
