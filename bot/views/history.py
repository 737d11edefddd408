"""Texts and keyboards of a device's history: the property picker, chart captions, recent events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import _, ngettext
from bot.iot.models.devices import Device, EventHistoryItem
from bot.iot.template import SEVERITIES, DataTemplate, EventSpec, PropertySpec
from bot.routing import Buttons

View = tuple[str, InlineKeyboardMarkup]
HOUR_MS = 3600 * 1000
# Period key (a button argument) -> how far back it reaches.
PERIODS = {"24h": 24 * HOUR_MS, "7d": 7 * 24 * HOUR_MS}
SEVERITY_MARKS = {"alert": "⚠", "fault": "⛔", "info": "ℹ"}
_PARAMS_MAX = 200  # characters of an event's params shown in the list


@dataclass(frozen=True)
class Summary:
    """What the caption says about the plotted values."""

    count: int
    latest: float
    low: float
    high: float
    mean: float


def summarize(values: Sequence[float]) -> Summary:
    """Count, latest, lowest, highest and mean of the values (oldest first; at least one)."""
    return Summary(len(values), values[-1], min(values), max(values), sum(values) / len(values))


def period_text(period: str) -> str:
    """The period of a chart in words."""
    return _("last 24 hours") if period == "24h" else _("last 7 days")


def history_menu(
    device: Device, props: Sequence[PropertySpec], template: DataTemplate, buttons: Buttons
) -> View:
    """A chart button per numeric property and period, and the recent events."""
    did = device.device_id
    rows: list[list[InlineKeyboardButton]] = [
        [
            buttons(_("{name} · 24 h").format(name=p.name), "dh.chart", did, p.id, "24h"),
            buttons(_("{name} · 7 days").format(name=p.name), "dh.chart", did, p.id, "7d"),
        ]
        for p in props
    ]
    rows.append([buttons(_("🗒 Recent events"), "dh.events", did)])
    rows.append([buttons(_("◀ Back"), "dev.open", did)])
    title = _("<b>History of {name}</b>").format(name=escape(device.name))
    if props:
        hint = _("Pick a reading to chart, or see what the device reported lately.")
    else:
        hint = _("This device reports no readings that can be charted.")
    if not props and not template.events:
        hint = _("This device keeps no history that can be shown here.")
    return f"{title}\n{hint}", InlineKeyboardMarkup(rows)


def axis_label(prop: PropertySpec) -> str:
    """The y axis: the property's name and unit."""
    unit = prop.spec.unit
    return f"{prop.name} ({unit})" if unit else prop.name


def time_label(period: str, timezone: str) -> str:
    """The x axis: hours for a day, days for a week, in the user's timezone."""
    if period == "24h":
        return _("Time ({timezone})").format(timezone=timezone)
    return _("Day ({timezone})").format(timezone=timezone)


def chart_title(device: Device, period: str) -> str:
    """The chart's title: the device and the period."""
    return f"{device.name} · {period_text(period)}"


def _rounded(prop: PropertySpec, value: float) -> str:
    decimals = prop.spec.decimals
    if decimals is None:
        decimals = 0 if prop.spec.type == "int" else 2
    return prop.format(round(value, decimals) if decimals else round(value))


def chart_caption(device: Device, prop: PropertySpec, period: str, summary: Summary) -> str:
    """The photo's caption: property and unit, device, period, and the figures that matter."""
    head = _("<b>{reading}</b> · {device}").format(
        reading=escape(axis_label(prop)), device=escape(device.name)
    )
    span = _("Last 24 hours") if period == "24h" else _("Last 7 days")
    readings = ngettext("{count} reading", "{count} readings", summary.count)
    count = f"{span}: {readings.format(count=summary.count)}"
    figures = _("Latest {latest} · low {low} · high {high} · average {mean}").format(
        latest=escape(prop.format(summary.latest)),
        low=escape(prop.format(summary.low)),
        high=escape(prop.format(summary.high)),
        mean=escape(_rounded(prop, summary.mean)),
    )
    return f"{head}\n{count}\n{figures}"


def no_readings(device: Device, prop: PropertySpec, period: str) -> str:
    """Instead of an empty chart."""
    return _("<b>{device}</b> reported no {reading} readings in the {period}.").format(
        device=escape(device.name), reading=escape(prop.name), period=period_text(period)
    )


def _event_line(item: EventHistoryItem, template: DataTemplate, timezone: ZoneInfo) -> str:
    spec = template.event(item.event_id)
    if spec is None:  # an event the template does not (or no longer) describe: shown raw
        kind = item.type if item.type in SEVERITIES else "info"
        spec = EventSpec(item.event_id, item.event_id, "", kind, ())
    when = datetime.fromtimestamp(item.timestamp, timezone).strftime("%m-%d %H:%M")
    line = f"{SEVERITY_MARKS[spec.severity]} {when} <b>{escape(spec.name)}</b>"
    params = ", ".join(f"{n}: {v}" for n, v in spec.format_params(item.params, timezone))
    if params:
        if len(params) > _PARAMS_MAX:
            params = params[: _PARAMS_MAX - 1] + "…"
        line += f" — {escape(params)}"
    return line


def events_list(
    device: Device,
    template: DataTemplate,
    events: Sequence[EventHistoryItem],
    timezone: str,
    buttons: Buttons,
) -> View:
    """The device's latest events, newest first: time, severity, name and params."""
    title = _("<b>Recent events of {name}</b>").format(name=escape(device.name))
    if events:
        zone = ZoneInfo(timezone)
        lines = [title, *(_event_line(item, template, zone) for item in events)]
        legend = _("ℹ info · ⚠ alert · ⛔ fault · times in {timezone}")
        lines += ["", legend.format(timezone=escape(timezone))]
    else:
        lines = [title, _("No events recorded yet.")]
    keyboard = InlineKeyboardMarkup([[buttons(_("◀ Back"), "dh.menu", device.device_id)]])
    return "\n".join(lines), keyboard
