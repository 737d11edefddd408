"""Sandbox actions: renaming a device, moving it to another room, and deleting it."""

from __future__ import annotations

from typing import Any

from bot.sandbox.actions.device_rows import device_row
from bot.sandbox.registry import Call, CloudError, action
from bot.sandbox.state import DEFAULT_ROOM, Device, SandboxState

ALIAS_MAX = 64


def _member_device(call: Call, family_id: str = "", *, admin: bool = False) -> Device:
    """The device named by ProductId + DeviceName, managed by a member of its family.

    A user the device was only shared with may look at it, not manage it.
    """
    device = call.device(shared_ok=False)
    family = call.family(family_id or device.family_id, admin=admin)
    if device.family_id != family.family_id:
        raise CloudError("ResourceNotFound.DeviceNotExist", "the device is not in this family")
    return device


@action("AppUpdateDeviceInFamily")
async def rename_device(call: Call) -> dict[str, Any]:
    """Give a device a new alias; answers the device's fields (flat, per the reference table)."""
    alias = call.get("AliasName").strip()
    if not 1 <= len(alias) <= ALIAS_MAX:
        raise CloudError("InvalidParameterValue", f"AliasName must be 1-{ALIAS_MAX} characters")
    device = _member_device(call)
    device.alias = alias
    device.updated = call.state.now()
    return device_row(call.state, device)


@action("AppModifyFamilyDeviceRoom")
async def move_device(call: Call) -> dict[str, Any]:
    """Move a device to a room of its own family ("0" is the default room)."""
    family_id = call.get("FamilyId")
    room_id = call.get("RoomId", str, DEFAULT_ROOM) or DEFAULT_ROOM
    device = _member_device(call, family_id)
    if room_id != DEFAULT_ROOM:
        room = call.state.rooms.get(room_id)
        if room is None or room.family_id != device.family_id:
            raise CloudError("ResourceNotFound.RoomNotExist", "no such room in this family")
    device.room_id = room_id
    device.updated = call.state.now()
    return {}


@action("AppDeleteDeviceInFamily")
async def delete_device(call: Call) -> dict[str, Any]:
    """Unbind a device (the family's admin only), with its timers, shares and history."""
    # RoomId is required by the table but the vendor's apps do not send it; it is not needed.
    device = _member_device(call, call.get("FamilyId"), admin=True)
    forget_device(call.state, device.device_id)
    return {}


def forget_device(state: SandboxState, device_id: str) -> None:
    """Remove a device and everything that hangs off it."""
    if device_id in state.devices:
        state.announce_binding(device_id, bound=False)  # heard while the device still exists
    state.devices.pop(device_id, None)
    for timer_id in [t.timer_id for t in state.timers.values() if t.device_id == device_id]:
        del state.timers[timer_id]
    for key in [key for key in state.shares if key[0] == device_id]:
        del state.shares[key]
    for token in [t.token for t in state.share_tokens.values() if t.device_id == device_id]:
        del state.share_tokens[token]
    for key in [key for key in state.history if key[0] == device_id]:
        del state.history[key]
    state.events.pop(device_id, None)
