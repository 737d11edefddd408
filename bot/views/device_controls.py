"""A card's controls, generated from the template: one small frozen description per value type."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html import escape
from types import MappingProxyType
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.device_data import DeviceCard
from bot.i18n import _
from bot.iot.template import InvalidValue, PropertySpec
from bot.routing import Buttons

Rows = list[list[InlineKeyboardButton]]
INLINE_CHOICES = 4  # more choices than this open a sub-menu
_CHOICE_LABEL = 14  # longest choice name that still fits four to a row
MENU_COLUMNS = 2


def current_key(prop: PropertySpec, value: Any) -> str | None:
    """The mapping key of a bool or enum value (None when it is unknown or unreadable)."""
    if value is None:
        return None
    try:
        coerced = prop.spec.coerce(value)
    except InvalidValue:
        return None
    if isinstance(coerced, bool):
        return "1" if coerced else "0"
    return str(coerced)


def _toggle(prop: PropertySpec, value: Any, buttons: Buttons, device_id: str) -> Rows:
    on = current_key(prop, value) == "1"
    shown = prop.spec.mapping.get("1" if on else "0") or (_("On") if on else _("Off"))
    label = f"{'🟢' if on else '⚪'} {prop.name}: {shown}"
    return [[buttons(label, "dev.tog", device_id, prop.id)]]


def _choices(prop: PropertySpec, value: Any, buttons: Buttons, device_id: str) -> Rows:
    mapping = prop.spec.mapping
    chosen = current_key(prop, value)
    fits = len(mapping) <= INLINE_CHOICES and all(len(n) <= _CHOICE_LABEL for n in mapping.values())
    if not fits:
        shown = mapping.get(chosen or "", "—")
        return [[buttons(f"{prop.name}: {shown} ▸", "dev.menu", device_id, prop.id)]]
    return [
        [
            buttons(("✓ " if key == chosen else "") + name, "dev.set", device_id, prop.id, key)
            for key, name in mapping.items()
        ]
    ]


def _stepper(prop: PropertySpec, value: Any, buttons: Buttons, device_id: str) -> Rows:
    middle = f"✏️ {prop.name}: {prop.format(value)}"
    return [
        [
            buttons("➖", "dev.step", device_id, prop.id, "-1"),
            buttons(middle, "dev.ask", device_id, prop.id),
            buttons("➕", "dev.step", device_id, prop.id, "1"),
        ]
    ]


def _ask(prop: PropertySpec, value: Any, buttons: Buttons, device_id: str) -> Rows:
    return [[buttons(f"✏️ {prop.name}", "dev.ask", device_id, prop.id)]]


@dataclass(frozen=True)
class Control:
    """How one kind of writable property is shown on the card (``kind`` names it for tests)."""

    kind: str
    rows: Callable[[PropertySpec, Any, Buttons, str], Rows]


TOGGLE = Control("toggle", _toggle)
CHOICES = Control("choices", _choices)
STEPPER = Control("stepper", _stepper)
ASK = Control("ask", _ask)  # text, times, structs, lists: typed in answer to a question

CONTROLS: Mapping[str, Control] = MappingProxyType(
    {
        "bool": TOGGLE,
        "enum": CHOICES,
        "stringenum": CHOICES,
        "int": STEPPER,
        "float": STEPPER,
    }
)


def control_for(prop: PropertySpec) -> Control:
    """The control of a writable property (choices without a mapping are typed instead)."""
    control = CONTROLS.get(prop.spec.type, ASK)
    if control is CHOICES and not prop.spec.mapping:
        return ASK
    return control


def control_rows(card: DeviceCard, buttons: Buttons) -> Rows:
    """Every writable property's control, then a button per action, in template order."""
    rows: Rows = []
    for prop in card.template.writable_properties:
        rows += control_for(prop).rows(prop, card.value(prop.id), buttons, card.device_id)
    for action in card.template.actions:
        rows.append([buttons(f"▶ {action.name}", "dev.act", card.device_id, action.id)])
    return rows


def choice_menu(
    card: DeviceCard, prop: PropertySpec, buttons: Buttons
) -> tuple[str, InlineKeyboardMarkup]:
    """The sub-menu of a property with many choices, the current one marked."""
    chosen = current_key(prop, card.value(prop.id))
    choices = [
        buttons(("✓ " if key == chosen else "") + name, "dev.set", card.device_id, prop.id, key)
        for key, name in prop.spec.mapping.items()
    ]
    rows = [choices[i : i + MENU_COLUMNS] for i in range(0, len(choices), MENU_COLUMNS)]
    rows.append([buttons(_("◀ Back"), "dev.open", card.device_id)])
    text = _("<b>{device}</b> · {property}\nChoose one:").format(
        device=escape(card.name), property=escape(prop.name)
    )
    return text, InlineKeyboardMarkup(rows)
