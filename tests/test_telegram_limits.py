"""Measuring and cutting HTML as Telegram counts it, checked against the fake Bot API's parser."""

from __future__ import annotations

from html import escape

from hypothesis import given
from hypothesis import strategies as st

from bot.faketelegram.entities import parse_html
from bot.faketelegram.entities import utf16_length as parsed_units
from bot.i18n import translator, use
from bot.telegram.limits import (
    MAX_TEXT,
    clip,
    fit_joined,
    fit_lines,
    fitted,
    page_spans,
    shorten,
    trim_html,
    utf16_length,
    visible_length,
    visible_text,
)

EMOJI_CJK = "🏠灯😀客厅🌡️"


def telegram_length(html: str) -> int:
    """What Telegram counts, by the fake's parser (which refuses malformed HTML)."""
    return parsed_units(parse_html(html).text)


def test_tags_count_nothing_references_one_character_and_emoji_two_units() -> None:
    html = "<b>A&amp;B</b> &lt;x&gt; 😀 <i>灯</i>&#128512;"
    assert visible_text(html) == "A&B <x> 😀 灯😀"
    assert visible_length(html) == telegram_length(html) == 14
    assert utf16_length("😀") == 2 and utf16_length("灯") == 1
    assert visible_length("  \n<b> x </b>\n ") == 1  # Telegram drops the ends' whitespace


def test_a_cut_never_splits_a_tag_or_a_reference_and_closes_what_is_open() -> None:
    html = "<b>" + "&amp;" * 50 + "</b> <i>" + "😀" * 50 + "</i> <code>tail</code>"
    for limit in range(1, visible_length(html) + 2):
        cut = trim_html(html, limit)
        assert telegram_length(cut) <= limit  # parses: tags balanced, references whole
        if 20 < limit < visible_length(html):
            assert cut.endswith("… (trimmed)")
    assert trim_html(html, 1000) == html


def test_the_trimmed_marker_is_translated() -> None:
    with use(translator("zh_Hans")):
        cut = trim_html("x" * 200, 50)
    assert "(trimmed)" not in cut and cut.startswith("x") and visible_length(cut) <= 50


def test_a_cut_prefers_the_end_of_a_word() -> None:
    cut = trim_html("alpha beta gamma delta epsilon", 20, marker="…")
    assert cut == "alpha beta gamma…"


@given(st.lists(st.text(alphabet=st.sampled_from("ab &<灯😀 "), max_size=30), max_size=8))
def test_any_escaped_markup_trims_to_its_limit(texts: list[str]) -> None:
    html = " ".join(f"<b>{escape(t)}</b> <i>{escape(t[::-1])}</i>" for t in texts)
    for limit in (1, 5, 17, 60):
        cut = trim_html(html, limit)
        assert telegram_length(cut) <= limit
        assert telegram_length(cut) == visible_length(cut)


def test_clip_and_shorten_count_utf16_units() -> None:
    name = EMOJI_CJK * 20
    clipped = clip(name, 64)
    assert utf16_length(clipped) <= 64 and clipped.endswith("…")
    assert clip("Lamp", 64) == "Lamp"
    value = shorten("word " * 200, 100)
    assert utf16_length(value) <= 100 and value.endswith("… (trimmed)")
    assert shorten("short", 100) == "short"


def test_fit_lines_keeps_the_first_lines_and_says_how_many_were_left_out() -> None:
    lines = [f"<b>{n}</b> " + "灯" * 90 for n in range(100)]
    shown = fit_lines(lines, head=["<b>Title</b>"], tail=["", "legend"])
    text = "\n".join(shown)
    assert telegram_length(text) <= MAX_TEXT
    assert shown[0] == "<b>Title</b>" and shown[1] == lines[0] and shown[-1] == "legend"
    kept = len(shown) - 4
    assert shown[-3] == f"… and {100 - kept} more"
    assert kept > 30
    assert fit_lines(lines[:3]) == lines[:3]


def test_fit_lines_cuts_a_single_line_too_long_on_its_own() -> None:
    shown = fit_lines(["<b>" + "x" * 10_000 + "</b>"], head=["Title"])
    assert telegram_length("\n".join(shown)) <= MAX_TEXT and shown[0] == "Title"


def test_fit_joined_names_the_rest() -> None:
    parts = [escape(f"<choice {n}>") for n in range(300)]
    joined = fit_joined(parts, 200)
    assert telegram_length(joined) <= 200
    assert joined.startswith("&lt;choice 0&gt;, ") and joined.endswith("more")


def test_pages_hold_what_fits_and_at_least_one_line() -> None:
    lines = ["x" * 1000] * 9 + ["y" * 5000]
    spans = page_spans(lines, 4000)
    assert [len(s) for s in spans] == [3, 3, 3, 1]
    assert sum(len(s) for s in spans) == 10
    assert [len(s) for s in page_spans(["a"] * 25, 4000, most=10)] == [10, 10, 5]
    assert page_spans([], 4000) == [range(0, 0)]


def test_fitted_leaves_what_fits_alone() -> None:
    assert fitted("<b>ok</b>") == "<b>ok</b>"
    long = "<i>" + "😀" * 3000 + "</i>"
    assert telegram_length(fitted(long)) <= MAX_TEXT
