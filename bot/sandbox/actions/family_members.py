"""Sandbox actions: family members, invitations (ShareTokens) and the messages they leave."""

from __future__ import annotations

import asyncio
import logging
import secrets
from typing import TYPE_CHECKING, Any

from bot.sandbox.registry import Call, CloudError, action
from bot.sandbox.state import (
    ROLE_MEMBER,
    ROLE_OWNER,
    Family,
    FamilyInvite,
    Message,
    SandboxState,
    new_id,
)

if TYPE_CHECKING:
    from bot.sandbox.server import Sandbox

log = logging.getLogger(__name__)

INVITE_LIFETIME = 10 * 60  # seconds an AppInviteMember ShareToken (a QR code or link) is valid
SENT_INVITE_LIFETIME = 24 * 3600  # an invitation in the message center waits for its reader
MAX_MEMBERS_PER_FAMILY = 20
PURGE_PERIOD = 60.0  # seconds between sweeps of expired invitations

CATEGORY_FAMILY = 2
MSG_MEMBER_ADDED = 200
MSG_MEMBER_REMOVED = 201
MSG_FAMILY_INVITE = 204


def _new_invite(state: SandboxState, family: Family, from_user: str, to_user: str = "") -> str:
    lifetime = SENT_INVITE_LIFETIME if to_user else INVITE_LIFETIME
    token = secrets.token_hex(16)
    state.family_invites[token] = FamilyInvite(
        token, family.family_id, from_user, state.now() + lifetime, to_user_id=to_user
    )
    return token


def post_family_message(
    state: SandboxState,
    to_user: str,
    msg_type: int,
    title: str,
    content: str,
    family: Family,
    from_user: str,
    relate_user: str,
    attachments: dict[str, Any] | None = None,
) -> Message:
    """Leave a family-category message in ``to_user``'s message center, about ``relate_user``."""
    message = Message(
        msg_id=new_id("msg"),
        user_id=to_user,
        category=CATEGORY_FAMILY,
        msg_type=msg_type,
        title=title,
        content=content,
        timestamp=state.now_ms(),
        family_id=family.family_id,
        from_user_id=from_user,
        attachments=dict(attachments or {}),
        relate_user_id=relate_user,
        family_name=family.name,  # kept as it was: the family may be renamed or deleted later
    )
    state.messages[message.msg_id] = message
    return message


def _nickname(state: SandboxState, user_id: str) -> str:
    user = state.users.get(user_id)
    return user.nickname if user is not None else user_id


def _announce(
    state: SandboxState, family: Family, member_id: str, by_user: str, *, added: bool
) -> None:
    """Tell the member and the owner that the member joined or left."""
    member, family_name = _nickname(state, member_id), family.name
    if added:
        msg_type, title = MSG_MEMBER_ADDED, "Member added"
        content = f"“{member}” joined “{family_name}” and can now see and control its devices."
    else:
        msg_type, title = MSG_MEMBER_REMOVED, "Member removed"
        content = f"“{member}” is no longer a member of “{family_name}”."
    for user_id in dict.fromkeys((member_id, family.owner_id)):
        post_family_message(state, user_id, msg_type, title, content, family, by_user, member_id)


def notify_family_deleted(state: SandboxState, family: Family, by_user: str) -> None:
    """Tell every member but the owner that the family they were in is gone."""
    content = f"“{family.name}” was deleted by its owner."
    for user_id in family.members:
        if user_id != family.owner_id:
            post_family_message(
                state,
                user_id,
                MSG_MEMBER_REMOVED,
                "Family deleted",
                content,
                family,
                by_user,
                user_id,
            )


def _remove_member(state: SandboxState, family: Family, member_id: str, by_user: str) -> None:
    del family.members[member_id]
    family.member_joined.pop(member_id, None)
    family.updated = state.now()
    _announce(state, family, member_id, by_user, added=False)


# -- invitations ----------------------------------------------------------------------------------


@action("AppInviteMember")
async def invite_member(call: Call) -> dict[str, Any]:
    """A single-use ShareToken to join the family with (owner only)."""
    family = call.family(call.get("FamilyId"), admin=True)
    return {"ShareToken": _new_invite(call.state, family, call.me.user_id)}


@action("AppSendShareFamilyInvite")
async def send_family_invite(call: Call) -> dict[str, Any]:
    """An invitation, with its own ShareToken, in the invitee's message center (owner only)."""
    family = call.family(call.get("FamilyId"), admin=True)
    # The reference's table says ToUserId; its example and the vendor's apps send ToUserID.
    to_user = str(call.params.get("ToUserID") or call.get("ToUserId"))
    if to_user not in call.state.users:
        raise CloudError("InvalidParameterValue.ErrorUserNotExists", "no such user")
    if to_user in family.members:
        raise CloudError("UnsupportedOperation.AlreadyFamilyMember", "already a member")
    me = call.me
    token = _new_invite(call.state, family, me.user_id, to_user)
    post_family_message(
        call.state,
        to_user,
        MSG_FAMILY_INVITE,
        "Family invitation",
        f"“{me.nickname}” invites you to join “{family.name}”.",
        family,
        me.user_id,
        to_user,
        {"ShareToken": token},
    )
    return {}


@action("AppJoinFamily")
async def join_family(call: Call) -> dict[str, Any]:
    """Join the family a ShareToken invites to; the token is then used up."""
    state, me = call.state, call.me.user_id
    invite = state.family_invites.get(call.get("ShareToken"))
    if invite is None or invite.family_id not in state.families:
        raise CloudError("ResourceNotFound.ShareTokenNotExist", "no such invitation")
    if invite.used:
        raise CloudError("UnsupportedOperation.ShareTokenUsed", "the invitation was used already")
    if invite.expire_at <= state.now():
        raise CloudError("ResourceNotFound.ShareTokenExpired", "the invitation has expired")
    if invite.to_user_id and invite.to_user_id != me:
        raise CloudError("InvalidParameterValue.NoPermission", "the invitation is for someone else")
    family = state.families[invite.family_id]
    if family.owner_id == me:
        raise CloudError("UnsupportedOperation.CannotJoinOwnFamily", "this is your own family")
    if me in family.members:
        raise CloudError("UnsupportedOperation.AlreadyFamilyMember", "already a member")
    if len(family.members) >= MAX_MEMBERS_PER_FAMILY:
        raise CloudError("LimitExceeded.FamilyMemberExceedLimit", "the family is full")
    invite.used = True
    now = state.now()
    family.members[me] = ROLE_MEMBER
    family.member_joined[me] = now
    family.updated = now
    _announce(state, family, me, invite.from_user_id, added=True)
    return {}


def purge_invites(state: SandboxState) -> int:
    """Forget expired invitations (used or not); returns how many were dropped."""
    now = state.now()
    expired = [t for t, invite in state.family_invites.items() if invite.expire_at <= now]
    for token in expired:
        del state.family_invites[token]
    return len(expired)


async def background(sandbox: Sandbox) -> None:
    """Sweep expired invitations while the sandbox runs."""
    while True:
        await asyncio.sleep(PURGE_PERIOD)
        try:
            purge_invites(sandbox.state)
        except Exception:  # a bug in the sweep must not stop the sandbox
            log.exception("purging family invitations failed")


# -- members --------------------------------------------------------------------------------------


@action("AppDeleteFamilyMember")
async def delete_family_member(call: Call) -> dict[str, Any]:
    """Remove a member (owner only); the owner cannot be removed."""
    family = call.family(call.get("FamilyId"), admin=True)
    # The reference says MemberId; both vendor apps send MemberID.
    member_id = str(call.params.get("MemberID") or call.get("MemberId"))
    if member_id not in family.members:
        raise CloudError("ResourceNotFound.StudioMemberNotExist", "not a member of this family")
    if family.members[member_id] == ROLE_OWNER:
        raise CloudError("UnsupportedOperation.CannotDeleteFamilyOwner", "the owner stays")
    _remove_member(call.state, family, member_id, call.me.user_id)
    return {}


@action("AppExitFamily")
async def exit_family(call: Call) -> dict[str, Any]:
    """The caller leaves a family; its owner must delete it instead."""
    family = call.family(call.get("FamilyId"))
    me = call.me.user_id
    if family.members[me] == ROLE_OWNER:
        raise CloudError(
            "UnsupportedOperation.OwnerCannotExitFamily", "the owner must delete the family"
        )
    _remove_member(call.state, family, me, me)
    return {}


@action("AppGetFamilyMemberList")
async def get_family_member_list(call: Call) -> dict[str, Any]:
    """A family's members (any member may look), the owner first, then by joining time."""
    offset, limit = call.page(default_limit=20, max_limit=50)
    family = call.family(call.get("FamilyId"))
    ordered = sorted(
        family.members.items(),
        key=lambda item: (item[1] != ROLE_OWNER, family.member_joined.get(item[0], 0)),
    )
    items = []
    for user_id, role in ordered[offset : offset + limit]:
        user = call.state.users.get(user_id)
        items.append(
            {
                # The reference's table says UserId; its example and the vendor's apps read
                # UserID: send both.
                "UserID": user_id,
                "UserId": user_id,
                "NickName": user.nickname if user else "",
                "Avatar": user.avatar if user else "",
                "Role": role,
            }
        )
    return {"MemberList": items, "Total": len(ordered)}
