"""Signing in and out through the client, against the sandbox over loopback HTTP."""

from __future__ import annotations

import pytest

from bot.iot import errors
from bot.iot.client import IotClient
from bot.iot.endpoints import Endpoints
from bot.sandbox.demo import DemoHome
from bot.sandbox.server import Sandbox


async def test_login_email_and_phone(client: IotClient, demo: DemoHome) -> None:
    by_email = await client.login_email(demo.owner.email, demo.owner.password)
    by_phone = await client.login_phone("86", demo.owner.phone, demo.owner.password)
    assert by_email.token and by_phone.token and by_email.token != by_phone.token
    user = await client.get_user(by_phone.token)
    assert user.user_id == demo.owner.user_id and user.nickname == "Alex"
    assert "*" in user.phone  # the cloud masks the phone number


async def test_wrong_password_and_unknown_account(client: IotClient, demo: DemoHome) -> None:
    with pytest.raises(errors.InvalidParameter) as caught:
        await client.login_email(demo.owner.email, "not-the-password")
    assert caught.value.code == "InvalidParameterValue.PasswordError"
    assert caught.value.request_id
    with pytest.raises(errors.NotFound) as unknown:
        await client.login_phone("86", "10000000000", "whatever")
    assert unknown.value.code == "InvalidParameterValue.ErrorUserNotExists"


async def test_third_party_login_registers_once(client: IotClient) -> None:
    first = await client.login_third_party("tg-42", "Ann")
    again = await client.login_third_party("tg-42", "Ann")
    assert (await client.get_user(first.token)).user_id == (
        await client.get_user(again.token)
    ).user_id
    with pytest.raises(errors.InvalidParameter) as caught:
        await client.login_third_party("tg-43", "")
    # An empty value is not sent at all (bot/iot/signing.py), so the nickname is missing.
    assert caught.value.code == "ErrorRequiredParamNotFound"
    with pytest.raises(errors.InvalidParameter) as too_long:
        await client.login_third_party("tg-43", "N" * 300)
    assert too_long.value.code == "InvalidParameterValue.NickNameLengthInvalid"


async def test_logout_invalidates_token(client: IotClient, owner_token: str) -> None:
    await client.logout(owner_token)
    with pytest.raises(errors.InvalidToken):
        await client.get_user(owner_token)


async def test_expired_token_is_invalid_token(
    client: IotClient, sandbox: Sandbox, owner_token: str
) -> None:
    assert sandbox.control.expire_tokens(token=owner_token) == 1
    with pytest.raises(errors.InvalidToken) as caught:
        await client.get_user(owner_token)
    assert caught.value.code == "InvalidParameterValue.InvalidAccessToken"


async def test_bad_app_secret_is_auth_failure(sandbox: Sandbox, demo: DemoHome) -> None:
    endpoints = Endpoints.custom(sandbox.api_url, sandbox.ws_url)
    async with IotClient(endpoints, sandbox.state.app_key, "wrong-secret") as bad:
        with pytest.raises(errors.AuthFailure) as caught:
            await bad.login_email(demo.owner.email, demo.owner.password)
    assert caught.value.code == "AuthFailure.SignatureFailure"
    assert "wrong-secret" not in str(caught.value)
