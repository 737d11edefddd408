"""walk_pages: the one Offset/Limit walk behind every list_all_* method."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from bot.iot.api.paging import walk_pages

Fetch = Callable[[int], Awaitable[tuple[Sequence[str], int | None]]]


def pages(*replies: tuple[Sequence[str], int | None]) -> tuple[Fetch, list[int]]:
    """A fetch that answers the given pages in order and records the offsets it was asked."""
    asked: list[int] = []
    queue = list(replies)

    async def fetch(offset: int) -> tuple[Sequence[str], int | None]:
        asked.append(offset)
        return queue.pop(0)

    return fetch, asked


async def test_follows_total_across_pages() -> None:
    fetch, asked = pages((["a", "b"], 5), (["c", "d"], 5), (["e"], 5))
    assert await walk_pages(fetch, page_size=2) == ["a", "b", "c", "d", "e"]
    assert asked == [0, 2, 4]


async def test_an_empty_page_ends_the_walk_though_total_promised_more() -> None:
    fetch, asked = pages((["a", "b"], 4), ([], 4))
    assert await walk_pages(fetch, page_size=2) == ["a", "b"]
    assert asked == [0, 2]


async def test_without_total_a_short_page_is_the_last() -> None:
    fetch, asked = pages((["a", "b"], None), (["c"], None))
    assert await walk_pages(fetch, page_size=2) == ["a", "b", "c"]
    assert asked == [0, 2]


async def test_an_item_repeated_at_a_page_boundary_is_kept_once() -> None:
    # Something was added at the head between the two requests: "b" comes again.
    fetch, asked = pages((["a", "b"], 3), (["b", "c"], 4))
    assert await walk_pages(fetch, page_size=2, key=lambda item: item) == ["a", "b", "c"]
    assert asked == [0, 2]
