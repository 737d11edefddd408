"""Sandbox actions: sharing one device with a user outside its family.

A member of the device's family creates a share token (or sends it to one user's message
center); the recipient binds it once, before it expires, and from then on sees and controls the
device through ``state.shares`` until either side ends the share.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bot.sandbox.actions import messages
from bot.sandbox.registry import Call, CloudError, action
from bot.sandbox.state import Device, SandboxState, ShareDeviceToken, ShareGrant, User

if TYPE_CHECKING:
    from bot.sandbox.demo import DemoHome

# The reference's example shows a 7-day token, a real reply quoted in the vendor's iOS app a
# 1-day one; we follow the real reply.
SHARE_TOKEN_LIFETIME = 24 * 3600
MAX_USERS_PER_DEVICE = 10  # DeviceShareExceededLimit beyond this
MAX_SHARED_DEVICES_PER_USER = 50  # UserBindExceedLimit beyond this
MAX_OFFSET = 500  # AppList*: Offset "最大不超过500"
MAX_LIMIT = 100

_INVALID_TOKEN = "InvalidParameterValue.InvalidShareDeviceToken"
_NOT_BOUND = "InvalidParameterValue.AppDeviceNotExist"


def issue_share_token(
    state: SandboxState,
    device: Device,
    from_user_id: str,
    *,
    context: str = "",
    to_user_id: str = "",
) -> ShareDeviceToken:
    """A fresh single-use token for ``device``, valid for SHARE_TOKEN_LIFETIME seconds."""
    now = state.now()
    record = ShareDeviceToken(
        token=secrets.token_hex(16),
        device_id=device.device_id,
        from_user_id=from_user_id,
        family_id=device.family_id,
        expire_at=now + SHARE_TOKEN_LIFETIME,
        created=now,
        context=context,
        to_user_id=to_user_id,
    )
    state.share_tokens[record.token] = record
    return record


def invite_user(state: SandboxState, device: Device, sender: User, invitee: User) -> str:
    """Send ``invitee`` a share token through their message center; returns the message id."""
    record = issue_share_token(state, device, sender.user_id, to_user_id=invitee.user_id)
    message = messages.post_message(
        state,
        invitee.user_id,
        messages.CATEGORY_DEVICE,
        messages.TYPE_SHARE_INVITE,
        "Device share invitation",
        f"“{sender.nickname}” wants to share the device “{device.alias}” with you.",
        device_id=device.device_id,
        from_user_id=sender.user_id,
        relate_user_id=invitee.user_id,
        attachments={"ShareToken": record.token},
    )
    return message.msg_id


def _check_recipient(state: SandboxState, device: Device, user_id: str, sharer_id: str) -> None:
    """The errors AppBindUserShareDevice gives a user who cannot take this device."""
    if user_id == sharer_id or state.role_in(device.family_id, user_id) is not None:
        raise CloudError("InvalidParameterValue.CannotBindOwnDevice", "it is your own device")
    if (device.device_id, user_id) in state.shares:
        # Sic: the reference's table spells the code "DeviecBinded".
        raise CloudError("InvalidParameterValue.DeviecBinded", "device already bound to you")


def _live_token(state: SandboxState, token: str) -> tuple[ShareDeviceToken, Device]:
    record = state.share_tokens.get(token)
    device = state.devices.get(record.device_id) if record else None
    if record is None or device is None:
        raise CloudError(_INVALID_TOKEN, "share token invalid")
    return record, device


def _page(call: Call) -> tuple[int, int]:
    offset, limit = call.page(default_limit=10, max_limit=MAX_LIMIT)
    if offset > MAX_OFFSET:
        raise CloudError("InvalidParameterValue", f"Offset may not exceed {MAX_OFFSET}")
    return offset, limit


def _rfc3339(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, tz=UTC).isoformat(timespec="seconds")


def _masked(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 8 else phone


@action("AppSendShareDeviceInvite")
async def send_share_invite(call: Call) -> dict[str, Any]:
    """A member of the device's family invites one user; the token waits in their messages."""
    device = call.device(shared_ok=False)
    # The table says ToUserId; the example and the vendor's clients send ToUserID.
    to_user_id = call.get("ToUserID", str, "") or call.get("ToUserId", str)
    invitee = call.state.users.get(to_user_id)
    if invitee is None:
        raise CloudError("InvalidParameterValue.ErrorUserNotExists", "no such user")
    _check_recipient(call.state, device, invitee.user_id, call.me.user_id)
    invite_user(call.state, device, call.me, invitee)
    return {"Status": "OK"}


@action("AppCreateShareDeviceToken")
async def create_share_token(call: Call) -> dict[str, Any]:
    """A share token for a device of the given family, which the caller belongs to."""
    family = call.family(call.get("FamilyId"))
    device = call.device(shared_ok=False)
    if device.family_id != family.family_id:
        raise CloudError(_NOT_BOUND, "the device is not in this family")
    # TokenContent, the reference table's name (line 3148). Only that: a client that misspells
    # it (as ours once sent TokenContext) loses the context here as it would on the real cloud.
    context = call.get("TokenContent", str, "")
    record = issue_share_token(call.state, device, call.me.user_id, context=context)
    return {"ShareDeviceToken": record.token}


@action("AppDescribeShareDeviceToken")
async def describe_share_token(call: Call) -> dict[str, Any]:
    """Who shares which device until when, and who accepted it (if anyone did)."""
    record, device = _live_token(call.state, call.get("ShareDeviceToken"))
    if not record.used and record.expire_at <= call.state.now():
        raise CloudError(_INVALID_TOKEN, "share token expired")
    users = call.state.users
    sharer, taker = users.get(record.from_user_id), users.get(record.user_id)
    # The table names the object ShareDeviceTokenInfo (the example ShareDeviceInfo) and its ids
    # FromUserId/UserId; a real reply quoted in the vendor's iOS app has FromUserID/UserID,
    # DeviceId and Context, which we follow.
    info = {
        "FromUserID": record.from_user_id,
        "FromUserNick": sharer.nickname if sharer else "",
        "UserID": record.user_id,
        "UserNick": taker.nickname if taker else "",
        "ProductId": device.product_id,
        "DeviceName": device.device_name,
        "DeviceId": device.device_id,
        "AliasName": device.alias,
        "IconUrl": device.icon_url,
        "BindTime": record.bind_time,
        "ExpireTime": record.expire_at,
        "CreateTime": record.created,
        "Context": record.context,
    }
    return {"ShareDeviceTokenInfo": info, "AliasName": device.alias, "IconUrl": device.icon_url}


@action("AppBindUserShareDevice")
async def bind_share_device(call: Call) -> dict[str, Any]:
    """Accept a share token: the caller now sees and controls the device."""
    state, me = call.state, call.me
    record, device = _live_token(state, call.get("ShareDeviceToken"))
    if f"{call.get('ProductId')}/{call.get('DeviceName')}" != device.device_id:
        raise CloudError(_INVALID_TOKEN, "the token is for another device")
    if record.used:
        raise CloudError("InvalidParameterValue.ShareDeviceTokenUsed", "share token already used")
    if record.expire_at <= state.now() or record.to_user_id not in ("", me.user_id):
        raise CloudError(_INVALID_TOKEN, "share token invalid")
    _check_recipient(state, device, me.user_id, record.from_user_id)
    grants = list(state.shares.values())
    if sum(g.device_id == device.device_id for g in grants) >= MAX_USERS_PER_DEVICE:
        raise CloudError("InvalidParameterValue.DeviceShareExceededLimit", "too many users")
    if sum(g.user_id == me.user_id for g in grants) >= MAX_SHARED_DEVICES_PER_USER:
        raise CloudError("InvalidParameterValue.UserBindExceedLimit", "too many shared devices")
    now = state.now()
    state.shares[(device.device_id, me.user_id)] = ShareGrant(
        device.device_id, me.user_id, record.from_user_id, now
    )
    record.used, record.user_id, record.bind_time = True, me.user_id, now
    sharer = state.users.get(record.from_user_id)
    messages.post_message(
        state,
        record.from_user_id,
        messages.CATEGORY_NOTICE,
        messages.TYPE_SHARE_RESULT,
        "Device share accepted",
        f"“{me.nickname}” accepted the device “{device.alias}” shared by "
        f"“{sharer.nickname if sharer else ''}” and can now view and control it.",
        device_id=device.device_id,
        from_user_id=me.user_id,
        relate_user_id=me.user_id,
    )
    return {"Status": "OK"}


@action("AppListUserShareDevices")
async def list_user_share_devices(call: Call) -> dict[str, Any]:
    """The devices shared with the caller, in the order they were accepted."""
    offset, limit = _page(call)
    state = call.state
    # A device deleted from its family drops out even if its grant was left behind.
    grants = sorted(
        (
            g
            for g in state.shares.values()
            if g.user_id == call.me.user_id and g.device_id in state.devices
        ),
        key=lambda g: (g.bind_time, g.device_id),
    )
    rows = []
    for grant in grants[offset : offset + limit]:
        device = state.devices[grant.device_id]
        # FromUserID and UserID are not in the table; a real reply quoted in the vendor's iOS
        # app carries them.
        rows.append(
            {
                "ProductId": device.product_id,
                "DeviceName": device.device_name,
                "DeviceId": device.device_id,
                "AliasName": device.alias,
                "IconUrl": device.icon_url,
                "CreateTime": _rfc3339(device.created),
                "FromUserID": grant.from_user_id,
                "UserID": grant.user_id,
            }
        )
    return {"ShareDevices": rows, "Total": len(grants)}


@action("AppRemoveUserShareDevice")
async def remove_user_share_device(call: Call) -> dict[str, Any]:
    """The recipient gives a shared device back."""
    key = (f"{call.get('ProductId')}/{call.get('DeviceName')}", call.me.user_id)
    if call.state.shares.pop(key, None) is None:
        raise CloudError(_NOT_BOUND, "no such shared device")
    return {"Status": "OK"}


@action("AppListShareDeviceUsers")
async def list_share_device_users(call: Call) -> dict[str, Any]:
    """Who outside the family has the device; only members of its family may ask."""
    device = call.device(shared_ok=False)
    offset, limit = _page(call)
    grants = sorted(
        (g for g in call.state.shares.values() if g.device_id == device.device_id),
        key=lambda g: (g.bind_time, g.user_id),
    )
    users = []
    for grant in grants[offset : offset + limit]:
        user = call.state.users.get(grant.user_id)
        # The table and example say UserId; the vendor's Android and iOS clients read UserID.
        users.append(
            {
                "UserID": grant.user_id,
                "NickName": user.nickname if user else "",
                "Avatar": user.avatar if user else "",
                "CountryCode": user.country_code if user else "",
                "PhoneNumber": _masked(user.phone) if user else "",
                "BindTime": grant.bind_time,
            }
        )
    return {"Users": users, "Total": len(grants)}


@action("AppRemoveShareDeviceUser")
async def remove_share_device_user(call: Call) -> dict[str, Any]:
    """A member of the device's family takes it back from one user."""
    device = call.device(shared_ok=False)
    # The table says RemoveUserId; the vendor's clients send RemoveUserID.
    user_id = call.get("RemoveUserID", str, "") or call.get("RemoveUserId", str)
    if call.state.shares.pop((device.device_id, user_id), None) is None:
        raise CloudError(_NOT_BOUND, "the device is not shared with this user")
    return {"Status": "OK"}


def seed_demo(state: SandboxState, home: DemoHome) -> None:
    """The owner invites the friend to the living-room light; it waits in the friend's messages."""
    light = state.devices[home.devices["light"]]
    owner, friend = state.users[home.owner.user_id], state.users[home.friend.user_id]
    msg_id = invite_user(state, light, owner, friend)
    token = state.messages[msg_id].attachments["ShareToken"]
    home.extra["sharing"] = {"invite_message": msg_id, "invite_token": token}
