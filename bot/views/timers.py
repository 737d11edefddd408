"""Texts and keyboards of device timers: the list, deleting, and the steps of making one."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.home.timer_time import Schedule, is_once, same_clock, to_cloud, to_local, utc_offset
from bot.home.timezones import zone
from bot.i18n import N_, _
from bot.iot.models.timers import (
    EVERY_DAY,
    NO_DAYS,
    TIMER_TIMEZONE,
    WORKDAYS,
    Timer,
    weekdays_of,
)
from bot.iot.template import DataTemplate
from bot.telegram.limits import clip, fit_joined, fitted
from bot.telegram.routing import Buttons
from bot.views.paging import on_page, page_of, pager
from bot.views.setting_picker import setting_text

View = tuple[str, InlineKeyboardMarkup]
# Python weekday order (Monday 0); Days strings are Sunday first.
DAY_NAMES = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
WEEKENDS = "1000001"
QUICK_TIMES = (("06:30", "07:00", "08:00"), ("18:00", "20:00", "22:00"))
TIMERS_PAGE = 5  # timers per page of a device's list (three buttons each)
SETTINGS_SHOWN = 400  # UTF-16 units of what one timer sets


def days_text(days: str, repeat: bool = True) -> str:
    """ "every day", "Mon–Fri", "Mon, Wed, Fri" or "once" for a Days string."""
    if is_once(days, repeat):
        return _("once")
    named = {EVERY_DAY: N_("every day"), WORKDAYS: N_("Mon–Fri"), WEEKENDS: N_("Sat and Sun")}
    if days in named:
        text = _(named[days])
    elif days == NO_DAYS:
        text = _("no day")
    else:
        text = ", ".join(_(DAY_NAMES[day]) for day in sorted(weekdays_of(days)))
    return text if repeat else _("once, on {days}").format(days=text)


def china_time(time_point: str, now: datetime) -> str:
    """ "07:00 (China time, UTC+8)"."""
    offset = utc_offset(TIMER_TIMEZONE, now)
    return _("{time} (China time, {offset})").format(time=time_point, offset=offset)


def schedule_text(time_point: str, days: str, repeat: bool, user_zone: str, now: datetime) -> str:
    """When a timer runs: China time, and the user's own time when their clock differs."""
    text = f"{china_time(time_point, now)} · {days_text(days, repeat)}"
    tz = zone(user_zone)
    if same_clock(tz, now):
        return text
    local = to_local(time_point, days, tz, now)
    return (
        text
        + "\n"
        + _("your time ({zone}): {time} · {days}").format(
            zone=escape(user_zone), time=local.time_point, days=days_text(local.days, repeat)
        )
    )


def _data_text(template: DataTemplate, data: dict[str, object]) -> str:
    settings = [setting_text(template.property(k), k, v) for k, v in data.items()]
    return fit_joined(settings, SETTINGS_SHOWN)


def timer_list(
    device_name: str,
    device_id: str,
    timers: Sequence[Timer],
    template: DataTemplate,
    user_zone: str,
    now: datetime,
    buttons: Buttons,
    back: InlineKeyboardButton,
    origin: str,
    notice: str = "",
    page: int = 0,
) -> View:
    """A page of a device's timers, each with its switch, edit and delete buttons."""
    lines = [_("<b>⏰ Timers of {device}</b>").format(device=escape(clip(device_name)))]
    if notice:
        lines.append(notice)
    shown, page, pages = page_of(timers, page, TIMERS_PAGE)
    if not timers:
        lines.append(_("No timers yet."))
    else:
        lines.append(_("Tap a timer to switch it on or off."))
    if pages > 1:
        lines.append(_("page {page} of {pages}").format(page=page + 1, pages=pages))
    rows: list[list[InlineKeyboardButton]] = []
    for timer in shown:
        mark = "✅" if timer.enabled else "⏸"
        state = _("on") if timer.enabled else _("off")
        name = clip(timer.name)
        lines.append("")
        lines.append(f"{mark} <b>{escape(name)}</b> ({state}): {_data_text(template, timer.data)}")
        lines.append(schedule_text(timer.time_point, timer.days, timer.repeat, user_zone, now))
        tid = timer.timer_id
        rows.append(
            [
                buttons(f"{mark} {name}", "tmr.tog", device_id, tid, origin, *on_page(page)),
                buttons("✏️", "tmb.edit", device_id, tid, origin),
                buttons("🗑", "tmr.del", device_id, tid, origin, *on_page(page)),
            ]
        )
    if pages > 1:
        rows.append(pager(buttons, page, pages, "tmr.list", device_id, origin))
    rows.append([buttons(_("➕ New timer"), "tmb.new", device_id, origin)])
    rows.append([back])
    return fitted("\n".join(lines)), InlineKeyboardMarkup(rows)


def confirm_delete(
    timer: Timer,
    device_id: str,
    user_zone: str,
    now: datetime,
    buttons: Buttons,
    origin: str,
    page: int = 0,
) -> View:
    """Ask before deleting a timer (Cancel goes back to the list's ``page``)."""
    text = _("Delete the timer <b>{name}</b>?").format(name=escape(clip(timer.name)))
    text += "\n" + schedule_text(timer.time_point, timer.days, timer.repeat, user_zone, now)
    keyboard = InlineKeyboardMarkup(
        [
            [
                buttons(
                    _("🗑 Delete"), "tmr.delok", device_id, timer.timer_id, origin, *on_page(page)
                ),
                buttons(_("Cancel"), "tmr.list", device_id, origin, *on_page(page)),
            ]
        ]
    )
    return text, keyboard


def your_zone(user_zone: str, now: datetime) -> str:
    """How the user's zone is named next to a time they type or pick."""
    if same_clock(zone(user_zone), now):
        return _("China time, {offset}").format(offset=utc_offset(zone(user_zone), now))
    return _("your time, {zone}").format(zone=escape(user_zone))


def time_menu(
    device_name: str, setting: str, user_zone: str, now: datetime, buttons: Buttons
) -> View:
    """Ask for the time of day: typed HH:MM, or one of a few common times."""
    text = _(
        "<b>{device}</b>: {setting}\n\nAt what time? Send it as HH:MM ({zone}), or tap one. "
        "/cancel stops."
    ).format(device=escape(clip(device_name)), setting=setting, zone=your_zone(user_zone, now))
    rows = [[buttons(t, "tmb.time", t) for t in row] for row in QUICK_TIMES]
    rows.append([buttons(_("✖ Cancel"), "tmb.cancel")])
    return fitted(text), InlineKeyboardMarkup(rows)


def days_menu(time_point: str, user_zone: str, now: datetime, buttons: Buttons) -> View:
    """Ask which days: once, every day, weekdays, weekends, or chosen ones."""
    text = _("At {time} ({zone}). On which days?").format(
        time=time_point, zone=your_zone(user_zone, now)
    )
    rows = [
        [buttons(_("Once"), "tmb.days", "once"), buttons(_("Every day"), "tmb.days", EVERY_DAY)],
        [
            buttons(_("Weekdays"), "tmb.days", WORKDAYS),
            buttons(_("Weekends"), "tmb.days", WEEKENDS),
        ],
        [buttons(_("Choose days…"), "tmb.pickdays")],
        [buttons(_("✖ Cancel"), "tmb.cancel")],
    ]
    return text, InlineKeyboardMarkup(rows)


def day_toggles(days: str, buttons: Buttons) -> View:
    """Mon..Sun with a tick on the chosen ones; each press toggles one day."""
    chosen = weekdays_of(days)
    row = [
        buttons(("✓ " if day in chosen else "") + _(DAY_NAMES[day]), "tmb.day", day)
        for day in range(7)
    ]
    rows = [
        row[:4],
        row[4:],
        [buttons(_("Done"), "tmb.days", days), buttons(_("◀ Back"), "tmb.step", "days")],
    ]
    return _("Tap the days the timer should run on, then Done."), InlineKeyboardMarkup(rows)


def review(
    device_name: str,
    setting: str,
    local: Schedule,
    repeat: bool,
    user_zone: str,
    now: datetime,
    buttons: Buttons,
) -> View:
    """The timer as it will be saved: what the user chose, and the China time the cloud will run."""
    lines = [
        _("<b>Timer for {device}</b>").format(device=escape(clip(device_name))),
        _("Set: {setting}").format(setting=setting),
        _("When: {time} ({zone}) · {days}").format(
            time=local.time_point,
            zone=your_zone(user_zone, now),
            days=days_text(local.days, repeat),
        ),
    ]
    tz = zone(user_zone)
    if not same_clock(tz, now):
        cloud = to_cloud(local.time_point, local.days, tz, now)
        lines.append(
            _(
                "The cloud runs timers in China time, so I'll save it as {time} · {days}. "
                "It keeps that China time: after a daylight-saving change it runs an hour "
                "earlier or later in your time."
            ).format(time=china_time(cloud.time_point, now), days=days_text(cloud.days, repeat))
        )
    rows = [
        [buttons(_("💾 Save"), "tmb.save")],
        [
            buttons(_("Change setting"), "tmb.step", "values"),
            buttons(_("Change time"), "tmb.step", "time"),
            buttons(_("Change days"), "tmb.step", "days"),
        ],
        [buttons(_("✖ Cancel"), "tmb.cancel")],
    ]
    return fitted("\n".join(lines)), InlineKeyboardMarkup(rows)
