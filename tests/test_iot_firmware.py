"""Firmware upgrades through the client, against the sandbox, with the sandbox's clock driven by hand."""

from __future__ import annotations

import time

import pytest

from bot.iot import errors
from bot.iot.client import IotClient
from bot.iot.models import FirmwareStatus, FirmwareUpdate, is_newer_version
from bot.sandbox.actions.firmware import UPGRADE_SECONDS, advance_firmware_tasks
from bot.sandbox.demo import DemoHome
from bot.sandbox.server import Sandbox
from bot.sandbox.state import ShareGrant


class Clock:
    """A clock for the sandbox that only moves when told to."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(sandbox: Sandbox) -> Clock:
    fake = Clock()
    sandbox.state.clock = fake
    return fake


def test_version_comparison() -> None:
    assert is_newer_version("1.10.0", "1.9.2") and not is_newer_version("1.2.0", "1.2.0")
    assert not is_newer_version("", "1.0.0") and not is_newer_version("0.9", "1.0")
    assert FirmwareUpdate("1.0.0", "1.2.0").has_update
    assert FirmwareStatus(4, 70).in_progress and FirmwareStatus(4, 70).name == "burning"


async def test_check_firmware(
    client: IotClient, demo: DemoHome, owner_token: str, friend_token: str
) -> None:
    light = await client.check_firmware(owner_token, demo.devices["light"])
    assert (light.current, light.latest, light.has_update) == ("1.0.0", "1.2.0", True)
    plug = await client.check_firmware(owner_token, demo.devices["plug"])
    assert plug.current == plug.latest == "1.0.0" and not plug.has_update
    with pytest.raises(errors.NoPermission):
        await client.check_firmware(friend_token, demo.devices["light"])


async def test_upgrade_progresses_with_the_clock_until_done(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str, clock: Clock
) -> None:
    light = demo.devices["light"]
    await client.start_firmware_update(owner_token, light)
    started = await client.firmware_status(owner_token, light)
    assert (started.from_version, started.to_version, started.percent) == ("1.0.0", "1.2.0", 0)
    assert started.in_progress and not started.done
    clock.advance(UPGRADE_SECONDS * 0.25)
    quarter = await client.firmware_status(owner_token, light)
    assert quarter.percent == 25 and quarter.name == "downloading"
    await client.start_firmware_update(owner_token, light)  # confirming again restarts nothing
    clock.advance(UPGRADE_SECONDS * 0.5)
    later = await client.firmware_status(owner_token, light)
    assert later.percent == 75 and later.name == "burning"
    assert sandbox.state.devices[light].firmware_version == "1.0.0"
    clock.advance(UPGRADE_SECONDS)
    done = await client.firmware_status(owner_token, light)
    assert done.done and done.percent == 100 and not done.in_progress
    assert sandbox.state.devices[light].firmware_version == "1.2.0"
    assert (await client.device_ext_info(owner_token, light)).firmware_version == "1.2.0"
    assert not (await client.check_firmware(owner_token, light)).has_update
    with pytest.raises(errors.NotFound) as caught:
        await client.start_firmware_update(owner_token, light)
    assert caught.value.code == "ResourceNotFound.DeviceHasNoFirmware"


async def test_offline_device_refuses_and_stalls(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str, clock: Clock
) -> None:
    light = demo.devices["light"]
    sandbox.control.set_online(light, False)
    with pytest.raises(errors.OperationFailed) as caught:
        await client.start_firmware_update(owner_token, light)
    assert caught.value.code == "FailedOperation.DeviceOffline"
    assert sandbox.state.devices[light].firmware_task is None
    sandbox.control.set_online(light, True)
    await client.start_firmware_update(owner_token, light)
    clock.advance(UPGRADE_SECONDS * 0.1)
    assert (await client.firmware_status(owner_token, light)).percent == 10
    sandbox.control.set_online(light, False)
    clock.advance(UPGRADE_SECONDS * 5)
    stalled = await client.firmware_status(owner_token, light)
    assert stalled.name == "offline" and stalled.percent == 10
    sandbox.control.set_online(light, True)
    clock.advance(UPGRADE_SECONDS * 0.2)
    assert (await client.firmware_status(owner_token, light)).percent == 30


async def test_no_task_no_update_and_no_permission(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str, friend_token: str
) -> None:
    with pytest.raises(errors.NotFound) as caught:
        await client.firmware_status(owner_token, demo.devices["light"])
    assert caught.value.code == "ResourceNotFound.DeviceFirmwareTaskNotExist"
    with pytest.raises(errors.NotFound):
        await client.start_firmware_update(owner_token, demo.devices["plug"])
    light = demo.devices["light"]
    grant = ShareGrant(light, demo.friend.user_id, demo.owner.user_id, sandbox.state.now())
    sandbox.state.shares[(light, demo.friend.user_id)] = grant
    assert (await client.check_firmware(friend_token, light)).has_update  # may look
    with pytest.raises(errors.NoPermission):
        await client.start_firmware_update(friend_token, light)  # may not upgrade


async def test_background_step_finishes_unwatched_upgrades(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str, clock: Clock
) -> None:
    light = demo.devices["light"]
    await client.start_firmware_update(owner_token, light)
    clock.advance(UPGRADE_SECONDS / 2)
    assert advance_firmware_tasks(sandbox.state) == 0
    clock.advance(UPGRADE_SECONDS / 2)
    assert advance_firmware_tasks(sandbox.state) == 1
    assert sandbox.state.devices[light].firmware_version == "1.2.0"
    assert advance_firmware_tasks(sandbox.state) == 0


async def test_device_versions(
    client: IotClient, demo: DemoHome, owner_token: str, friend_token: str
) -> None:
    versions = await client.device_versions(owner_token, demo.devices["feeder"])
    assert [(v.module, v.version) for v in versions] == [("mcu", "1.0.0")]
    with pytest.raises(errors.NoPermission):
        await client.device_versions(friend_token, demo.devices["feeder"])
