"""History charts: labels, units, time axis in the user's timezone, markers, PNG output."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from matplotlib import dates as mdates
from matplotlib.image import imread

from bot.views.devices.charts import MARK_POINTS_UP_TO, LineChart, build_figure, render_png

HOUR_MS = 3600 * 1000
# 2024-06-07 12:00 UTC: 14:00 in Berlin, 20:00 in Shanghai.
END_MS = int(datetime(2024, 6, 7, 12, tzinfo=ZoneInfo("UTC")).timestamp() * 1000)


def _chart(hours: int, step_minutes: int, zone: str = "Europe/Berlin", **labels: str) -> LineChart:
    start = END_MS - hours * HOUR_MS
    times = list(range(start, END_MS + 1, step_minutes * 60 * 1000))
    return LineChart(
        title=labels.get("title", "Bedroom sensor · last 24 hours"),
        x_label=labels.get("x_label", f"Time ({zone})"),
        y_label=labels.get("y_label", "Temperature (℃)"),
        times_ms=times,
        values=[20 + (i % 7) * 0.5 for i in range(len(times))],
        start_ms=start,
        end_ms=END_MS,
        tz=ZoneInfo(zone),
    )


def _tick_labels(chart: LineChart) -> list[str]:
    figure = build_figure(chart)
    figure.canvas.draw()
    axes = figure.axes[0]
    return [t.get_text() for t in axes.get_xticklabels() if t.get_text()]


def test_labels_title_and_unit() -> None:
    axes = build_figure(_chart(24, 10)).axes[0]
    assert axes.get_title() == "Bedroom sensor · last 24 hours"
    assert axes.get_ylabel() == "Temperature (℃)"
    assert axes.get_xlabel() == "Time (Europe/Berlin)"


def test_day_axis_counts_hours_in_the_users_timezone() -> None:
    berlin = _tick_labels(_chart(24, 10, "Europe/Berlin"))
    shanghai = _tick_labels(_chart(24, 10, "Asia/Shanghai"))
    assert all(len(label) == 5 and label[2] == ":" for label in berlin)  # HH:MM
    assert "15:00" in berlin and "21:00" in shanghai  # every three hours, local time
    assert berlin != shanghai


def test_week_axis_counts_days_and_spans_the_period() -> None:
    chart = _chart(7 * 24, 10)
    labels = _tick_labels(chart)
    assert labels[0] == "06-01" and labels[-1] == "06-07" and len(labels) == 7
    low, high = build_figure(chart).axes[0].get_xlim()
    assert mdates.num2date(low).timestamp() * 1000 == pytest.approx(chart.start_ms)
    assert mdates.num2date(high).timestamp() * 1000 == pytest.approx(chart.end_ms)


def test_all_points_are_plotted_and_few_points_get_markers() -> None:
    dense = build_figure(_chart(7 * 24, 10)).axes[0].lines[0]
    assert len(dense.get_xdata()) == 7 * 24 * 6 + 1
    assert dense.get_marker() in ("", "None", None)
    sparse = _chart(24, 24 * 60 // (MARK_POINTS_UP_TO // 8))
    assert build_figure(sparse).axes[0].lines[0].get_marker() == "o"


def test_a_single_point_still_makes_a_chart() -> None:
    chart = LineChart(
        "t", "x", "y", [END_MS - HOUR_MS], [3.0], END_MS - 24 * HOUR_MS, END_MS, ZoneInfo("UTC")
    )
    line = build_figure(chart).axes[0].lines[0]
    assert line.get_marker() == "o" and list(line.get_ydata()) == [3.0]
    assert render_png(chart).startswith(b"\x89PNG")


def test_dollar_signs_in_names_are_not_math() -> None:
    chart = _chart(24, 60, title="$5 lamp $ · last 24 hours", y_label="Price ($)")
    png = render_png(chart)  # mathtext would fail on an unbalanced "$"
    assert png.startswith(b"\x89PNG")
    assert build_figure(chart).axes[0].get_title() == "$5 lamp $ · last 24 hours"


def test_values_are_plain_numbers_not_offsets() -> None:
    chart = LineChart(
        "t",
        "x",
        "Energy (kWh)",
        [END_MS - 2 * HOUR_MS, END_MS - HOUR_MS],
        [100000.01, 100000.02],
        END_MS - 24 * HOUR_MS,
        END_MS,
        ZoneInfo("UTC"),
    )
    figure = build_figure(chart)
    figure.canvas.draw()
    axes = figure.axes[0]
    assert axes.yaxis.get_offset_text().get_text() == ""
    assert all("e" not in t.get_text() for t in axes.get_yticklabels())


def test_png_is_a_readable_image_of_the_set_size() -> None:
    png = render_png(_chart(24, 10))
    image = imread(BytesIO(png), format="png")
    assert image.shape[:2] == (540, 960)


def test_mismatched_series_is_refused() -> None:
    chart = LineChart("t", "x", "y", [1, 2], [1.0], 0, 3, ZoneInfo("UTC"))
    with pytest.raises(ValueError):
        build_figure(chart)
