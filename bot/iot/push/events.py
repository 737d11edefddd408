"""What the push listener hands to the bot: one typed event per DeviceChange frame, and more."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    ONLINE = "online"  # StatusChange Online
    OFFLINE = "offline"  # StatusChange Offline
    PROPERTY = "property"  # Property/Template/Shadow report: params are the new values
    CONTROL = "control"  # a control was pushed to the device (SubType Push)
    EVENT = "event"  # event_post: event_id and params
    ACTION_REPLY = "action_reply"  # action_reply: client_token, action_id, params = response
    CONNECTED = "connected"  # the account's socket (re)connected and subscribed
    DISCONNECTED = "disconnected"  # the socket closed; the listener reconnects by itself
    TOKEN_REJECTED = "token_rejected"  # the AccessToken no longer works; the listener stopped
    # A device was bound or unbound elsewhere (StatusChange Bind/Unbind, Gateway bind/unbind, as
    # the mini-program SDK reads them): the listener re-reads its device list by itself.
    DEVICES_CHANGED = "devices_changed"


@dataclass(frozen=True)
class DeviceEvent:
    """One thing that happened to a device (or to the account's connection)."""

    kind: Kind
    device_id: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    event_id: str = ""  # for EVENT
    action_id: str = ""  # for ACTION_REPLY
    client_token: str = ""  # for ACTION_REPLY (matches call_action_async)
    seq: int = 0
    time_ms: int = 0  # when the cloud says it happened (Unix ms); 0 when unknown
    missed: bool = False  # found by re-reading statuses after an outage, not pushed live
    # Added after the fields above so that positional construction keeps working.
    event_type: str = ""  # for EVENT: info/alert/fault when the payload says; else ask the template
    code: int = 0  # for ACTION_REPLY: the device's result code, 0 = carried out
