"""The demo home seeded at start: two users, a family with rooms and one device of every kind."""

from __future__ import annotations

import copy
import dataclasses
import secrets
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox import templates
from bot.sandbox.registry import action_modules
from bot.sandbox.state import (
    DEFAULT_ROOM,
    ROLE_OWNER,
    Device,
    Family,
    Product,
    PropertyValue,
    Room,
    SandboxState,
    User,
    hash_password,
    new_id,
)

DEMO_PASSWORD = "demo-pass-1234"


@dataclass
class DemoUser:
    user_id: str
    nickname: str
    country_code: str
    phone: str
    email: str
    password: str


@dataclass
class DemoHome:
    """What tests and the demo need to find their way around the seeded world."""

    owner: DemoUser
    friend: DemoUser
    family_id: str
    friend_family_id: str
    rooms: dict[str, str]  # name -> RoomId
    devices: dict[
        str, str
    ]  # role (light, plug, sensor, gateway, door, speaker, feeder) -> DeviceId
    extra: dict[str, Any] = field(default_factory=dict)  # ids that area seeders add (scenes, ...)


def add_user(
    state: SandboxState,
    nickname: str,
    *,
    country_code: str = "",
    phone: str = "",
    email: str = "",
    password: str = "",
    wx_open_id: str = "",
) -> User:
    """Create a user (with a salted password when given)."""
    salt = secrets.token_hex(8)
    user = User(
        user_id=new_id("u"),
        nickname=nickname,
        country_code=country_code,
        phone=phone,
        email=email,
        password_salt=salt,
        password_hash=hash_password(password, salt) if password else "",
        wx_open_id=wx_open_id,
        created=state.now(),
    )
    state.users[user.user_id] = user
    return user


def add_family(state: SandboxState, owner: User, name: str, rooms: list[str]) -> Family:
    """Create a family owned by ``owner`` with the given rooms."""
    now = state.now()
    family = Family(new_id("f"), name, owner.user_id, created=now, updated=now)
    family.members[owner.user_id] = ROLE_OWNER
    family.member_joined[owner.user_id] = now
    state.families[family.family_id] = family
    for room_name in rooms:
        room = Room(new_id("r"), family.family_id, room_name, now, now)
        state.rooms[room.room_id] = room
    return family


def add_device(
    state: SandboxState,
    product: Product,
    device_name: str,
    alias: str,
    family: Family,
    room_id: str = DEFAULT_ROOM,
    *,
    values: dict[str, Any] | None = None,
    online: bool = True,
    gateway_id: str = "",
) -> Device:
    """Bind a new device of ``product`` into ``family`` with initial property values."""
    now = state.now()
    if product.product_id not in state.products:
        # Each sandbox gets its own copy: the module's PRODUCTS are shared by every sandbox.
        own = dataclasses.replace(product, data_template=copy.deepcopy(product.data_template))
        state.products[product.product_id] = own
    device = Device(
        product_id=product.product_id,
        device_name=device_name,
        alias=alias,
        family_id=family.family_id,
        room_id=room_id,
        owner_id=family.owner_id,
        online=online,
        mac=":".join(secrets.token_hex(1) for _ in range(6)),
        ip=f"192.168.1.{len(state.devices) + 20}",
        gateway_id=gateway_id,
        created=now,
        updated=now,
    )
    for prop_id, value in (values or {}).items():
        device.properties[prop_id] = PropertyValue(value, now * 1000)
    state.devices[device.device_id] = device
    return device


PRODUCTS = {
    "light": Product("DEMOLIGHT1", "Smart bulb", templates.LIGHT, latest_firmware="1.2.0"),
    "plug": Product("DEMOPLUG01", "Smart plug", templates.PLUG),
    "sensor": Product("DEMOSENSR1", "Climate sensor", templates.SENSOR),
    "gateway": Product("DEMOGATEW1", "Zigbee gateway", templates.GATEWAY, product_type=2),
    "door": Product("DEMODOOR01", "Door sensor", templates.DOOR, product_type=1),
    "speaker": Product("DEMOSPEAK1", "Smart speaker", templates.SPEAKER, kugou=True),
    "feeder": Product("DEMOFEEDR1", "Pet feeder", templates.FEEDER),
}


def seed_demo(state: SandboxState) -> DemoHome:
    """Fill ``state`` with the demo world and return the handles to it."""
    owner_user = add_user(
        state,
        "Alex",
        country_code="86",
        phone="13800000000",
        email="demo@example.com",
        password=DEMO_PASSWORD,
    )
    friend_user = add_user(
        state,
        "Sam",
        country_code="86",
        phone="13900000000",
        email="friend@example.com",
        password=DEMO_PASSWORD,
    )
    family = add_family(state, owner_user, "My Home", ["Living room", "Bedroom", "Kitchen"])
    friend_family = add_family(state, friend_user, "Sam's flat", ["Studio"])
    rooms = {r.name: r.room_id for r in state.rooms.values() if r.family_id == family.family_id}
    p = PRODUCTS
    devices = {
        "light": add_device(
            state,
            p["light"],
            "living_light",
            "Living room light",
            family,
            rooms["Living room"],
            values={"power_switch": 0, "color": 0, "brightness": 60, "name": "Lamp"},
        ),
        "plug": add_device(
            state,
            p["plug"],
            "coffee_plug",
            "Coffee machine plug",
            family,
            rooms["Kitchen"],
            values={"power_switch": 1, "power": 12.5, "energy": 0.42},
        ),
        "sensor": add_device(
            state,
            p["sensor"],
            "bedroom_climate",
            "Bedroom sensor",
            family,
            rooms["Bedroom"],
            values={
                "temperature": 21.5,
                "humidity": 45,
                "battery_voltage": 3.1,
                "report_interval": 60,
            },
        ),
        "gateway": add_device(
            state,
            p["gateway"],
            "hub",
            "Home hub",
            family,
            rooms["Living room"],
            values={"zigbee_channel": 15, "permit_join": 0},
        ),
        "speaker": add_device(
            state,
            p["speaker"],
            "kitchen_speaker",
            "Kitchen speaker",
            family,
            rooms["Kitchen"],
            values={"volume": 30, "play_state": 0, "song": ""},
        ),
        "feeder": add_device(
            state,
            p["feeder"],
            "cat_feeder",
            "Cat feeder",
            family,
            rooms["Kitchen"],
            values={"food_level": 80},
        ),
    }
    devices["door"] = add_device(
        state,
        p["door"],
        "front_door",
        "Front door",
        family,
        rooms["Living room"],
        values={"door_state": 0, "battery": 90},
        gateway_id=devices["gateway"].device_id,
    )
    home = DemoHome(
        owner=DemoUser(
            owner_user.user_id, "Alex", "86", "13800000000", "demo@example.com", DEMO_PASSWORD
        ),
        friend=DemoUser(
            friend_user.user_id, "Sam", "86", "13900000000", "friend@example.com", DEMO_PASSWORD
        ),
        family_id=family.family_id,
        friend_family_id=friend_family.family_id,
        rooms=rooms,
        devices={role: d.device_id for role, d in devices.items()},
    )
    _run_area_seeders(state, home)
    return home


def _run_area_seeders(state: SandboxState, home: DemoHome) -> None:
    """Let each area add its demo records (scenes, timers, messages, songs...)."""
    for module in action_modules():
        seeder = getattr(module, "seed_demo", None)
        if seeder is not None:
            seeder(state, home)
