"""Family members and invitations through the client, against the sandbox over loopback HTTP."""

from __future__ import annotations

import pytest

from bot.iot import errors
from bot.iot.api import families as families_api
from bot.iot.client import IotClient
from bot.sandbox.actions import family_members
from bot.sandbox.demo import DemoHome
from bot.sandbox.server import Sandbox


async def _new_user(client: IotClient, sandbox: Sandbox, nickname: str) -> tuple[str, str]:
    """A fresh user and their AccessToken, signed in with a password."""
    email = f"{nickname.lower()}@example.com"
    user_id = sandbox.control.create_user(nickname, email=email, password="pw-123456")
    return user_id, (await client.login_email(email, "pw-123456")).token


def _family_messages(sandbox: Sandbox, user_id: str) -> list[tuple[int, str]]:
    return [
        (m.msg_type, m.family_id)
        for m in sandbox.state.messages.values()
        if m.user_id == user_id and m.category == 2
    ]


async def test_invite_and_join(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str, friend_token: str
) -> None:
    invite = await client.invite_member(owner_token, demo.family_id)
    assert invite.share_token and invite.family_id == demo.family_id
    assert invite.share_token not in repr(invite)

    await client.join_family(friend_token, invite.share_token)

    assert sandbox.state.role_in(demo.family_id, demo.friend.user_id) == 0
    joined = {f.family_id: f for f in await client.list_all_families(friend_token)}
    assert joined[demo.family_id].role == 0 and not joined[demo.family_id].is_owner
    assert joined[demo.family_id].name == "My Home"
    assert (await client.describe_family(friend_token, demo.family_id)).name == "My Home"
    members = await client.list_all_family_members(owner_token, demo.family_id)
    assert [(m.user_id, m.nickname, m.is_owner) for m in members] == [
        (demo.owner.user_id, "Alex", True),
        (demo.friend.user_id, "Sam", False),
    ]
    assert (200, demo.family_id) in _family_messages(sandbox, demo.owner.user_id)
    assert (200, demo.family_id) in _family_messages(sandbox, demo.friend.user_id)
    told = [
        m.user_id
        for m in sandbox.state.messages.values()
        if m.msg_type == 200 and m.relate_user_id == demo.friend.user_id
    ]
    assert sorted(told) == sorted([demo.owner.user_id, demo.friend.user_id])


async def test_invite_tokens_are_single_use_and_refuse_double_joins(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str, friend_token: str
) -> None:
    invite = await client.invite_member(owner_token, demo.family_id)
    await client.join_family(friend_token, invite.share_token)
    _, kim_token = await _new_user(client, sandbox, "Kim")
    with pytest.raises(errors.UnsupportedOperation) as used:
        await client.join_family(kim_token, invite.share_token)
    assert used.value.code == "UnsupportedOperation.ShareTokenUsed"
    again = await client.invite_member(owner_token, demo.family_id)
    with pytest.raises(errors.UnsupportedOperation) as twice:
        await client.join_family(friend_token, again.share_token)
    assert twice.value.code == "UnsupportedOperation.AlreadyFamilyMember"
    with pytest.raises(errors.UnsupportedOperation) as own:
        await client.join_family(owner_token, again.share_token)
    assert own.value.code == "UnsupportedOperation.CannotJoinOwnFamily"
    await client.join_family(kim_token, again.share_token)  # the refusals did not use it up
    assert len(sandbox.state.families[demo.family_id].members) == 3


async def test_join_with_unknown_or_expired_token_is_not_found(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str, friend_token: str
) -> None:
    with pytest.raises(errors.NotFound) as unknown:
        await client.join_family(friend_token, "no-such-token")
    assert unknown.value.code == "ResourceNotFound.ShareTokenNotExist"
    invite = await client.invite_member(owner_token, demo.family_id)
    start = sandbox.state.now()
    sandbox.state.clock = lambda: start + family_members.INVITE_LIFETIME + 1
    with pytest.raises(errors.NotFound) as expired:
        await client.join_family(friend_token, invite.share_token)
    assert expired.value.code == "ResourceNotFound.ShareTokenExpired"
    assert sandbox.state.role_in(demo.family_id, demo.friend.user_id) is None


def test_purge_invites_forgets_expired_ones(sandbox: Sandbox, demo: DemoHome) -> None:
    state = sandbox.state
    family = state.families[demo.family_id]
    family_members._new_invite(state, family, demo.owner.user_id)
    family_members._new_invite(state, family, demo.owner.user_id, demo.friend.user_id)
    assert family_members.purge_invites(state) == 0
    start = state.now()
    state.clock = lambda: start + family_members.INVITE_LIFETIME + 1
    assert family_members.purge_invites(state) == 1  # the sent invitation lives longer
    assert [i.to_user_id for i in state.family_invites.values()] == [demo.friend.user_id]


async def test_only_the_owner_invites(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str, friend_token: str
) -> None:
    with pytest.raises(errors.NoPermission):  # not a member at all
        await client.invite_member(friend_token, demo.family_id)
    invite = await client.invite_member(owner_token, demo.family_id)
    await client.join_family(friend_token, invite.share_token)
    with pytest.raises(errors.NoPermission) as caught:  # a member, but not the owner
        await client.invite_member(friend_token, demo.family_id)
    assert caught.value.code == "InvalidParameterValue.NoPermission"
    with pytest.raises(errors.NotFound):
        await client.invite_member(owner_token, "f_nosuchfamily")


async def test_sent_invitation_lands_in_the_message_center(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str, friend_token: str
) -> None:
    await client.send_family_invite(owner_token, demo.family_id, demo.friend.user_id)

    [message] = [
        m
        for m in sandbox.state.messages.values()
        if m.user_id == demo.friend.user_id and m.msg_type == 204
    ]
    assert (message.category, message.msg_type) == (2, 204)
    assert message.family_id == demo.family_id and message.from_user_id == demo.owner.user_id
    assert (message.family_name, message.relate_user_id) == ("My Home", demo.friend.user_id)
    assert "Alex" in message.content and "My Home" in message.content and message.title
    assert message.msg_id and message.timestamp > 10**12  # Unix milliseconds
    share_token = message.attachments["ShareToken"]
    _, kim_token = await _new_user(client, sandbox, "Kim")
    with pytest.raises(errors.NoPermission):  # it was meant for Sam
        await client.join_family(kim_token, share_token)
    await client.join_family(friend_token, share_token)
    assert sandbox.state.role_in(demo.family_id, demo.friend.user_id) == 0


async def test_send_invitation_errors(
    client: IotClient, demo: DemoHome, owner_token: str, friend_token: str
) -> None:
    with pytest.raises(errors.NotFound) as unknown:
        await client.send_family_invite(owner_token, demo.family_id, "u_nosuchuser")
    assert unknown.value.code == "InvalidParameterValue.ErrorUserNotExists"
    with pytest.raises(errors.UnsupportedOperation):
        await client.send_family_invite(owner_token, demo.family_id, demo.owner.user_id)
    with pytest.raises(errors.NoPermission):
        await client.send_family_invite(friend_token, demo.family_id, demo.friend.user_id)


async def test_member_limit_is_limit_exceeded(
    client: IotClient,
    demo: DemoHome,
    owner_token: str,
    friend_token: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(family_members, "MAX_MEMBERS_PER_FAMILY", 1)
    invite = await client.invite_member(owner_token, demo.family_id)
    with pytest.raises(errors.LimitExceeded) as caught:
        await client.join_family(friend_token, invite.share_token)
    assert caught.value.code == "LimitExceeded.FamilyMemberExceedLimit"


async def test_owner_removes_a_member(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str, friend_token: str
) -> None:
    invite = await client.invite_member(owner_token, demo.family_id)
    await client.join_family(friend_token, invite.share_token)
    with pytest.raises(errors.NoPermission):  # members cannot remove anyone
        await client.delete_family_member(friend_token, demo.family_id, demo.owner.user_id)
    with pytest.raises(errors.UnsupportedOperation):
        await client.delete_family_member(owner_token, demo.family_id, demo.owner.user_id)
    with pytest.raises(errors.NotFound) as caught:
        await client.delete_family_member(owner_token, demo.family_id, "u_nosuchuser")
    assert caught.value.code == "ResourceNotFound.StudioMemberNotExist"

    await client.delete_family_member(owner_token, demo.family_id, demo.friend.user_id)

    assert sandbox.state.role_in(demo.family_id, demo.friend.user_id) is None
    with pytest.raises(errors.NoPermission):
        await client.describe_family(friend_token, demo.family_id)
    assert (201, demo.family_id) in _family_messages(sandbox, demo.friend.user_id)


async def test_member_exits_but_owner_cannot(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str, friend_token: str
) -> None:
    with pytest.raises(errors.NoPermission):  # not a member yet
        await client.exit_family(friend_token, demo.family_id)
    invite = await client.invite_member(owner_token, demo.family_id)
    await client.join_family(friend_token, invite.share_token)
    with pytest.raises(errors.UnsupportedOperation) as caught:
        await client.exit_family(owner_token, demo.family_id)
    assert caught.value.code == "UnsupportedOperation.OwnerCannotExitFamily"

    await client.exit_family(friend_token, demo.family_id)

    families = await client.list_all_families(friend_token)
    assert [f.family_id for f in families] == [demo.friend_family_id]
    assert (201, demo.family_id) in _family_messages(sandbox, demo.owner.user_id)


async def test_member_list_pages_and_walks_to_the_end(
    client: IotClient,
    sandbox: Sandbox,
    demo: DemoHome,
    owner_token: str,
    friend_token: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for token in (friend_token, (await _new_user(client, sandbox, "Kim"))[1]):
        invite = await client.invite_member(owner_token, demo.family_id)
        await client.join_family(token, invite.share_token)
    page = await client.list_family_members(friend_token, demo.family_id, offset=1, limit=1)
    assert page.total == 3 and [m.nickname for m in page.members] == ["Sam"]
    monkeypatch.setattr(families_api, "PAGE_LIMIT", 2)
    members = await client.list_all_family_members(friend_token, demo.family_id)
    assert [m.nickname for m in members] == ["Alex", "Sam", "Kim"]
    with pytest.raises(errors.NotFound):
        await client.list_family_members(owner_token, "f_nosuchfamily")


async def test_list_calls_are_retried_but_joins_are_not(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str, friend_token: str
) -> None:
    sandbox.control.inject(action="AppGetFamilyMemberList", error_code="InternalError", count=1)
    assert (await client.list_family_members(owner_token, demo.family_id)).total == 1
    invite = await client.invite_member(owner_token, demo.family_id)
    sandbox.control.inject(action="AppJoinFamily", error_code="InternalError", count=1)
    with pytest.raises(errors.InternalError):
        await client.join_family(friend_token, invite.share_token)
    assert [a for a, _ in sandbox.server.requests].count("AppJoinFamily") == 1
