"""Every screen built from cloud data fits Telegram's limits, however long or many the data.

Each test feeds one view long data (many items, names of emoji and CJK, long values) and checks
what Telegram would: the text as the fake Bot API parses it (refusing malformed HTML), measured
in UTF-16 code units; at most 100 buttons, 8 a row, callback data of at most 64 bytes. Then that
the user still sees what matters: the first items, a way to the next page, or the trimmed marker.
"""

from __future__ import annotations

from datetime import UTC as TIMEZONE_UTC
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from telegram import InlineKeyboardMarkup

from bot.config import Settings
from bot.faketelegram.entities import parse_html, utf16_length
from bot.home.alert_rules import Snooze
from bot.home.cards import ALL_ROOMS, DeviceCard, DeviceMatch, HomeListing
from bot.home.directory import KnownDevice
from bot.home.speakers import Speaker
from bot.iot.models.control import ActionResult
from bot.iot.models.devices import (
    Device,
    DeviceData,
    DeviceExtInfo,
    EventHistoryItem,
    Product,
    PropertyReading,
)
from bot.iot.models.families import ROLE_OWNER, Family, Member, Room
from bot.iot.models.firmware import DeviceVersion, FirmwareStatus, FirmwareUpdate
from bot.iot.models.messages import Message, MessageCategory, MessageType
from bot.iot.models.music import Playlist, Song, SongPage, SongUrl
from bot.iot.models.scenes import (
    MATCH_ANY,
    ActionDevice,
    ActionNotify,
    ActionScene,
    Automation,
    AutomationSummary,
    ConditionDevice,
    Scene,
)
from bot.iot.models.sharing import SharedDevice, ShareTokenInfo, ShareUser
from bot.iot.models.timers import Timer
from bot.iot.template import DataTemplate
from bot.notify.texts import (
    digest_text,
    event_texts,
    fit_digest,
    snooze_ended_texts,
    status_texts,
)
from bot.sandbox import templates
from bot.storage.store import Account, Store, UserSettings
from bot.telegram.callbacks import CallbackCodec
from bot.telegram.context import Services
from bot.telegram.routing import Buttons
from bot.views import (
    account,
    alerts,
    automations,
    family,
    inbox,
    music,
    music_song,
    scenes,
    setting_picker,
    sharing,
    timers,
)
from bot.views.devices import card as device_card
from bot.views.devices import controls as device_controls
from bot.views.devices import history
from bot.views.devices import listing as devices_list
from bot.views.devices import manage as device_manage

MAX_TEXT, MAX_CAPTION = 4096, 1024
UTC = ZoneInfo("UTC")
LONG_NAME = ("🏠客厅灯😀" * 20)[:100]  # 100 characters, 140 UTF-16 units
LONG_TEXT = "probe timeout, sensor 😀 unreachable " * 12  # ~430 characters


@pytest.fixture
def buttons(tmp_path: Path) -> Buttons:
    store = Store(tmp_path / "bot.sqlite3")
    services = Services(
        settings=Settings(),
        store=store,
        iot=None,  # type: ignore[arg-type]
        codec=CallbackCodec(store),
        accounts=None,  # type: ignore[arg-type]
    )
    return Buttons(services, 42)


def shown(text: str, limit: int = MAX_TEXT) -> str:
    """The text as Telegram shows it; fails when Telegram would refuse it."""
    plain = parse_html(text).text
    assert utf16_length(plain) <= limit, f"{utf16_length(plain)} UTF-16 units, over {limit}"
    return plain


def routes(markup: InlineKeyboardMarkup | None, buttons: Buttons) -> dict[str, tuple[str, ...]]:
    """Button text -> (route, *args); fails when Telegram would refuse the keyboard."""
    if markup is None:
        return {}
    rows = markup.inline_keyboard
    assert sum(len(row) for row in rows) <= 100
    assert all(len(row) <= 8 for row in rows)
    out = {}
    for row in rows:
        for button in row:
            if button.callback_data is None:
                continue
            assert isinstance(button.callback_data, str)
            assert 1 <= len(button.callback_data.encode()) <= 64
            decoded = buttons._codec.decode(button.callback_data)
            out[button.text] = (decoded.route, *decoded.args)
    return out


def device(name: str = LONG_NAME, device_id: str = "P1/dev", **fields: Any) -> Device:
    return Device(
        device_id, device_id.partition("/")[0], device_id.partition("/")[2], name, **fields
    )


# -- a device's history ---------------------------------------------------------------------


def _faults(count: int, message: str = LONG_TEXT) -> list[EventHistoryItem]:
    return [
        EventHistoryItem(
            "P1/dev",
            "sensor_fault",
            "fault",
            1_700_000_000 - n * 60,
            {"code": n, "message": message},
        )
        for n in range(count)
    ]


def test_recent_events_page_when_twenty_long_faults_would_not_fit(buttons: Buttons) -> None:
    sensor = DataTemplate.parse(templates.SENSOR)
    events = _faults(20)
    text, keyboard = history.events_list(device(), sensor, events, "Asia/Shanghai", buttons)
    first = shown(text)
    assert first.startswith("Recent events of 🏠客厅灯😀") and "page 1 of 2" in first
    assert "Fault code: 0, Message: probe timeout" in first  # the newest first
    assert "times in Asia/Shanghai" in first
    pressed = routes(keyboard, buttons)
    assert pressed["▶"] == ("dh.events", "P1/dev", "1")
    assert pressed["◀ Back"] == ("dh.menu", "P1/dev")
    text, keyboard = history.events_list(device(), sensor, events, "Asia/Shanghai", buttons, 1)
    second = shown(text)
    assert "page 2 of 2" in second and "Fault code: 19," in second
    assert "Fault code: 0," not in second
    assert routes(keyboard, buttons)["◀"] == ("dh.events", "P1/dev", "0")
    on_pages = first.count("Fault code:") + second.count("Fault code:")
    assert on_pages == 20  # every event on one page or the other, none twice


def test_recent_events_that_fit_stay_on_one_page(buttons: Buttons) -> None:
    sensor = DataTemplate.parse(templates.SENSOR)
    text, keyboard = history.events_list(
        device("Sensor"), sensor, _faults(20, "timeout"), "UTC", buttons
    )
    assert shown(text).count("Fault code:") == 20 and "page" not in shown(text)
    assert set(routes(keyboard, buttons)) == {"◀ Back"}


def test_an_event_with_a_huge_unknown_name_and_params_is_cut(buttons: Buttons) -> None:
    item = EventHistoryItem(
        "P1/dev", LONG_NAME * 30, "alert", 1_700_000_000, {"k" * 500: "v" * 5000}
    )
    text, _ = history.events_list(device(LONG_NAME * 50), DataTemplate(), [item], "UTC", buttons)
    assert "…" in shown(text) and "⚠" in shown(text)


def test_history_menu_pages_many_readings(buttons: Buttons) -> None:
    props = [
        {
            "id": f"p{n}",
            "name": f"{n} {LONG_NAME}",
            "mode": "r",
            "define": {"type": "int", "min": "0", "max": "9", "step": "1"},
        }
        for n in range(120)
    ]
    template = DataTemplate.parse({"properties": props})
    numeric = list(template.properties)
    text, keyboard = history.history_menu(device(LONG_NAME * 40), numeric, template, buttons)
    assert shown(text).startswith("History of")
    pressed = routes(keyboard, buttons)
    assert pressed["▶"] == ("dh.menu", "P1/dev", "1") and "🗒 Recent events" in pressed
    assert any(route == ("dh.chart", "P1/dev", "p0", "24h") for route in pressed.values())


def test_chart_caption_fits_a_caption(buttons: Buttons) -> None:
    sensor = DataTemplate.parse(templates.SENSOR)
    prop = sensor.properties[0]
    summary = history.Summary(1000, 21.5, 18.0, 25.0, 21.0)
    caption = history.chart_caption(device(LONG_NAME * 30), prop, "7d", summary)
    assert "Latest" in shown(caption, MAX_CAPTION) and "average" in shown(caption, MAX_CAPTION)
    assert shown(history.no_readings(device(LONG_NAME * 60), prop, "24h"))


# -- the device list ------------------------------------------------------------------------


def _devices(count: int, name: str = LONG_NAME) -> tuple[Device, ...]:
    return tuple(
        device(f"{n:03d} {name}", f"P1/d{n}", room_id=f"r{n % 7}", online=n % 2 == 0)
        for n in range(count)
    )


def _rooms(count: int, name: str = LONG_NAME) -> tuple[Room, ...]:
    return tuple(Room(f"r{n}", f"{n:03d} {name}", n) for n in range(count))


def test_two_hundred_devices_with_long_names_page_by_ten(buttons: Buttons) -> None:
    listing = HomeListing(
        Family("f1", LONG_NAME * 5),
        True,
        _rooms(7, LONG_NAME * 3),
        ALL_ROOMS,
        _devices(200, LONG_NAME * 3),
        shared_count=3,
    )
    text, keyboard = devices_list.devices_list(listing, 0, buttons)
    plain = shown(text)
    assert "200 devices · 100 online · page 1 of 20" in plain
    assert plain.splitlines()[3].startswith("🟢 000 🏠客厅灯") and "009 " in plain
    pressed = routes(keyboard, buttons)
    assert pressed["▶"] == ("dev.list", ALL_ROOMS, "1")
    assert any(label.startswith("🟢 000 🏠") for label in pressed)
    text, keyboard = devices_list.devices_list(listing, 19, buttons)
    assert "199 " in shown(text) and routes(keyboard, buttons)["◀"] == ("dev.list", ALL_ROOMS, "18")


def test_many_homes_and_rooms_page_their_menus(buttons: Buttons) -> None:
    families = [Family(f"f{n}", f"{n:03d} {LONG_NAME}") for n in range(150)]
    text, keyboard = devices_list.family_menu(families, "f0", buttons)
    pressed = routes(keyboard, buttons)
    assert shown(text) and "▶" in pressed and pressed["▶"] == ("dev.fam", "1")
    assert any(label.startswith("✓ 000") for label in pressed)
    listing = HomeListing(families[0], True, _rooms(150), ALL_ROOMS, _devices(10))
    counts = {f"r{n}": 1 for n in range(150)}
    text, keyboard = devices_list.room_menu(listing, counts, buttons)
    pressed = routes(keyboard, buttons)
    assert shown(text) and pressed["▶"] == ("dev.rooms", "1")
    assert any(label.startswith("✓ All rooms") for label in pressed)
    *_, last = devices_list.room_menu(listing, counts, buttons, 99)
    assert any(label.startswith("149 ") for label in routes(last, buttons))


def test_shared_devices_and_name_matches_fit(buttons: Buttons) -> None:
    text, keyboard = devices_list.shared_list(list(_devices(200, LONG_NAME * 10)), 0, buttons)
    assert "200 devices" in shown(text) and routes(keyboard, buttons)["▶"] == ("dev.shared", "1")
    matches = [DeviceMatch(d, 0.9) for d in _devices(5, LONG_NAME * 10)]
    text, keyboard = devices_list.candidates(LONG_NAME * 40, matches, buttons)
    assert shown(text).startswith("Several devices match") and len(routes(keyboard, buttons)) == 5


# -- the device card ------------------------------------------------------------------------


def _define(kind: str, **more: Any) -> dict[str, Any]:
    return {"type": kind, **more}


def _prop(pid: str, name: str, define: dict[str, Any], mode: str = "rw") -> dict[str, Any]:
    return {"id": pid, "name": name, "mode": mode, "define": define}


def _many_choices(count: int) -> dict[str, str]:
    return {str(n): f"{n:03d} {LONG_NAME}" for n in range(count)}


def _big_template() -> dict[str, Any]:
    """Two hundred properties of every kind, long names, and forty actions with outputs."""
    props = []
    for n in range(200):
        name = f"{n:03d} {LONG_NAME}"
        kind = n % 4
        if kind == 0:
            props.append(_prop(f"b{n}", name, _define("bool", mapping={"0": "off", "1": "on"})))
        elif kind == 1:
            props.append(_prop(f"e{n}", name, _define("enum", mapping=_many_choices(3))))
        elif kind == 2:
            number = _define("int", min="0", max="100", step="1", unit="%")
            props.append(_prop(f"n{n}", name, number))
        else:
            props.append(_prop(f"s{n}", name, _define("string", min="0", max="2048")))
    output = {"id": "report", "name": LONG_NAME, "define": _define("string", min="0", max="9999")}
    actions = [
        {"id": f"a{n}", "name": f"{n:02d} {LONG_NAME}", "input": [], "output": [output] * 30}
        for n in range(40)
    ]
    return {"properties": props, "actions": actions}


def _card(template: dict[str, Any], values: dict[str, Any], name: str = LONG_NAME) -> DeviceCard:
    readings = DeviceData({k: PropertyReading(v, 1_700_000_000_000) for k, v in values.items()})
    product = Product("P1", "Bulb", DataTemplate.parse(template))
    return DeviceCard.of(device(name, online=True), product, readings, room_name=LONG_NAME * 9)


def test_a_card_with_two_hundred_properties_and_long_values_fits(buttons: Buttons) -> None:
    values = {f"s{n}": LONG_TEXT * 10 for n in range(3, 200, 4)}
    card = _card(_big_template(), values, LONG_NAME * 20)
    notice = device_card.set_notice(card.template.properties[3], LONG_TEXT * 20, UTC)
    text, keyboard = device_card.card_view(card, buttons, UTC, notice)
    plain = shown(text)
    lines = plain.splitlines()
    assert lines[0].startswith("✅ 003 🏠") and "… (trimmed)" in lines[0]
    assert any(line.startswith("000 🏠客厅灯") for line in lines)  # the first properties
    assert "… (trimmed)" in next(line for line in lines if line.startswith("003 "))
    assert any(line.startswith("… and ") and line.endswith(" more") for line in lines)
    pressed = routes(keyboard, buttons)
    assert pressed["🎛 More controls (" + _more_count(pressed) + ")"][0] == "dev.ctls"
    assert "⚙ Manage" in pressed and "🔄 Refresh" in pressed and "◀ Back" in pressed


def _more_count(pressed: dict[str, tuple[str, ...]]) -> str:
    label = next(label for label in pressed if label.startswith("🎛 More controls ("))
    return label.removeprefix("🎛 More controls (").removesuffix(")")


def test_the_controls_a_card_cannot_hold_are_a_page_away(buttons: Buttons) -> None:
    card = _card(_big_template(), {})
    _text, keyboard = device_card.card_view(card, buttons, UTC)
    pressed = routes(keyboard, buttons)
    more = pressed["🎛 More controls (" + _more_count(pressed) + ")"]
    text, keyboard = device_controls.controls_menu(card, buttons, int(more[2]))
    assert "all controls" in shown(text)
    menu = routes(keyboard, buttons)
    assert menu["◀ Back"] == ("dev.open", "P1/dev") and "▶" in menu
    last_page = len(device_controls.control_groups(card, buttons)) // 10
    *_, keyboard = device_controls.controls_menu(card, buttons, last_page)
    assert any(label.startswith("▶ 39 ") for label in routes(keyboard, buttons))  # the last action


def test_an_action_with_many_long_outputs_leaves_a_card_that_fits(buttons: Buttons) -> None:
    card = _card(_big_template(), {})
    action = card.template.actions[0]
    result = ActionResult("t", "done", {"report": LONG_TEXT * 30})
    notice = device_card.action_notice(action, result, UTC)
    assert shown(notice).startswith("✅ 00 🏠") and "… (trimmed)" in shown(notice)
    text, _ = device_card.card_view(card, buttons, UTC, notice)
    assert shown(text).startswith("✅ 00 🏠")


def test_a_property_with_hundreds_of_choices_pages_its_menu_and_hint(buttons: Buttons) -> None:
    template = {
        "properties": [_prop("mode", LONG_NAME, _define("enum", mapping=_many_choices(300)))]
    }
    card = _card(template, {"mode": 0})
    prop = card.template.properties[0]
    text, keyboard = device_controls.choice_menu(card, prop, buttons)
    pressed = routes(keyboard, buttons)
    assert shown(text) and pressed["▶"] == ("dev.menu", "P1/dev", "mode", "1")
    assert any(label.startswith("✓ 000 ") for label in pressed)
    question = device_card.ask_value(card, prop, UTC)
    assert "one of: 000 " in shown(question) and " more." in shown(question)
    assert "/cancel stops." in shown(question)


# -- managing a device ----------------------------------------------------------------------


def test_moving_to_one_of_many_rooms_pages_the_rooms(buttons: Buttons) -> None:
    lamp = device(LONG_NAME * 30, room_id="r0")
    text, keyboard = device_manage.room_picker(lamp, _rooms(150, LONG_NAME * 2), buttons)
    pressed = routes(keyboard, buttons)
    assert shown(text).startswith("Move 🏠") and pressed["▶"] == ("dmg.move", "P1/dev", "1")
    assert any(label.startswith("✓ 000 ") for label in pressed)
    *_, last = device_manage.room_picker(lamp, _rooms(150), buttons, 7)
    assert "No room" in routes(last, buttons)


def test_a_gateway_with_two_hundred_sub_devices_pages_them(buttons: Buttons) -> None:
    gateway = device(LONG_NAME * 40, "P1/gw")
    text, keyboard = device_manage.sub_devices(gateway, _devices(200, LONG_NAME * 3), buttons)
    pressed = routes(keyboard, buttons)
    assert "100 of 200 online" in shown(text) and pressed["▶"] == ("dmg.subs", "P1/gw", "1")
    assert any(label.startswith("🟢 000 ") for label in pressed)


def test_details_with_hundreds_of_modules_and_long_texts_fit(buttons: Buttons) -> None:
    ext = DeviceExtInfo("P1/dev", LONG_NAME * 10, LONG_NAME * 10, "aabbccddeeff", "", "10.0.0.2")
    modules = [DeviceVersion(f"{n:03d} {LONG_NAME}", "v" + "9." * 100) for n in range(300)]
    text, _ = device_manage.details(
        device(LONG_NAME * 20), LONG_NAME * 20, ext, modules, "Asia/Shanghai", buttons
    )
    plain = shown(text)
    assert plain.startswith("Details of 🏠") and "• 000 🏠" in plain and " more" in plain
    assert "MAC: AA:BB:CC:DD:EE:FF" in plain and "IP: 10.0.0.2" in plain  # after the modules


def test_firmware_screens_with_long_versions_and_reasons_fit(buttons: Buttons) -> None:
    lamp = device(LONG_NAME * 30)
    update = FirmwareUpdate("1." * 2000, "2." * 2000)
    for text, _keyboard in (
        device_manage.firmware_check(lamp, update, True, buttons),
        device_manage.confirm_upgrade(lamp, update, buttons),
    ):
        assert "…" in shown(text)
    failed = FirmwareStatus(5, 40, "1." * 900, "2." * 900, LONG_TEXT * 20)
    text, keyboard = device_manage.firmware_progress(lamp, failed, buttons)
    assert "The update failed: probe timeout" in shown(text) and "… (trimmed)" in shown(text)
    assert "🔄 Try again" in routes(keyboard, buttons)


# -- scenes, automations, timers ------------------------------------------------------------

NOW = datetime(2025, 1, 15, 9, 0, tzinfo=TIMEZONE_UTC)
SENSOR_ID = "DEMOSENSR1/bed"


def _book(name: str = LONG_NAME * 5) -> automations.HomeBook:
    sensor = Device(SENSOR_ID, "DEMOSENSR1", "bed", name)
    return automations.HomeBook(
        devices={SENSOR_ID: sensor},
        templates={"DEMOSENSR1": DataTemplate.parse(templates.SENSOR)},
    )


def test_two_hundred_scenes_page_their_buttons(buttons: Buttons) -> None:
    many = [Scene(f"s{n}", "f1", f"{n:03d} {LONG_NAME * 3}", "", ()) for n in range(200)]
    notice = scenes.running(LONG_NAME * 40)
    text, keyboard = scenes.scene_list(many, buttons, notice)
    pressed = routes(keyboard, buttons)
    assert "page 1 of 10" in shown(text) and pressed["▶"] == ("scn.list", "1")
    assert next(label for label in pressed if label.startswith("▶ 000 "))
    *_, keyboard = scenes.scene_list(many, buttons, "", 9)
    run = next(v for k, v in routes(keyboard, buttons).items() if k.startswith("▶ 199 "))
    assert run == ("scn.run", "s199", "9")  # the list comes back at this page


def test_a_scene_draft_of_many_long_steps_fits(buttons: Buttons) -> None:
    steps = [ActionNotify(LONG_TEXT * 3) for _ in range(60)]
    text, _ = scenes.draft(LONG_NAME * 10, steps, _book(), buttons)
    plain = shown(text)
    assert plain.startswith("New scene: ") and "1. Notify “probe timeout" in plain
    assert " more" in plain


def test_two_hundred_automations_page_and_a_huge_one_is_trimmed(buttons: Buttons) -> None:
    summaries = [
        AutomationSummary(f"a{n}", f"{n:03d} {LONG_NAME}", enabled=True) for n in range(200)
    ]
    text, keyboard = automations.automation_list(summaries, buttons)
    assert "page 1 of 10" in shown(text) and routes(keyboard, buttons)["▶"] == ("aut.list", "1")
    conditions = tuple(
        ConditionDevice("DEMOSENSR1", "bed", "temperature", "gt", n, alias=LONG_NAME * 3)
        for n in range(80)
    )
    actions = (
        ActionDevice("DEMOSENSR1", "bed", {"report_interval": 60}, alias=LONG_NAME),
        ActionScene("s1", LONG_NAME * 9),
        ActionNotify(LONG_TEXT * 40),
    ) * 20
    huge = Automation("a1", LONG_NAME * 30, "", True, MATCH_ANY, conditions, actions)
    text, keyboard = automations.automation_details(huge, _book(), "Asia/Shanghai", NOW, buttons)
    plain = shown(text)
    assert plain.startswith("🏠客厅灯") and "— ✅ on" in plain and "When " in plain
    assert plain.endswith("… (trimmed)")
    assert set(routes(keyboard, buttons)) == {"⏸ Turn off", "◀ Automations"}


def test_a_device_with_forty_timers_pages_them(buttons: Buttons) -> None:
    data = {f"p{n}": LONG_TEXT for n in range(30)}
    many = [
        Timer(
            f"t{n}", "DEMOSENSR1", "bed", f"{n:02d} {LONG_NAME * 3}", "0111110", "07:00", True, data
        )
        for n in range(40)
    ]
    back = buttons("◀ Back", "dev.open", SENSOR_ID)
    text, keyboard = timers.timer_list(
        LONG_NAME * 20, SENSOR_ID, many, DataTemplate(), "Europe/Berlin", NOW, buttons, back, "c"
    )
    plain = shown(text)
    assert "page 1 of 8" in plain and "00 🏠" in plain and "07:00 (China time" in plain
    pressed = routes(keyboard, buttons)
    assert pressed["▶"] == ("tmr.list", SENSOR_ID, "c", "1") and "➕ New timer" in pressed
    *_, keyboard = timers.timer_list(
        "x", SENSOR_ID, many, DataTemplate(), "UTC", NOW, buttons, back, "c", "", 7
    )
    toggle = next(v for k, v in routes(keyboard, buttons).items() if k.startswith("✅ 39 "))
    assert toggle == ("tmr.tog", SENSOR_ID, "t39", "c", "7")


def test_the_setting_pickers_page_devices_properties_and_values(buttons: Buttons) -> None:
    title = "<b>⏰ Timers</b>\nWhich device's timers?"
    text, keyboard = setting_picker.device_menu(
        title, list(_devices(200)), buttons, "tmr.list", None, "p", paging=("tmr.pick",)
    )
    pressed = routes(keyboard, buttons)
    assert shown(text) and pressed["▶"] == ("tmr.pick", "1")
    assert next(v for k, v in pressed.items() if k.startswith("000 ")) == ("tmr.list", "P1/d0", "p")
    card = _card(_big_template(), {})
    back = buttons("◀ Back", "scb.dev")
    props = card.template.writable_properties
    text, keyboard = setting_picker.property_menu(
        device(LONG_NAME * 40), props, buttons, "scb.prop", back, paging=("scb.pick", "P1/dev")
    )
    assert shown(text) and routes(keyboard, buttons)["▶"] == ("scb.pick", "P1/dev", "1")
    enum = DataTemplate.parse(
        {"properties": [_prop("mode", LONG_NAME, _define("enum", mapping=_many_choices(300)))]}
    ).properties[0]
    text, keyboard = setting_picker.value_menu(
        device(), enum, buttons, "scb.val", back, paging=("scb.prop", "P1/dev", "mode")
    )
    assert shown(text) and routes(keyboard, buttons)["▶"] == ("scb.prop", "P1/dev", "mode", "1")


# -- family, inbox, sharing -----------------------------------------------------------------


def test_a_family_of_two_hundred_members_pages_them_and_their_buttons(buttons: Buttons) -> None:
    home = Family("f1", LONG_NAME * 10, ROLE_OWNER)
    members = [Member("me", "Me", role=ROLE_OWNER)]
    members += [Member(f"u{n}", f"{n:03d} {LONG_NAME * 3}") for n in range(200)]
    notice = family.renamed(LONG_NAME * 40)
    text, keyboard = family.family_card(home, members, "me", True, buttons, notice)
    plain = shown(text)
    assert "Members · page 1 of 11" in plain and "• Me (you) — admin" in plain
    pressed = routes(keyboard, buttons)
    assert pressed["▶"] == ("fam.open", "f1", "1") and "🔗 Invite by link" in pressed
    assert any(route[0] == "fam.kick" and route[2] == "u0" for route in pressed.values())
    *_, keyboard = family.family_card(home, members, "me", True, buttons, "", 10)
    assert any(
        route[0] == "fam.kick" and route[2] == "u199"
        for route in routes(keyboard, buttons).values()
    )


def test_many_families_and_rooms_page(buttons: Buttons) -> None:
    families = [Family(f"f{n}", f"{n:03d} {LONG_NAME * 3}", ROLE_OWNER) for n in range(150)]
    text, keyboard = family.family_list(families, "f0", buttons, family.left(LONG_NAME * 50))
    pressed = routes(keyboard, buttons)
    assert shown(text) and pressed["▶"] == ("fam.list", "1") and "➕ New family" in pressed
    text, keyboard = family.rooms(families[0], _rooms(150, LONG_NAME * 3), buttons)
    plain = shown(text)
    assert "page 1 of 8" in plain and "• 000 🏠" in plain
    pressed = routes(keyboard, buttons)
    assert pressed["▶"] == ("fam.rooms", "f0", "1") and "➕ New room" in pressed


def test_an_inbox_page_of_huge_messages_fits(buttons: Buttons) -> None:
    messages = [
        Message(
            f"m{n}", 1, MessageType.FAMILY_INVITE, LONG_NAME * 5, LONG_TEXT * 10, 0, share_token="t"
        )
        for n in range(5)
    ]
    text, keyboard = inbox.inbox_page(
        MessageCategory.FAMILY,
        messages,
        0,
        True,
        "UTC",
        buttons,
        inbox.family_joined(LONG_NAME * 40),
    )
    plain = shown(text)
    assert plain.count("… (trimmed)") == 5 and "5. 🏠" in plain
    pressed = routes(keyboard, buttons)
    assert "✅ Accept #5" in pressed and pressed["▶"][0] == "inb.page"


def test_sharing_lists_page_and_offers_fit(buttons: Buttons) -> None:
    text, keyboard = sharing.pick_device(
        LONG_NAME * 40, list(_devices(200, LONG_NAME * 3)), buttons
    )
    assert shown(text) and routes(keyboard, buttons)["▶"] == ("shr.list", "1")
    users = [
        ShareUser(f"u{n}", f"{n:03d} {LONG_NAME * 3}", bind_time=1_700_000_000) for n in range(200)
    ]
    text, keyboard = sharing.share_users(LONG_NAME * 40, "P1/dev", users, "UTC", buttons)
    assert "• 000 🏠" in shown(text)
    assert routes(keyboard, buttons)["▶"] == ("shr.users", "P1/dev", "1")
    mine = [SharedDevice(f"P1/d{n}", "P1", f"d{n}", f"{n:03d} {LONG_NAME * 3}") for n in range(200)]
    text, keyboard = sharing.shared_with_me(mine, buttons, LONG_NAME)
    assert "• 000 🏠" in shown(text) and routes(keyboard, buttons)["▶"] == ("shd.list", "1")
    offer = ShareTokenInfo("P1/dev", "P1", "dev", LONG_NAME * 40, "", "u1", LONG_NAME * 40, 0, 0)
    text, keyboard = sharing.share_offer(offer, "me", "UTC", "rest", buttons)
    assert "wants to share" in shown(text) and "✅ Accept" in routes(keyboard, buttons)


# -- music, alerts, the account -------------------------------------------------------------


def test_song_lists_of_long_names_fit(buttons: Buttons) -> None:
    songs = tuple(
        Song(f"s{n}", f"{n} {LONG_NAME * 5}", LONG_NAME * 5, LONG_NAME * 5, vip=True)
        for n in range(8)
    )
    source = music.SongList(music.PLAYLIST, "p1", 1)
    page = SongPage(songs, 800, 1, 8)
    text, keyboard = music.song_list(source, page, LONG_NAME * 40, buttons, LONG_NAME * 40)
    plain = shown(text)
    assert "Page 1 of 100 · 800 songs" in plain and "1. 0 🏠" in plain and "8. 7 🏠" in plain
    pressed = routes(keyboard, buttons)
    assert pressed["▶"] == ("mu.list", music.PLAYLIST, "p1", "2")
    lists = [Playlist(f"p{n}", LONG_NAME * 5, LONG_TEXT * 10) for n in range(8)]
    text, keyboard = music.playlists(lists, 1, True, buttons)
    assert shown(text).count("… (trimmed)") == 8 and "▶" in routes(keyboard, buttons)
    link = SongUrl("s0", LONG_NAME * 40, LONG_NAME * 40, "https://x/a.mp3", 0)
    text, _ = music_song.song_details(songs[0], link, source, buttons)
    assert shown(text).startswith("🎵 0 🏠")
    text, _ = music_song.link_message(link, Song("s0", "", ""))
    assert shown(text)


def test_many_speakers_page(buttons: Buttons) -> None:
    speakers = [Speaker(f"P1/s{n}", f"{n:03d} {LONG_NAME * 3}", LONG_NAME * 3) for n in range(60)]
    note = music.speaker_gone(LONG_NAME * 40)
    text, keyboard = music.speaker_picker(speakers, "P1/s0", buttons, then="jazz", note=note)
    pressed = routes(keyboard, buttons)
    assert shown(text).endswith("Which speaker should I use for music?")
    assert pressed["▶"] == ("mu.spk", "jazz", "1")
    assert next(v for k, v in pressed.items() if k.startswith("✓ 000 ")) == (
        "mu.use",
        "P1/s0",
        "jazz",
    )


def test_the_alerts_menu_with_two_hundred_snoozes_fits(buttons: Buttons) -> None:
    snoozes = [Snooze(42, f"P1/d{n}", 1_700_000_000 + n) for n in range(200)]
    names = {f"P1/d{n}": f"{n:03d} {LONG_NAME * 3}" for n in range(200)}
    settings = UserSettings(timezone="Asia/Shanghai", quiet_hours=("22:00", "07:00"))
    text, keyboard = alerts.menu(settings, LONG_NAME * 40, 3, snoozes, names, buttons)
    plain = shown(text)
    assert "💤 000 🏠" in plain and " more" in plain and plain.endswith("switch it on or off.")
    assert "⏰ End all snoozes" in routes(keyboard, buttons)
    devices = [KnownDevice(f"P1/d{n}", LONG_NAME * 20, "P1") for n in range(200)]
    text, keyboard = alerts.device_list(devices, set(), 0, buttons)
    assert shown(text) and routes(keyboard, buttons)["›"] == ("al.devs", "1")


def test_me_with_long_names_fits() -> None:
    linked = Account(
        42, "cn", "password", "token", None, "u1", LONG_NAME * 40, None, LONG_NAME * 40
    )
    assert shown(account.me(linked, LONG_NAME * 40, "UTC")).startswith("🏠")
    assert shown(account.linked(linked)).startswith("Done!")
    assert shown(account.ask_password(LONG_TEXT * 20)).startswith("Now send the password")


def test_alerts_about_devices_with_huge_names_and_params_fit() -> None:
    name = LONG_NAME * 60  # 8,400 UTF-16 units
    params = [(LONG_NAME, LONG_TEXT * 5) for _ in range(20)]
    for text, line in (
        event_texts(name, "fault", LONG_NAME * 30, params, ms=0, tz="UTC"),
        status_texts(name, False, missed=False, ms=0, tz="UTC"),
        status_texts(name, True, missed=True, ms=0, tz="UTC"),
        snooze_ended_texts(name, 12, 0, "UTC"),
    ):
        assert shown(text, 3000).startswith(("⛔", "🔴", "🟢", "💤")) and text.endswith("…")
        assert utf16_length(parse_html(line).text) <= 400
    lines = [
        event_texts(f"{n} {LONG_NAME}", "alert", "Hot", params, ms=0, tz="UTC")[1]
        for n in range(50)
    ]
    digest = digest_text(lines[: fit_digest(lines)])
    assert shown(digest).startswith("🔔 ") and "0 🏠" in shown(digest)
