"""Dataclasses for controlling devices and calling their actions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.iot.models._fields import integer, mapping, text

__all__ = ["ActionResult"]

# What AppCallDeviceActionSync answers in Status when the device carried the action out.
_SUCCESS = frozenset({"succ", "success"})


@dataclass(frozen=True)
class ActionResult:
    """A device's answer to an action: ``outputs`` by output param id; ``code`` 0 means done."""

    client_token: str  # the call's id: an async call's later push carries the same one
    status: str
    outputs: dict[str, Any] = field(default_factory=dict, hash=False)
    code: int = 0
    action_id: str = ""

    @property
    def ok(self) -> bool:
        return self.code == 0

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ActionResult:
        """From the reply of AppCallDeviceActionSync (OutputParams may be null or empty)."""
        status = text(data, "Status")
        return cls(
            client_token=text(data, "ClientToken"),
            status=status,
            outputs=mapping(data, "OutputParams"),
            # The sync reply has no code of its own: its Status says whether the device did it.
            code=0 if status.lower() in _SUCCESS else 1,
            action_id=text(data, "ActionId"),
        )

    @classmethod
    def from_push(cls, payload: dict[str, Any]) -> ActionResult:
        """From the decoded Payload of an Action/Report push (``method`` ``action_reply``)."""
        return cls(
            client_token=text(payload, "clientToken"),
            status=text(payload, "status"),
            outputs=mapping(payload, "response"),
            code=integer(payload, "code"),
            action_id=text(payload, "actionId"),
        )
