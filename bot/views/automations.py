"""Texts and keyboards of automations: the list with switches, and what triggers one, in words."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from typing import Any

from telegram import InlineKeyboardMarkup

from bot.home.catalogue import Catalogue
from bot.home.timer_time import same_clock, to_local
from bot.home.timezones import zone
from bot.i18n import N_, _
from bot.iot.models.devices import Device
from bot.iot.models.scenes import (
    EVERY_DAY,
    ActionDelay,
    ActionDevice,
    ActionNotify,
    ActionScene,
    Automation,
    AutomationSummary,
    ConditionDevice,
    ConditionTimer,
    Scene,
    SceneAction,
)
from bot.iot.template import DataTemplate, PropertySpec
from bot.telegram.limits import clip, fitted
from bot.telegram.routing import Buttons
from bot.views.paging import on_page, page_of, pager
from bot.views.timers import china_time, days_text
from bot.views.values import number

View = tuple[str, InlineKeyboardMarkup]
ALL_DAY = ("00:00", "23:59")
AUTOMATIONS_PAGE = 20  # automations per page of the list (two buttons each)
MESSAGE_SHOWN = 200  # UTF-16 units of a notification's text quoted in a description
# A device condition in words, per comparison (whole phrases: word order differs by language).
_CONDITIONS = {
    "eq": N_("{device}'s {property} is {value}"),
    "ne": N_("{device}'s {property} is not {value}"),
    "gt": N_("{device}'s {property} is above {value}"),
    "lt": N_("{device}'s {property} is below {value}"),
    "ge": N_("{device}'s {property} is at least {value}"),
    "le": N_("{device}'s {property} is at most {value}"),
}


@dataclass(frozen=True)
class HomeBook:
    """What names the ids in an automation: the family's devices, their templates, its scenes."""

    devices: Mapping[str, Device] = field(default_factory=dict)
    templates: Mapping[str, DataTemplate] = field(default_factory=dict)  # by product id
    scenes: Mapping[str, str] = field(default_factory=dict)  # scene id -> name

    @classmethod
    def of(cls, catalogue: Catalogue, scenes: Iterable[Scene] = ()) -> HomeBook:
        """The book of a family's catalogue and its scenes."""
        return cls(catalogue.devices, catalogue.templates, {s.scene_id: s.name for s in scenes})

    def device_name(self, device_id: str, alias: str = "") -> str:
        device = self.devices.get(device_id)
        return clip(alias or (device.name if device else device_id.partition("/")[2] or device_id))

    def prop(self, product_id: str, property_id: str) -> PropertySpec | None:
        template = self.templates.get(product_id)
        return template.property(property_id) if template else None


def automation_list(
    automations: Sequence[AutomationSummary], buttons: Buttons, notice: str = "", page: int = 0
) -> View:
    """A page of the automations, each with a switch; tapping a name shows what triggers it."""
    lines = [_("<b>⚙️ Automations</b>")]
    if notice:
        lines.append(notice)
    shown, page, pages = page_of(automations, page, AUTOMATIONS_PAGE)
    if automations:
        lines.append(
            _("Tap a name to see what triggers it; the switch beside it turns it on or off.")
        )
    else:
        lines.append(_("This family has no automations yet."))
    if pages > 1:
        lines.append(_("page {page} of {pages}").format(page=page + 1, pages=pages))
    rows = [
        [
            buttons(clip(a.name), "aut.open", a.automation_id, *on_page(page)),
            buttons(
                _("✅ On") if a.enabled else _("⏸ Off"),
                "aut.tog",
                a.automation_id,
                "l",
                *on_page(page),
            ),
        ]
        for a in shown
    ]
    if pages > 1:
        rows.append(pager(buttons, page, pages, "aut.list"))
    rows.append([buttons(_("🎬 Scenes"), "scn.list")])
    return fitted("\n".join(lines)), InlineKeyboardMarkup(rows)


def automation_details(
    automation: Automation,
    book: HomeBook,
    user_zone: str,
    now: datetime,
    buttons: Buttons,
    notice: str = "",
    page: int = 0,
) -> View:
    """One automation: whether it is on, and a sentence saying what triggers it and what it does.

    A description too long for one message is trimmed; ``page`` is the list's, for the way back.
    """
    state = _("✅ on") if automation.enabled else _("⏸ off")
    lines = [f"<b>{escape(clip(automation.name))}</b> — {state}"]
    if notice:
        lines.append(notice)
    lines += ["", describe(automation, book, user_zone, now)]
    switch = _("⏸ Turn off") if automation.enabled else _("▶ Turn on")
    rows = [
        [buttons(switch, "aut.tog", automation.automation_id, "d", *on_page(page))],
        [buttons(_("◀ Automations"), "aut.list", *on_page(page))],
    ]
    return fitted("\n".join(lines)), InlineKeyboardMarkup(rows)


def describe(automation: Automation, book: HomeBook, user_zone: str, now: datetime) -> str:
    """ "When …(any of these), on Mon–Fri between 08:00 and 22:00: turn …, then notify …"."""
    conditions = [condition_text(c, book, user_zone, now) for c in automation.conditions]
    joiner = _(" or ") if automation.match_any else _(" and ")
    match = _("any of these") if automation.match_any else _("all of these")
    actions = _(", then ").join(action_text(a, book) for a in automation.actions)
    return _("When {conditions} ({match}), {when}: {actions}.").format(
        conditions=joiner.join(conditions) or _("nothing is set"),
        match=match,
        when=effective_text(automation),
        actions=actions or _("nothing happens"),
    )


def effective_text(automation: Automation) -> str:
    """The days and hours the automation is in effect (China time, as the cloud reads them)."""
    days, hours = automation.effective_days, (automation.effective_begin, automation.effective_end)
    if hours == ALL_DAY:
        return (
            _("at any time")
            if days == EVERY_DAY
            else _("on {days}, all day").format(days=days_text(days))
        )
    return _("on {days} between {begin} and {end} (China time)").format(
        days=days_text(days), begin=hours[0], end=hours[1]
    )


def condition_text(
    condition: ConditionDevice | ConditionTimer, book: HomeBook, user_zone: str, now: datetime
) -> str:
    """One condition in words, with the template's property name, units and value names."""
    if isinstance(condition, ConditionTimer):
        text = _("it is {time} · {days}").format(
            time=china_time(condition.time_point, now), days=days_text(condition.days)
        )
        tz = zone(user_zone)
        if not same_clock(tz, now):
            local = to_local(condition.time_point, condition.days, tz, now)
            text += " " + _("(your time: {time} · {days})").format(
                time=local.time_point, days=days_text(local.days)
            )
        return text
    prop = book.prop(condition.product_id, condition.property_id)
    phrase = _CONDITIONS.get(condition.op, N_("{device}'s {property} is {value}"))
    return _(phrase).format(
        device=escape(book.device_name(condition.device_id, condition.alias)),
        property=escape(clip(prop.name if prop else condition.property_id)),
        value=escape(clip(_value(prop, condition.value))),
    )


def action_text(action: SceneAction, book: HomeBook) -> str:
    """One action in words: a device control, a delay, a scene or a notification."""
    if isinstance(action, ActionDevice):
        return device_action_text(action, book)
    if isinstance(action, ActionDelay):
        return _("wait {duration}").format(duration=duration_text(action.seconds))
    if isinstance(action, ActionScene):
        name = action.scene_name or book.scenes.get(action.scene_id, action.scene_id)
        return _("run the scene “{scene}”").format(scene=escape(clip(name)))
    if isinstance(action, ActionNotify):
        return _("notify “{message}”").format(message=escape(clip(action.message, MESSAGE_SHOWN)))
    return _("do something I can't show (action type {kind})").format(kind=action.action_type)


def device_action_text(action: ActionDevice, book: HomeBook) -> str:
    """ "turn X's Power Off", or "set X's Brightness to 20 %, Color to Blue"."""
    device = escape(book.device_name(action.device_id, action.alias))
    specs = [(book.prop(action.product_id, k), k, v) for k, v in action.values.items()]
    first = specs[0][0] if len(specs) == 1 else None
    if first is not None and first.spec.type == "bool":
        return _("turn {device}'s {property} {value}").format(
            device=device,
            property=escape(clip(first.name)),
            value=escape(clip(_value(first, specs[0][2]))),
        )
    settings = ", ".join(
        _("{property} to {value}").format(
            property=escape(clip(prop.name if prop else key)),
            value=escape(clip(_value(prop, value))),
        )
        for prop, key, value in specs
    )
    return _("set {device}'s {settings}").format(device=device, settings=settings)


def duration_text(seconds: int) -> str:
    """ "45 s", "5 min", "1 h 30 min"."""
    hours, rest = divmod(max(seconds, 0), 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(_("{n} h").format(n=hours))
    if minutes:
        parts.append(_("{n} min").format(n=minutes))
    if secs or not parts:
        parts.append(_("{n} s").format(n=secs))
    return " ".join(parts)


def _value(prop: PropertySpec | None, value: Any) -> str:
    """A value as the automation states it: 28 ℃ stays 28 ℃ (not the template's 28.0 ℃)."""
    if prop is None:
        return str(value)
    spec = prop.spec
    if (
        spec.type in ("int", "float")
        and isinstance(value, int | float)
        and not isinstance(value, bool)
    ):
        return f"{number(value)} {spec.unit}".strip()
    return prop.format(value)
