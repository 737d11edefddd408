"""ListenerManager: one push listener per stored account, through real Store and AccountManager."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.home.accounts import AccountManager
from bot.iot.client import IotClient
from bot.iot.push.events import DeviceEvent, Kind
from bot.iot.push.listener import PushSettings
from bot.notify.listeners import ListenerManager
from bot.sandbox.demo import DemoHome
from bot.sandbox.server import Sandbox
from bot.storage.store import Store

OWNER, FRIEND, NEWCOMER = 101, 202, 303
SETTINGS = PushSettings(
    heartbeat_interval=30.0,
    reply_timeout=2.0,
    close_timeout=0.5,
    reconnect_initial=0.01,
    reconnect_max=0.05,
)


class Inbox:
    """What the manager hands to the bot: (telegram user id, event), awaited one at a time."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[tuple[int, DeviceEvent]] = asyncio.Queue()
        self.seen: list[tuple[int, DeviceEvent]] = []

    async def __call__(self, user_id: int, event: DeviceEvent) -> None:  # an async on_event
        self.queue.put_nowait((user_id, event))

    async def next(self, match: Callable[[int, DeviceEvent], bool]) -> tuple[int, DeviceEvent]:
        async with asyncio.timeout(5):
            while True:
                item = await self.queue.get()
                self.seen.append(item)
                if match(*item):
                    return item


def kind(user_id: int, wanted: Kind) -> Callable[[int, DeviceEvent], bool]:
    return lambda uid, event: uid == user_id and event.kind is wanted


@pytest.fixture
async def accounts(tmp_path: Path, client: IotClient) -> AsyncIterator[AccountManager]:
    store = Store(tmp_path / "bot.sqlite3", default_timezone="UTC")
    yield AccountManager(store, client, region="cn")
    store.close()


@pytest.fixture
async def manager_for(
    client: IotClient, accounts: AccountManager
) -> AsyncIterator[Callable[..., tuple[ListenerManager, Inbox]]]:
    made: list[ListenerManager] = []

    def make(**options: Any) -> tuple[ListenerManager, Inbox]:
        inbox = Inbox()
        options.setdefault("settings", SETTINGS)
        options.setdefault("start_rate", 0.0)  # no pacing: as fast as the window allows
        manager = ListenerManager(client, accounts.store, accounts, inbox, **options)
        made.append(manager)
        return manager, inbox

    yield make
    for manager in made:
        await manager.stop()


def push_tasks() -> list[asyncio.Task[Any]]:
    return [t for t in asyncio.all_tasks() if t.get_name().startswith("push-")]


async def test_starts_a_listener_per_stored_account_and_stops_them_all(
    manager_for: Any,
    accounts: AccountManager,
    sandbox: Sandbox,
    demo: DemoHome,
    owner_token: str,
    friend_token: str,
) -> None:
    await accounts.link(OWNER, method="password", token=owner_token, expire_at=None)
    await accounts.link(FRIEND, method="password", token=friend_token, expire_at=None)
    lamp = sandbox.control.create_device(demo.friend_family_id, "DEMOLIGHT1", "sams_lamp")
    manager, inbox = manager_for(start_rate=100.0)
    await manager.start()
    await inbox.next(kind(OWNER, Kind.CONNECTED))
    await inbox.next(kind(FRIEND, Kind.CONNECTED))
    assert set(manager.listeners) == {OWNER, FRIEND}

    sandbox.control.report(demo.devices["light"], {"brightness": 5})
    await inbox.next(lambda uid, e: uid == OWNER and e.kind is Kind.PROPERTY)
    sandbox.control.report(lamp, {"brightness": 6})
    _, event = await inbox.next(kind(FRIEND, Kind.PROPERTY))
    assert event.device_id == lamp
    friend_saw = {e.device_id for uid, e in inbox.seen if uid == FRIEND and e.device_id}
    assert friend_saw == {lamp}  # the owner's light, pushed first, never reached the friend

    async with asyncio.timeout(2):
        await manager.stop()
    assert not manager.listeners and not push_tasks()


async def test_link_and_unlink_start_and_stop_a_listener(
    manager_for: Any, accounts: AccountManager, sandbox: Sandbox, demo: DemoHome, owner_token: str
) -> None:
    manager, inbox = manager_for()
    await manager.start()
    assert not manager.listeners
    await accounts.link(OWNER, method="password", token=owner_token, expire_at=None)
    await inbox.next(kind(OWNER, Kind.CONNECTED))
    listener = manager.listeners[OWNER]
    await accounts.unlink(OWNER)
    assert OWNER not in manager.listeners
    async with asyncio.timeout(2):
        await listener.wait()
    assert not listener.running


async def test_rejected_token_is_reported_once_and_not_retried_after_restart(
    manager_for: Any, accounts: AccountManager, sandbox: Sandbox, owner_token: str
) -> None:
    await accounts.link(OWNER, method="password", token=owner_token, expire_at=None)
    manager, inbox = manager_for(settings=PushSettings(heartbeat_interval=0.02))
    await manager.start()
    await inbox.next(kind(OWNER, Kind.CONNECTED))
    listener = manager.listeners[OWNER]
    sandbox.control.expire_tokens(token=owner_token)
    await inbox.next(kind(OWNER, Kind.TOKEN_REJECTED))
    async with asyncio.timeout(2):
        await listener.wait()
    assert OWNER not in manager.listeners
    account = accounts.store.get_account(OWNER)
    assert account is not None and account.token_problem_notified
    assert inbox.queue.empty()

    await manager.stop()
    await manager.start()  # a restart does not retry a token known to be dead
    assert not manager.listeners


async def test_telegram_account_is_renewed_and_keeps_listening(
    manager_for: Any, accounts: AccountManager, sandbox: Sandbox
) -> None:
    account = await accounts.sign_in_with_telegram(NEWCOMER, "Nia")
    family = sandbox.control.create_family(account.iot_user_id, "Nia's place")
    lamp = sandbox.control.create_device(family, "DEMOLIGHT1", "nias_lamp")
    hub = sandbox.server.hub
    grants: asyncio.Queue[str] = asyncio.Queue()
    answer = hub._active_push

    def recording(sub: Any, req_id: str, params: dict[str, Any]) -> dict[str, Any]:
        reply = answer(sub, req_id, params)
        grants.put_nowait(params["AccessToken"] if reply["data"]["deviceIds"] else "")
        return reply

    hub._active_push = recording  # type: ignore[method-assign]
    manager, inbox = manager_for(settings=PushSettings(heartbeat_interval=0.02))
    await manager.start()
    await inbox.next(kind(NEWCOMER, Kind.CONNECTED))
    assert await grants.get() == account.token
    sandbox.control.expire_tokens(user_id=account.iot_user_id)
    async with asyncio.timeout(5):
        renewed = await grants.get()  # the heartbeat failed, the account signed in again
    stored = accounts.store.get_account(NEWCOMER)
    assert stored is not None and renewed == stored.token != account.token
    sandbox.control.report(lamp, {"brightness": 9})
    _, event = await inbox.next(lambda uid, e: e.kind is Kind.PROPERTY)
    assert event.device_id == lamp
    assert manager.listeners[NEWCOMER].running
    assert Kind.TOKEN_REJECTED not in [e.kind for _, e in inbox.seen]


async def link_households(
    count: int, sandbox: Sandbox, client: IotClient, accounts: AccountManager
) -> list[int]:
    """``count`` new users, each with a family and a lamp, linked to Telegram users 1000, 1001..."""
    telegram_ids = []
    for n in range(count):
        email = f"household{n}@example.com"
        user_id = sandbox.control.create_user(f"Household {n}", email=email, password="pw-12345678")
        family_id = sandbox.control.create_family(user_id, f"Home {n}")
        sandbox.control.create_device(family_id, "DEMOLIGHT1", f"lamp_{n}")
        login = await client.login_email(email, "pw-12345678")
        await accounts.link(1000 + n, method="password", token=login.token, expire_at=None)
        telegram_ids.append(1000 + n)
    return telegram_ids


async def test_start_up_keeps_at_most_the_window_of_accounts_connecting_at_once(
    manager_for: Any, accounts: AccountManager, sandbox: Sandbox, client: IotClient
) -> None:
    households = await link_households(10, sandbox, client, accounts)
    sandbox.control.inject(action="AppGetFamilyList", latency=0.05)  # starts overlap
    manager, inbox = manager_for(start_window=3)
    await manager.start()
    waiting = set(households)  # in whatever order the window lets them through
    while waiting:
        user_id, _ = await inbox.next(lambda uid, e: uid in waiting and e.kind is Kind.CONNECTED)
        waiting.discard(user_id)
    assert manager.peak_starting == 3
    assert all(manager.listeners[user_id].connected for user_id in households)


async def test_an_account_slow_to_connect_does_not_hold_up_the_others(
    manager_for: Any, accounts: AccountManager, sandbox: Sandbox, client: IotClient
) -> None:
    slow, quick = await link_households(2, sandbox, client, accounts)
    sandbox.control.inject(action="AppGetFamilyList", latency=1.5, count=1)  # the first start
    manager, inbox = manager_for(start_window=1, start_timeout=0.2)
    await manager.start()
    await inbox.next(kind(quick, Kind.CONNECTED))
    assert not manager.listeners[slow].connected  # still reading its devices
    await inbox.next(kind(slow, Kind.CONNECTED))  # and it gets there by itself


async def test_a_restart_reads_back_the_alerts_posted_while_the_bot_was_down(
    manager_for: Any, accounts: AccountManager, sandbox: Sandbox, demo: DemoHome, owner_token: str
) -> None:
    await accounts.link(OWNER, method="password", token=owner_token, expire_at=None)
    sensor = demo.devices["sensor"]
    before, inbox = manager_for()
    await before.start()
    await inbox.next(kind(OWNER, Kind.CONNECTED))
    sandbox.control.trigger_event(sensor, "low_voltage", {"voltage": 2.9})
    await inbox.next(kind(OWNER, Kind.EVENT))
    await before.stop()
    sandbox.control.trigger_event(sensor, "low_voltage", {"voltage": 2.2})  # nobody listens

    after, inbox = manager_for()
    await after.start()
    _, missed = await inbox.next(kind(OWNER, Kind.EVENT))
    assert missed.params == {"voltage": 2.2} and missed.missed
    await inbox.next(kind(OWNER, Kind.CONNECTED))
    sandbox.control.trigger_event(sensor, "low_voltage", {"voltage": 2.0})
    await inbox.next(kind(OWNER, Kind.EVENT))
    handed_on = [e.params["voltage"] for _, e in inbox.seen if e.kind is Kind.EVENT]
    assert handed_on == [2.2, 2.0]  # 2.9, delivered before the stop, not again


async def test_a_resume_point_older_than_the_look_back_is_not_read_back(
    manager_for: Any, accounts: AccountManager, sandbox: Sandbox, owner_token: str
) -> None:
    await accounts.link(OWNER, method="password", token=owner_token, expire_at=None)
    manager, inbox = manager_for()
    day_ago = time.time() - 86400
    manager.resume_points.save([(OWNER, {"since": day_ago, "live": [], "read": [], "handed": []})])
    await manager.start()
    await inbox.next(kind(OWNER, Kind.CONNECTED))
    assert ("AppListEventHistory", "") not in sandbox.server.requests


async def test_a_stop_before_a_listener_started_keeps_its_resume_point(
    manager_for: Any, accounts: AccountManager, owner_token: str, friend_token: str
) -> None:
    await accounts.link(OWNER, method="password", token=owner_token, expire_at=None)
    await accounts.link(FRIEND, method="password", token=friend_token, expire_at=None)
    manager, _ = manager_for()
    an_hour_ago = time.time() - 3000
    point = {"since": an_hour_ago, "live": [], "read": [], "handed": []}
    manager.resume_points.save([(OWNER, point), (FRIEND, point), (NEWCOMER, point)])
    assert manager.resume_points.get(NEWCOMER) is None  # not a linked account: gone
    manager.resume_points.save([])  # a stop while neither listener had started yet
    assert manager.resume_points.get(OWNER) == point
    await accounts.unlink(FRIEND)
    manager.resume_points.save([])
    assert manager.resume_points.get(FRIEND) is None
