"""The sandbox cloud's in-memory world: users, homes, devices and everything hanging off them.

Every area of the API keeps its records here so that one action can see what another changed
(a scene run changes a device a timer also touches). Mutations that a real device would report
go through :meth:`SandboxState.push`, which the websocket hub turns into DeviceChange frames.
"""

from __future__ import annotations

import hashlib
import itertools
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ROLE_MEMBER = 0
ROLE_OWNER = 1
DEFAULT_ROOM = "0"


def new_id(prefix: str) -> str:
    """A random id in the cloud's style (hex, with a short prefix naming the kind)."""
    return f"{prefix}_{secrets.token_hex(12)}"


def hash_password(password: str, salt: str) -> str:
    """A salted digest; the sandbox never keeps a password in the clear either."""
    return hashlib.sha256(f"{salt}:{password}".encode()).hexdigest()


@dataclass
class User:
    user_id: str
    nickname: str
    avatar: str = ""
    country_code: str = ""
    phone: str = ""
    email: str = ""
    password_salt: str = ""
    password_hash: str = ""
    wx_open_id: str = ""
    created: int = 0

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and hash_password(password, self.password_salt) == (
            self.password_hash
        )


@dataclass
class AccessToken:
    token: str
    user_id: str
    expire_at: int
    revoked: bool = False


@dataclass
class Family:
    family_id: str
    name: str
    owner_id: str
    address: str = ""
    members: dict[str, int] = field(default_factory=dict)  # user id -> ROLE_*
    member_joined: dict[str, int] = field(default_factory=dict)
    created: int = 0
    updated: int = 0


@dataclass
class Room:
    room_id: str
    family_id: str
    name: str
    created: int = 0
    updated: int = 0


@dataclass
class Product:
    product_id: str
    name: str
    data_template: dict[str, Any]
    description: str = ""
    net_type: str = "wifi"
    category_id: int = 1
    product_type: int = (
        0  # 0 normal device, 1 gateway sub-device, 2 gateway (IoT Explorer's values)
    )
    kugou: bool = False  # answers AppKugouUserCommand (a smart speaker)
    latest_firmware: str = ""


@dataclass
class PropertyValue:
    value: Any
    updated: int  # Unix milliseconds, as device data timestamps are


@dataclass
class Device:
    product_id: str
    device_name: str
    alias: str
    family_id: str
    room_id: str
    owner_id: str  # the user who bound it
    online: bool = True
    properties: dict[str, PropertyValue] = field(default_factory=dict)
    icon_url: str = ""
    firmware_version: str = "1.0.0"
    mac: str = ""
    ip: str = ""
    gateway_id: str = ""  # DeviceId of the gateway a sub-device is bound to
    created: int = 0
    updated: int = 0
    firmware_task: dict[str, Any] | None = None  # an upgrade in progress: {Status, Percent, ...}

    @property
    def device_id(self) -> str:
        return f"{self.product_id}/{self.device_name}"


@dataclass
class ShareGrant:
    """A device shared with a user who is not a member of its family."""

    device_id: str
    user_id: str
    from_user_id: str
    bind_time: int


@dataclass
class ShareDeviceToken:
    token: str
    device_id: str
    from_user_id: str
    family_id: str
    expire_at: int
    used: bool = False
    created: int = 0
    context: str = ""  # TokenContext: the sharer's free text, echoed back as Context
    to_user_id: str = ""  # set for an invite sent to one user: only they may bind it
    user_id: str = ""  # who bound it (empty until accepted)
    bind_time: int = 0


@dataclass
class FamilyInvite:
    share_token: str
    family_id: str
    from_user_id: str
    expire_at: int
    used: bool = False
    to_user_id: str = ""  # set for a direct invite sent to one user


@dataclass
class Timer:
    timer_id: str
    device_id: str
    user_id: str
    name: str
    days: str  # seven 0/1 characters, Sunday first
    time_point: str  # "HH:MM"
    repeat: int  # 0 once, 1 repeating
    data: dict[str, Any]
    status: int = 1  # 1 on, 0 off
    created: int = 0
    updated: int = 0
    last_fired: str = ""  # "YYYY-MM-DD HH:MM" it last fired at, so a minute fires once
    family_id: str = ""  # the device's family when created; a device that moved leaves it behind


@dataclass
class Scene:
    scene_id: str
    family_id: str
    name: str
    icon: str
    actions: list[dict[str, Any]]
    created: int = 0
    updated: int = 0
    running_until: float = 0.0  # monotonic seconds; a run with delays takes time
    user_id: str = ""  # who created it
    run_task: Any = field(default=None, repr=False, compare=False)  # asyncio.Task of a run

    def __getstate__(self) -> dict[str, Any]:
        return _without_run(self)


@dataclass
class Automation:
    automation_id: str
    family_id: str
    name: str
    icon: str
    status: int  # 1 on, 0 off
    match_type: int  # 0 all conditions, 1 any condition (the reference's parameter table)
    conditions: list[dict[str, Any]]
    actions: list[dict[str, Any]]
    effective_days: str = "1111111"
    effective_begin: str = "00:00"
    effective_end: str = "23:59"
    created: int = 0
    updated: int = 0
    matched: bool = False  # conditions held at the last evaluation: it fires on the change only
    run_task: Any = field(default=None, repr=False, compare=False)  # asyncio.Task of a run

    def __getstate__(self) -> dict[str, Any]:
        return _without_run(self)


@dataclass
class Message:
    msg_id: str
    user_id: str
    category: int  # 1 device, 2 family, 3 notifications
    msg_type: int
    title: str
    content: str
    timestamp: int  # Unix milliseconds
    device_id: str = ""
    family_id: str = ""
    from_user_id: str = ""
    attachments: dict[str, Any] = field(default_factory=dict)
    relate_user_id: str = ""  # the user a family message is about (added, removed, ...)
    device_alias: str = ""  # names as they were when the message was written
    family_name: str = ""


@dataclass
class HistoryPoint:
    time_ms: int
    value: Any


@dataclass
class EventRecord:
    time_ms: int
    event_id: str
    event_type: str  # info / alert / fault
    params: dict[str, Any]


@dataclass
class Song:
    song_id: str
    song_name: str
    singer_name: str
    album_name: str
    album_id: str = ""
    duration: int = 200
    vip: bool = False
    playable_code: int = 0  # 0 playable; otherwise why not (see the music actions)
    cover_url: str = ""
    play_url: str = ""
    singer_id: str = ""
    language: str = ""  # 华语 / 欧美 / 韩语 / 日语: awesome_newsong's top_id picks one


@dataclass
class Playlist:
    playlist_id: str
    name: str
    intro: str
    song_ids: list[str]
    cover_url: str = ""
    created: int = 0
    updated: int = 0


@dataclass(frozen=True)
class PushEvent:
    """What a device reported or what the cloud saw; the hub frames it as a DeviceChange push."""

    device_id: str
    type: str  # StatusChange | Property | Event | Action
    sub_type: str  # Online/Offline, Report/Push, ...
    payload: dict[str, Any]
    seq: int
    time_ms: int


@dataclass
class SandboxState:
    """Everything the sandbox cloud knows. One instance per running sandbox."""

    app_key: str
    app_secret: str
    token_lifetime: int = 7 * 24 * 3600
    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, AccessToken] = field(default_factory=dict)
    families: dict[str, Family] = field(default_factory=dict)
    rooms: dict[str, Room] = field(default_factory=dict)
    products: dict[str, Product] = field(default_factory=dict)
    devices: dict[str, Device] = field(default_factory=dict)  # by DeviceId
    shares: dict[tuple[str, str], ShareGrant] = field(default_factory=dict)  # (device, user)
    share_tokens: dict[str, ShareDeviceToken] = field(default_factory=dict)
    family_invites: dict[str, FamilyInvite] = field(default_factory=dict)
    timers: dict[str, Timer] = field(default_factory=dict)
    scenes: dict[str, Scene] = field(default_factory=dict)
    automations: dict[str, Automation] = field(default_factory=dict)
    messages: dict[str, Message] = field(default_factory=dict)
    history: dict[tuple[str, str], list[HistoryPoint]] = field(default_factory=dict)
    events: dict[str, list[EventRecord]] = field(default_factory=dict)  # by DeviceId
    songs: dict[str, Song] = field(default_factory=dict)
    playlists: dict[str, Playlist] = field(default_factory=dict)
    daily_song_ids: list[str] = field(default_factory=list)
    new_song_ids: list[str] = field(default_factory=list)
    clock: Callable[[], float] = time.time
    _listeners: list[Callable[[PushEvent], None]] = field(default_factory=list)
    _seq: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    # -- kept across restarts (bot/sandbox/saved.py) ---------------------------------------------

    def __getstate__(self) -> dict[str, Any]:
        """The world without what belongs to this run: sockets listening, a test's clock."""
        data = dict(self.__dict__)
        data["clock"] = None
        data["_listeners"] = []
        data["_seq"] = next(self._seq)
        return data

    def __setstate__(self, data: dict[str, Any]) -> None:
        data["clock"] = time.time
        data["_seq"] = itertools.count(data["_seq"])
        self.__dict__.update(data)

    # -- time -----------------------------------------------------------------------------------

    def now(self) -> int:
        """Unix seconds on the sandbox's clock (tests may replace the clock)."""
        return int(self.clock())

    def now_ms(self) -> int:
        return int(self.clock() * 1000)

    # -- users and tokens --------------------------------------------------------------------------

    def issue_token(self, user_id: str) -> AccessToken:
        token = AccessToken(secrets.token_hex(24), user_id, self.now() + self.token_lifetime)
        self.tokens[token.token] = token
        return token

    def user_by_token(self, token: str) -> User | None:
        record = self.tokens.get(token)
        if record is None or record.revoked or record.expire_at <= self.now():
            return None
        return self.users.get(record.user_id)

    # -- who may see what ----------------------------------------------------------------------------

    def role_in(self, family_id: str, user_id: str) -> int | None:
        family = self.families.get(family_id)
        return None if family is None else family.members.get(user_id)

    def family_ids_of(self, user_id: str) -> list[str]:
        return [f.family_id for f in self.families.values() if user_id in f.members]

    def shared_device_ids(self, user_id: str) -> list[str]:
        return [grant.device_id for grant in self.shares.values() if grant.user_id == user_id]

    def can_see_device(self, user_id: str, device_id: str) -> bool:
        """A member of the device's family, or a user the device was shared with."""
        device = self.devices.get(device_id)
        if device is None:
            return False
        if self.role_in(device.family_id, user_id) is not None:
            return True
        return (device_id, user_id) in self.shares

    def visible_device_ids(self, user_id: str) -> set[str]:
        families = set(self.family_ids_of(user_id))
        own = {d.device_id for d in self.devices.values() if d.family_id in families}
        return own | set(self.shared_device_ids(user_id))

    # -- device reports --------------------------------------------------------------------------------

    def subscribe(self, listener: Callable[[PushEvent], None]) -> Callable[[], None]:
        """Call ``listener`` for every push; returns the function that unsubscribes it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def push(self, device_id: str, type_: str, sub_type: str, payload: dict[str, Any]) -> PushEvent:
        """Announce something a device did to every subscribed socket."""
        event = PushEvent(device_id, type_, sub_type, payload, next(self._seq), self.now_ms())
        for listener in list(self._listeners):
            listener(event)
        return event

    def announce_binding(self, device_id: str, bound: bool) -> None:
        """StatusChange Bind (after a device joined a family or a share) or Unbind (before it
        leaves): what tells the users' other apps to read their device lists again."""
        self.push(device_id, "StatusChange", "Bind" if bound else "Unbind", {})

    def report_properties(self, device_id: str, values: dict[str, Any], *, sub_type: str) -> None:
        """Store property values (with history) and push them as a Property report."""
        device = self.devices[device_id]
        now_ms = self.now_ms()
        for prop_id, value in values.items():
            device.properties[prop_id] = PropertyValue(value, now_ms)
            self.history.setdefault((device_id, prop_id), []).append(HistoryPoint(now_ms, value))
        device.updated = self.now()
        self.push(device_id, "Property", sub_type, {"method": "report", "params": dict(values)})

    def control_device(self, device_id: str, values: dict[str, Any]) -> None:
        """Send a control to a device and let it apply it, as a real device does.

        The cloud first pushes the control (Property/Push); the device then reports the new state
        (Property/Report). Callers check permissions, online state and values beforehand.
        """
        self.push(device_id, "Property", "Push", {"method": "control", "params": dict(values)})
        self.report_properties(device_id, values, sub_type="Report")

    def set_online(self, device_id: str, online: bool) -> None:
        device = self.devices[device_id]
        if device.online == online:
            return
        device.online = online
        self.push(device_id, "StatusChange", "Online" if online else "Offline", {})

    def event_type(self, product_id: str, event_id: str) -> str:
        """info, alert or fault: the type of the event in the product's DataTemplate."""
        product = self.products.get(product_id)
        for spec in product.data_template.get("events", []) if product else []:
            if spec.get("id") == event_id:
                return str(spec.get("type", "info"))
        return "info"

    def post_event(self, device_id: str, event_id: str, params: dict[str, Any]) -> None:
        """Record a device event and push it; its type comes from the product's template."""
        device = self.devices[device_id]
        event_type = self.event_type(device.product_id, event_id)
        self.events.setdefault(device_id, []).append(
            EventRecord(self.now_ms(), event_id, event_type, dict(params))
        )
        self.push(
            device_id,
            "Event",
            "Report",
            # No "type": the reference's event_post carries none, so the bot must read the event's
            # severity from the product's DataTemplate as it must with the real cloud.
            {"method": "event_post", "eventId": event_id, "params": params},
        )


def _without_run(record: Scene | Automation) -> dict[str, Any]:
    """What a saved world keeps of a scene or automation: not its run in progress (a task of
    this process, which a restart does not resume)."""
    kept = dict(record.__dict__)
    kept["run_task"] = None
    if "running_until" in kept:
        kept["running_until"] = 0.0  # monotonic seconds of this process
    return kept
