"""Devices through the client, against the sandbox over loopback HTTP: lists, data, management."""

from __future__ import annotations

import pytest

from bot.iot import errors
from bot.iot.client import IotClient
from bot.iot.models import Device, DeviceDetail
from bot.sandbox.demo import DemoHome
from bot.sandbox.server import Sandbox
from bot.sandbox.state import ROLE_MEMBER, HistoryPoint, ShareDeviceToken, ShareGrant, Timer


def calls(sandbox: Sandbox, action: str) -> int:
    return sum(1 for name, _ in sandbox.server.requests if name == action)


async def member_token(client: IotClient, sandbox: Sandbox, demo: DemoHome) -> str:
    """Sign in a fresh user who is an ordinary (non-admin) member of the demo family."""
    user_id = sandbox.control.create_user("Kim", email="kim@example.com", password="pw-12345678")
    sandbox.state.families[demo.family_id].members[user_id] = ROLE_MEMBER
    return (await client.login_email("kim@example.com", "pw-12345678")).token


def share_with_friend(sandbox: Sandbox, demo: DemoHome, device_id: str) -> None:
    grant = ShareGrant(device_id, demo.friend.user_id, demo.owner.user_id, sandbox.state.now())
    sandbox.state.shares[(device_id, demo.friend.user_id)] = grant


# -- listing -------------------------------------------------------------------------------------


async def test_list_devices_page_and_rooms(
    client: IotClient, demo: DemoHome, owner_token: str
) -> None:
    page = await client.list_devices(owner_token, demo.family_id, limit=3)
    assert page.total == len(demo.devices) and len(page.devices) == 3
    kitchen = await client.list_devices(owner_token, demo.family_id, demo.rooms["Kitchen"])
    assert {d.device_id for d in kitchen.devices} == {
        demo.devices["plug"],
        demo.devices["speaker"],
        demo.devices["feeder"],
    }
    light = next(d for d in page.devices if d.device_id == demo.devices["light"])
    assert light.alias == "Living room light" and light.product_id == "DEMOLIGHT1"
    assert light.room_id == demo.rooms["Living room"] and light.online is None


async def test_list_devices_of_someone_elses_family(
    client: IotClient, demo: DemoHome, friend_token: str
) -> None:
    with pytest.raises(errors.NoPermission):
        await client.list_devices(friend_token, demo.family_id)
    with pytest.raises(errors.NotFound):
        await client.list_devices(friend_token, "f_no_such_family")


async def test_list_all_devices_follows_pages(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str
) -> None:
    family_id = sandbox.control.create_family(demo.owner.user_id, "Office", ["Open space"])
    created = {
        sandbox.control.create_device(family_id, "DEMOPLUG01", f"plug_{n:03d}", f"Desk {n}")
        for n in range(120)
    }
    before = calls(sandbox, "AppGetFamilyDeviceList")
    devices = await client.list_all_devices(owner_token, family_id)
    assert {d.device_id for d in devices} == created and len(devices) == 120
    assert calls(sandbox, "AppGetFamilyDeviceList") - before == 3  # 50 + 50 + 20
    assert await client.list_all_devices(owner_token, family_id, "0") == devices
    with pytest.raises(errors.NoPermission):
        await client.list_all_devices(owner_token, demo.friend_family_id)


async def test_device_statuses_and_merged_list(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str, friend_token: str
) -> None:
    sandbox.control.set_online(demo.devices["plug"], False)
    statuses = await client.device_statuses(
        owner_token, [demo.devices["light"], demo.devices["plug"]]
    )
    assert {s.device_id: s.online for s in statuses} == {
        demo.devices["light"]: True,
        demo.devices["plug"]: False,
    }
    merged = await client.list_all_devices_with_status(owner_token, demo.family_id)
    assert {d.device_id: d.online for d in merged}[demo.devices["plug"]] is False
    assert all(d.online is not None for d in merged)
    with pytest.raises(errors.NoPermission):
        await client.device_statuses(friend_token, [demo.devices["light"]])
    with pytest.raises(errors.NotFound):
        await client.device_statuses(owner_token, ["NOPRODUCT/none"])


# -- products, data, details -----------------------------------------------------------------------


async def test_products_carry_parsed_templates(
    client: IotClient, sandbox: Sandbox, owner_token: str
) -> None:
    raw = await client.call("AppGetProducts", {"ProductIds": ["DEMOLIGHT1"]}, token=owner_token)
    assert isinstance(raw["Products"][0]["DataTemplate"], str)  # JSON text, as the cloud sends
    light, feeder = await client.get_products(owner_token, ["DEMOLIGHT1", "DEMOFEEDR1"])
    assert light.name == "Smart bulb" and light.product_id == "DEMOLIGHT1"
    brightness = light.template.property("brightness")
    assert brightness is not None and brightness.writable
    assert [e.id for e in light.template.events] == ["status_report"]
    assert feeder.template.action("feed") is not None
    assert await client.get_products(owner_token, []) == []
    with pytest.raises(errors.NotFound):
        await client.get_products(owner_token, ["NOSUCHPROD"])


async def test_device_data_values_and_times(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str, friend_token: str
) -> None:
    sandbox.control.report(demo.devices["light"], {"brightness": 75})
    data = await client.device_data(owner_token, demo.devices["light"])
    assert data.value("brightness") == 75 and data.value("name") == "Lamp"
    assert "power_switch" in data and data.value("missing", "n/a") == "n/a"
    stored = sandbox.state.devices[demo.devices["light"]].properties["brightness"]
    assert data.readings["brightness"].last_update_ms == stored.updated > 0
    assert data.values()["color"] == 0
    with pytest.raises(errors.NoPermission):
        await client.device_data(friend_token, demo.devices["light"])


async def test_get_device_and_ext_info(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str, friend_token: str
) -> None:
    detail = await client.get_device(owner_token, demo.family_id, demo.devices["gateway"])
    assert isinstance(detail, DeviceDetail) and detail.is_gateway
    assert detail.name == "Home hub" and detail.family_id == demo.family_id
    door = await client.get_device(owner_token, demo.family_id, demo.devices["door"])
    assert door.is_sub_device
    info = await client.device_ext_info(owner_token, demo.devices["light"])
    device = sandbox.state.devices[demo.devices["light"]]
    assert info.mac == device.mac.replace(":", "").upper() and len(info.mac) == 12
    assert info.firmware_version == "1.0.0" and info.ip == device.ip and info.model == "Smart bulb"
    with pytest.raises(errors.NotFound):
        await client.get_device(owner_token, demo.family_id, "DEMOLIGHT1/nope")
    with pytest.raises(errors.NoPermission):
        await client.device_ext_info(friend_token, demo.devices["light"])
    with pytest.raises(ValueError):
        await client.device_data(owner_token, "no-slash")


# -- rename, move, delete --------------------------------------------------------------------------


async def test_rename_device(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str, friend_token: str
) -> None:
    renamed = await client.rename_device(owner_token, demo.devices["plug"], "  Espresso  ")
    assert renamed.alias == "Espresso" and renamed.device_id == demo.devices["plug"]
    assert sandbox.state.devices[demo.devices["plug"]].alias == "Espresso"
    share_with_friend(sandbox, demo, demo.devices["plug"])
    assert (await client.device_data(friend_token, demo.devices["plug"])).value("power_switch") == 1
    with pytest.raises(errors.NoPermission):
        await client.rename_device(friend_token, demo.devices["plug"], "Mine now")
    with pytest.raises(errors.InvalidParameter):
        await client.rename_device(owner_token, demo.devices["plug"], "   ")
    assert sandbox.state.devices[demo.devices["plug"]].alias == "Espresso"


async def test_move_device(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str, friend_token: str
) -> None:
    light = demo.devices["light"]
    await client.move_device(owner_token, demo.family_id, light, demo.rooms["Bedroom"])
    assert sandbox.state.devices[light].room_id == demo.rooms["Bedroom"]
    await client.move_device(owner_token, demo.family_id, light, "0")
    assert sandbox.state.devices[light].room_id == "0"
    studio = next(
        r.room_id for r in sandbox.state.rooms.values() if r.family_id == demo.friend_family_id
    )
    with pytest.raises(errors.NotFound):
        await client.move_device(owner_token, demo.family_id, light, studio)
    with pytest.raises(errors.NoPermission):
        await client.move_device(friend_token, demo.friend_family_id, light, studio)
    assert sandbox.state.devices[light].room_id == "0"


async def test_delete_device_takes_its_records_along(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str, friend_token: str
) -> None:
    state, sensor = sandbox.state, demo.devices["sensor"]
    state.timers["t1"] = Timer("t1", sensor, demo.owner.user_id, "Night", "1111111", "22:00", 1, {})
    share_with_friend(sandbox, demo, sensor)
    state.share_tokens["st"] = ShareDeviceToken("st", sensor, demo.owner.user_id, demo.family_id, 0)
    kim = await member_token(client, sandbox, demo)
    with pytest.raises(errors.NoPermission):
        await client.delete_device(kim, demo.family_id, sensor)  # a member, not the admin
    with pytest.raises(errors.NoPermission):
        await client.delete_device(friend_token, demo.family_id, sensor)  # only shared with
    assert sensor in state.devices
    await client.delete_device(owner_token, demo.family_id, sensor, demo.rooms["Bedroom"])
    assert (
        sensor not in state.devices and "t1" not in state.timers and "st" not in state.share_tokens
    )
    assert not any(key[0] == sensor for key in [*state.shares, *state.history])
    assert sensor not in state.events
    remaining = await client.list_all_devices(owner_token, demo.family_id)
    assert sensor not in {d.device_id for d in remaining}
    with pytest.raises(errors.NotFound):
        await client.delete_device(owner_token, demo.family_id, sensor)


async def test_member_may_rename_and_move_but_not_delete(
    client: IotClient, sandbox: Sandbox, demo: DemoHome
) -> None:
    kim = await member_token(client, sandbox, demo)
    feeder = demo.devices["feeder"]
    assert (await client.rename_device(kim, feeder, "Kitty bar")).alias == "Kitty bar"
    await client.move_device(kim, demo.family_id, feeder, demo.rooms["Living room"])
    assert sandbox.state.devices[feeder].room_id == demo.rooms["Living room"]


# -- gateways --------------------------------------------------------------------------------------


async def test_gateway_sub_devices(
    client: IotClient, demo: DemoHome, owner_token: str, friend_token: str
) -> None:
    subs = await client.gateway_sub_devices(owner_token, demo.devices["gateway"], "DEMODOOR01")
    assert [(s.device_id, s.bound, s.alias) for s in subs] == [
        (demo.devices["door"], True, "Front door")
    ]
    assert (
        await client.gateway_sub_devices(owner_token, demo.devices["gateway"], "DEMOPLUG01") == []
    )
    with pytest.raises(errors.UnsupportedOperation) as caught:
        await client.gateway_sub_devices(owner_token, demo.devices["light"], "DEMODOOR01")
    assert caught.value.code == "UnsupportedOperation.DeviceNotGateway"
    with pytest.raises(errors.NoPermission):
        await client.gateway_sub_devices(friend_token, demo.devices["gateway"], "DEMODOOR01")


async def test_family_sub_devices_follow_pages(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str, friend_token: str
) -> None:
    gateway = demo.devices["gateway"]
    for n in range(60):
        did = sandbox.control.create_device(demo.family_id, "DEMODOOR01", f"window_{n}")
        sandbox.state.devices[did].gateway_id = gateway
    subs = await client.family_sub_devices(owner_token, gateway)
    assert len(subs) == 61 and all(isinstance(s, Device) and s.is_sub_device for s in subs)
    assert subs[0].device_id == demo.devices["door"] and subs[0].family_id == demo.family_id
    with pytest.raises(errors.NoPermission):
        await client.family_sub_devices(friend_token, gateway)


# -- history ---------------------------------------------------------------------------------------


async def test_device_history_follows_the_cursor(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str
) -> None:
    sensor, now_ms = demo.devices["sensor"], sandbox.state.now_ms()
    before = calls(sandbox, "AppGetDeviceDataHistory")
    week = await client.device_history(
        owner_token, sensor, "temperature", now_ms - 8 * 86_400_000, now_ms
    )
    assert len(week) == 7 * 144 + 1  # every 10 minutes for 7 days, and now
    assert calls(sandbox, "AppGetDeviceDataHistory") - before == 11  # pages of 100
    times = [p.time_ms for p in week]
    assert times == sorted(times) and times[1] - times[0] == 600_000
    assert week[-1].number == 21.5  # the current value
    assert all(p.number is not None and 15 < p.number < 28 for p in week)


async def test_history_page_window_and_new_reports(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str, friend_token: str
) -> None:
    plug, t0 = demo.devices["plug"], sandbox.state.now_ms()
    sandbox.state.history[(plug, "power")] = [
        HistoryPoint(t0 - 1000 * i, 10.0 + i) for i in (3, 2, 1)
    ]
    sandbox.control.report(plug, {"power": 99.5})
    first = await client.device_history_page(
        owner_token, plug, "power", t0 - 10_000, t0 + 10_000, limit=2
    )
    assert [p.raw for p in first.points] == ["13.0", "12.0"] and first.context and first.listover
    rest = await client.device_history_page(
        owner_token, plug, "power", t0 - 10_000, t0 + 10_000, limit=2, context=first.context
    )
    assert [p.number for p in rest.points] == [11.0, 99.5] and rest.context == ""
    window = await client.device_history(owner_token, plug, "power", t0 - 2500, t0 - 500)
    assert [p.number for p in window] == [12.0, 11.0]
    with pytest.raises(errors.InvalidParameter):
        await client.device_history(owner_token, plug, "power", t0, t0 - 1)
    with pytest.raises(errors.NoPermission):
        await client.device_history(friend_token, plug, "power", 0, t0)


async def test_event_history(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str, friend_token: str
) -> None:
    sensor = demo.devices["sensor"]
    sandbox.control.trigger_event(sensor, "low_voltage", {"voltage": 2.7})
    events = await client.event_history(owner_token, sensor)
    assert events[0].event_id == "low_voltage" and events[0].params == {"voltage": 2.7}
    assert events[0].type == "alert" and events[0].device_id == sensor
    assert abs(events[0].timestamp - sandbox.state.now()) <= 1
    stamps = [e.timestamp for e in events]
    assert stamps == sorted(stamps, reverse=True)
    assert {e.type for e in events} == {"info", "alert", "fault"}
    alerts = await client.event_history(owner_token, sensor, event_type="alert")
    assert len(alerts) == 3 and all(e.event_id == "low_voltage" for e in alerts)
    page = await client.event_history_page(owner_token, demo.devices["door"], size=5)
    assert len(page.events) == 5 and page.total > 5 and page.context and not page.listover
    door = await client.event_history(owner_token, demo.devices["door"], max_items=500)
    assert len(door) == page.total and len({(e.timestamp, e.event_id) for e in door}) > 5
    assert len(await client.event_history(owner_token, demo.devices["door"], max_items=7)) == 7
    with pytest.raises(errors.NoPermission):
        await client.event_history(friend_token, sensor)
    with pytest.raises(ValueError):
        await client.event_history_page(owner_token, sensor, event_type="panic")
