"""Choosing a device, one of its settable properties and a value: shared by the scene and timer builders."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import _
from bot.iot.models.devices import Device
from bot.iot.template import PropertySpec
from bot.telegram.limits import clip, fitted
from bot.telegram.routing import Buttons
from bot.views.paging import page_of, pager
from bot.views.values import translate_invalid, typed_value, value_hint

__all__ = [
    "choices",
    "device_menu",
    "picks_by_button",
    "property_menu",
    "setting_text",
    "translate_invalid",
    "typed_value",
    "value_menu",
]

View = tuple[str, InlineKeyboardMarkup]
CHOICE_TYPES = frozenset({"bool", "enum", "stringenum"})
MENU_PAGE = 20  # devices or properties per page of a menu
VALUE_PAGE = 30  # values per page of the value menu (three a row)
# The route and arguments that show the same menu again: the page number is added to them.
Paging = tuple[str, ...]


def picks_by_button(prop: PropertySpec) -> bool:
    """Whether the property's values are a short list of buttons (else the user types one)."""
    return prop.spec.type in CHOICE_TYPES and bool(prop.spec.mapping or prop.spec.type == "bool")


def choices(prop: PropertySpec) -> list[tuple[str, str]]:
    """(key, name) of each value a bool or enum property takes."""
    if prop.spec.type == "bool":
        return [(key, prop.spec.mapping.get(key) or default) for key, default in _on_off()]
    return list(prop.spec.mapping.items())


def _on_off() -> tuple[tuple[str, str], tuple[str, str]]:
    return ("1", _("On")), ("0", _("Off"))


def setting_text(prop: PropertySpec | None, property_id: str, value: Any) -> str:
    """ "Power → On": a property and the value it is set to, escaped for HTML."""
    if prop is None:
        return f"{escape(clip(property_id))} → {escape(clip(str(value)))}"
    return f"{escape(clip(prop.name))} → {escape(clip(prop.format(value)))}"


def device_menu(
    title: str,
    devices: Sequence[Device],
    buttons: Buttons,
    route: str,
    back: InlineKeyboardButton | None,
    *args: str,
    paging: Paging,
    page: int = 0,
) -> View:
    """``title`` and a button per device (a page of them) calling ``route`` <device_id> <args>."""
    shown, page, pages = page_of(devices, page, MENU_PAGE)
    rows = [[buttons(clip(d.name), route, d.device_id, *args)] for d in shown]
    if pages > 1:
        rows.append(pager(buttons, page, pages, paging[0], *paging[1:]))
    if back is not None:
        rows.append([back])
    text = title if devices else title + "\n\n" + _("There are no devices here that I can set.")
    return text, InlineKeyboardMarkup(rows)


def property_menu(
    device: Device,
    props: Sequence[PropertySpec],
    buttons: Buttons,
    route: str,
    back: InlineKeyboardButton,
    *,
    paging: Paging,
    page: int = 0,
) -> View:
    """What to set on ``device``: a button per settable property (a page of them)."""
    text = _("What should change on <b>{device}</b>?").format(device=escape(clip(device.name)))
    shown, page, pages = page_of(props, page, MENU_PAGE)
    rows = [[buttons(clip(p.name), route, device.device_id, p.id)] for p in shown]
    if pages > 1:
        rows.append(pager(buttons, page, pages, paging[0], *paging[1:]))
    rows.append([back])
    return text, InlineKeyboardMarkup(rows)


def value_menu(
    device: Device,
    prop: PropertySpec,
    buttons: Buttons,
    route: str,
    back: InlineKeyboardButton,
    *,
    paging: Paging,
    page: int = 0,
) -> View:
    """The values of a bool or enum property as buttons (a page of them), or how to type one."""
    name = escape(clip(prop.name))
    device_name = escape(clip(device.name))
    if picks_by_button(prop):
        text = _("Set <b>{property}</b> of {device} to:").format(property=name, device=device_name)
        shown, page, pages = page_of(choices(prop), page, VALUE_PAGE)
        row = [buttons(clip(label), route, device.device_id, prop.id, key) for key, label in shown]
        rows = [row[i : i + 3] for i in range(0, len(row), 3)]
        if pages > 1:
            rows.append(pager(buttons, page, pages, paging[0], *paging[1:]))
        return text, InlineKeyboardMarkup([*rows, [back]])
    text = _("Send the value for <b>{property}</b> of {device}: {hint}. /cancel stops.").format(
        property=name, device=device_name, hint=value_hint(prop.spec)
    )
    return fitted(text), InlineKeyboardMarkup([[back]])
