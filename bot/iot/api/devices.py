"""Typed app-API methods: a family's devices, their state, products, rooms and gateways."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.iot.api.device_history import DeviceHistoryApi, device_params
from bot.iot.api.paging import walk_pages
from bot.iot.models._fields import integer, records
from bot.iot.models.devices import (
    Device,
    DeviceData,
    DeviceDetail,
    DeviceExtInfo,
    DevicePage,
    DeviceStatus,
    GatewaySubDevice,
    Product,
)
from bot.iot.replies import data_of

PAGE_LIMIT = 50  # the largest page the device lists serve (reference)
STATUS_BATCH = 100  # device ids per AppGetDeviceStatuses request (no documented cap; be modest)


class DevicesApi(DeviceHistoryApi):
    """Listing, reading, renaming, moving and deleting devices; gateways' sub-devices."""

    async def list_devices(
        self,
        token: str,
        family_id: str,
        room_id: str = "",
        *,
        offset: int = 0,
        limit: int = PAGE_LIMIT,
    ) -> DevicePage:
        """AppGetFamilyDeviceList: one page; ``room_id`` "" is the whole family, "0" the default room."""
        params = {
            "FamilyId": family_id,
            "RoomId": room_id,
            "Offset": offset,
            "Limit": max(1, min(limit, PAGE_LIMIT)),
        }
        reply = await self.call("AppGetFamilyDeviceList", params, token=token, read=True)
        return DevicePage.from_dict(data_of(reply))

    async def list_all_devices(self, token: str, family_id: str, room_id: str = "") -> list[Device]:
        """Every device of the family (or room), following the pages to the end."""

        async def fetch(offset: int) -> tuple[tuple[Device, ...], int]:
            page = await self.list_devices(token, family_id, room_id, offset=offset)
            return page.devices, page.total

        return await walk_pages(fetch, page_size=PAGE_LIMIT, key=lambda d: d.device_id)

    async def device_statuses(self, token: str, device_ids: Sequence[str]) -> list[DeviceStatus]:
        """AppGetDeviceStatuses: which of these devices are online now."""
        statuses: list[DeviceStatus] = []
        ids = list(dict.fromkeys(device_ids))
        for start in range(0, len(ids), STATUS_BATCH):
            batch = ids[start : start + STATUS_BATCH]
            reply = await self.call(
                "AppGetDeviceStatuses", {"DeviceIds": batch}, token=token, read=True
            )
            # The parameter table names the list "Devices"; the example and the vendor's apps
            # read "DeviceStatuses". Either is accepted.
            rows = records(data_of(reply), "DeviceStatuses", "Devices")
            statuses += [DeviceStatus.from_dict(row) for row in rows]
        return statuses

    async def list_all_devices_with_status(
        self, token: str, family_id: str, room_id: str = ""
    ) -> list[Device]:
        """Every device of the family (or room) with ``online`` filled in."""
        devices = await self.list_all_devices(token, family_id, room_id)
        if not devices:
            return []
        online = {
            s.device_id: s.online
            for s in await self.device_statuses(token, [d.device_id for d in devices])
        }
        return [d.with_online(online.get(d.device_id)) for d in devices]

    async def get_products(self, token: str, product_ids: Sequence[str]) -> list[Product]:
        """AppGetProducts: the products (with their parsed DataTemplates) of these ids."""
        ids = list(dict.fromkeys(product_ids))
        if not ids:
            return []
        reply = await self.call("AppGetProducts", {"ProductIds": ids}, token=token, read=True)
        return [Product.from_dict(row) for row in records(data_of(reply), "Products")]

    async def device_data(self, token: str, device_id: str) -> DeviceData:
        """AppGetDeviceData: every property's last value and when it was reported."""
        reply = await self.call(
            "AppGetDeviceData", device_params(device_id), token=token, read=True
        )
        return DeviceData.from_dict(data_of(reply))

    async def get_device(self, token: str, family_id: str, device_id: str) -> DeviceDetail:
        """AppGetDeviceInFamily: one device's details."""
        params = {"FamilyId": family_id, **device_params(device_id)}
        reply = await self.call("AppGetDeviceInFamily", params, token=token, read=True)
        return DeviceDetail.from_dict(data_of(reply))

    async def device_ext_info(self, token: str, device_id: str) -> DeviceExtInfo:
        """AppGetDeviceExtInfo: MAC, IP and firmware version as the device reported them."""
        reply = await self.call(
            "AppGetDeviceExtInfo", {"DeviceId": device_id}, token=token, read=True
        )
        return DeviceExtInfo.from_dict(data_of(reply), device_id)

    async def rename_device(self, token: str, device_id: str, alias: str) -> DeviceDetail:
        """AppUpdateDeviceInFamily: give the device a new alias; returns the renamed device."""
        params = {**device_params(device_id), "AliasName": alias}
        reply = await self.call("AppUpdateDeviceInFamily", params, token=token)
        return DeviceDetail.from_dict(data_of(reply))

    async def move_device(self, token: str, family_id: str, device_id: str, room_id: str) -> None:
        """AppModifyFamilyDeviceRoom: put the device in another room ("0" = the default room)."""
        params = {"FamilyId": family_id, "RoomId": room_id, **device_params(device_id)}
        await self.call("AppModifyFamilyDeviceRoom", params, token=token)

    async def delete_device(
        self, token: str, family_id: str, device_id: str, room_id: str = ""
    ) -> None:
        """AppDeleteDeviceInFamily: unbind the device (it must be provisioned again to return)."""
        params = {"FamilyId": family_id, "RoomId": room_id, **device_params(device_id)}
        await self.call("AppDeleteDeviceInFamily", params, token=token)

    async def gateway_sub_devices(
        self, token: str, gateway_id: str, sub_product_id: str
    ) -> list[GatewaySubDevice]:
        """AppGetGatewayBindDeviceList: the gateway's sub-devices of one product, every page."""
        base = {**_gateway_params(gateway_id), "ProductId": sub_product_id}
        rows = await self._all_pages("AppGetGatewayBindDeviceList", base, token)
        return [GatewaySubDevice.from_dict(row) for row in rows]

    async def family_sub_devices(self, token: str, gateway_id: str) -> list[Device]:
        """AppGetFamilySubDeviceList: the gateway's sub-devices bound into a family, every page."""
        rows = await self._all_pages(
            "AppGetFamilySubDeviceList", _gateway_params(gateway_id), token
        )
        return [Device.from_dict(row) for row in rows]

    async def _all_pages(
        self, action: str, base: dict[str, Any], token: str
    ) -> list[dict[str, Any]]:
        async def fetch(offset: int) -> tuple[list[dict[str, Any]], int | None]:
            params = {**base, "Offset": offset, "Limit": PAGE_LIMIT}
            reply = data_of(await self.call(action, params, token=token, read=True))
            # Total comes as a string here (reference); integer() reads either.
            total = integer(reply, "Total") if "Total" in reply else None
            return records(reply, "DeviceList"), total

        return await walk_pages(fetch, page_size=PAGE_LIMIT)


def _gateway_params(gateway_id: str) -> dict[str, str]:
    ids = device_params(gateway_id)
    return {"GatewayProductId": ids["ProductId"], "GatewayDeviceName": ids["DeviceName"]}
