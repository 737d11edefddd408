"""Dataclasses for firmware: whether an update exists, and how an upgrade is going."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.iot.models._fields import integer, text

__all__ = ["DeviceVersion", "FirmwareStatus", "FirmwareUpdate", "is_newer_version"]


def _version_key(version: str) -> tuple[int, ...] | None:
    parts = re.findall(r"\d+", version)
    return tuple(int(p) for p in parts) if parts else None


def is_newer_version(candidate: str, current: str) -> bool:
    """Whether ``candidate`` is a later version than ``current`` ("1.10.0" > "1.9.2")."""
    if not candidate or candidate == current:
        return False
    new, old = _version_key(candidate), _version_key(current)
    if new is None or old is None:
        return True  # versions we cannot compare: a different one on offer is an update
    return new > old


@dataclass(frozen=True)
class FirmwareUpdate:
    """AppCheckFirmwareUpdate: the device's firmware and the newest one on offer."""

    current: str
    latest: str

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FirmwareUpdate:
        current = text(data, "CurrentVersion")
        return cls(current, text(data, "DstVersion") or current)

    @property
    def has_update(self) -> bool:
        return is_newer_version(self.latest, self.current)


# AppDescribeFirmwareUpdateStatus ``Status`` codes (reference).
STATUS_NAMES = {
    0: "offline",
    1: "pending",
    2: "sent",
    3: "downloading",
    4: "burning",
    5: "failed",
    6: "done",
    7: "processing",
    8: "awaiting_confirmation",
    20: "downloaded",
}
_IN_PROGRESS = {1, 2, 3, 4, 7, 20}


@dataclass(frozen=True)
class FirmwareStatus:
    """How an upgrade is going: a status code (see ``name``) and a percentage."""

    status: int
    percent: int
    from_version: str = ""
    to_version: str = ""
    error: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FirmwareStatus:
        return cls(
            status=integer(data, "Status"),
            percent=max(0, min(100, integer(data, "Percent"))),
            from_version=text(data, "OriVersion"),
            to_version=text(data, "DstVersion"),
            error=text(data, "ErrMsg"),
        )

    @property
    def name(self) -> str:
        """The status in words: downloading, burning, done, failed, offline, ..."""
        return STATUS_NAMES.get(self.status, "unknown")

    @property
    def done(self) -> bool:
        return self.status == 6

    @property
    def failed(self) -> bool:
        return self.status == 5

    @property
    def in_progress(self) -> bool:
        return self.status in _IN_PROGRESS


@dataclass(frozen=True)
class DeviceVersion:
    """AppDescribeDeviceVersion: the firmware version of one module of a device."""

    module: str
    version: str

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DeviceVersion:
        return cls(text(data, "Module"), text(data, "Version"))
