"""Sandbox actions: firmware checks and upgrades whose progress follows the sandbox clock."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from bot.iot.models.firmware import is_newer_version
from bot.sandbox.registry import Call, CloudError, action
from bot.sandbox.state import Device, SandboxState

if TYPE_CHECKING:
    from bot.sandbox.server import Sandbox

log = logging.getLogger(__name__)

UPGRADE_SECONDS = 60.0  # how long an online device takes from confirmation to done
TICK_SECONDS = 1.0
# AppDescribeFirmwareUpdateStatus Status codes used here (reference).
OFFLINE, SENT, DOWNLOADING, BURNING, FAILED, DONE = 0, 2, 3, 4, 5, 6


def latest_firmware(state: SandboxState, device: Device) -> str:
    """The newest firmware on offer for the device's product ("" when there is none)."""
    product = state.products.get(device.product_id)
    return product.latest_firmware if product else ""


def advance_firmware(state: SandboxState, device: Device) -> None:
    """Bring the device's upgrade up to the sandbox clock; it only makes progress while online."""
    task = device.firmware_task
    if task is None or task["Status"] in (DONE, FAILED):
        return
    now = state.clock()
    if device.online:
        task["Elapsed"] += max(0.0, now - task["Tick"])
    task["Tick"] = now
    percent = min(100, int(task["Elapsed"] * 100 / UPGRADE_SECONDS))
    task["Percent"] = percent
    if percent >= 100:
        task["Status"] = DONE
        device.firmware_version = task["DstVersion"]
        device.updated = state.now()
    elif not device.online:
        task["Status"] = OFFLINE
    else:
        task["Status"] = SENT if percent == 0 else DOWNLOADING if percent < 50 else BURNING


def advance_firmware_tasks(state: SandboxState) -> int:
    """Advance every upgrade in progress; returns how many finished in this step."""
    finished = 0
    for device in list(state.devices.values()):
        task = device.firmware_task
        if task is None or task["Status"] in (DONE, FAILED):
            continue
        advance_firmware(state, device)
        finished += task["Status"] == DONE
    return finished


async def background(sandbox: Sandbox) -> None:
    """Finish upgrades even when nobody asks how they are going."""
    while True:
        await asyncio.sleep(TICK_SECONDS)
        try:
            advance_firmware_tasks(sandbox.state)
        except Exception:  # a bug here must not stop the sandbox
            log.exception("firmware simulation failed")


@action("AppCheckFirmwareUpdate")
async def check_firmware_update(call: Call) -> dict[str, Any]:
    """The device's firmware and the one it could upgrade to (the same when none is newer)."""
    device = call.device()
    advance_firmware(call.state, device)
    latest = latest_firmware(call.state, device)
    current = device.firmware_version
    return {
        "CurrentVersion": current,
        "DstVersion": latest if is_newer_version(latest, current) else current,
    }


@action("AppPublishFirmwareUpdateMessage")
async def publish_firmware_update(call: Call) -> dict[str, Any]:
    """The user confirms the upgrade: a task starts (once; confirming again changes nothing)."""
    device = call.device(shared_ok=False)
    advance_firmware(call.state, device)
    task = device.firmware_task
    if task is not None and task["Status"] not in (DONE, FAILED):
        return {}
    latest = latest_firmware(call.state, device)
    if not is_newer_version(latest, device.firmware_version):
        raise CloudError("ResourceNotFound.DeviceHasNoFirmware", "no newer firmware")
    if not device.online:
        raise CloudError("FailedOperation.DeviceOffline", "the device is offline")
    device.firmware_task = {
        "OriVersion": device.firmware_version,
        "DstVersion": latest,
        "Status": SENT,
        "Percent": 0,
        "Elapsed": 0.0,
        "Tick": call.state.clock(),
        "ErrMsg": "",
    }
    return {}


@action("AppDescribeFirmwareUpdateStatus")
async def describe_firmware_update_status(call: Call) -> dict[str, Any]:
    """How the device's latest upgrade is going."""
    device = call.device()
    advance_firmware(call.state, device)
    task = device.firmware_task
    if task is None:
        raise CloudError("ResourceNotFound.DeviceFirmwareTaskNotExist", "no firmware task")
    return {
        "OriVersion": task["OriVersion"],
        "DstVersion": task["DstVersion"],
        "ErrMsg": task["ErrMsg"],
        "Percent": task["Percent"],
        "Status": task["Status"],
    }


@action("AppDescribeDeviceVersion")
async def describe_device_version(call: Call) -> dict[str, Any]:
    """The firmware version of each module (the demo devices have one MCU)."""
    device = call.device()
    advance_firmware(call.state, device)
    return {"DeviceVersions": [{"Version": device.firmware_version, "Module": "mcu"}]}
