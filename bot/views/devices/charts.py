"""History charts: a property's values over time as a line chart, drawn with matplotlib's Agg.

Pure functions of their data: :func:`build_figure` makes the Figure (what tests inspect),
:func:`render_png` draws it to PNG bytes. Nothing here knows Telegram or the cloud; labels
arrive translated. Callers in the event loop run :func:`render_png` in a thread.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from functools import cache
from io import BytesIO

from matplotlib import dates as mdates
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, ScalarFormatter

# Up to this many points each one is marked: a sparse series is dots, not a misleading line.
MARK_POINTS_UP_TO = 48
DAY_SECONDS = 24 * 3600
SIZE_INCHES = (8.0, 4.5)
DPI = 120
LINE_COLOR = "#1f77b4"
# Fonts tried, in order, for names the cloud sends in any script; only installed ones are used.
_FONT_FAMILIES = (
    "DejaVu Sans",
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Source Han Sans SC",
)
# matplotlib is not thread-safe (font cache, text layout): one chart is drawn at a time.
_RENDER_LOCK = threading.Lock()
# A name with a glyph no installed font has is drawn with a box; that is not worth a warning.
warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from", category=UserWarning)


@dataclass(frozen=True)
class LineChart:
    """What to draw: points (Unix ms, value) between two instants, with translated labels."""

    title: str
    x_label: str
    y_label: str
    times_ms: Sequence[int]
    values: Sequence[float]
    start_ms: int
    end_ms: int
    tz: tzinfo

    @property
    def spans_days(self) -> bool:
        """Whether the period is longer than two days (then the x axis counts days, not hours)."""
        return (self.end_ms - self.start_ms) / 1000 > 2 * DAY_SECONDS


@cache
def _fonts() -> list[str]:
    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    return [name for name in _FONT_FAMILIES if name in installed] or ["sans-serif"]


def _moment(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


def build_figure(chart: LineChart) -> Figure:
    """The line chart as a Figure: time on x (in ``chart.tz``), the values on y."""
    if len(chart.times_ms) != len(chart.values):
        raise ValueError("a chart needs as many times as values")
    fonts = _fonts()
    figure = Figure(figsize=SIZE_INCHES, dpi=DPI, layout="constrained")
    axes = figure.add_subplot()
    times = mdates.date2num([_moment(ms) for ms in chart.times_ms])
    few = len(times) <= MARK_POINTS_UP_TO
    axes.plot(
        times,
        list(chart.values),
        color=LINE_COLOR,
        linewidth=1.6,
        marker="o" if few else "",
        markersize=4 if few else 0,
    )
    if len(times) > 1:
        axes.fill_between(
            times, list(chart.values), min(chart.values), color=LINE_COLOR, alpha=0.08
        )
    axes.set_xlim(mdates.date2num(_moment(chart.start_ms)), mdates.date2num(_moment(chart.end_ms)))
    if chart.spans_days:
        axes.xaxis.set_major_locator(mdates.DayLocator(tz=chart.tz))
        axes.xaxis.set_minor_locator(mdates.HourLocator(byhour=(6, 12, 18), tz=chart.tz))
        axes.xaxis.set_major_formatter(mdates.DateFormatter("%m-%d", tz=chart.tz))
    else:
        axes.xaxis.set_major_locator(mdates.HourLocator(byhour=range(0, 24, 3), tz=chart.tz))
        axes.xaxis.set_minor_locator(mdates.HourLocator(tz=chart.tz))
        axes.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M", tz=chart.tz))
    axes.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    plain = ScalarFormatter(useOffset=False)
    plain.set_scientific(False)
    axes.yaxis.set_major_formatter(plain)
    axes.margins(y=0.12)
    axes.grid(True, which="major", alpha=0.3)
    axes.grid(True, which="minor", alpha=0.1)
    axes.spines[["top", "right"]].set_visible(False)
    # Names come from the cloud: a "$" must not switch on mathtext.
    axes.set_title(chart.title, fontfamily=fonts, fontsize=13, parse_math=False)
    axes.set_xlabel(chart.x_label, fontfamily=fonts, parse_math=False)
    axes.set_ylabel(chart.y_label, fontfamily=fonts, parse_math=False)
    return figure


def render_png(chart: LineChart) -> bytes:
    """The chart drawn as PNG bytes (blocking: call it in a worker thread)."""
    with _RENDER_LOCK:
        figure = build_figure(chart)
        buffer = BytesIO()
        FigureCanvasAgg(figure).print_png(buffer)
    return buffer.getvalue()
