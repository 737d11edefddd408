"""The device card: name, room, online state, every property, the controls and the feature buttons."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from html import escape
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.home.cards import DeviceCard
from bot.i18n import _
from bot.iot.models.control import ActionResult
from bot.iot.template import ActionSpec, DataTemplate, ParamSpec, PropertySpec, numeric_properties
from bot.telegram.limits import (
    MAX_BUTTONS,
    clip,
    fit_lines,
    fitted,
    shorten,
    trim_html,
)
from bot.telegram.routing import Buttons
from bot.views.devices.controls import button_count, control_rows
from bot.views.values import value_hint

View = tuple[str, InlineKeyboardMarkup]
UTC = ZoneInfo("UTC")
TITLE_SHOWN = 256  # UTF-16 units of the device's name heading its card
VALUE_SHOWN = 300  # UTF-16 units of one value (a long text property, an action's output)
NOTICE_SHOWN = 1500  # UTF-16 units of what was just done, above the card


def moment(ms: int, tz: tzinfo) -> str:
    """A Unix-milliseconds instant as local date and time."""
    return datetime.fromtimestamp(ms / 1000, tz).strftime("%Y-%m-%d %H:%M")


def online_mark(online: bool | None) -> str:
    """🟢 online, ⚪ offline, ❔ not known."""
    if online is None:
        return "❔"
    return "🟢" if online else "⚪"


def online_text(online: bool | None) -> str:
    """Online, Offline, or that it is not known."""
    if online is None:
        return _("state unknown")
    return _("Online") if online else _("Offline")


def has_history(template: DataTemplate) -> bool:
    """Whether there is anything to chart or list: numeric properties or events."""
    return bool(numeric_properties(template) or template.events)


def _header(card: DeviceCard) -> list[str]:
    lines = [f"<b>{escape(clip(card.name, TITLE_SHOWN))}</b>"]
    where = []
    if card.shared:
        where.append(_("🤝 Shared with you"))
    elif card.room_name:
        where.append(f"🏠 {escape(clip(card.room_name))}")
    where.append(f"{online_mark(card.device.online)} {online_text(card.device.online)}")
    lines.append(" · ".join(where))
    return lines


def shown_value(prop: PropertySpec, value: object, tz: tzinfo) -> str:
    """A value as the card shows it (plain text), a long one trimmed."""
    return shorten(prop.format(value, tz=tz), VALUE_SHOWN)


def _property_line(prop: PropertySpec, card: DeviceCard, tz: tzinfo) -> str:
    value = shown_value(prop, card.value(prop.id), tz)
    return f"{escape(clip(prop.name))}: <b>{escape(value)}</b>"


def card_text(card: DeviceCard, tz: tzinfo, notice: str = "") -> str:
    """The card's text (HTML): ``notice`` (already HTML) goes first, e.g. what was just done.

    Every property has a line while they fit; the rest are counted in an "… and N more" line.
    """
    head = [trim_html(notice, NOTICE_SHOWN), ""] if notice else []
    head += _header(card)
    properties = [_property_line(p, card, tz) for p in card.template.properties]
    if properties:
        head.append("")
    elif not card.template.actions:
        head += ["", _("This device reports no properties.")]
    tail = []
    if card.device.online is False and (card.template.writable_properties or card.template.actions):
        tail += ["", _("<i>It's offline: controls work again once it reconnects.</i>")]
    if card.last_update_ms:
        tail += ["", _("<i>Updated {when}</i>").format(when=moment(card.last_update_ms, tz))]
    return "\n".join(fit_lines(properties, head=head, tail=tail))


def feature_rows(card: DeviceCard, buttons: Buttons) -> list[list[InlineKeyboardButton]]:
    """Buttons into the other device features (each feature registers its own route)."""
    device_id = card.device_id
    first = [buttons(_("⚙ Manage"), "dmg.menu", device_id)]
    if has_history(card.template):
        first.append(buttons(_("📈 History"), "dh.menu", device_id))
    second = [buttons(_("⏰ Timers"), "tmr.list", device_id)]
    if not card.shared:
        second.append(buttons(_("🔗 Share"), "shr.menu", device_id))
    second.append(buttons(_("⬆ Firmware"), "fw.check", device_id))
    last = [buttons(_("🔄 Refresh"), "dev.refresh", device_id), buttons(_("◀ Back"), "dev.back")]
    return [first, second, last]


def card_view(card: DeviceCard, buttons: Buttons, tz: tzinfo, notice: str = "") -> View:
    """The whole card: text, controls (as many as Telegram takes), feature buttons."""
    features = feature_rows(card, buttons)
    controls = control_rows(card, buttons, room=MAX_BUTTONS - button_count(features))
    return card_text(card, tz, notice), InlineKeyboardMarkup(controls + features)


def set_notice(prop: PropertySpec, value: object, tz: tzinfo) -> str:
    """What the card says after a control was confirmed."""
    return _("✅ {property} is now {value}.").format(
        property=escape(clip(prop.name)), value=f"<b>{escape(shown_value(prop, value, tz))}</b>"
    )


def set_toast(prop: PropertySpec, value: object, tz: tzinfo) -> str:
    """The short plain-text answer to the button press that set a value."""
    return _("{property}: {value}").format(property=prop.name, value=prop.format(value, tz=tz))


def action_notice(action: ActionSpec, result: ActionResult, tz: tzinfo) -> str:
    """The outcome of an action, with its outputs formatted from the template."""
    name = escape(clip(action.name))
    if result.ok:
        lines = [_("✅ <b>{action}</b> done.").format(action=name)]
    else:
        lines = [
            _("⚠️ <b>{action}</b>: the device answered “{status}”.").format(
                action=name, status=escape(clip(result.status or "?"))
            )
        ]
    lines += [
        f"{escape(clip(label))}: <b>{escape(shorten(value, VALUE_SHOWN))}</b>"
        for label, value in action.format_outputs(result.outputs, tz)
    ]
    return "\n".join(fit_lines(lines, NOTICE_SHOWN))


def ask_value(card: DeviceCard, prop: PropertySpec, tz: tzinfo) -> str:
    """The question for a property's exact value."""
    return fitted(
        _(
            "Send the new <b>{property}</b> of <b>{device}</b>: {hint}.\n"
            "Now: {current}. /cancel stops."
        ).format(
            property=escape(clip(prop.name)),
            device=escape(clip(card.name)),
            hint=value_hint(prop.spec),
            current=escape(shown_value(prop, card.value(prop.id), tz)),
        )
    )


def ask_param(action: ActionSpec, index: int, params: Sequence[ParamSpec]) -> str:
    """The question for one input param of an action, with where the user is in the list."""
    param = params[index]
    return fitted(
        _(
            "<b>{action}</b> ({number} of {total})\nSend <b>{param}</b>: {hint}. /cancel stops."
        ).format(
            action=escape(clip(action.name)),
            number=index + 1,
            total=len(params),
            param=escape(clip(param.name)),
            hint=value_hint(param.spec),
        )
    )


def offline_refusal(card: DeviceCard) -> str:
    """Why a control or action was not sent (plain text: it goes into an alert)."""
    return _("{device} is offline, so it can't be controlled now. Nothing was sent.").format(
        device=card.name
    )


def try_again(reason: str) -> str:
    """A refused typed value: the reason, and that the question is still open."""
    return reason + "\n" + _("Nothing was sent. Try again, or /cancel.")
