"""The callback-data codec: 64-byte limit, round trips, stored references, rejection."""

from __future__ import annotations

import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.storage.secrets import TokenCipher
from bot.storage.store import Store
from bot.telegram.callbacks import (
    Callback,
    CallbackCodec,
    InvalidCallback,
    NotYourButton,
    StaleCallback,
)

DEVICE_NAME_CHARS = string.ascii_letters + string.digits + "_:.-"
WORST_DEVICE_ID = "ABCDEFGHIJ/" + ("Zz9_:.-" * 7)[:48]
ROUTE = st.from_regex(r"[a-z][a-z0-9_.-]{0,31}", fullmatch=True)
ARG = st.one_of(st.text(max_size=80), st.integers(min_value=-(2**63), max_value=2**63))


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance_days(self, days: float) -> None:
        self.now += days * 86400


def _open(path: Path) -> Store:
    return Store(path, cipher=TokenCipher("test key"))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = _open(tmp_path / "bot.sqlite3")
    yield store
    store.close()


@pytest.fixture(scope="module")
def shared_codec(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CallbackCodec]:
    store = _open(tmp_path_factory.mktemp("callbacks") / "bot.sqlite3")
    yield CallbackCodec(store)
    store.close()


def _stored_rows(store: Store) -> int:
    return int(store.rows("SELECT COUNT(*) AS n FROM callback_payloads")[0]["n"])


def test_short_button_round_trips_without_touching_the_database(store: Store) -> None:
    codec = CallbackCodec(store)
    data = codec.encode(123456789, "dev.toggle", "AB12CD34EF/lamp", 1)

    assert codec.decode(data) == Callback(123456789, "dev.toggle", ("AB12CD34EF/lamp", "1"))
    assert _stored_rows(store) == 0


def test_worst_case_device_button_fits_in_64_bytes(store: Store) -> None:
    codec = CallbackCodec(store)
    owner = 9_999_999_999_999
    args = (WORST_DEVICE_ID, "brightness_level_percent", "客厅的灯｜开🌙%|")

    data = codec.encode(owner, "dev.set_property", *args)

    assert len(data.encode("utf-8")) <= 64
    assert codec.decode(data) == Callback(owner, "dev.set_property", args)


@settings(max_examples=300, deadline=None)
@given(
    owner=st.integers(min_value=-(2**63) + 1, max_value=2**63 - 1),
    route=ROUTE,
    args=st.lists(ARG, max_size=6),
)
def test_any_button_round_trips_within_the_limit(
    shared_codec: CallbackCodec, owner: int, route: str, args: list[str | int]
) -> None:
    data = shared_codec.encode(owner, route, *args)

    assert 1 <= len(data.encode("utf-8")) <= 64
    assert shared_codec.decode(data) == Callback(owner, route, tuple(str(a) for a in args))


def test_same_long_button_is_stored_once(store: Store) -> None:
    codec = CallbackCodec(store)
    first = codec.encode(42, "dev.set", WORST_DEVICE_ID, "color", "red")
    second = codec.encode(42, "dev.set", WORST_DEVICE_ID, "color", "red")
    other = codec.encode(42, "dev.set", WORST_DEVICE_ID, "color", "blue")

    assert first == second != other
    assert _stored_rows(store) == 2


def test_stored_buttons_work_after_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    before = _open(path)
    data = CallbackCodec(before).encode(42, "dev.set", WORST_DEVICE_ID, "power", "1")
    before.close()

    after = _open(path)
    assert CallbackCodec(after).decode(data) == Callback(
        42, "dev.set", (WORST_DEVICE_ID, "power", "1")
    )
    after.close()


def test_reference_from_another_database_is_stale(store: Store, tmp_path: Path) -> None:
    elsewhere = _open(tmp_path / "other.sqlite3")
    data = CallbackCodec(elsewhere).encode(42, "dev.set", WORST_DEVICE_ID, "x" * 40)
    elsewhere.close()

    with pytest.raises(StaleCallback):
        CallbackCodec(store).decode(data)


def test_prune_forgets_only_buttons_unused_for_long(store: Store) -> None:
    clock = Clock()
    codec = CallbackCodec(store, clock=clock)
    forgotten = codec.encode(1, "dev.set", WORST_DEVICE_ID, "a")
    pressed = codec.encode(1, "dev.set", WORST_DEVICE_ID, "b")
    clock.advance_days(20)
    codec.decode(pressed)  # pressing a button keeps it alive
    clock.advance_days(20)

    assert codec.prune(older_than_days=30) == 1
    assert codec.decode(pressed).args[-1] == "b"
    with pytest.raises(StaleCallback):
        codec.decode(forgotten)


def test_rendering_again_keeps_a_button_alive(store: Store) -> None:
    clock = Clock()
    codec = CallbackCodec(store, clock=clock)
    data = codec.encode(1, "dev.set", WORST_DEVICE_ID, "a")
    clock.advance_days(40)
    assert codec.encode(1, "dev.set", WORST_DEVICE_ID, "a") == data

    assert codec.prune(older_than_days=30) == 0
    assert codec.decode(data).route == "dev.set"


@pytest.mark.parametrize(
    "data",
    [
        "",
        "hello",
        "i",
        "i2s",
        "i2s|",
        "i2s|Dev.Toggle",
        "i2s|dev.toggle|50%",
        "i2s|dev.toggle|%zz",
        "i+2s|dev.toggle",
        "r",
        "rshort",
        "r" + "A" * 23,
        "c3d1b9b6-5a1f-4a8e-9a1e-2b7f0c0d5e6a",  # PTB's arbitrary-callback-data format
    ],
)
def test_garbage_and_foreign_data_are_rejected(store: Store, data: str) -> None:
    with pytest.raises(InvalidCallback):
        CallbackCodec(store).decode(data)


def test_unknown_reference_is_stale(store: Store) -> None:
    with pytest.raises(StaleCallback):
        CallbackCodec(store).decode("r" + "A" * 22)


def test_another_users_press_is_refused(store: Store) -> None:
    callback = CallbackCodec(store).decode(CallbackCodec(store).encode(42, "scene.run", "s1"))
    callback.ensure_owner(42)
    with pytest.raises(NotYourButton):
        callback.ensure_owner(43)


@pytest.mark.parametrize(
    ("owner", "route", "args"),
    [
        (1, "", ()),
        (1, "Dev.Toggle", ()),
        (1, "dev|toggle", ()),
        (1, "d" * 33, ()),
        (1, "dev.toggle", (None,)),
        (1, "dev.toggle", (True,)),
        ("1", "dev.toggle", ()),
        (2**64, "dev.toggle", ()),
    ],
)
def test_malformed_buttons_fail_where_they_are_built(
    store: Store, owner: object, route: str, args: tuple[object, ...]
) -> None:
    with pytest.raises((TypeError, ValueError)):
        CallbackCodec(store).encode(owner, route, *args)  # type: ignore[arg-type]
