"""Sharing one device with a user outside its family, through the client and the sandbox."""

from __future__ import annotations

import pytest

from bot.iot import errors
from bot.iot.client import IotClient
from bot.iot.models import MessageCategory, MessageType
from bot.sandbox.actions import sharing
from bot.sandbox.demo import DEMO_PASSWORD, DemoHome
from bot.sandbox.server import Sandbox


async def _stranger(client: IotClient, sandbox: Sandbox, name: str) -> tuple[str, str]:
    """A third user with no family of the demo home: (user id, AccessToken)."""
    email = f"{name.lower()}@example.com"
    user_id = sandbox.control.create_user(name, email=email, password=DEMO_PASSWORD)
    return user_id, (await client.login_email(email, DEMO_PASSWORD)).token


async def _share(client: IotClient, demo: DemoHome, owner: str, to: str, role: str) -> None:
    made = await client.create_share_token(owner, demo.family_id, demo.devices[role])
    await client.bind_shared_device(to, made.token, demo.devices[role])


def _move_clock(sandbox: Sandbox, seconds: float) -> None:
    now = sandbox.state.clock()
    sandbox.state.clock = lambda: now + seconds


async def test_token_describe_and_bind_share_the_device(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str, friend_token: str
) -> None:
    plug = demo.devices["plug"]
    made = await client.create_share_token(owner_token, demo.family_id, plug, context="for Sam")
    assert made.token and made.token not in repr(made)

    before = await client.describe_share_token(friend_token, made.token)
    assert (before.device_id, before.alias) == (plug, "Coffee machine plug")
    assert (before.from_user_id, before.from_nickname) == (demo.owner.user_id, "Alex")
    assert before.expire_at - before.created_at == sharing.SHARE_TOKEN_LIFETIME
    assert before.context == "for Sam" and not before.accepted
    assert not sandbox.state.can_see_device(demo.friend.user_id, plug)

    await client.bind_shared_device(friend_token, made.token, plug)
    assert sandbox.state.can_see_device(demo.friend.user_id, plug)
    page = await client.list_shared_devices(friend_token)
    assert page.total == 1 and [d.device_id for d in page.devices] == [plug]
    assert page.devices[0].from_user_id == demo.owner.user_id
    assert page.devices[0].alias == "Coffee machine plug" and page.devices[0].created_at > 0

    after = await client.describe_share_token(owner_token, made.token)
    assert after.accepted and (after.user_id, after.user_nickname) == (demo.friend.user_id, "Sam")
    assert after.bind_time > 0
    notices = await client.get_messages(owner_token, MessageCategory.NOTICE)
    assert [m.msg_type for m in notices.messages] == [MessageType.DEVICE_SHARE_RESULT]
    assert notices.messages[0].device_id == plug and "Sam" in notices.messages[0].content


async def test_create_share_token_needs_the_device_family(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str, friend_token: str
) -> None:
    plug = demo.devices["plug"]
    with pytest.raises(errors.NoPermission):  # not a member of the owner's family
        await client.create_share_token(friend_token, demo.family_id, plug)
    with pytest.raises(errors.NoPermission):  # own family, someone else's device
        await client.create_share_token(friend_token, demo.friend_family_id, plug)
    with pytest.raises(errors.NotFound):
        await client.create_share_token(owner_token, "f_nonexistent", plug)
    cabin = sandbox.control.create_family(demo.owner.user_id, "Cabin")
    with pytest.raises(errors.NotFound) as caught:
        await client.create_share_token(owner_token, cabin, plug)
    assert caught.value.code == "InvalidParameterValue.AppDeviceNotExist"
    with pytest.raises(errors.NotFound):
        await client.create_share_token(owner_token, demo.family_id, "NOPRODUCT/none")


async def test_unknown_and_expired_tokens_are_invalid(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str, friend_token: str
) -> None:
    with pytest.raises(errors.NotFound) as caught:
        await client.describe_share_token(friend_token, "0" * 32)
    assert caught.value.code == "InvalidParameterValue.InvalidShareDeviceToken"
    plug = demo.devices["plug"]
    made = await client.create_share_token(owner_token, demo.family_id, plug)
    _move_clock(sandbox, sharing.SHARE_TOKEN_LIFETIME + 1)
    with pytest.raises(errors.NotFound):
        await client.describe_share_token(friend_token, made.token)
    with pytest.raises(errors.NotFound):
        await client.bind_shared_device(friend_token, made.token, plug)
    assert not sandbox.state.can_see_device(demo.friend.user_id, plug)


async def test_bind_refusals(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str, friend_token: str
) -> None:
    plug, light = demo.devices["plug"], demo.devices["light"]
    made = await client.create_share_token(owner_token, demo.family_id, plug)
    with pytest.raises(errors.UnsupportedOperation) as caught:
        await client.bind_shared_device(owner_token, made.token, plug)
    assert caught.value.code == "InvalidParameterValue.CannotBindOwnDevice"
    member_id, member_token = await _stranger(client, sandbox, "Kim")
    sandbox.state.families[demo.family_id].members[member_id] = 0
    with pytest.raises(errors.UnsupportedOperation) as caught:
        await client.bind_shared_device(member_token, made.token, plug)
    assert caught.value.code == "InvalidParameterValue.CannotBindOwnDevice"
    with pytest.raises(errors.NotFound):  # the token is for the plug, not the light
        await client.bind_shared_device(friend_token, made.token, light)

    await client.bind_shared_device(friend_token, made.token, plug)
    _, other_token = await _stranger(client, sandbox, "Lee")
    with pytest.raises(errors.UnsupportedOperation) as caught:
        await client.bind_shared_device(other_token, made.token, plug)
    assert caught.value.code == "InvalidParameterValue.ShareDeviceTokenUsed"
    again = await client.create_share_token(owner_token, demo.family_id, plug)
    with pytest.raises(errors.UnsupportedOperation) as caught:
        await client.bind_shared_device(friend_token, again.token, plug)
    assert caught.value.code == "InvalidParameterValue.DeviecBinded"


async def test_share_limits(
    client: IotClient,
    sandbox: Sandbox,
    demo: DemoHome,
    owner_token: str,
    friend_token: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sharing, "MAX_USERS_PER_DEVICE", 1)
    monkeypatch.setattr(sharing, "MAX_SHARED_DEVICES_PER_USER", 1)
    await _share(client, demo, owner_token, friend_token, "plug")
    _, other_token = await _stranger(client, sandbox, "Lee")
    with pytest.raises(errors.LimitExceeded) as caught:
        await _share(client, demo, owner_token, other_token, "plug")
    assert caught.value.code == "InvalidParameterValue.DeviceShareExceededLimit"
    with pytest.raises(errors.LimitExceeded) as caught:
        await _share(client, demo, owner_token, friend_token, "light")
    assert caught.value.code == "InvalidParameterValue.UserBindExceedLimit"
    assert sandbox.state.shared_device_ids(demo.friend.user_id) == [demo.devices["plug"]]


async def test_owner_lists_and_revokes(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str, friend_token: str
) -> None:
    plug = demo.devices["plug"]
    await _share(client, demo, owner_token, friend_token, "plug")
    users = await client.list_share_users(owner_token, plug)
    assert users.total == 1 and len(users.users) == 1
    sam = users.users[0]
    assert (sam.user_id, sam.nickname, sam.phone) == (demo.friend.user_id, "Sam", "139****0000")
    assert sam.bind_time > 0
    with pytest.raises(errors.NoPermission):  # a recipient may not see who else has it
        await client.list_share_users(friend_token, plug)
    with pytest.raises(errors.NoPermission):
        await client.remove_share_user(friend_token, plug, demo.friend.user_id)

    await client.remove_share_user(owner_token, plug, demo.friend.user_id)
    assert not sandbox.state.can_see_device(demo.friend.user_id, plug)
    assert (await client.list_shared_devices(friend_token)).total == 0
    assert (await client.list_share_users(owner_token, plug)).users == ()
    with pytest.raises(errors.NotFound) as caught:
        await client.remove_share_user(owner_token, plug, demo.friend.user_id)
    assert caught.value.code == "InvalidParameterValue.AppDeviceNotExist"


async def test_recipient_drops_a_shared_device(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str, friend_token: str
) -> None:
    plug = demo.devices["plug"]
    await _share(client, demo, owner_token, friend_token, "plug")
    await client.remove_shared_device(friend_token, plug)
    assert not sandbox.state.can_see_device(demo.friend.user_id, plug)
    assert (await client.list_share_users(owner_token, plug)).total == 0
    with pytest.raises(errors.NotFound):
        await client.remove_shared_device(friend_token, plug)


async def test_shared_devices_are_paged(
    client: IotClient, demo: DemoHome, owner_token: str, friend_token: str
) -> None:
    for role in ("plug", "light", "sensor"):
        await _share(client, demo, owner_token, friend_token, role)
    first = await client.list_shared_devices(friend_token, offset=0, limit=2)
    rest = await client.list_shared_devices(friend_token, offset=2, limit=2)
    assert first.total == rest.total == 3 and len(first.devices) == 2 and len(rest.devices) == 1
    seen = {d.device_id for d in first.devices + rest.devices}
    assert seen == {demo.devices[r] for r in ("plug", "light", "sensor")}
    with pytest.raises(errors.InvalidParameter):
        await client.list_shared_devices(friend_token, offset=501)


async def test_invite_lands_in_the_inbox_and_is_accepted_from_there(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str, friend_token: str
) -> None:
    plug = demo.devices["plug"]
    await client.send_share_invite(owner_token, plug, demo.friend.user_id)
    inbox = await client.get_messages(friend_token, MessageCategory.DEVICE)
    invite = next(m for m in inbox.messages if m.device_id == plug)
    assert invite.msg_type == MessageType.DEVICE_SHARE_INVITE and invite.is_invitation
    assert (
        invite.from_user_id == demo.owner.user_id and invite.device_alias == "Coffee machine plug"
    )
    assert (await client.describe_share_token(friend_token, invite.share_token)).device_id == plug
    _, other_token = await _stranger(client, sandbox, "Lee")
    with pytest.raises(errors.NotFound):  # an invitation is for its invitee only
        await client.bind_shared_device(other_token, invite.share_token, plug)
    await client.bind_shared_device(friend_token, invite.share_token, invite.device_id)
    assert sandbox.state.can_see_device(demo.friend.user_id, plug)


async def test_invite_refusals(
    client: IotClient, demo: DemoHome, owner_token: str, friend_token: str
) -> None:
    plug = demo.devices["plug"]
    with pytest.raises(errors.NoPermission):
        await client.send_share_invite(friend_token, plug, demo.owner.user_id)
    with pytest.raises(errors.NotFound) as nobody:
        await client.send_share_invite(owner_token, plug, "u_nobody")
    assert nobody.value.code == "InvalidParameterValue.ErrorUserNotExists"
    with pytest.raises(errors.UnsupportedOperation) as caught:
        await client.send_share_invite(owner_token, plug, demo.owner.user_id)
    assert caught.value.code == "InvalidParameterValue.CannotBindOwnDevice"
    with pytest.raises(ValueError):
        await client.send_share_invite(owner_token, "not-a-device-id", demo.friend.user_id)


async def test_seeded_invitation_for_the_friend(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, friend_token: str
) -> None:
    seeded = demo.extra["sharing"]
    inbox = await client.get_messages(friend_token, MessageCategory.DEVICE)
    invite = next(m for m in inbox.messages if m.msg_id == seeded["invite_message"])
    assert invite.share_token == seeded["invite_token"]
    assert invite.device_id == demo.devices["light"]
    await client.bind_shared_device(friend_token, invite.share_token, invite.device_id)
    assert sandbox.state.can_see_device(demo.friend.user_id, demo.devices["light"])
