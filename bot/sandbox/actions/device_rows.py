"""How the sandbox writes a device into a reply, shared by the device actions."""

from __future__ import annotations

import json
from typing import Any

from bot.sandbox.state import Device, SandboxState

# DeviceType in replies: 0 normal, 1 gateway, 2 sub-device. Products count differently
# (Product.product_type: 0 normal, 1 sub-device, 2 gateway), hence the table.
_DEVICE_TYPE_BY_PRODUCT_TYPE = {0: 0, 1: 2, 2: 1}


def device_type(state: SandboxState, device: Device) -> int:
    """The DeviceType the cloud reports for ``device``."""
    if device.gateway_id:
        return 2
    product = state.products.get(device.product_id)
    return _DEVICE_TYPE_BY_PRODUCT_TYPE.get(product.product_type if product else 0, 0)


def device_row(state: SandboxState, device: Device) -> dict[str, Any]:
    """A device as the DeviceList structure (and AppGetDeviceInFamily) describe it."""
    return {
        "DeviceId": device.device_id,
        "ProductId": device.product_id,
        "DeviceName": device.device_name,
        "AliasName": device.alias,
        "UserId": device.owner_id,
        "FamilyId": device.family_id,
        "RoomId": device.room_id,
        "IconUrl": device.icon_url,
        "DeviceType": device_type(state, device),
        "CreateTime": device.created,
        "UpdateTime": device.updated,
    }


def wire_text(value: Any) -> str:
    """A value as the cloud writes it into text fields: strings as they are, the rest as JSON."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
