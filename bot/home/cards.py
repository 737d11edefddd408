"""What the device screens show, gathered from the cloud: plain data for the pure views."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from bot.iot.models.devices import Device, DeviceData, Product
from bot.iot.models.families import Family, Room
from bot.iot.template import DataTemplate

ALL_ROOMS = "*"  # the room filter that shows every device of the family
DEFAULT_ROOM = "0"  # where the cloud keeps devices not put in any room


@dataclass(frozen=True)
class DeviceCard:
    """One device with its product's template and its last reported values."""

    device: Device  # ``online`` filled in
    template: DataTemplate
    readings: DeviceData
    product_name: str = ""
    room_name: str = ""  # "" when the device is in no room, or shared with the user
    family_id: str = ""  # the user's family it belongs to; "" when shared with the user
    shared: bool = False  # someone outside the user's family shared it with them

    @property
    def device_id(self) -> str:
        return self.device.device_id

    @property
    def name(self) -> str:
        return self.device.name

    @property
    def online(self) -> bool:
        return bool(self.device.online)

    def value(self, prop_id: str) -> Any:
        """The property's last reported value (None when never reported)."""
        return self.readings.value(prop_id)

    @property
    def last_update_ms(self) -> int:
        """When the device last reported anything (Unix ms; 0 when never)."""
        return max((r.last_update_ms for r in self.readings.readings.values()), default=0)

    def with_readings(self, readings: DeviceData) -> DeviceCard:
        """The same card with freshly read values."""
        return dataclasses.replace(self, readings=readings)

    @classmethod
    def of(
        cls,
        device: Device,
        product: Product | None,
        readings: DeviceData,
        *,
        room_name: str = "",
        family_id: str = "",
        shared: bool = False,
    ) -> DeviceCard:
        """A card from what the cloud answered (an unknown product has an empty template)."""
        return cls(
            device=device,
            template=product.template if product else DataTemplate(),
            readings=readings,
            product_name=product.name if product else "",
            room_name=room_name,
            family_id=family_id,
            shared=shared,
        )


@dataclass(frozen=True)
class HomeListing:
    """A family's devices under a room filter, with what the list's header and menus need."""

    family: Family
    several_families: bool
    rooms: tuple[Room, ...]
    room_id: str  # ALL_ROOMS, DEFAULT_ROOM or a RoomId
    devices: tuple[Device, ...]  # every device under the filter, ``online`` filled in
    shared_count: int = 0

    def room_name(self, room_id: str) -> str:
        """The name of a room of this family ("" when unknown or the default room)."""
        return next((r.name for r in self.rooms if r.room_id == room_id), "")


@dataclass(frozen=True)
class DeviceMatch:
    """A device a typed name may mean, and how sure the guess is (0..1)."""

    device: Device
    score: float
