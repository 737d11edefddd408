"""Sandbox actions: signing in (appapi, signed) and the signed-in user (tokenapi)."""

from __future__ import annotations

import re
from typing import Any

from bot.sandbox.demo import add_user
from bot.sandbox.registry import Call, CloudError, action
from bot.sandbox.state import User

_NICKNAME_MAX = 64


def _token_reply(call: Call, user: User) -> dict[str, Any]:
    token = call.state.issue_token(user.user_id)
    return {"Data": {"Token": token.token, "ExpireAt": token.expire_at}}


@action("AppGetToken", api="app")
async def get_token(call: Call) -> dict[str, Any]:
    """Password sign-in with a phone number or an email address (as the vendor's apps do)."""
    kind = call.get("Type")
    password = call.get("Password")
    if kind == "phone":
        country, phone = call.get("CountryCode"), call.get("PhoneNumber")
        user = next(
            (
                u
                for u in call.state.users.values()
                if u.country_code == country and u.phone == phone
            ),
            None,
        )
    elif kind == "email":
        email = call.get("Email").strip().lower()
        user = next((u for u in call.state.users.values() if u.email.lower() == email), None)
    else:
        raise CloudError("InvalidParameterValue", "Type must be phone or email")
    if user is None:
        raise CloudError("InvalidParameterValue.ErrorUserNotExists", "account does not exist")
    if not user.check_password(password):
        raise CloudError("InvalidParameterValue.PasswordError", "wrong password")
    return _token_reply(call, user)


@action("AppGetTokenByWeiXin", api="app")
async def get_token_by_third_party(call: Call) -> dict[str, Any]:
    """Third-party sign-in; the first call registers the account."""
    open_id = call.get("WxOpenID")
    nickname = call.get("NickName")
    avatar = call.get("Avatar", str, "")
    if not open_id.strip():
        raise CloudError("InvalidParameterValue", "WxOpenID is empty")
    if not 1 <= len(nickname) <= _NICKNAME_MAX:
        raise CloudError("InvalidParameterValue.NickNameLengthInvalid", "nickname length invalid")
    user = next((u for u in call.state.users.values() if u.wx_open_id == open_id), None)
    if user is None:
        user = add_user(call.state, nickname, wx_open_id=open_id)
        user.avatar = avatar
    return _token_reply(call, user)


@action("AppLogoutUser")
async def logout(call: Call) -> dict[str, Any]:
    """The caller's token stops working."""
    call.state.tokens[call.get("AccessToken")].revoked = True
    return {}


@action("AppGetUser")
async def get_user(call: Call) -> dict[str, Any]:
    """The signed-in user's account (vendor clients call this after signing in)."""
    user = call.me
    masked = re.sub(r"(?<=\d{3})\d(?=\d{2})", "*", user.phone) if user.phone else ""
    return {
        "Data": {
            "UserID": user.user_id,
            "NickName": user.nickname,
            "Avatar": user.avatar,
            "CountryCode": user.country_code,
            "PhoneNumber": masked,
            "Email": user.email,
        }
    }
