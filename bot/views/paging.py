"""Pages of a list: which items a page shows, and the ◀ n/m ▶ row that moves between pages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from telegram import InlineKeyboardButton

from bot.telegram.routing import Buttons

T = TypeVar("T")
PAGE_SIZE = 10


def page_count(total: int, size: int = PAGE_SIZE) -> int:
    """How many pages ``total`` items take (at least one)."""
    return max(1, -(-total // size))


def page_of(items: Sequence[T], page: int, size: int = PAGE_SIZE) -> tuple[Sequence[T], int, int]:
    """The items of ``page`` (clamped to the pages there are), that page, and the page count."""
    pages = page_count(len(items), size)
    page = min(max(page, 0), pages - 1)
    return items[page * size : (page + 1) * size], page, pages


def pager(
    buttons: Buttons, page: int, pages: int, route: str, *args: str | int
) -> list[InlineKeyboardButton]:
    """◀ n/m ▶: ``route`` called with ``args`` and the page number (nothing for one page)."""
    if pages <= 1:
        return []
    row = []
    if page > 0:
        row.append(buttons("◀", route, *args, page - 1))
    row.append(buttons(f"{page + 1}/{pages}", route, *args, page))
    if page < pages - 1:
        row.append(buttons("▶", route, *args, page + 1))
    return row


def on_page(page: int) -> tuple[int, ...]:
    """The trailing button argument that brings back ``page`` (none for the first page)."""
    return (page,) if page > 0 else ()


def page_arg(args: Sequence[str], index: int) -> int:
    """The page number at ``args[index]`` of a button (0 when missing or not a number)."""
    text = args[index] if len(args) > index else ""
    return int(text) if text.isdigit() else 0
