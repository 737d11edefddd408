"""Dataclasses for signing in and the signed-in user."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.iot.models._fields import integer, text

__all__ = ["LoginToken", "UserInfo"]


@dataclass(frozen=True)
class LoginToken:
    """An AccessToken and when it stops working (Unix seconds)."""

    token: str = field(repr=False)
    expire_at: int

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LoginToken:
        return cls(text(data, "Token", "AccessToken"), integer(data, "ExpireAt"))


@dataclass(frozen=True)
class UserInfo:
    """The signed-in IoT Explorer user."""

    user_id: str
    nickname: str
    avatar: str = ""
    phone: str = ""
    email: str = ""
    country_code: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> UserInfo:
        return cls(
            user_id=text(data, "UserID", "UserId"),
            nickname=text(data, "NickName"),
            avatar=text(data, "Avatar"),
            phone=text(data, "PhoneNumber"),
            email=text(data, "Email"),
            country_code=text(data, "CountryCode"),
        )
