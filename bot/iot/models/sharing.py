"""Dataclasses for sharing one device with a user outside its family."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.iot.models._fields import integer, mapping, records, text

__all__ = [
    "ShareToken",
    "ShareTokenInfo",
    "ShareUser",
    "ShareUserPage",
    "SharedDevice",
    "SharedDevicePage",
]


def _unix_seconds(value: str) -> int:
    """An RFC 3339 time as Unix seconds (0 when absent or unreadable)."""
    if not value:
        return 0
    try:
        return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())
    except ValueError:
        return 0


def _device_id(data: dict[str, Any]) -> str:
    explicit = text(data, "DeviceId")
    if explicit:
        return explicit
    product, name = text(data, "ProductId"), text(data, "DeviceName")
    return f"{product}/{name}" if product and name else ""


@dataclass(frozen=True)
class ShareToken:
    """A single-use token that lets someone else bind one device (AppCreateShareDeviceToken).

    The cloud's reply carries no expiry; ``expire_at`` is 0 then, and
    :class:`ShareTokenInfo` has the real one.
    """

    token: str = field(repr=False)
    expire_at: int = 0

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ShareToken:
        return cls(text(data, "ShareDeviceToken", "ShareToken"), integer(data, "ExpireTime"))


@dataclass(frozen=True)
class ShareTokenInfo:
    """What a share token offers: which device, from whom, until when, and who took it."""

    device_id: str
    product_id: str
    device_name: str
    alias: str
    icon_url: str
    from_user_id: str
    from_nickname: str
    expire_at: int
    created_at: int
    user_id: str = ""  # the recipient, once the token was bound
    user_nickname: str = ""
    bind_time: int = 0
    context: str = ""

    @property
    def accepted(self) -> bool:
        """The recipient has bound the device (the cloud fills UserId only then)."""
        return bool(self.user_id)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ShareTokenInfo:
        # The parameter table names the object ShareDeviceTokenInfo, its example ShareDeviceInfo;
        # AliasName and IconUrl may also sit beside it.
        info = mapping(data, "ShareDeviceTokenInfo", "ShareDeviceInfo") or data
        return cls(
            device_id=_device_id(info),
            product_id=text(info, "ProductId"),
            device_name=text(info, "DeviceName"),
            alias=text(info, "AliasName") or text(data, "AliasName"),
            icon_url=text(info, "IconUrl") or text(data, "IconUrl"),
            from_user_id=text(info, "FromUserID", "FromUserId"),
            from_nickname=text(info, "FromUserNick"),
            expire_at=integer(info, "ExpireTime"),
            created_at=integer(info, "CreateTime"),
            user_id=text(info, "UserID", "UserId"),
            user_nickname=text(info, "UserNick"),
            bind_time=integer(info, "BindTime"),
            context=text(info, "Context", "TokenContent", "TokenContext"),
        )


@dataclass(frozen=True)
class SharedDevice:
    """A device someone shared with me (AppListUserShareDevices)."""

    device_id: str
    product_id: str
    device_name: str
    alias: str
    icon_url: str = ""
    from_user_id: str = ""
    created_at: int = 0  # the device's creation time, Unix seconds

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SharedDevice:
        return cls(
            device_id=_device_id(data),
            product_id=text(data, "ProductId"),
            device_name=text(data, "DeviceName"),
            alias=text(data, "AliasName"),
            icon_url=text(data, "IconUrl"),
            from_user_id=text(data, "FromUserID", "FromUserId"),
            created_at=_unix_seconds(text(data, "CreateTime")),
        )


@dataclass(frozen=True)
class SharedDevicePage:
    """One page of the devices shared with me, and how many there are in all."""

    devices: tuple[SharedDevice, ...]
    total: int

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SharedDevicePage:
        devices = tuple(SharedDevice.from_dict(d) for d in records(data, "ShareDevices"))
        return cls(devices, integer(data, "Total", default=len(devices)))


@dataclass(frozen=True)
class ShareUser:
    """A user outside the family who was given one of my devices (AppListShareDeviceUsers)."""

    user_id: str
    nickname: str
    avatar: str = ""
    country_code: str = ""
    phone: str = ""  # masked by the cloud
    bind_time: int = 0

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ShareUser:
        return cls(
            user_id=text(data, "UserID", "UserId"),
            nickname=text(data, "NickName"),
            avatar=text(data, "Avatar"),
            country_code=text(data, "CountryCode"),
            phone=text(data, "PhoneNumber"),
            bind_time=integer(data, "BindTime"),
        )


@dataclass(frozen=True)
class ShareUserPage:
    """One page of the users a device is shared with, and how many there are in all."""

    users: tuple[ShareUser, ...]
    total: int

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ShareUserPage:
        users = tuple(ShareUser.from_dict(u) for u in records(data, "Users"))
        return cls(users, integer(data, "Total", default=len(users)))
