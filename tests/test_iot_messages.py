"""The message center through the client and the sandbox: listing, paging, deleting, alerts."""

from __future__ import annotations

import pytest

from bot.iot import errors
from bot.iot.client import IotClient
from bot.iot.models import MessageCategory, MessageCursor, MessageType
from bot.sandbox.actions import messages
from bot.sandbox.actions.sharing import invite_user
from bot.sandbox.demo import DemoHome
from bot.sandbox.server import Sandbox
from bot.sandbox.state import Message, ShareGrant


def _notices(sandbox: Sandbox, user_id: str, stamps: list[int]) -> list[str]:
    """Notification messages at the given Unix-millisecond stamps; their ids newest first."""
    made = [
        messages.post_message(
            sandbox.state,
            user_id,
            messages.CATEGORY_NOTICE,
            messages.TYPE_SHARE_RESULT,
            f"Notice {i}",
            "text",
            timestamp_ms=stamp,
        )
        for i, stamp in enumerate(stamps)
    ]
    made.sort(key=lambda m: (m.timestamp, int(m.msg_id)), reverse=True)
    return [m.msg_id for m in made]


async def test_seeded_messages_by_category(
    client: IotClient, demo: DemoHome, owner_token: str
) -> None:
    seeded = demo.extra["messages"]
    devices = await client.get_messages(owner_token, MessageCategory.DEVICE)
    assert [m.msg_id for m in devices.messages] == [seeded["alert"]] and not devices.has_more
    alert = devices.messages[0]
    assert alert.msg_type == MessageType.DEVICE_ALERT and alert.device_id == demo.devices["sensor"]
    assert alert.device_alias == "Bedroom sensor" and alert.category == MessageCategory.DEVICE
    assert alert.user_id == demo.owner.user_id and alert.created_at.endswith("Z")
    family = await client.get_messages(owner_token, MessageCategory.FAMILY)
    notice = family.messages[0]
    assert notice.msg_id == seeded["family_notice"] and notice.family_name == "My Home"
    assert notice.family_id == demo.family_id and notice.relate_user_id == demo.owner.user_id
    assert not notice.is_invitation and notice.share_token == ""


async def test_pages_follow_the_cursor_newest_first(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str
) -> None:
    base = 1_700_000_000_000
    # Two messages share a timestamp: the cursor's MsgID must keep them apart.
    expected = _notices(sandbox, demo.owner.user_id, [base, base + 5, base + 5, base + 9, base + 1])
    seen: list[str] = []
    after: MessageCursor | None = None
    pages = 0
    while True:
        page = await client.get_messages(owner_token, MessageCategory.NOTICE, limit=2, after=after)
        seen += [m.msg_id for m in page.messages]
        pages += 1
        if not page.has_more:
            break
        after = page.cursor
    assert seen == expected and pages == 3
    exact = await client.get_messages(owner_token, MessageCategory.NOTICE, limit=5)
    assert len(exact.messages) == 5 and not exact.has_more  # Listover when nothing is left
    assert exact.cursor == MessageCursor(expected[-1], base)


async def test_a_deleted_cursor_message_still_pages_by_its_timestamp(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str
) -> None:
    base = 1_700_000_000_000
    expected = _notices(sandbox, demo.owner.user_id, [base + 3, base + 2, base + 1])
    first = await client.get_messages(owner_token, MessageCategory.NOTICE, limit=1)
    assert first.cursor is not None and first.has_more
    await client.delete_message(owner_token, first.cursor.msg_id)
    rest = await client.get_messages(owner_token, MessageCategory.NOTICE, after=first.cursor)
    assert [m.msg_id for m in rest.messages] == expected[1:]


async def test_delete_message(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str, friend_token: str
) -> None:
    alert_id = demo.extra["messages"]["alert"]
    with pytest.raises(errors.NotFound) as caught:  # not the friend's message
        await client.delete_message(friend_token, alert_id)
    assert caught.value.code == "InvalidParameterValue.MsgIDInvalid"
    assert alert_id in sandbox.state.messages

    await client.delete_message(owner_token, alert_id)
    assert (await client.get_messages(owner_token, MessageCategory.DEVICE)).messages == ()
    with pytest.raises(errors.NotFound) as caught:
        await client.delete_message(owner_token, alert_id)
    assert caught.value.code == "InvalidParameterValue.MsgIDInvalid"


async def test_unknown_category_is_refused(client: IotClient, owner_token: str) -> None:
    with pytest.raises(errors.InvalidParameter):
        await client.get_messages(owner_token, 4)


async def test_family_invitation_written_by_another_area_comes_back_whole(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, friend_token: str
) -> None:
    # Written the way AppSendShareFamilyInvite files its invitation: a bare Message record.
    sandbox.state.messages["9001"] = Message(
        msg_id="9001",
        user_id=demo.friend.user_id,
        category=2,
        msg_type=204,
        title="Family invitation",
        content="Alex invites you to My Home",
        timestamp=sandbox.state.now_ms(),
        family_id=demo.family_id,
        from_user_id=demo.owner.user_id,
        attachments={"ShareToken": "family-token"},
    )
    page = await client.get_messages(friend_token, MessageCategory.FAMILY)
    invite = page.messages[0]
    assert (invite.msg_id, invite.msg_type) == ("9001", MessageType.FAMILY_INVITE)
    assert (invite.title, invite.content) == ("Family invitation", "Alex invites you to My Home")
    assert invite.family_name == "My Home" and invite.from_user_id == demo.owner.user_id
    assert invite.is_invitation and invite.share_token == "family-token"
    assert "family-token" not in repr(invite)


async def test_device_alerts_reach_everyone_who_sees_the_device(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str, friend_token: str
) -> None:
    state = sandbox.state
    plug = state.devices[demo.devices["plug"]]
    friend, owner = demo.friend.user_id, demo.owner.user_id
    state.shares[(plug.device_id, friend)] = ShareGrant(plug.device_id, friend, owner, 0)
    state.subscribe(messages.alert_listener(state))
    state.post_event(plug.device_id, "overload", {"power": 3600.0})
    state.post_event(demo.devices["door"], "door_opened", {})  # info: no message
    for token in (owner_token, friend_token):
        page = await client.get_messages(token, MessageCategory.DEVICE)
        alerts = [m for m in page.messages if m.device_id == plug.device_id]
        assert [m.content for m in alerts] == ["Coffee machine plug: Overload"]
    owner_page = await client.get_messages(owner_token, MessageCategory.DEVICE)
    assert demo.devices["door"] not in {m.device_id for m in owner_page.messages}


async def test_invitation_names_survive_a_rename(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, friend_token: str
) -> None:
    state = sandbox.state
    plug = state.devices[demo.devices["plug"]]
    invite_user(state, plug, state.users[demo.owner.user_id], state.users[demo.friend.user_id])
    plug.alias = "Renamed plug"
    page = await client.get_messages(friend_token, MessageCategory.DEVICE)
    assert {m.device_alias for m in page.messages if m.device_id == plug.device_id} == {
        "Coffee machine plug"
    }
