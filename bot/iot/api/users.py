"""Typed app-API methods: signing in and out, and who is signed in."""

from __future__ import annotations

from typing import Any

from bot.iot import errors
from bot.iot.api.base import ApiMixin
from bot.iot.models.users import LoginToken, UserInfo
from bot.iot.replies import data_of


def _login(action: str, reply: dict[str, Any]) -> LoginToken:
    """The token of a sign-in reply; one without a token is an error, never an empty login."""
    login = LoginToken.from_dict(data_of(reply))
    if not login.token:
        raise errors.UnreadableReply(
            f"{action}: the reply carries no Token",
            action=action,
            request_id=str(reply.get("RequestId") or ""),
        )
    return login


class UsersApi(ApiMixin):
    """Sign-in (appapi, signed) and the user's own account (tokenapi)."""

    async def login_phone(self, country_code: str, phone: str, password: str) -> LoginToken:
        """AppGetToken with a phone number and password (from the vendor's clients)."""
        params = {
            "Type": "phone",
            "CountryCode": country_code,
            "PhoneNumber": phone,
            "Password": password,
        }
        return _login("AppGetToken", await self.call("AppGetToken", params))

    async def login_email(self, email: str, password: str) -> LoginToken:
        """AppGetToken with an email address and password."""
        params = {"Type": "email", "Email": email, "Password": password}
        return _login("AppGetToken", await self.call("AppGetToken", params))

    async def login_third_party(self, open_id: str, nickname: str, avatar: str = "") -> LoginToken:
        """AppGetTokenByWeiXin: a third-party id signs in, and is registered on first use."""
        params = {"WxOpenID": open_id, "NickName": nickname, "Avatar": avatar}
        return _login("AppGetTokenByWeiXin", await self.call("AppGetTokenByWeiXin", params))

    async def logout(self, token: str) -> None:
        """AppLogoutUser: the token stops working."""
        await self.call("AppLogoutUser", token=token)

    async def get_user(self, token: str) -> UserInfo:
        """AppGetUser (vendor clients): the signed-in user's id, nickname and contacts."""
        return UserInfo.from_dict(data_of(await self.call("AppGetUser", token=token, read=True)))
