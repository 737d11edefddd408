"""Dataclasses for the message center: device alerts, family news, invitations."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from bot.iot.models._fields import flag, integer, mapping, records, text

__all__ = ["Message", "MessageCategory", "MessageCursor", "MessagePage", "MessageType"]


class MessageCategory(IntEnum):
    """The three tabs of the message center (AppGetMessages ``Category``)."""

    DEVICE = 1
    FAMILY = 2
    NOTICE = 3


class MessageType(IntEnum):
    """Known ``MsgType`` values (the cloud may send others; Message keeps the plain int)."""

    DEVICE_ALERT = 101
    MEMBER_ADDED = 200
    MEMBER_REMOVED = 201
    COMMUNITY_MEMBER_ADDED = 202
    COMMUNITY_MEMBER_REMOVED = 203
    FAMILY_INVITE = 204
    DEVICE_SHARE_RESULT = 300
    DEVICE_SHARE_INVITE = 301


@dataclass(frozen=True)
class Message:
    """One message in a user's message center."""

    msg_id: str
    category: int
    msg_type: int
    title: str
    content: str
    timestamp: int  # Unix milliseconds
    user_id: str = ""
    from_user_id: str = ""
    product_id: str = ""
    device_name: str = ""
    device_alias: str = ""
    family_id: str = ""
    family_name: str = ""
    relate_user_id: str = ""
    created_at: str = ""  # RFC 3339, as the cloud wrote it
    share_token: str = field(default="", repr=False)  # from Attachments, to accept an invite

    @property
    def device_id(self) -> str:
        return f"{self.product_id}/{self.device_name}" if self.product_id else ""

    @property
    def is_invitation(self) -> bool:
        """A family or device invitation that can be accepted with its share token."""
        invites = (MessageType.FAMILY_INVITE, MessageType.DEVICE_SHARE_INVITE)
        return self.msg_type in invites and bool(self.share_token)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Message:
        # The Msgs table spells ids "MsgId", "UserId"; the example and the vendor's clients "MsgID".
        attachments = mapping(data, "Attachments")
        return cls(
            msg_id=text(data, "MsgID", "MsgId"),
            category=integer(data, "Category"),
            msg_type=integer(data, "MsgType"),
            title=text(data, "MsgTitle"),
            content=text(data, "MsgContent"),
            timestamp=integer(data, "MsgTimestamp", "MsgTimeStamp"),
            user_id=text(data, "UserID", "UserId"),
            from_user_id=text(data, "FromUserID", "FromUserId"),
            product_id=text(data, "ProductId"),
            device_name=text(data, "DeviceName"),
            device_alias=text(data, "DeviceAlias"),
            family_id=text(data, "FamilyId"),
            family_name=text(data, "FamilyName"),
            relate_user_id=text(data, "RelateUserID", "RelateUserId"),
            created_at=text(data, "CreateAt"),
            share_token=text(attachments, "ShareToken"),
        )


@dataclass(frozen=True)
class MessageCursor:
    """Where the next page starts: the last message seen (AppGetMessages MsgID + MsgTimestamp)."""

    msg_id: str
    timestamp: int


@dataclass(frozen=True)
class MessagePage:
    """Messages newest first, the cursor for the next page, and whether there is one."""

    messages: tuple[Message, ...]
    has_more: bool

    @property
    def cursor(self) -> MessageCursor | None:
        """Pass to the next ``get_messages`` call; None when this page is empty."""
        if not self.messages:
            return None
        last = self.messages[-1]
        return MessageCursor(last.msg_id, last.timestamp)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MessagePage:
        messages = tuple(Message.from_dict(m) for m in records(data, "Msgs"))
        # Listover is true once the list is exhausted (the example: 4 messages for Limit 5).
        listover = flag(data, "Listover", "ListOver", default=True)
        return cls(messages, has_more=not listover and bool(messages))
