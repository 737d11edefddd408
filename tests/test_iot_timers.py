"""Device timers through the client, and the sandbox clock that fires them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.iot import errors
from bot.iot.client import IotClient
from bot.iot.models import TIMER_TIMEZONE, Timer, days_from_weekdays, weekdays_of
from bot.sandbox.actions.timers import fire_due_timers
from bot.sandbox.demo import DemoHome
from bot.sandbox.server import Sandbox
from bot.sandbox.state import ShareGrant
from bot.sandbox.state import Timer as TimerRecord

MONDAY_7AM = datetime(2024, 6, 3, 7, 0, 20, tzinfo=TIMER_TIMEZONE)  # 2024-06-03 was a Monday


def light_power(sandbox: Sandbox, demo: DemoHome) -> Any:
    return sandbox.state.devices[demo.devices["light"]].properties["power_switch"].value


async def test_demo_timer_is_listed(client: IotClient, demo: DemoHome, owner_token: str) -> None:
    (timer,) = await client.list_timers(owner_token, demo.devices["light"])
    assert timer.timer_id == demo.extra["timer"] and timer.device_id == demo.devices["light"]
    assert (timer.days, timer.time_point, timer.repeat, timer.enabled) == (
        "0111110",
        "07:00",
        True,
        True,
    )
    assert timer.data == {"power_switch": 1} and timer.weekdays == frozenset(range(5))
    assert timer.created > 0 and timer.updated >= timer.created


async def test_create_modify_switch_and_delete(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str
) -> None:
    plug = demo.devices["plug"]
    timer_id = await client.create_timer(
        owner_token, plug, "Coffee", "1000001", "8:05", {"power_switch": 1}, repeat=False
    )
    (timer,) = await client.list_timers(owner_token, plug)
    product_id, device_name = plug.split("/")
    assert timer == Timer(
        timer_id=timer_id,
        product_id=product_id,
        device_name=device_name,
        name="Coffee",
        days="1000001",
        time_point="08:05",
        repeat=False,
        data={"power_switch": 1},
        enabled=True,
        created=timer.created,
        updated=timer.updated,
    )
    await client.modify_timer(
        owner_token, plug, timer_id, "Coffee off", "0111110", "09:30", {"power_switch": 0}
    )
    await client.set_timer_enabled(owner_token, plug, timer_id, False)
    (timer,) = await client.list_timers(owner_token, plug)
    assert (timer.name, timer.days, timer.time_point, timer.repeat) == (
        "Coffee off",
        "0111110",
        "09:30",
        True,
    )
    assert timer.data == {"power_switch": 0} and not timer.enabled
    await client.set_timer_enabled(owner_token, plug, timer_id, True)
    assert sandbox.state.timers[timer_id].status == 1
    await client.delete_timer(owner_token, plug, timer_id)
    assert await client.list_timers(owner_token, plug) == []
    assert timer_id not in sandbox.state.timers


@pytest.mark.parametrize(
    ("days", "time_point", "data"),
    [
        ("011111", "07:00", {"power_switch": 1}),  # six days
        ("0111112", "07:00", {"power_switch": 1}),
        ("0000000", "07:00", {"power_switch": 1}),  # repeating, yet never
        ("0111110", "24:00", {"power_switch": 1}),
        ("0111110", "7.30", {"power_switch": 1}),
        ("0111110", "07:00", {"power_switch": 3}),  # not a bool
        ("0111110", "07:00", {"power": 10}),  # read-only
        ("0111110", "07:00", {}),
    ],
)
async def test_create_refuses_bad_settings(
    client: IotClient,
    sandbox: Sandbox,
    demo: DemoHome,
    owner_token: str,
    days: str,
    time_point: str,
    data: dict[str, Any],
) -> None:
    with pytest.raises(errors.InvalidParameter):
        await client.create_timer(owner_token, demo.devices["plug"], "t", days, time_point, data)
    assert len(sandbox.state.timers) == 1  # only the demo's


async def test_timers_belong_to_the_family(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, friend_token: str, owner_token: str
) -> None:
    light, timer_id = demo.devices["light"], demo.extra["timer"]
    sandbox.state.shares[(light, demo.friend.user_id)] = ShareGrant(
        light, demo.friend.user_id, demo.owner.user_id, 0
    )
    with pytest.raises(errors.NoPermission):
        await client.list_timers(friend_token, light)
    with pytest.raises(errors.NoPermission):
        await client.create_timer(friend_token, light, "x", "1111111", "01:00", {"color": 1})
    with pytest.raises(errors.NoPermission):
        await client.delete_timer(friend_token, light, timer_id)
    with pytest.raises(errors.NotFound):
        await client.list_timers(owner_token, "DEMOLIGHT1/nowhere")
    assert timer_id in sandbox.state.timers


async def test_unknown_or_other_devices_timer_is_not_found(
    client: IotClient, demo: DemoHome, owner_token: str
) -> None:
    timer_id, plug = demo.extra["timer"], demo.devices["plug"]
    with pytest.raises(errors.NotFound):
        await client.delete_timer(owner_token, plug, timer_id)  # it is the light's
    with pytest.raises(errors.NotFound):
        await client.set_timer_enabled(owner_token, plug, "0" * 32, False)
    with pytest.raises(errors.NotFound):
        await client.modify_timer(owner_token, plug, "0" * 32, "x", "1111111", "01:00", {})


async def test_list_follows_pages(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str
) -> None:
    plug = demo.devices["plug"]
    family_id = sandbox.state.devices[plug].family_id
    for n in range(123):
        record = TimerRecord(
            f"t{n:03d}", plug, demo.owner.user_id, f"n{n}", "1111111", "06:00", 1, {}, created=n
        )
        record.family_id = family_id
        sandbox.state.timers[record.timer_id] = record
    timers = await client.list_timers(owner_token, plug)
    assert [t.timer_id for t in timers] == [f"t{n:03d}" for n in range(123)]
    pages = [a for a, _ in sandbox.server.requests if a == "AppGetTimerList"]
    assert len(pages) == 3


def test_demo_timer_fires_on_weekday_mornings_in_china_time(
    sandbox: Sandbox, demo: DemoHome
) -> None:
    assert light_power(sandbox, demo) == 0
    # Sunday 23:00 UTC is Monday 07:00 in Shanghai.
    fired = fire_due_timers(sandbox.state, MONDAY_7AM.astimezone(UTC))
    assert [t.timer_id for t in fired] == [demo.extra["timer"]]
    assert light_power(sandbox, demo) == 1
    sandbox.state.devices[demo.devices["light"]].properties["power_switch"].value = 0
    assert fire_due_timers(sandbox.state, MONDAY_7AM + timedelta(seconds=30)) == []  # once
    assert fire_due_timers(sandbox.state, MONDAY_7AM + timedelta(minutes=1)) == []
    assert fire_due_timers(sandbox.state, MONDAY_7AM + timedelta(days=5)) == []  # Saturday
    assert light_power(sandbox, demo) == 0
    assert len(fire_due_timers(sandbox.state, MONDAY_7AM + timedelta(days=1))) == 1


def test_disabled_and_offline(sandbox: Sandbox, demo: DemoHome) -> None:
    timer = sandbox.state.timers[demo.extra["timer"]]
    timer.status = 0
    assert fire_due_timers(sandbox.state, MONDAY_7AM) == []
    timer.status = 1
    sandbox.control.set_online(demo.devices["light"], False)
    assert len(fire_due_timers(sandbox.state, MONDAY_7AM)) == 1  # fired, but the device missed it
    assert light_power(sandbox, demo) == 0


async def test_one_off_timer_switches_itself_off(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str
) -> None:
    plug = demo.devices["plug"]
    timer_id = await client.create_timer(
        owner_token, plug, "Once", "0000000", "22:15", {"power_switch": 0}, repeat=False
    )
    naive_local = datetime(2024, 6, 8, 22, 15)  # a Saturday; naive means timer time
    assert [t.timer_id for t in fire_due_timers(sandbox.state, naive_local)] == [timer_id]
    assert sandbox.state.devices[plug].properties["power_switch"].value == 0
    (timer,) = await client.list_timers(owner_token, plug)
    assert not timer.enabled
    assert fire_due_timers(sandbox.state, naive_local + timedelta(days=7)) == []


def test_days_helpers() -> None:
    assert days_from_weekdays(range(5)) == "0111110"
    assert days_from_weekdays([6]) == "1000000"
    assert weekdays_of("1000001") == frozenset({5, 6})
    assert TIMER_TIMEZONE.utcoffset(datetime(2024, 1, 1)) == timedelta(hours=8)
