"""Reading a user's home from the cloud for the device screens: families, devices, cards.

Every call goes through the AccountManager with the user's token. Product templates come
through the bot's one ProductCache (bot/iot/product_cache.py), shared with the push listeners.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Concatenate, ParamSpec, Protocol, TypeVar

from bot.home.cards import ALL_ROOMS, DeviceCard, HomeListing
from bot.home.catalogue import Catalogue
from bot.iot import errors
from bot.iot.models.devices import Device, DeviceData, Product
from bot.iot.models.families import Family, Room
from bot.iot.models.scenes import Scene, ScenePage
from bot.iot.models.sharing import SharedDevice, SharedDevicePage
from bot.iot.product_cache import ProductCache

if TYPE_CHECKING:
    from bot.home.accounts import AccountManager
    from bot.iot.client import IotClient
    from bot.storage.store import Store

T = TypeVar("T")
P = ParamSpec("P")
SHARED_PAGE = 100  # AppListUserShareDevices: Limit at most 100
SHARED_MAX_OFFSET = 500  # ... and Offset at most 500
_GONE = (errors.NotFound, errors.NoPermission, errors.InvalidParameter)


class HomeServices(Protocol):
    """What a Home needs of the bot's services (bot.telegram.context.Services has it all)."""

    store: Store
    iot: IotClient
    accounts: AccountManager
    products: ProductCache  # the bot's one template cache, shared with the push listeners


class Home:
    """The cloud as one user sees it; each method is one or a few calls with their token."""

    def __init__(self, services: HomeServices, user_id: int) -> None:
        self.services = services
        self.user_id = user_id
        self.iot = services.iot

    async def run(self, call: Callable[[str], Awaitable[T]]) -> T:
        """``await call(token)`` with the user's token (renewed when it can be)."""
        return await self.services.accounts.run(self.user_id, call)

    async def call(
        self,
        method: Callable[Concatenate[str, P], Awaitable[T]],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """``await method(token, *args, **kwargs)`` with the user's token: any app-API method of
        IotClient, typed as it is (``await home.call(iot.rename_device, device_id, name)``)."""
        return await self.run(lambda token: method(token, *args, **kwargs))

    async def families(self) -> tuple[list[Family], Family | None]:
        """The user's families and the current one, remembering it when it is the only one."""
        store = self.services.store
        account = self.services.accounts.account(self.user_id)
        families = await self.run(self.iot.list_all_families)
        current = next((f for f in families if f.family_id == account.family_id), None)
        if current is None and len(families) == 1:
            current = families[0]
            store.set_family(self.user_id, current.family_id)
        return families, current

    def family_id(self) -> str | None:
        """The family the user is looking at (NotLinked when there is no account)."""
        return self.services.accounts.account(self.user_id).family_id

    async def catalogue(self, family: str) -> Catalogue:
        """The family's devices and the templates of their products (two cloud calls)."""
        devices = await self.call(self.iot.list_all_devices, family)
        product_ids = sorted({d.product_id for d in devices})
        products = await self.call(self.iot.get_products, product_ids) if product_ids else []
        return Catalogue(
            {d.device_id: d for d in devices}, {p.product_id: p.template for p in products}
        )

    async def all_scenes(self, family: str) -> list[Scene]:
        """Every manual scene of the family, following the pages."""
        scenes: list[Scene] = []

        def page_from(offset: int) -> Callable[[str], Awaitable[ScenePage]]:
            return lambda token: self.iot.list_scenes(token, family, offset)

        while True:
            page = await self.run(page_from(len(scenes)))
            scenes += page.scenes
            if not page.scenes or len(scenes) >= page.total:
                return scenes

    def choose_family(self, family_id: str) -> None:
        """Remember the family the user looks at."""
        self.services.store.set_family(self.user_id, family_id)

    async def rooms(self, family_id: str) -> list[Room]:
        """Every room of the family."""
        return await self.call(self.iot.list_all_rooms, family_id)

    async def listing(
        self, families: Sequence[Family], family: Family, room_id: str
    ) -> HomeListing:
        """The family's devices in a room (or all), with status, rooms and the shared count."""
        room = "" if room_id == ALL_ROOMS else room_id
        devices, rooms, shared = await asyncio.gather(
            self.call(self.iot.list_all_devices_with_status, family.family_id, room),
            self.rooms(family.family_id),
            self.shared_count(),
        )
        return HomeListing(
            family=family,
            several_families=len(families) > 1,
            rooms=tuple(rooms),
            room_id=room_id,
            devices=tuple(devices),
            shared_count=shared,
        )

    async def family_devices(self, family_id: str) -> list[Device]:
        """Every device of the family, without online state."""
        return await self.call(self.iot.list_all_devices, family_id)

    async def shared_count(self) -> int:
        """How many devices others shared with the user (one small request)."""
        page = await self.call(self.iot.list_shared_devices, limit=1)
        return page.total

    async def shared_devices(self, *, with_status: bool = True) -> list[Device]:
        """Every device others shared with the user, as Device rows (status when asked)."""
        shared: list[SharedDevice] = []
        while len(shared) <= SHARED_MAX_OFFSET:
            page = await self._shared_page(len(shared))
            shared += page.devices
            if not page.devices or len(shared) >= page.total:
                break
        devices = [_as_device(s) for s in dict((s.device_id, s) for s in shared).values()]
        if not with_status or not devices:
            return devices
        return await self.with_status(devices)

    async def _shared_page(self, offset: int) -> SharedDevicePage:
        return await self.call(self.iot.list_shared_devices, offset=offset, limit=SHARED_PAGE)

    async def with_status(self, devices: list[Device]) -> list[Device]:
        """The devices with ``online`` read from the cloud."""
        ids = [d.device_id for d in devices]
        statuses = await self.call(self.iot.device_statuses, ids)
        online = {s.device_id: s.online for s in statuses}
        return [d.with_online(online.get(d.device_id)) for d in devices]

    async def products(self, product_ids: Iterable[str]) -> dict[str, Product]:
        """Products (with templates) by id, from the cache when fresh."""
        return await self.services.products.products(
            product_ids, lambda ids: self.call(self.iot.get_products, ids)
        )

    async def readings(self, device_id: str) -> DeviceData:
        """The device's last reported values."""
        return await self.call(self.iot.device_data, device_id)

    async def card(self, device_id: str) -> DeviceCard:
        """Everything the device's card shows, read fresh (the template from the cache)."""
        device, family_id, shared = await self._locate(device_id)
        status, readings, products, rooms = await asyncio.gather(
            self.with_status([device]),
            self.readings(device_id),
            self.products([device.product_id]),
            self.rooms(family_id) if family_id else _nothing(),
        )
        room_name = next((r.name for r in rooms if r.room_id == device.room_id), "")
        return DeviceCard.of(
            status[0],
            products.get(device.product_id),
            readings,
            room_name=room_name,
            family_id=family_id,
            shared=shared,
        )

    async def _locate(self, device_id: str) -> tuple[Device, str, bool]:
        """The device, the user's family holding it ("" if none) and whether it is shared."""
        account = self.services.accounts.account(self.user_id)
        families: list[Family] | None = None
        if account.family_id:
            candidates = [account.family_id]
        else:
            families, _current = await self.families()
            candidates = [f.family_id for f in families]
        for family_id in candidates:
            detail = await self._detail(family_id, device_id)
            if detail is None:
                continue
            if detail.family_id in ("", family_id):
                return detail, family_id, False
            # The cloud may answer for a device of another family: one of the user's, or shared.
            if families is None:
                families, _current = await self.families()
            if any(f.family_id == detail.family_id for f in families):
                return detail, detail.family_id, False
            break
        for device in await self.shared_devices(with_status=False):
            if device.device_id == device_id:
                return device, "", True
        raise errors.NotFound(
            "ResourceNotFound.DeviceNotExist", "not a device of this user", action="device card"
        )

    async def _detail(self, family_id: str, device_id: str) -> Device | None:
        try:
            return await self.call(self.iot.get_device, family_id, device_id)
        except _GONE:
            return None


def _as_device(shared: SharedDevice) -> Device:
    return Device(
        device_id=shared.device_id,
        product_id=shared.product_id,
        device_name=shared.device_name,
        alias=shared.alias,
        icon_url=shared.icon_url,
        user_id=shared.from_user_id,
    )


async def _nothing() -> list[Room]:
    return []
