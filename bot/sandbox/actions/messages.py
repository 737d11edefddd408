"""Sandbox actions: the message center, and the one way any area writes a message."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bot.sandbox.registry import Call, CloudError, action
from bot.sandbox.state import Message, PushEvent, SandboxState

if TYPE_CHECKING:
    from bot.sandbox.demo import DemoHome
    from bot.sandbox.server import Sandbox

CATEGORY_DEVICE, CATEGORY_FAMILY, CATEGORY_NOTICE = 1, 2, 3
TYPE_DEVICE_ALERT = 101
TYPE_MEMBER_ADDED = 200
TYPE_FAMILY_INVITE = 204
TYPE_SHARE_RESULT = 300
TYPE_SHARE_INVITE = 301
MAX_LIMIT = 100  # AppGetMessages: Limit "最大不超过100"
ALERT_EVENT_TYPES = ("alert", "fault")  # event types that land in the message center


def _new_msg_id(state: SandboxState, timestamp_ms: int) -> str:
    """A numeric id that grows with time, like the cloud's ("65167410520395776")."""
    while True:
        msg_id = str((timestamp_ms << 16) | secrets.randbelow(1 << 16))
        if msg_id not in state.messages:
            return msg_id


def post_message(
    state: SandboxState,
    user_id: str,
    category: int,
    msg_type: int,
    title: str,
    content: str,
    *,
    device_id: str = "",
    family_id: str = "",
    from_user_id: str = "",
    relate_user_id: str = "",
    attachments: dict[str, Any] | None = None,
    timestamp_ms: int | None = None,
) -> Message:
    """Put a message in ``user_id``'s message center; names are kept as they are now."""
    stamp = state.now_ms() if timestamp_ms is None else timestamp_ms
    device = state.devices.get(device_id)
    family = state.families.get(family_id)
    message = Message(
        msg_id=_new_msg_id(state, stamp),
        user_id=user_id,
        category=category,
        msg_type=msg_type,
        title=title,
        content=content,
        timestamp=stamp,
        device_id=device_id,
        family_id=family_id,
        from_user_id=from_user_id,
        attachments=dict(attachments or {}),
        relate_user_id=relate_user_id,
        device_alias=device.alias if device else "",
        family_name=family.name if family else "",
    )
    state.messages[message.msg_id] = message
    return message


def _created_at(timestamp_ms: int) -> str:
    moment = datetime.fromtimestamp(timestamp_ms / 1000, tz=UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def render(state: SandboxState, message: Message) -> dict[str, Any]:
    """One entry of ``Msgs``.

    The Msgs table spells the ids MsgId/UserId/FromUserId/RelateUserId; the reference's example
    and the vendor's Android and iOS clients use MsgID/UserID/FromUserID/RelateUserID, which we
    follow.
    """
    product_id, _, device_name = message.device_id.partition("/")
    device = state.devices.get(message.device_id)
    family = state.families.get(message.family_id)
    return {
        "UserID": message.user_id,
        "FromUserID": message.from_user_id,
        "MsgID": message.msg_id,
        "Category": message.category,
        "MsgType": message.msg_type,
        "MsgTitle": message.title,
        "MsgContent": message.content,
        "MsgTimestamp": message.timestamp,
        "ProductId": product_id,
        "DeviceName": device_name,
        "DeviceAlias": message.device_alias or (device.alias if device else ""),
        "FamilyId": message.family_id,
        "FamilyName": message.family_name or (family.name if family else ""),
        "RelateUserID": message.relate_user_id,
        "CreateAt": _created_at(message.timestamp),
        "Attachments": dict(message.attachments),
    }


def _order(message: Message) -> tuple[int, str]:
    return (message.timestamp, message.msg_id.rjust(24, "0"))


@action("AppGetMessages")
async def get_messages(call: Call) -> dict[str, Any]:
    """A page of one category, newest first, continuing after the (MsgID, MsgTimestamp) given."""
    category = call.get("Category", int)
    if category not in (CATEGORY_DEVICE, CATEGORY_FAMILY, CATEGORY_NOTICE):
        raise CloudError("InvalidParameterValue", "Category must be 1, 2 or 3")
    limit = call.get("Limit", int)
    if not 1 <= limit <= MAX_LIMIT:
        raise CloudError("InvalidParameterValue", f"Limit must be 1 to {MAX_LIMIT}")
    after_id = str(call.params.get("MsgID") or "")
    # The table says MsgTimeStamp; the example and the vendor's clients send MsgTimestamp.
    after_ms = call.get("MsgTimestamp", int, 0) or call.get("MsgTimeStamp", int, 0)
    mine = sorted(
        (
            m
            for m in call.state.messages.values()
            if m.user_id == call.me.user_id and m.category == category
        ),
        key=_order,
        reverse=True,
    )
    if after_id or after_ms:
        anchor = call.state.messages.get(after_id)
        if anchor is not None and anchor.user_id == call.me.user_id:
            cursor = _order(anchor)
        else:  # the anchor was deleted meanwhile: everything older than its timestamp
            cursor = (after_ms, "")
        mine = [m for m in mine if _order(m) < cursor]
    page = mine[:limit]
    return {
        "Data": {
            "Listover": len(mine) <= limit,
            "Msgs": [render(call.state, m) for m in page],
        }
    }


@action("AppDeleteMessage")
async def delete_message(call: Call) -> dict[str, Any]:
    """Delete one of the caller's messages; anything else is an invalid MsgID."""
    msg_id = call.get("MsgID", (str, int))
    message = call.state.messages.get(str(msg_id))
    if message is None or message.user_id != call.me.user_id:
        raise CloudError("InvalidParameterValue.MsgIDInvalid", "no such message")
    del call.state.messages[message.msg_id]
    return {"Data": "OK"}


def alert_listener(state: SandboxState) -> Callable[[PushEvent], None]:
    """A push listener that files alert and fault events as device messages for all who see it."""

    def on_push(event: PushEvent) -> None:
        if event.type != "Event":
            return
        device = state.devices.get(event.device_id)
        if device is None:
            return
        event_id = str(event.payload.get("eventId", ""))
        if state.event_type(device.product_id, event_id) not in ALERT_EVENT_TYPES:
            return
        name = _event_name(state, device.product_id, event_id)
        family = state.families.get(device.family_id)
        recipients = set(family.members) if family else set()
        recipients |= {g.user_id for g in state.shares.values() if g.device_id == device.device_id}
        for user_id in sorted(recipients):
            post_message(
                state,
                user_id,
                CATEGORY_DEVICE,
                TYPE_DEVICE_ALERT,
                "Device alert",
                f"{device.alias}: {name}",
                device_id=device.device_id,
                timestamp_ms=event.time_ms,
            )

    return on_push


def _event_name(state: SandboxState, product_id: str, event_id: str) -> str:
    product = state.products.get(product_id)
    for spec in product.data_template.get("events", []) if product else []:
        if spec.get("id") == event_id:
            return str(spec.get("name") or event_id)
    return event_id


async def background(sandbox: Sandbox) -> None:
    """While the sandbox runs, device alerts reach the message center."""
    unsubscribe = sandbox.state.subscribe(alert_listener(sandbox.state))
    try:
        await asyncio.Event().wait()
    finally:
        unsubscribe()


def seed_demo(state: SandboxState, home: DemoHome) -> None:
    """A low-battery alert and a family notice in the owner's message center."""
    now_ms = state.now_ms()
    alert = post_message(
        state,
        home.owner.user_id,
        CATEGORY_DEVICE,
        TYPE_DEVICE_ALERT,
        "Device alert",
        "Bedroom sensor: Low battery",
        device_id=home.devices["sensor"],
        timestamp_ms=now_ms - 2 * 3600 * 1000,
    )
    notice = post_message(
        state,
        home.owner.user_id,
        CATEGORY_FAMILY,
        TYPE_MEMBER_ADDED,
        "Member added",
        "Alex joined “My Home” as its admin.",
        family_id=home.family_id,
        from_user_id=home.owner.user_id,
        relate_user_id=home.owner.user_id,
        timestamp_ms=now_ms - 24 * 3600 * 1000,
    )
    home.extra["messages"] = {"alert": alert.msg_id, "family_notice": notice.msg_id}
