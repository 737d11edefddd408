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
from bot.telegram.limits import MAX_CAPTION, MAX_TEXT, clip, fitted, page_spans, visible_length
from bot.telegram.routing import Buttons
from bot.views.paging import page_of, pager

View = tuple[str, InlineKeyboardMarkup]
HOUR_MS = 3600 * 1000
# Period key (a button argument) -> how far back it reaches.
PERIODS = {"24h": 24 * HOUR_MS, "7d": 7 * 24 * HOUR_MS}
SEVERITY_MARKS = {"alert": "⚠", "fault": "⛔", "info": "ℹ"}
_PARAMS_MAX = 200  # UTF-16 units of an event's params shown in the list
CHART_ROWS = 20  # numeric properties per page of the history menu


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
    device: Device,
    props: Sequence[PropertySpec],
    template: DataTemplate,
    buttons: Buttons,
    page: int = 0,
) -> View:
    """A chart button per numeric property and period (a page of them), and the recent events."""
    did = device.device_id
    shown, page, pages = page_of(props, page, CHART_ROWS)
    rows: list[list[InlineKeyboardButton]] = [
        [
            buttons(_("{name} · 24 h").format(name=clip(p.name)), "dh.chart", did, p.id, "24h"),
            buttons(_("{name} · 7 days").format(name=clip(p.name)), "dh.chart", did, p.id, "7d"),
        ]
        for p in shown
    ]
    if pages > 1:
        rows.append(pager(buttons, page, pages, "dh.menu", did))
    rows.append([buttons(_("🗒 Recent events"), "dh.events", did)])
    rows.append([buttons(_("◀ Back"), "dev.open", did)])
    title = _("<b>History of {name}</b>").format(name=escape(device.name))
    if props:
        hint = _("Pick a reading to chart, or see what the device reported lately.")
    else:
        hint = _("This device reports no readings that can be charted.")
    if not props and not template.events:
        hint = _("This device keeps no history that can be shown here.")
    return fitted(f"{title}\n{hint}"), InlineKeyboardMarkup(rows)


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
        reading=escape(clip(axis_label(prop))), device=escape(clip(device.name))
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
    return fitted(f"{head}\n{count}\n{figures}", MAX_CAPTION)


def no_readings(device: Device, prop: PropertySpec, period: str) -> str:
    """Instead of an empty chart."""
    return _("<b>{device}</b> reported no {reading} readings in the {period}.").format(
        device=escape(clip(device.name)),
        reading=escape(clip(prop.name)),
        period=period_text(period),
    )


def _event_line(item: EventHistoryItem, template: DataTemplate, timezone: ZoneInfo) -> str:
    spec = template.event(item.event_id)
    if spec is None:  # an event the template does not (or no longer) describe: shown raw
        kind = item.type if item.type in SEVERITIES else "info"
        spec = EventSpec(item.event_id, item.event_id, "", kind, ())
    when = datetime.fromtimestamp(item.timestamp, timezone).strftime("%m-%d %H:%M")
    line = f"{SEVERITY_MARKS[spec.severity]} {when} <b>{escape(clip(spec.name))}</b>"
    params = ", ".join(f"{n}: {v}" for n, v in spec.format_params(item.params, timezone))
    if params:
        line += f" — {escape(clip(params, _PARAMS_MAX))}"
    return line


def events_list(
    device: Device,
    template: DataTemplate,
    events: Sequence[EventHistoryItem],
    timezone: str,
    buttons: Buttons,
    page: int = 0,
) -> View:
    """The device's latest events, newest first: as many a page as fit, ◀ ▶ to the others."""
    did = device.device_id
    title = _("<b>Recent events of {name}</b>").format(name=escape(clip(device.name)))
    back = [buttons(_("◀ Back"), "dh.menu", did)]
    if not events:
        return f"{title}\n{_('No events recorded yet.')}", InlineKeyboardMarkup([back])
    zone = ZoneInfo(timezone)
    lines = [_event_line(item, template, zone) for item in events]
    legend = _("ℹ info · ⚠ alert · ⛔ fault · times in {timezone}").format(
        timezone=escape(timezone)
    )
    # Room for the title with its page count, the blank line and the legend.
    pages_note = _("page {page} of {pages}").format(page=len(events), pages=len(events))
    fixed = f"{title} · {pages_note}\n\n{legend}"
    spans = page_spans(lines, MAX_TEXT - visible_length(fixed) - 2)
    page = min(max(page, 0), len(spans) - 1)
    if len(spans) > 1:
        title += " · " + _("page {page} of {pages}").format(page=page + 1, pages=len(spans))
    text = "\n".join([title, *(lines[i] for i in spans[page]), "", legend])
    rows = [back]
    if len(spans) > 1:
        rows.insert(0, pager(buttons, page, len(spans), "dh.events", did))
    return fitted(text), InlineKeyboardMarkup(rows)
