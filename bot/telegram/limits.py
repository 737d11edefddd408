"""Telegram's size limits, and fitting HTML text into them: measure what the user sees, cut safely.

Telegram counts a message after parsing its HTML: tags count nothing, a character reference
counts as the character it stands for, whitespace at both ends is dropped, and the unit is the
UTF-16 code unit (an emoji beyond the BMP is two). A text over 4096 of them (a caption over
1024) is refused outright, so every screen built from cloud data is measured here and cut here:
never inside a tag or a reference, with the tags left open closed again, and with a visible,
translated marker saying that something was left out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from html import escape, unescape

from bot.i18n import _

MAX_TEXT = 4096  # a message's text
MAX_CAPTION = 1024  # a photo's or audio's caption
MAX_ANSWER = 200  # the toast or alert answering a button press (plain text)
MAX_BUTTONS = 100  # buttons of one inline keyboard
MAX_ROW = 8  # buttons in one row
NAME_SHOWN = 64  # UTF-16 units of a cloud name in a list line or on a button
ELLIPSIS = "…"

_SPACES = " \t\r\n\f\v"
# A tag, a character reference (the ";" is optional, as Telegram reads it), a run of plain
# text, or a lone "&" (counted as itself).
_TOKEN = re.compile(r"<[^>]*>|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z]+);?|[^<&]+|&")
_TAG_NAME = re.compile(r"</?\s*([A-Za-z][A-Za-z0-9-]*)")
_WORD_BACKTRACK = 24  # characters a cut may move back to end on a space


def utf16_length(text: str) -> int:
    """Length of plain ``text`` in UTF-16 code units."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def _decoded(token: str) -> str:
    """What a token shows: nothing for a tag, the character of a reference, text as it is."""
    if token.startswith("<"):
        return ""
    if token.startswith("&"):
        return unescape(token) if token != "&" else token
    return token


def visible_text(html: str) -> str:
    """The text Telegram shows for ``html``: tags dropped, references decoded, ends stripped."""
    return "".join(_decoded(token) for token in _TOKEN.findall(html)).strip(_SPACES)


def visible_length(html: str) -> int:
    """Telegram's length of ``html``: UTF-16 code units of the text it shows."""
    return utf16_length(visible_text(html))


def fits(html: str, limit: int = MAX_TEXT) -> bool:
    """Whether Telegram takes ``html`` as a text of at most ``limit``."""
    return visible_length(html) <= limit


def trimmed_marker() -> str:
    """What ends a text or value that was cut (plain text)."""
    return ELLIPSIS + " " + _("(trimmed)")


def more_marker(count: int) -> str:
    """The line standing for ``count`` list items left out (plain text)."""
    return _("… and {count} more").format(count=count)


def _cut_plain(text: str, budget: int) -> str:
    """The longest start of plain ``text`` within ``budget`` units, ended on a space if one is near."""
    used, end = 0, len(text)
    for index, char in enumerate(text):
        width = 2 if ord(char) > 0xFFFF else 1
        if used + width > budget:
            end = index
            break
        used += width
    if end == len(text):
        return text
    kept = text[:end]
    space = max(kept.rfind(" "), kept.rfind("\n"))
    if space > 0 and end - space <= _WORD_BACKTRACK:
        kept = kept[:space]
    return kept.rstrip(_SPACES)


def clip(text: str, limit: int = NAME_SHOWN) -> str:
    """Plain ``text`` in at most ``limit`` units, ending with "…" when it was longer."""
    if utf16_length(text) <= limit:
        return text
    return _cut_plain(text, limit - 1) + ELLIPSIS


def shorten(text: str, limit: int) -> str:
    """A long plain value in at most ``limit`` units, ending with the "… (trimmed)" marker."""
    if utf16_length(text) <= limit:
        return text
    marker = trimmed_marker()
    return _cut_plain(text, max(limit - utf16_length(marker), 1)) + marker


def trim_html(html: str, limit: int = MAX_TEXT, marker: str | None = None) -> str:
    """``html`` cut to show at most ``limit`` units, ``marker`` (plain, default "… (trimmed)") last.

    Whole tags and character references are kept or dropped, never split; the tags still open
    at the cut are closed in order, so Telegram parses the result.
    """
    if visible_length(html) <= limit:
        return html
    marker = trimmed_marker() if marker is None else marker
    if utf16_length(marker) >= limit:
        marker = ELLIPSIS
    budget = max(limit - utf16_length(marker), 0)
    out: list[str] = []
    open_tags: list[str] = []
    used = 0
    for token in _TOKEN.findall(html):
        if token.startswith("<"):
            name = _TAG_NAME.match(token)
            if name is None:
                continue  # not a tag Telegram knows; dropping it can only help
            if token.startswith("</"):
                if open_tags and open_tags[-1] == name.group(1).lower():
                    open_tags.pop()
                    out.append(token)
            else:
                open_tags.append(name.group(1).lower())
                out.append(token)
            continue
        shown = _decoded(token)
        width = utf16_length(shown)
        if used + width <= budget:
            out.append(token)
            used += width
            continue
        if not token.startswith("&"):  # a text run is cut; a reference is never split
            out.append(_cut_plain(token, budget - used))
        break
    while out and not out[-1]:
        out.pop()
    while out and open_tags and out[-1].startswith("<") and not out[-1].startswith("</"):
        out.pop()  # a tag opened just before the cut would enclose nothing
        open_tags.pop()
    text = "".join(out).rstrip(_SPACES)
    closing = "".join(f"</{name}>" for name in reversed(open_tags))
    return text + closing + escape(marker, quote=False)


def fitted(html: str, limit: int = MAX_TEXT) -> str:
    """``html`` as it is when it fits, else trimmed to ``limit`` with the "(trimmed)" marker."""
    return html if fits(html, limit) else trim_html(html, limit)


def fit_lines(
    lines: Sequence[str],
    limit: int = MAX_TEXT,
    *,
    head: Sequence[str] = (),
    tail: Sequence[str] = (),
    more: Callable[[int], str] = more_marker,
) -> list[str]:
    """``head``, as many of ``lines`` as fit, a ``more(left out)`` line, ``tail``: within ``limit``.

    Each piece is one line of HTML with its tags balanced; the pieces are joined with newlines.
    The first line is always kept (cut if it has to be); what still does not fit is trimmed.
    """
    fixed = [*head, *tail]
    fixed_length = sum(visible_length(line) + 1 for line in fixed)
    lengths = [visible_length(line) + 1 for line in lines]
    if fixed_length + sum(lengths) <= limit + 1:
        return [*head, *lines, *tail]
    marker_length = utf16_length(escape(more(len(lines)))) + 1  # the longest count is the total
    budget = limit + 1 - fixed_length - marker_length
    kept = 0
    for length in lengths:
        if budget - length < 0:
            break
        budget -= length
        kept += 1
    shown = list(lines[:kept])
    if not shown and lines:
        shown = [trim_html(lines[0], max(budget - 1, 1))]
        kept = 1
    result = [*head, *shown]
    if kept < len(lines):
        result.append(escape(more(len(lines) - kept), quote=False))
    result += tail
    joined = "\n".join(result)
    return result if fits(joined, limit) else trim_html(joined, limit).split("\n")


def fit_joined(
    parts: Sequence[str],
    limit: int,
    separator: str = ", ",
    more: Callable[[int], str] = more_marker,
) -> str:
    """``parts`` (HTML) joined by ``separator`` within ``limit``, the rest told by ``more(n)``."""
    joined = separator.join(parts)
    if fits(joined, limit):
        return joined
    budget = limit - utf16_length(separator) - utf16_length(more(len(parts)))
    kept: list[str] = []
    used = 0
    for part in parts:
        length = visible_length(part) + (utf16_length(separator) if kept else 0)
        if used + length > budget:
            break
        kept.append(part)
        used += length
    if not kept:
        return trim_html(joined, limit)
    return separator.join([*kept, escape(more(len(parts) - len(kept)), quote=False)])


def page_spans(lines: Sequence[str], budget: int, most: int | None = None) -> list[range]:
    """``lines`` split into pages of consecutive lines, each within ``budget`` units.

    Every page holds at least one line and at most ``most``; a line too long on its own gets a
    page to itself (the caller cuts it).
    """
    spans: list[range] = []
    start, used = 0, 0
    for index, line in enumerate(lines):
        length = visible_length(line) + 1
        full = most is not None and index - start >= most
        if index > start and (used + length > budget + 1 or full):
            spans.append(range(start, index))
            start, used = index, 0
        used += length
    spans.append(range(start, len(lines)))
    return spans
