"""Families and rooms through the client, against the sandbox over loopback HTTP."""

from __future__ import annotations

import pytest

from bot.iot import errors
from bot.iot.api import families as families_api
from bot.iot.client import IotClient
from bot.sandbox.actions import families as families_actions
from bot.sandbox.demo import DemoHome
from bot.sandbox.server import Sandbox
from bot.sandbox.state import Automation, Scene, ShareGrant, Timer

TRICKY_NAME = "<b>Tom & Jerry's</b> 家 🏠"


async def _join(client: IotClient, owner_token: str, token: str, family_id: str) -> None:
    invite = await client.invite_member(owner_token, family_id)
    await client.join_family(token, invite.share_token)


@pytest.fixture
async def member_token(
    client: IotClient, owner_token: str, friend_token: str, demo: DemoHome
) -> str:
    """The friend's token, after the friend joined the owner's family as a plain member."""
    await _join(client, owner_token, friend_token, demo.family_id)
    return friend_token


# -- families -------------------------------------------------------------------------------------


async def test_create_list_and_describe_family_keep_names_intact(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str
) -> None:
    family_id = await client.create_family(owner_token, TRICKY_NAME, "1 <Main> St & Co")
    record = sandbox.state.families[family_id]
    assert record.owner_id == demo.owner.user_id and record.name == TRICKY_NAME
    families = await client.list_all_families(owner_token)
    assert [f.family_id for f in families] == [demo.family_id, family_id]
    created = families[1]
    assert created.name == TRICKY_NAME and created.is_owner and created.created > 0
    detail = await client.describe_family(owner_token, family_id)
    assert (detail.name, detail.address) == (TRICKY_NAME, "1 <Main> St & Co")
    assert detail.family_id == family_id and detail.updated >= detail.created > 0


@pytest.mark.parametrize("name", ["", "   ", "x" * (families_actions.NAME_MAX + 1)])
async def test_family_name_is_validated(client: IotClient, owner_token: str, name: str) -> None:
    with pytest.raises(errors.InvalidParameter) as caught:
        await client.create_family(owner_token, name)
    assert caught.value.code == "InvalidParameterValue.FamilyNameInvalid"


async def test_family_limit_is_limit_exceeded(
    client: IotClient, owner_token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(families_actions, "MAX_FAMILIES_PER_USER", 2)
    await client.create_family(owner_token, "Second home")
    with pytest.raises(errors.LimitExceeded) as caught:
        await client.create_family(owner_token, "Third home")
    assert caught.value.code == "LimitExceeded.FamilyExceedLimit"


async def test_list_families_pages_and_walks_to_the_end(
    client: IotClient, owner_token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(4):
        await client.create_family(owner_token, f"Home {n}")
    page = await client.list_families(owner_token, offset=1, limit=2)
    assert page.total == 5 and [f.name for f in page.families] == ["Home 0", "Home 1"]
    monkeypatch.setattr(families_api, "PAGE_LIMIT", 2)  # force three pages
    names = [f.name for f in await client.list_all_families(owner_token)]
    assert names == ["My Home", "Home 0", "Home 1", "Home 2", "Home 3"]


async def test_modify_family(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str, member_token: str
) -> None:
    await client.modify_family(owner_token, demo.family_id, TRICKY_NAME, "Elm street")
    detail = await client.describe_family(member_token, demo.family_id)
    assert (detail.name, detail.address) == (TRICKY_NAME, "Elm street")
    with pytest.raises(errors.NoPermission) as caught:
        await client.modify_family(member_token, demo.family_id, "Mine now", "")
    assert caught.value.code == "InvalidParameterValue.NoPermission"
    with pytest.raises(errors.InvalidParameter):
        await client.modify_family(owner_token, demo.family_id, "", "Elm street")
    assert sandbox.state.families[demo.family_id].name == TRICKY_NAME


async def test_describe_family_errors(
    client: IotClient, demo: DemoHome, owner_token: str, friend_token: str
) -> None:
    with pytest.raises(errors.NoPermission):
        await client.describe_family(friend_token, demo.family_id)
    with pytest.raises(errors.NotFound) as caught:
        await client.describe_family(owner_token, "f_nosuchfamily")
    assert caught.value.code == "ResourceNotFound.StudioFamilyNotExist"


async def test_delete_family_removes_everything_in_it(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str, member_token: str
) -> None:
    state = sandbox.state
    light = demo.devices["light"]
    state.timers["t1"] = Timer("t1", light, demo.owner.user_id, "x", "1111111", "07:00", 1, {})
    state.scenes["s1"] = Scene("s1", demo.family_id, "Night", "", [])
    state.automations["a1"] = Automation("a1", demo.family_id, "Auto", "", 1, 0, [], [])
    outsider = sandbox.control.create_user("Kim")
    state.shares[(light, outsider)] = ShareGrant(light, outsider, demo.owner.user_id, 0)
    other = state.families[demo.friend_family_id]
    with pytest.raises(errors.InvalidParameter):
        await client.delete_family(owner_token, demo.family_id, "Not its name")
    with pytest.raises(errors.NoPermission):
        await client.delete_family(member_token, demo.family_id, "My Home")

    await client.delete_family(owner_token, demo.family_id, "My Home")

    assert demo.family_id not in state.families
    assert not [d for d in state.devices.values() if d.family_id == demo.family_id]
    assert not [r for r in state.rooms.values() if r.family_id == demo.family_id]
    assert not state.timers and not state.scenes and not state.automations and not state.shares
    assert [f.family_id for f in await client.list_all_families(owner_token)] == []
    assert state.families[other.family_id] is other  # another family is untouched
    notices = [
        (m.category, m.msg_type, m.family_id, m.family_name)
        for m in state.messages.values()
        if m.user_id == demo.friend.user_id
    ]
    assert (2, 201, demo.family_id, "My Home") in notices  # the member is told
    with pytest.raises(errors.NotFound):
        await client.delete_family(owner_token, demo.family_id, "My Home")


# -- rooms ----------------------------------------------------------------------------------------


async def test_room_list_counts_devices(
    client: IotClient, demo: DemoHome, owner_token: str
) -> None:
    rooms = await client.list_all_rooms(owner_token, demo.family_id)
    counts = {r.name: r.device_count for r in rooms}
    assert counts == {"Living room": 3, "Bedroom": 1, "Kitchen": 3}
    assert {r.room_id for r in rooms} == set(demo.rooms.values())


async def test_create_modify_and_delete_room(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str
) -> None:
    room_id = await client.create_room(owner_token, demo.family_id, TRICKY_NAME)
    created = (await client.list_all_rooms(owner_token, demo.family_id))[-1]  # newest last
    assert created.room_id == room_id and created.name == TRICKY_NAME
    assert created.device_count == 0 and created.created > 0
    await client.modify_room(owner_token, demo.family_id, room_id, "Attic")
    assert sandbox.state.rooms[room_id].name == "Attic"

    kitchen = demo.rooms["Kitchen"]
    await client.delete_room(owner_token, demo.family_id, kitchen)
    assert kitchen not in sandbox.state.rooms
    assert sandbox.state.devices[demo.devices["plug"]].room_id == "0"
    assert sandbox.state.devices[demo.devices["plug"]].family_id == demo.family_id
    names = [r.name for r in await client.list_all_rooms(owner_token, demo.family_id)]
    assert names == ["Living room", "Bedroom", "Attic"]


async def test_room_errors(
    client: IotClient,
    demo: DemoHome,
    owner_token: str,
    member_token: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(errors.NoPermission):
        await client.create_room(member_token, demo.family_id, "Mine")
    with pytest.raises(errors.NoPermission):
        await client.delete_room(member_token, demo.family_id, demo.rooms["Kitchen"])
    with pytest.raises(errors.NotFound) as caught:
        await client.modify_room(owner_token, demo.family_id, "r_nosuchroom", "Attic")
    assert caught.value.code == "ResourceNotFound.RoomNotExist"
    second = await client.create_family(owner_token, "Cabin")
    with pytest.raises(errors.NotFound):  # a room of another family of the same owner
        await client.delete_room(owner_token, second, demo.rooms["Kitchen"])
    with pytest.raises(errors.NoPermission):
        await client.delete_room(owner_token, demo.friend_family_id, demo.rooms["Kitchen"])
    with pytest.raises(errors.InvalidParameter) as caught_name:
        await client.create_room(owner_token, demo.family_id, "Kitchen")
    assert caught_name.value.code == "InvalidParameterValue.RoomNameExist"
    with pytest.raises(errors.InvalidParameter):
        await client.modify_room(owner_token, demo.family_id, demo.rooms["Kitchen"], " ")
    monkeypatch.setattr(families_actions, "MAX_ROOMS_PER_FAMILY", 3)
    with pytest.raises(errors.LimitExceeded) as caught_limit:
        await client.create_room(owner_token, demo.family_id, "Attic")
    assert caught_limit.value.code == "LimitExceeded.RoomExceedLimit"


async def test_list_rooms_pages_and_walks_to_the_end(
    client: IotClient, demo: DemoHome, member_token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = await client.list_rooms(member_token, demo.family_id, offset=2, limit=2)
    assert page.total == 3 and [r.name for r in page.rooms] == ["Kitchen"]
    monkeypatch.setattr(families_api, "PAGE_LIMIT", 1)
    rooms = await client.list_all_rooms(member_token, demo.family_id)
    assert [r.name for r in rooms] == ["Living room", "Bedroom", "Kitchen"]


async def test_room_list_without_family_id_is_the_first_family(
    client: IotClient, owner_token: str
) -> None:
    reply = await client.call("AppGetRoomList", {}, token=owner_token)
    assert reply["Total"] == 3 and reply["RoomList"][0]["RoomName"] == "Living room"
