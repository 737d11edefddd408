"""Sandbox actions: a family's devices, their online state, data, details and gateways."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from bot.sandbox.actions.device_rows import device_row
from bot.sandbox.actions.device_seed import seed_history
from bot.sandbox.registry import Call, CloudError, action
from bot.sandbox.state import Device, SandboxState

if TYPE_CHECKING:
    from bot.sandbox.demo import DemoHome

MANUFACTURER = "Sandbox Devices Co."


def seed_demo(state: SandboxState, home: DemoHome) -> None:
    """A week of sensor history and a few events, so charts and logs have something to show."""
    seed_history(state, home)


@action("AppGetFamilyDeviceList")
async def family_device_list(call: Call) -> dict[str, Any]:
    """A family's devices, one page; RoomId "" means the whole family, "0" the default room."""
    family = call.family(call.get("FamilyId"))
    room_id = call.get("RoomId", str, "")
    offset, limit = call.page(default_limit=20, max_limit=50)
    devices = [
        d
        for d in call.state.devices.values()
        if d.family_id == family.family_id and (room_id == "" or d.room_id == room_id)
    ]
    rows = [device_row(call.state, d) for d in devices[offset : offset + limit]]
    return {"Total": len(devices), "DeviceList": rows}


@action("AppGetDeviceStatuses")
async def device_statuses(call: Call) -> dict[str, Any]:
    """Online state of each device asked about (each must be visible to the caller)."""
    ids = call.get("DeviceIds", list)
    devices = [call.device(str(device_id)) for device_id in ids]
    # "DeviceStatuses" and Online 1 = online, as the reference's example key and the vendor's
    # apps have it (the parameter table says "Devices"; the example's comment says 0 = online).
    return {
        "DeviceStatuses": [
            {
                "DeviceId": d.device_id,
                "ProductId": d.product_id,
                "DeviceName": d.device_name,
                "Online": 1 if d.online else 0,
            }
            for d in devices
        ]
    }


@action("AppGetProducts")
async def products(call: Call) -> dict[str, Any]:
    """Products by id, each DataTemplate as JSON text as the real cloud sends it."""
    ids = call.get("ProductIds", list)
    if not ids:
        raise CloudError("InvalidParameterValue", "ProductIds is empty")
    answer = []
    for product_id in ids:
        product = call.state.products.get(str(product_id))
        if product is None:
            raise CloudError("ResourceNotFound.StudioProductNotExist", "product does not exist")
        answer.append(
            {
                "ProductId": product.product_id,
                "Name": product.name,
                "Description": product.description,
                "DataTemplate": json.dumps(product.data_template, ensure_ascii=False),
                "AppTemplate": "",
                "NetType": product.net_type,
                "CategoryId": product.category_id,
                "ProductType": product.product_type,
                "UpdateTime": call.state.now(),
            }
        )
    return {"Products": answer}


@action("AppGetDeviceData")
async def device_data(call: Call) -> dict[str, Any]:
    """Every property's last value, as a JSON string of {prop: {Value, LastUpdate}}."""
    device = call.device()
    data = {
        prop_id: {"Value": reading.value, "LastUpdate": reading.updated}
        for prop_id, reading in device.properties.items()
    }
    return {"Data": json.dumps(data, ensure_ascii=False)}


@action("AppGetDeviceInFamily")
async def device_in_family(call: Call) -> dict[str, Any]:
    """One device's details (flat fields, as the reference's parameter table lists them)."""
    return device_row(call.state, call.device())


@action("AppGetDeviceExtInfo")
async def device_ext_info(call: Call) -> dict[str, Any]:
    """What the device reported about itself: MAC (hex, no separators), firmware, IP."""
    device = call.device(call.get("DeviceId"))
    product = call.state.products.get(device.product_id)
    return {
        "ManufacturerName": MANUFACTURER,
        "ProductModel": product.name if product else "",
        "Mac": device.mac.replace(":", "").upper(),
        "FwVer": device.firmware_version,
        "IP": device.ip if device.online else "",
    }


def _gateway(call: Call) -> Device:
    gateway = call.device(f"{call.get('GatewayProductId')}/{call.get('GatewayDeviceName')}")
    product = call.state.products.get(gateway.product_id)
    if product is None or product.product_type != 2:
        raise CloudError("UnsupportedOperation.DeviceNotGateway", "not a gateway")
    return gateway


@action("AppGetGatewayBindDeviceList")
async def gateway_bind_device_list(call: Call) -> dict[str, Any]:
    """The gateway's sub-devices of one product; BindStatus 1 when bound into a family."""
    gateway = _gateway(call)
    # The vendor's apps leave ProductId out (Android HttpRequest.kt, iOS): then every product.
    product_id = call.get("ProductId", str, "")
    offset, limit = call.page(default_limit=20, max_limit=50)
    subs = [
        d
        for d in call.state.devices.values()
        if d.gateway_id == gateway.device_id and (not product_id or d.product_id == product_id)
    ]
    rows = [
        {
            "ProductId": d.product_id,
            "DeviceName": d.device_name,
            "DeviceId": d.device_id,
            "AliasName": d.alias,
            "IconUrl": d.icon_url,
            "BindStatus": 1 if d.family_id in call.state.families else 0,
        }
        for d in subs[offset : offset + limit]
    ]
    return {"Total": str(len(subs)), "DeviceList": rows}  # Total is a String here (reference)


@action("AppGetFamilySubDeviceList")
async def family_sub_device_list(call: Call) -> dict[str, Any]:
    """The gateway's sub-devices that are bound into the gateway's family."""
    gateway = _gateway(call)
    offset, limit = call.page(default_limit=20, max_limit=50)
    subs = [
        d
        for d in call.state.devices.values()
        if d.gateway_id == gateway.device_id and d.family_id == gateway.family_id
    ]
    rows = [device_row(call.state, d) for d in subs[offset : offset + limit]]
    return {"Total": str(len(subs)), "DeviceList": rows}
