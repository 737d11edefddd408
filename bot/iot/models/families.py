"""Dataclasses for families, their rooms and members, and family invitations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.iot.models._fields import integer, records, text

__all__ = [
    "Family",
    "FamilyDetail",
    "FamilyPage",
    "InviteToken",
    "Member",
    "MemberPage",
    "Room",
    "RoomPage",
]

ROLE_MEMBER = 0
ROLE_OWNER = 1  # the cloud calls it 管理员 (admin): it created the family and alone may manage it


@dataclass(frozen=True)
class Family:
    """A family (home) as the family list shows it, with the caller's role in it."""

    family_id: str
    name: str
    role: int = ROLE_MEMBER
    address: str = ""  # AppGetFamilyList does not send it; AppDescribeFamily does
    created: int = 0  # Unix seconds
    updated: int = 0

    @property
    def is_owner(self) -> bool:
        return self.role == ROLE_OWNER

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Family:
        return cls(
            family_id=text(data, "FamilyId"),
            # The reference's FamilyList says Name; the vendor's apps read FamilyName.
            name=text(data, "FamilyName", "Name"),
            role=integer(data, "Role", default=ROLE_MEMBER),
            address=text(data, "Address"),
            created=integer(data, "CreateTime"),
            updated=integer(data, "UpdateTime"),
        )


@dataclass(frozen=True)
class FamilyDetail:
    """AppDescribeFamily: a family's name, address and times."""

    family_id: str
    name: str
    address: str = ""
    created: int = 0
    updated: int = 0

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FamilyDetail:
        return cls(
            family_id=text(data, "FamilyId"),
            name=text(data, "FamilyName", "Name"),
            address=text(data, "Address"),
            created=integer(data, "CreateTime"),
            updated=integer(data, "UpdateTime"),
        )


@dataclass(frozen=True)
class FamilyPage:
    """One page of AppGetFamilyList and the total across all pages."""

    families: tuple[Family, ...]
    total: int

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FamilyPage:
        families = tuple(Family.from_dict(item) for item in records(data, "FamilyList"))
        return cls(families, integer(data, "Total", default=len(families)))


@dataclass(frozen=True)
class Room:
    """A room of a family and how many devices are in it."""

    room_id: str
    name: str
    device_count: int = 0
    created: int = 0
    updated: int = 0

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Room:
        return cls(
            room_id=text(data, "RoomId"),
            name=text(data, "RoomName", "Name"),
            device_count=integer(data, "DeviceNum"),
            created=integer(data, "CreateTime"),
            updated=integer(data, "UpdateTime"),
        )


@dataclass(frozen=True)
class RoomPage:
    """One page of AppGetRoomList and the total across all pages."""

    rooms: tuple[Room, ...]
    total: int

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RoomPage:
        # The vendor's Android app reads "Roomlist", the reference says "RoomList".
        rooms = tuple(Room.from_dict(item) for item in records(data, "RoomList", "Roomlist"))
        return cls(rooms, integer(data, "Total", default=len(rooms)))


@dataclass(frozen=True)
class Member:
    """A member of a family."""

    user_id: str
    nickname: str
    avatar: str = ""
    role: int = ROLE_MEMBER
    joined_at: int = 0  # Unix seconds; the reference's MemberList has no such field, so often 0

    @property
    def is_owner(self) -> bool:
        return self.role == ROLE_OWNER

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Member:
        return cls(
            # The reference's table says UserId; its example and the vendor's apps say UserID.
            user_id=text(data, "UserID", "UserId"),
            nickname=text(data, "NickName"),
            avatar=text(data, "Avatar"),
            role=integer(data, "Role", default=ROLE_MEMBER),
            joined_at=integer(data, "JoinTime", "CreateTime"),
        )


@dataclass(frozen=True)
class MemberPage:
    """One page of AppGetFamilyMemberList and the total across all pages."""

    members: tuple[Member, ...]
    total: int

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MemberPage:
        members = tuple(Member.from_dict(item) for item in records(data, "MemberList"))
        return cls(members, integer(data, "Total", default=len(members)))


@dataclass(frozen=True)
class InviteToken:
    """A ShareToken that lets whoever holds it join a family (AppJoinFamily)."""

    share_token: str = field(repr=False)  # a bearer credential: whoever has it may join
    family_id: str = ""
    expire_at: int = 0  # Unix seconds; 0 when the cloud does not say (AppInviteMember does not)

    @classmethod
    def from_dict(cls, data: dict[str, Any], family_id: str = "") -> InviteToken:
        return cls(
            share_token=text(data, "ShareToken"),
            family_id=text(data, "FamilyId", default=family_id),
            expire_at=integer(data, "ExpireAt", "ExpireTime"),
        )
