"""The words of alerts: one message per alert, one line per alert in a digest (HTML, escaped)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from html import escape

from bot.home.timezones import zone
from bot.i18n import _, ngettext
from bot.telegram.limits import ELLIPSIS, MAX_TEXT, trim_html, visible_length

__all__ = [
    "MAX_ALERT",
    "MAX_LINE",
    "MAX_TEXT",
    "clock_time",
    "compact_number",
    "digest_header",
    "digest_text",
    "event_texts",
    "fit_digest",
    "session_ended_texts",
    "snooze_ended_texts",
    "status_texts",
    "text_length",
]

MAX_ALERT = 3000  # UTF-16 units of one alert's message; longer ones are trimmed
MAX_LINE = 400  # UTF-16 units of one alert's line in a digest

_TRAILING_ZEROS = re.compile(r"^(-?\d+)\.(\d*?)0+(?!\d)")

ICONS = {
    "alert": "⚠️",
    "fault": "⛔",
    "info": "ℹ️",
    "online": "🟢",
    "offline": "🔴",
    "account": "🔑",
    "snooze": "💤",
}


def clock_time(ms: int, tz: str) -> str:
    """HH:MM of a Unix-ms instant in the user's timezone."""
    return datetime.fromtimestamp(ms / 1000, zone(tz)).strftime("%H:%M")


def compact_number(text: str) -> str:
    """A formatted decimal without the step's trailing zeros: "2.90 V" -> "2.9 V"."""
    return _TRAILING_ZEROS.sub(
        lambda m: m.group(1) + (f".{m.group(2)}" if m.group(2) else ""), text, count=1
    )


def status_texts(device: str, online: bool, *, missed: bool, ms: int, tz: str) -> tuple[str, str]:
    """(message, digest line) for a device going offline or coming back."""
    name = f"<b>{escape(device)}</b>"
    at = clock_time(ms, tz)
    if missed and online:
        text = _("{device} came back online while I was disconnected, at {time}")
    elif missed:
        text = _("{device} went offline while I was disconnected, at {time}")
    elif online:
        text = _("{device} is online again")
    else:
        text = _("{device} is offline")
    icon = ICONS["online" if online else "offline"]
    body = text.format(device=name, time=at)
    message = f"{icon} {body}" if missed else f"{icon} {body}\n<i>{at}</i>"
    return _message(message), _line(f"{at} {icon} {body}")


def event_texts(
    device: str,
    severity: str,
    event_name: str,
    params: Sequence[tuple[str, str]],
    *,
    ms: int,
    tz: str,
) -> tuple[str, str]:
    """(message, digest line) for a device event: its name and its formatted params."""
    icon = ICONS.get(severity, ICONS["info"])
    head = _("{device}: {event}").format(
        device=f"<b>{escape(device)}</b>", event=f"<b>{escape(event_name)}</b>"
    )
    shown = [
        _("{name}: {value}").format(name=escape(name), value=escape(value))
        for name, value in params
    ]
    at = clock_time(ms, tz)
    text = "\n".join([f"{icon} {head}", *shown, f"<i>{at}</i>"])
    line = f"{at} {icon} {head}" + (f" ({'; '.join(shown)})" if shown else "")
    return _message(text), _line(line)


def session_ended_texts() -> tuple[str, str]:
    """(message, digest line) telling the user their AccessToken stopped working."""
    text = _("Your IoT Explorer session ended, so alerts have stopped. Send /login again.")
    return f"{ICONS['account']} {text}", f"{ICONS['account']} {text}"


def snooze_ended_texts(device: str, count: int, last_ms: int, tz: str) -> tuple[str, str]:
    """(message, digest line) when a snooze ends after it held back ``count`` alerts."""
    text = ngettext(
        "{device} is no longer snoozed. {count} alert came while it was snoozed (last at {time}).",
        "{device} is no longer snoozed. {count} alerts came while it was snoozed (last at {time}).",
        count,
    ).format(device=f"<b>{escape(device)}</b>", count=count, time=clock_time(last_ms, tz))
    return _message(f"{ICONS['snooze']} {text}"), _line(f"{ICONS['snooze']} {text}")


def digest_header(count: int) -> str:
    """The first line of a digest of ``count`` alerts."""
    return (
        "🔔 <b>"
        + ngettext("{count} notification", "{count} notifications", count).format(count=count)
        + "</b>"
    )


def fit_digest(lines: Sequence[str], limit: int = MAX_TEXT) -> int:
    """How many of ``lines`` fit (with the header) into one message; at least one."""
    used = text_length(digest_header(len(lines))) + 2
    for taken, line in enumerate(lines):
        used += text_length(line) + 1
        if used > limit:
            return max(taken, 1)
    return len(lines)


def digest_text(lines: Sequence[str]) -> str:
    """A digest message: the header, then one line per alert."""
    return "\n".join([digest_header(len(lines)), "", *lines])


def text_length(text: str) -> int:
    """Telegram's length of ``text``: UTF-16 code units of what it shows (tags not counted)."""
    return visible_length(text)


def _message(text: str) -> str:
    """One alert's message, a too long one cut with "…" (its time line goes with the rest)."""
    return trim_html(text, MAX_ALERT, marker=ELLIPSIS)


def _line(text: str) -> str:
    """One alert's line in a digest, a too long one cut with "…"."""
    return trim_html(text, MAX_LINE, marker=ELLIPSIS)
