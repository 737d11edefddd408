"""Typed app-API methods: checking for, starting and following firmware upgrades."""

from __future__ import annotations

from bot.iot.api.base import ApiMixin
from bot.iot.api.device_history import device_params
from bot.iot.models._fields import records
from bot.iot.models.firmware import DeviceVersion, FirmwareStatus, FirmwareUpdate
from bot.iot.replies import data_of


class FirmwareApi(ApiMixin):
    """Over-the-air upgrades, as the vendor's apps offer them: check, confirm, watch."""

    async def check_firmware(self, token: str, device_id: str) -> FirmwareUpdate:
        """AppCheckFirmwareUpdate: the device's firmware and the newest one on offer."""
        reply = await self.call(
            "AppCheckFirmwareUpdate", device_params(device_id), token=token, read=True
        )
        return FirmwareUpdate.from_dict(data_of(reply))

    async def start_firmware_update(self, token: str, device_id: str) -> None:
        """AppPublishFirmwareUpdateMessage: the user confirms; the cloud tells the device to upgrade."""
        await self.call("AppPublishFirmwareUpdateMessage", device_params(device_id), token=token)

    async def firmware_status(self, token: str, device_id: str) -> FirmwareStatus:
        """AppDescribeFirmwareUpdateStatus: how the device's upgrade is going."""
        reply = await self.call(
            "AppDescribeFirmwareUpdateStatus", device_params(device_id), token=token, read=True
        )
        return FirmwareStatus.from_dict(data_of(reply))

    async def device_versions(self, token: str, device_id: str) -> list[DeviceVersion]:
        """AppDescribeDeviceVersion: the firmware version of each module of the device."""
        reply = await self.call(
            "AppDescribeDeviceVersion", device_params(device_id), token=token, read=True
        )
        return [DeviceVersion.from_dict(row) for row in records(data_of(reply), "DeviceVersions")]
