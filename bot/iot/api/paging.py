"""Walking an Offset/Limit list action to its end: one loop for every ``list_all_*`` method."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import TypeVar

T = TypeVar("T")

# fetch(offset) -> (the page's items, the reply's Total, or None when the reply has none)
Fetch = Callable[[int], Awaitable[tuple[Sequence[T], int | None]]]


async def walk_pages(
    fetch: Fetch[T], *, page_size: int, key: Callable[[T], Hashable] | None = None
) -> list[T]:
    """Every item, fetching pages from offset 0 until the list is exhausted.

    The walk ends at an empty page (even if Total promised more: the list shrank meanwhile), once
    Total items have come, or, for a reply without Total, at the first page shorter than
    ``page_size``. A list that changes between two requests can repeat an item at a page
    boundary: with ``key``, an item whose key was already seen is left out.
    """
    items: list[T] = []
    seen: set[Hashable] = set()
    offset = 0
    while True:
        page, total = await fetch(offset)
        offset += len(page)
        for item in page:
            if key is not None:
                k = key(item)
                if k in seen:
                    continue
                seen.add(k)
            items.append(item)
        if not page or (offset >= total if total is not None else len(page) < page_size):
            return items
