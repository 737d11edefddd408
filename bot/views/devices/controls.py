"""A card's controls, generated from the template: one small frozen description per value type."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html import escape
from types import MappingProxyType
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.home.cards import DeviceCard
from bot.i18n import _
from bot.iot.template import InvalidValue, PropertySpec
from bot.telegram.limits import clip
from bot.telegram.routing import Buttons
from bot.views.paging import page_of, pager

Rows = list[list[InlineKeyboardButton]]
INLINE_CHOICES = 4  # more choices than this open a sub-menu
_CHOICE_LABEL = 14  # longest choice name that still fits four to a row
MENU_COLUMNS = 2
MENU_CHOICES = 40  # choices per page of a sub-menu
CONTROLS_PAGE = 10  # controls per page of the "more controls" screen


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
    label = f"{'🟢' if on else '⚪'} {clip(prop.name)}: {clip(shown)}"
    return [[buttons(label, "dev.tog", device_id, prop.id)]]


def _choices(prop: PropertySpec, value: Any, buttons: Buttons, device_id: str) -> Rows:
    mapping = prop.spec.mapping
    chosen = current_key(prop, value)
    fits = len(mapping) <= INLINE_CHOICES and all(len(n) <= _CHOICE_LABEL for n in mapping.values())
    if not fits:
        shown = mapping.get(chosen or "", "—")
        label = f"{clip(prop.name)}: {clip(shown)} ▸"
        return [[buttons(label, "dev.menu", device_id, prop.id)]]
    return [
        [
            buttons(("✓ " if key == chosen else "") + name, "dev.set", device_id, prop.id, key)
            for key, name in mapping.items()
        ]
    ]


def _stepper(prop: PropertySpec, value: Any, buttons: Buttons, device_id: str) -> Rows:
    middle = f"✏️ {clip(prop.name)}: {clip(prop.format(value))}"
    return [
        [
            buttons("➖", "dev.step", device_id, prop.id, "-1"),
            buttons(middle, "dev.ask", device_id, prop.id),
            buttons("➕", "dev.step", device_id, prop.id, "1"),
        ]
    ]


def _ask(prop: PropertySpec, value: Any, buttons: Buttons, device_id: str) -> Rows:
    return [[buttons(f"✏️ {clip(prop.name)}", "dev.ask", device_id, prop.id)]]


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


def control_groups(card: DeviceCard, buttons: Buttons) -> list[Rows]:
    """The rows of each writable property's control, then of each action, in template order."""
    groups = [
        control_for(prop).rows(prop, card.value(prop.id), buttons, card.device_id)
        for prop in card.template.writable_properties
    ]
    groups += [
        [[buttons(f"▶ {clip(action.name)}", "dev.act", card.device_id, action.id)]]
        for action in card.template.actions
    ]
    return groups


def button_count(rows: Rows) -> int:
    """How many buttons ``rows`` hold."""
    return sum(len(row) for row in rows)


def control_rows(card: DeviceCard, buttons: Buttons, room: int | None = None) -> Rows:
    """The controls that fit in ``room`` buttons (all when None), and a way to the others."""
    groups = control_groups(card, buttons)
    rows: Rows = [row for group in groups for row in group]
    if room is None or button_count(rows) <= room:
        return rows
    rows = []
    for taken, group in enumerate(groups):
        if button_count(rows) + button_count(group) > room - 1:
            label = _("🎛 More controls ({count})").format(count=len(groups) - taken)
            page = taken // CONTROLS_PAGE
            rows.append([buttons(label, "dev.ctls", card.device_id, page)])
            break
        rows += group
    return rows


def controls_menu(
    card: DeviceCard, buttons: Buttons, page: int = 0
) -> tuple[str, InlineKeyboardMarkup]:
    """Every control of a device with too many for its card, a page at a time."""
    groups, page, pages = page_of(control_groups(card, buttons), page, CONTROLS_PAGE)
    rows: Rows = [row for group in groups for row in group]
    if pages > 1:
        rows.append(pager(buttons, page, pages, "dev.ctls", card.device_id))
    rows.append([buttons(_("◀ Back"), "dev.open", card.device_id)])
    text = _("<b>{device}</b> · all controls").format(device=escape(clip(card.name)))
    if pages > 1:
        text += "\n" + _("page {page} of {pages}").format(page=page + 1, pages=pages)
    return text, InlineKeyboardMarkup(rows)


def choice_menu(
    card: DeviceCard, prop: PropertySpec, buttons: Buttons, page: int = 0
) -> tuple[str, InlineKeyboardMarkup]:
    """The sub-menu of a property with many choices, the current one marked (paged)."""
    chosen = current_key(prop, card.value(prop.id))
    mapping, page, pages = page_of(list(prop.spec.mapping.items()), page, MENU_CHOICES)
    choices = [
        buttons(
            ("✓ " if key == chosen else "") + clip(name), "dev.set", card.device_id, prop.id, key
        )
        for key, name in mapping
    ]
    rows = [choices[i : i + MENU_COLUMNS] for i in range(0, len(choices), MENU_COLUMNS)]
    if pages > 1:
        rows.append(pager(buttons, page, pages, "dev.menu", card.device_id, prop.id))
    rows.append([buttons(_("◀ Back"), "dev.open", card.device_id)])
    text = _("<b>{device}</b> · {property}\nChoose one:").format(
        device=escape(clip(card.name)), property=escape(clip(prop.name))
    )
    return text, InlineKeyboardMarkup(rows)
