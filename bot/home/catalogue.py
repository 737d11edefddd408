"""A family's devices and their products' templates, as the scene, automation and timer screens use them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.iot.models.devices import Device
from bot.iot.template import DataTemplate, PropertySpec


@dataclass(frozen=True)
class Catalogue:
    """A family's devices and their products' templates: what can be set, and how."""

    devices: dict[str, Device]
    templates: dict[str, DataTemplate]

    def settable(self, device_id: str) -> tuple[PropertySpec, ...]:
        device = self.devices.get(device_id)
        template = self.templates.get(device.product_id) if device else None
        return template.writable_properties if template else ()

    def prop(self, device_id: str, property_id: str) -> PropertySpec | None:
        return next((p for p in self.settable(device_id) if p.id == property_id), None)

    def with_settings(self) -> list[Device]:
        """The devices with at least one property the app may set, in the family's order."""
        return [d for d in self.devices.values() if self.settable(d.device_id)]


def now() -> datetime:
    return datetime.now(UTC)
