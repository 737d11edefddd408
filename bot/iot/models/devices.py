"""Dataclasses for devices: list rows, online state, products, current data and extra info."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Self

from bot.iot.models._fields import integer, records, text
from bot.iot.models.device_history import EventHistoryItem, EventPage, HistoryPage, HistoryPoint
from bot.iot.template import DataTemplate

__all__ = [
    "DEVICE_TYPE_GATEWAY",
    "DEVICE_TYPE_NORMAL",
    "DEVICE_TYPE_SUB_DEVICE",
    "Device",
    "DeviceData",
    "DeviceDetail",
    "DeviceExtInfo",
    "DevicePage",
    "DeviceStatus",
    "EventHistoryItem",
    "EventPage",
    "GatewaySubDevice",
    "HistoryPage",
    "HistoryPoint",
    "Product",
    "PropertyReading",
]

# DeviceType in device lists and details (reference, DeviceList).
DEVICE_TYPE_NORMAL = 0
DEVICE_TYPE_GATEWAY = 1
DEVICE_TYPE_SUB_DEVICE = 2


@dataclass(frozen=True)
class Device:
    """A device bound into a family, as AppGetFamilyDeviceList lists it.

    ``online`` is None until AppGetDeviceStatuses has been asked: the list does not carry it.
    """

    device_id: str
    product_id: str
    device_name: str
    alias: str
    family_id: str = ""
    room_id: str = ""
    icon_url: str = ""
    user_id: str = ""
    device_type: int = DEVICE_TYPE_NORMAL
    created: int = 0
    updated: int = 0
    online: bool | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        product_id = text(data, "ProductId", "ProductID")
        device_name = text(data, "DeviceName")
        device_id = text(data, "DeviceId", "DeviceID") or f"{product_id}/{device_name}"
        online = data.get("Online")
        return cls(
            device_id=device_id,
            product_id=product_id or device_id.partition("/")[0],
            device_name=device_name or device_id.partition("/")[2],
            alias=text(data, "AliasName"),
            family_id=text(data, "FamilyId"),
            room_id=text(data, "RoomId"),
            icon_url=text(data, "IconUrl"),
            user_id=text(data, "UserId", "UserID"),
            device_type=integer(data, "DeviceType"),
            created=integer(data, "CreateTime"),
            updated=integer(data, "UpdateTime", "LastUpdate"),
            online=None if online is None else integer(data, "Online") == 1,
        )

    @property
    def name(self) -> str:
        """What to call it: the alias the user gave, else the device name."""
        return self.alias or self.device_name

    @property
    def is_gateway(self) -> bool:
        return self.device_type == DEVICE_TYPE_GATEWAY

    @property
    def is_sub_device(self) -> bool:
        return self.device_type == DEVICE_TYPE_SUB_DEVICE

    def with_online(self, online: bool | None) -> Self:
        """A copy carrying the online state learned from AppGetDeviceStatuses."""
        return dataclasses.replace(self, online=online)


@dataclass(frozen=True)
class DeviceDetail(Device):
    """One device as AppGetDeviceInFamily (or a rename) answers: the list row's fields, read alone."""


@dataclass(frozen=True)
class DevicePage:
    """One page of a family's devices and how many there are in all."""

    total: int
    devices: tuple[Device, ...]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DevicePage:
        rows = records(data, "DeviceList")
        return cls(integer(data, "Total", default=len(rows)), tuple(map(Device.from_dict, rows)))


@dataclass(frozen=True)
class DeviceStatus:
    """Whether a device is connected to the cloud now."""

    device_id: str
    online: bool

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DeviceStatus:
        device_id = text(data, "DeviceId") or (
            f"{text(data, 'ProductId')}/{text(data, 'DeviceName')}"
        )
        # The reference's example comments "0 online, 1 offline", but the vendor's apps (and the
        # DeviceList OnlineStatus table) treat 1 as online; we follow the apps.
        return cls(device_id, integer(data, "Online") == 1)


@dataclass(frozen=True)
class Product:
    """A product (device model) and its DataTemplate: what its devices report and accept."""

    product_id: str
    name: str
    template: DataTemplate
    description: str = ""
    net_type: str = ""
    category_id: int = 0
    product_type: int = 0
    updated: int = 0

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Product:
        raw = data.get("DataTemplate")
        return cls(
            product_id=text(data, "ProductId"),
            name=text(data, "Name", "ProductName"),
            # The real cloud sends the template as JSON text; the reference's example, an object.
            template=DataTemplate.parse(raw if isinstance(raw, (str, Mapping)) else None),
            description=text(data, "Description"),
            net_type=text(data, "NetType"),
            category_id=integer(data, "CategoryId"),
            product_type=integer(data, "ProductType"),
            updated=integer(data, "UpdateTime"),
        )


@dataclass(frozen=True)
class PropertyReading:
    """The last value of one property and when it was reported (Unix milliseconds)."""

    value: Any
    last_update_ms: int


@dataclass(frozen=True)
class DeviceData:
    """AppGetDeviceData: every property's last value, by property id."""

    readings: Mapping[str, PropertyReading] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DeviceData:
        readings: dict[str, PropertyReading] = {}
        for prop_id, entry in data.items():
            if isinstance(entry, Mapping):
                item = dict(entry)
                readings[str(prop_id)] = PropertyReading(
                    item.get("Value"), integer(item, "LastUpdate")
                )
        return cls(readings)

    def value(self, prop_id: str, default: Any = None) -> Any:
        """The property's last value, or ``default`` when it has never been reported."""
        reading = self.readings.get(prop_id)
        return default if reading is None else reading.value

    def values(self) -> dict[str, Any]:
        """Property id -> value, without the timestamps."""
        return {prop_id: reading.value for prop_id, reading in self.readings.items()}

    def __contains__(self, prop_id: object) -> bool:
        return prop_id in self.readings

    def __iter__(self) -> Iterator[str]:
        return iter(self.readings)


@dataclass(frozen=True)
class DeviceExtInfo:
    """AppGetDeviceExtInfo: what the device reported about itself (MAC, firmware, IP)."""

    device_id: str
    manufacturer: str = ""
    model: str = ""
    mac: str = ""
    firmware_version: str = ""
    ip: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any], device_id: str = "") -> DeviceExtInfo:
        return cls(
            device_id=text(data, "DeviceId", default=device_id),
            manufacturer=text(data, "ManufacturerName"),
            model=text(data, "ProductModel"),
            mac=text(data, "Mac"),
            firmware_version=text(data, "FwVer"),
            ip=text(data, "IP"),
        )


@dataclass(frozen=True)
class GatewaySubDevice:
    """A sub-device paired with a gateway; ``bound`` when it is also bound into a family."""

    device_id: str
    product_id: str
    device_name: str
    alias: str = ""
    icon_url: str = ""
    bound: bool = False

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GatewaySubDevice:
        product_id, device_name = text(data, "ProductId"), text(data, "DeviceName")
        return cls(
            device_id=text(data, "DeviceId") or f"{product_id}/{device_name}",
            product_id=product_id,
            device_name=device_name,
            alias=text(data, "AliasName"),
            icon_url=text(data, "IconUrl"),
            bound=integer(data, "BindStatus") == 1,
        )
