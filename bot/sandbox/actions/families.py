"""Sandbox actions: families and their rooms (members and invitations: family_members.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.sandbox.actions import family_members
from bot.sandbox.registry import Call, CloudError, action
from bot.sandbox.state import DEFAULT_ROOM, ROLE_OWNER, Family, Room, SandboxState, new_id

NAME_MAX = 30  # characters in a family or room name
ADDRESS_MAX = 128
MAX_FAMILIES_PER_USER = 20  # families one user may own
MAX_ROOMS_PER_FAMILY = 50


def check_name(name: str, code: str) -> str:
    """A family or room name as given (kept intact: any character may appear), or an error."""
    if not name.strip() or len(name) > NAME_MAX:
        raise CloudError(code, f"the name must be 1 to {NAME_MAX} characters")
    return name


def _check_address(address: str) -> str:
    if len(address) > ADDRESS_MAX:
        raise CloudError(
            "InvalidParameterValue.AddressInvalid",
            f"the address must be at most {ADDRESS_MAX} characters",
        )
    return address


def _rooms_of(state: SandboxState, family_id: str) -> list[Room]:
    rooms = [r for r in state.rooms.values() if r.family_id == family_id]
    return sorted(rooms, key=lambda r: r.created)  # stable: equal times keep creation order


def _room(call: Call, family: Family) -> Room:
    room = call.state.rooms.get(str(call.get("RoomId", (str, int))))
    if room is None or room.family_id != family.family_id:
        raise CloudError("ResourceNotFound.RoomNotExist", "room does not exist")
    return room


# -- families -------------------------------------------------------------------------------------


@action("AppCreateFamily")
async def create_family(call: Call) -> dict[str, Any]:
    """A new family owned by the caller, with no rooms yet."""
    name = check_name(call.get("Name"), "InvalidParameterValue.FamilyNameInvalid")
    address = _check_address(call.get("Address", str, ""))
    state, me = call.state, call.me
    owned = sum(1 for f in state.families.values() if f.owner_id == me.user_id)
    if owned >= MAX_FAMILIES_PER_USER:
        raise CloudError("LimitExceeded.FamilyExceedLimit", "too many families")
    now = state.now()
    family = Family(new_id("f"), name, me.user_id, address, created=now, updated=now)
    family.members[me.user_id] = ROLE_OWNER
    family.member_joined[me.user_id] = now
    state.families[family.family_id] = family
    # The reference's table has FamilyId at the top level (its example wraps it in Data).
    return {"FamilyId": family.family_id}


@action("AppModifyFamily")
async def modify_family(call: Call) -> dict[str, Any]:
    """Rename or re-address a family (owner only); an omitted field stays as it was."""
    family = call.family(call.get("FamilyId"), admin=True)
    name = call.get("Name", str, None)
    address = call.get("Address", str, None)
    if name is not None:
        family.name = check_name(name, "InvalidParameterValue.FamilyNameInvalid")
    if address is not None:
        family.address = _check_address(address)
    family.updated = call.state.now()
    return {}


@action("AppDeleteFamily")
async def delete_family(call: Call) -> dict[str, Any]:
    """Delete a family (owner only) with everything in it; Name must be its current name."""
    family = call.family(call.get("FamilyId"), admin=True)
    if call.get("Name") != family.name:
        raise CloudError("InvalidParameterValue.FamilyNameMismatch", "Name is not this family's")
    family_members.notify_family_deleted(call.state, family, call.me.user_id)
    remove_family(call.state, family.family_id)
    return {}


def remove_family(state: SandboxState, family_id: str) -> None:
    """Forget a family and whatever hangs off it: rooms, devices and their timers, shares..."""
    device_ids = {d.device_id for d in state.devices.values() if d.family_id == family_id}
    for device_id in device_ids:
        del state.devices[device_id]
        state.events.pop(device_id, None)
    for key in [k for k in state.history if k[0] in device_ids]:
        del state.history[key]
    for key in [k for k in state.shares if k[0] in device_ids]:
        del state.shares[key]
    _drop(state.share_tokens, lambda t: t.device_id in device_ids or t.family_id == family_id)
    _drop(state.timers, lambda t: t.device_id in device_ids)
    for run in [s.run_task for s in state.scenes.values() if s.family_id == family_id] + [
        a.run_task for a in state.automations.values() if a.family_id == family_id
    ]:
        if run is not None:
            run.cancel()  # a scene or automation mid-run must not touch what is gone
    _drop(state.scenes, lambda s: s.family_id == family_id)
    _drop(state.automations, lambda a: a.family_id == family_id)
    _drop(state.rooms, lambda r: r.family_id == family_id)
    _drop(state.family_invites, lambda i: i.family_id == family_id)
    del state.families[family_id]


def _drop(records: dict[str, Any], doomed: Callable[[Any], bool]) -> None:
    for key in [k for k, record in records.items() if doomed(record)]:
        del records[key]


@action("AppGetFamilyList")
async def get_family_list(call: Call) -> dict[str, Any]:
    """The families the caller belongs to, oldest first, with the caller's role in each."""
    offset, limit = call.page(default_limit=20, max_limit=50)
    me = call.me.user_id
    families = [f for f in call.state.families.values() if me in f.members]
    items = [
        {
            "FamilyId": f.family_id,
            # The reference names it Name; the vendor's apps read FamilyName: send both.
            "Name": f.name,
            "FamilyName": f.name,
            "Role": f.members[me],
            "CreateTime": f.created,
            "UpdateTime": f.updated,
        }
        for f in families[offset : offset + limit]
    ]
    return {"FamilyList": items, "Total": len(families)}


@action("AppDescribeFamily")
async def describe_family(call: Call) -> dict[str, Any]:
    """A family's name, address and times (any member)."""
    family = call.family(call.get("FamilyId"))
    # In Data, as the reference's example and the Android app (FamilyInfoResponse) read it; the
    # reference's output table lists the fields flat, which the client reads as well.
    return {
        "Data": {
            "FamilyId": family.family_id,
            "FamilyName": family.name,
            "Address": family.address,
            "CreateTime": family.created,
            "UpdateTime": family.updated,
        }
    }


# -- rooms ----------------------------------------------------------------------------------------


@action("AppCreateRoom")
async def create_room(call: Call) -> dict[str, Any]:
    """A new room in a family (owner only); names are unique within the family."""
    family = call.family(call.get("FamilyId"), admin=True)
    name = check_name(call.get("Name"), "InvalidParameterValue.RoomNameInvalid")
    rooms = _rooms_of(call.state, family.family_id)
    if len(rooms) >= MAX_ROOMS_PER_FAMILY:
        raise CloudError("LimitExceeded.RoomExceedLimit", "too many rooms in this family")
    if any(r.name == name for r in rooms):
        raise CloudError("InvalidParameterValue.RoomNameExist", "a room has this name already")
    now = call.state.now()
    room = Room(new_id("r"), family.family_id, name, now, now)
    call.state.rooms[room.room_id] = room
    family.updated = now
    return {"RoomId": room.room_id}


@action("AppModifyRoom")
async def modify_room(call: Call) -> dict[str, Any]:
    """Rename a room (owner only)."""
    family = call.family(call.get("FamilyId"), admin=True)
    room = _room(call, family)
    name = call.get("Name", str, None)
    if name is not None:
        check_name(name, "InvalidParameterValue.RoomNameInvalid")
        if any(r.name == name for r in _rooms_of(call.state, family.family_id) if r is not room):
            raise CloudError("InvalidParameterValue.RoomNameExist", "a room has this name already")
        room.name = name
    room.updated = call.state.now()
    return {}


@action("AppDeleteRoom")
async def delete_room(call: Call) -> dict[str, Any]:
    """Delete a room (owner only); its devices move to the family's default room "0"."""
    family = call.family(call.get("FamilyId"), admin=True)
    room = _room(call, family)
    now = call.state.now()
    for device in call.state.devices.values():
        if device.family_id == family.family_id and device.room_id == room.room_id:
            device.room_id = DEFAULT_ROOM
            device.updated = now
    del call.state.rooms[room.room_id]
    family.updated = now
    return {}


@action("AppGetRoomList")
async def get_room_list(call: Call) -> dict[str, Any]:
    """A family's rooms, oldest first, with how many devices each holds."""
    offset, limit = call.page(default_limit=20, max_limit=50)
    family_id = call.get("FamilyId", str, "")
    if not family_id:
        # FamilyId is optional in the reference: without it, the caller's first family.
        mine = call.state.family_ids_of(call.me.user_id)
        if not mine:
            return {"RoomList": [], "Total": 0}
        family_id = mine[0]
    family = call.family(family_id)
    rooms = _rooms_of(call.state, family.family_id)
    counts: dict[str, int] = {}
    for device in call.state.devices.values():
        if device.family_id == family.family_id:
            counts[device.room_id] = counts.get(device.room_id, 0) + 1
    items = [
        {
            "RoomId": r.room_id,
            "RoomName": r.name,
            "DeviceNum": counts.get(r.room_id, 0),
            "CreateTime": r.created,
            "UpdateTime": r.updated,
        }
        for r in rooms[offset : offset + limit]
    ]
    return {"RoomList": items, "Total": len(rooms)}
