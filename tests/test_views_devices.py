"""The device views without the cloud: texts, controls per value type, paging, names, caches."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.config import Settings
from bot.home.cards import ALL_ROOMS, DeviceCard, HomeListing
from bot.home.names import looks_like_a_name, match_devices
from bot.iot.models.devices import Device, DeviceData, Product, PropertyReading
from bot.iot.models.families import Family, Room
from bot.iot.product_cache import ProductCache
from bot.iot.template import REASONS, DataTemplate, InvalidValue, ValueSpec
from bot.sandbox import templates
from bot.storage.store import Store
from bot.telegram.callbacks import CallbackCodec
from bot.telegram.context import Services
from bot.telegram.open_cards import OpenCards
from bot.telegram.routing import Buttons
from bot.views.devices.card import card_view
from bot.views.devices.controls import ASK, CHOICES, STEPPER, TOGGLE, control_for
from bot.views.devices.listing import PAGE_SIZE, devices_list, page_of
from bot.views.values import translate_invalid, typed_value, value_hint

UTC = ZoneInfo("UTC")


@pytest.fixture
def buttons(tmp_path: Path) -> Buttons:
    store = Store(tmp_path / "bot.sqlite3")
    codec = CallbackCodec(store)
    services = Services(settings=Settings(), store=store, iot=None, codec=codec, accounts=None)  # type: ignore[arg-type]
    return Buttons(services, 42)


def routes(markup: Any, buttons: Buttons) -> dict[str, tuple[str, ...]]:
    """Button text -> (route, *args), decoded as the dispatcher would."""
    codec = buttons._codec
    out = {}
    for row in markup.inline_keyboard:
        for button in row:
            decoded = codec.decode(button.callback_data)
            out[button.text] = (decoded.route, *decoded.args)
    return out


def card_of(template: dict[str, Any], values: dict[str, Any], **fields: Any) -> DeviceCard:
    device = Device(
        "P1/dev", "P1", "dev", fields.pop("alias", "Lamp"), online=fields.pop("online", True)
    )
    readings = DeviceData({k: PropertyReading(v, 1_700_000_000_000) for k, v in values.items()})
    product = Product("P1", "Bulb", DataTemplate.parse(template))
    return DeviceCard.of(device, product, readings, **fields)


SAMPLE_DETAILS: dict[str, dict[str, Any]] = {
    "not_a_number": {"value": "abc"},
    "not_an_integer": {"value": "1.5"},
    "out_of_range": {"value": 150, "min": 0, "max": 100, "unit": "%"},
    "off_step": {"value": 7, "min": 0, "step": 5, "unit": "", "lower": 5, "upper": 10},
    "not_in_choices": {"value": "pink", "choices": {"0": "Red", "1": "Green"}},
    "not_a_bool": {"value": "maybe", "choices": {"0": "Off", "1": "On"}},
    "too_long": {"value": "x" * 70, "length": 70, "max_length": 64},
    "too_short": {"value": "x", "length": 1, "min_length": 3},
    "bad_time": {"value": "tomorrowish"},
    "wrong_type": {"value": [], "expected": "struct", "fields": {"a": "A", "b": "B"}},
    "missing": {"field": "note", "name": "Note"},
    "read_only": {"field": "temp", "name": "Temperature"},
    "unsupported_type": {"type": "blob"},
}
EXPECTED_WORDS = {
    "not_a_number": "abc",
    "not_an_integer": "whole number",
    "out_of_range": "between 0 and 100 %",
    "off_step": "Try 5 or 10",
    "not_in_choices": "Red, Green",
    "not_a_bool": "“On” or “Off”",
    "too_long": "at most 64",
    "too_short": "at least 3",
    "bad_time": "tomorrowish",
    "wrong_type": "a=…, b=…",
    "missing": "Note is missing",
    "read_only": "Temperature can only be read",
    "unsupported_type": "blob",
}


def test_every_reason_is_explained() -> None:
    assert set(SAMPLE_DETAILS) == set(REASONS)
    texts = set()
    for reason in REASONS:
        text = translate_invalid(InvalidValue(reason, "raw", **SAMPLE_DETAILS[reason]))
        assert EXPECTED_WORDS[reason] in text, reason
        assert "{" not in text
        texts.add(text)
    assert len(texts) == len(REASONS)


def test_real_errors_are_explained_and_escaped() -> None:
    percent = ValueSpec.from_define(
        {"type": "int", "min": "0", "max": "100", "step": "1", "unit": "%"}
    )
    with pytest.raises(InvalidValue) as caught:
        percent.coerce("150")
    assert translate_invalid(caught.value) == "Choose a value between 0 and 100 %."
    with pytest.raises(InvalidValue) as caught:
        percent.coerce("<b>")
    assert translate_invalid(caught.value) == "“&lt;b&gt;” is not a number."
    only_min = ValueSpec.from_define({"type": "float", "min": "0.5"})
    with pytest.raises(InvalidValue) as caught:
        only_min.coerce("0.1")
    assert translate_invalid(caught.value) == "Choose a value of at least 0.5."


def test_hints_and_empty_text() -> None:
    text = ValueSpec.from_define({"type": "string", "min": "0", "max": "32"})
    assert "at most 32 characters" in value_hint(text) and "-" in value_hint(text)
    assert typed_value(text, "-") == ""
    number = ValueSpec.from_define({"type": "int", "min": "0", "max": "100", "step": "5"})
    assert value_hint(number) == "a number from 0 to 100 (in steps of 5)"
    assert typed_value(number, " 5 ") == "5"


def test_each_value_type_gets_its_control() -> None:
    template = DataTemplate.parse(templates.LIGHT)
    kinds = {p.id: control_for(p) for p in template.writable_properties}
    assert kinds == {"power_switch": TOGGLE, "color": CHOICES, "brightness": STEPPER, "name": ASK}
    bare_enum = DataTemplate.parse(
        {"properties": [{"id": "m", "mode": "rw", "define": {"type": "stringenum"}}]}
    )
    assert control_for(bare_enum.properties[0]) is ASK


def test_card_controls_and_feature_buttons(buttons: Buttons) -> None:
    card = card_of(
        templates.LIGHT, {"power_switch": 1, "color": 2, "brightness": 40}, room_name="Den"
    )
    text, markup = card_view(card, buttons, UTC)
    assert "Power: <b>On</b>" in text and "Color: <b>Blue</b>" in text
    assert "Lamp label: <b>—</b>" in text and "🏠 Den · 🟢 Online" in text
    assert "Updated 2023-11-14 22:13" in text
    found = routes(markup, buttons)
    assert found["🟢 Power: On"] == ("dev.tog", "P1/dev", "power_switch")
    assert found["✓ Blue"] == ("dev.set", "P1/dev", "color", "2")
    assert found["➕"] == ("dev.step", "P1/dev", "brightness", "1")
    assert found["✏️ Brightness: 40 %"] == ("dev.ask", "P1/dev", "brightness")
    assert found["⚙ Manage"] == ("dmg.menu", "P1/dev")
    assert found["📈 History"] == ("dh.menu", "P1/dev")
    assert found["🔗 Share"] == ("shr.menu", "P1/dev")
    assert found["⏰ Timers"] == ("tmr.list", "P1/dev")
    assert found["⬆ Firmware"] == ("fw.check", "P1/dev")


def test_shared_card_without_history_or_share(buttons: Buttons) -> None:
    template = {
        "properties": [{"id": "on", "name": "On", "mode": "rw", "define": {"type": "bool"}}]
    }
    card = card_of(template, {}, shared=True, online=False)
    text, markup = card_view(card, buttons, UTC)
    assert "🤝 Shared with you · ⚪ Offline" in text and "It's offline" in text
    found = routes(markup, buttons)
    assert "🔗 Share" not in found and "📈 History" not in found


def test_many_choices_open_a_sub_menu(buttons: Buttons) -> None:
    mapping = {str(i): f"Mode {i}" for i in range(6)}
    template = {
        "properties": [
            {
                "id": "mode",
                "name": "Mode",
                "mode": "rw",
                "define": {"type": "enum", "mapping": mapping},
            }
        ]
    }
    _, markup = card_view(card_of(template, {"mode": 3}), buttons, UTC)
    assert routes(markup, buttons)["Mode: Mode 3 ▸"] == ("dev.menu", "P1/dev", "mode")


def test_names_from_the_cloud_are_escaped(buttons: Buttons) -> None:
    template = {
        "properties": [
            {"id": "s", "name": "<i>Label</i>", "mode": "r", "define": {"type": "string"}}
        ]
    }
    card = card_of(template, {"s": "a&b"}, alias="<b>x</b>")
    text, _ = card_view(card, buttons, UTC)
    assert text.startswith("<b>&lt;b&gt;x&lt;/b&gt;</b>")
    assert "&lt;i&gt;Label&lt;/i&gt;: <b>a&amp;b</b>" in text


def test_paging(buttons: Buttons) -> None:
    devices = tuple(
        Device(f"P/d{i}", "P", f"d{i}", f"Device {i}", online=i % 2 == 0) for i in range(23)
    )
    assert [len(page_of(devices, p)[0]) for p in range(3)] == [PAGE_SIZE, PAGE_SIZE, 3]
    assert page_of(devices, 99)[1] == 2 and page_of((), 5)[1:] == (0, 1)
    listing = HomeListing(
        Family("f", "Home & Co"), False, (Room("r1", "Hall"),), ALL_ROOMS, devices
    )
    text, markup = devices_list(listing, 1, buttons)
    assert "Home &amp; Co" in text and "23 devices · 12 online · page 2 of 3" in text
    found = routes(markup, buttons)
    assert found["◀"] == ("dev.list", ALL_ROOMS, "0") and found["▶"] == ("dev.list", ALL_ROOMS, "2")
    assert "🟢 Device 10" in found and "🟢 Device 0" not in found


def test_name_matching() -> None:
    devices = [
        Device("L/1", "L", "1", "Living room light"),
        Device("L/2", "L", "2", "Desk light"),
        Device("F/1", "F", "1", "Cat feeder"),
    ]
    assert [m.device.name for m in match_devices("living room lite", devices)] == [
        "Living room light"
    ]
    assert [m.device.name for m in match_devices("CAT  FEEDER", devices)] == ["Cat feeder"]
    assert len(match_devices("light", devices)) == 2
    assert match_devices("weather tomorrow", devices) == []
    assert looks_like_a_name("Desk light") and not looks_like_a_name("/devices")
    assert not looks_like_a_name("a very long sentence that is surely not a name at all")


def test_open_cards_expire() -> None:
    now = [1000.0]
    cards = OpenCards(ttl=900, clock=lambda: now[0])
    cards.opened(1, 10, 1, "P/a")
    cards.opened(1, 11, 1, "P/b")
    now[0] += 600
    cards.opened(2, 20, 2, "P/a")
    assert [c.message_id for c in cards.for_device("P/a")] == [10, 20]
    now[0] += 400
    assert [c.message_id for c in cards.for_device("P/a")] == [20]
    cards.closed(2, 20)
    assert cards.for_device("P/a") == [] and len(cards) == 0


async def test_product_cache_refetches_after_ttl() -> None:
    now = [0.0]
    asked: list[list[str]] = []

    async def fetch(ids: list[str]) -> list[Product]:
        asked.append(ids)
        return [Product(pid, pid, DataTemplate()) for pid in ids]

    cache = ProductCache(ttl=300, clock=lambda: now[0])
    assert set(await cache.products(["A", "B"], fetch)) == {"A", "B"}
    await cache.products(["A"], fetch)
    now[0] = 301
    await cache.products(["A", "C"], fetch)
    assert asked == [["A", "B"], ["A", "C"]]
