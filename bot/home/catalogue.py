"""What the scene, automation and timer screens read from the cloud, and how they show a view."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.iot.models.devices import Device
from bot.iot.models.scenes import Scene, ScenePage
from bot.iot.template import DataTemplate, PropertySpec
from bot.telegram.context import HomeContext


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


def family_id(context: HomeContext, user_id: int) -> str | None:
    """The family the user is looking at (NotLinked when there is no account)."""
    return context.services.accounts.account(user_id).family_id


async def catalogue(context: HomeContext, user_id: int, family: str) -> Catalogue:
    """The family's devices and the templates of their products (two cloud calls)."""
    services = context.services
    iot = services.iot
    devices = await services.accounts.run(user_id, lambda t: iot.list_all_devices(t, family))
    product_ids = sorted({d.product_id for d in devices})
    products = (
        await services.accounts.run(user_id, lambda t: iot.get_products(t, product_ids))
        if product_ids
        else []
    )
    return Catalogue(
        {d.device_id: d for d in devices}, {p.product_id: p.template for p in products}
    )


async def all_scenes(context: HomeContext, user_id: int, family: str) -> list[Scene]:
    """Every manual scene of the family, following the pages."""
    iot = context.services.iot
    scenes: list[Scene] = []

    def page_from(offset: int) -> Callable[[str], Awaitable[ScenePage]]:
        return lambda token: iot.list_scenes(token, family, offset)

    while True:
        page = await context.services.accounts.run(user_id, page_from(len(scenes)))
        scenes += page.scenes
        if not page.scenes or len(scenes) >= page.total:
            return scenes
