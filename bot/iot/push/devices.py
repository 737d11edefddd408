"""What a push socket subscribes: every device of the user's families plus those shared with them."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable

from bot.iot.client import IotClient
from bot.iot.push.transport import Subscription

DevicesProvider = Callable[[], Awaitable[Subscription]]
SHARE_PAGE = 100  # AppListUserShareDevices serves at most 100 a page
SHARE_MAX_OFFSET = 500  # ... and no Offset beyond 500 (reference)


async def fetch_subscription(iot: IotClient, token: str) -> Subscription:
    """Every device of every family of the user, plus the devices shared with them."""
    ids: dict[str, None] = {}  # a dict keeps the cloud's order and drops repeats
    for family in await iot.list_all_families(token):
        for device in await iot.list_all_devices(token, family.family_id):
            ids[device.device_id] = None
    offset = 0
    while offset <= SHARE_MAX_OFFSET:
        page = await iot.list_shared_devices(token, offset=offset, limit=SHARE_PAGE)
        ids.update(dict.fromkeys(d.device_id for d in page.devices))
        offset += len(page.devices)
        if not page.devices or offset >= page.total:
            break
    return Subscription(token, tuple(ids))


def token_provider(iot: IotClient, token: str) -> DevicesProvider:
    """A provider for a fixed token (tests, tools); the bot's goes through AccountManager."""
    return functools.partial(fetch_subscription, iot, token)
