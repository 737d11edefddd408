"""HeapKeeper: long-lived objects out of the collector's walks, dropped cycles still reclaimed."""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import build_application
from bot.faketelegram import FakeTelegram
from bot.ops.heap import HeapKeeper
from bot.runner import serve
from bot.sandbox.server import Sandbox
from tests.e2e.harness import BotHarness


class Node:
    """A reference cycle: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    yield
    gc.unfreeze()  # whatever a test froze goes back to the collector


def test_settled_objects_are_not_walked_until_the_next_settle_reclaims_them() -> None:
    keeper = HeapKeeper()
    cycle = Node()
    dropped = weakref.ref(cycle)
    keeper.settle("test")
    assert gc.get_freeze_count() > 0
    del cycle
    gc.collect()
    assert dropped() is not None  # frozen: a full collection does not see it
    keeper.settle("again")
    assert dropped() is None
    young = weakref.ref(Node())
    gc.collect()
    assert young() is None  # what is made after a settle is collected as usual


async def test_run_settles_after_start_up_and_push_listeners_and_unfreezes_at_stop(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    async with FakeTelegram() as tg:
        settings = dataclasses.replace(BotHarness(tg, sandbox, tmp_path).settings, push=True)
        app = build_application(settings)
        stop = asyncio.Event()
        running = asyncio.create_task(serve(app, stop, settle_heap=True))
        await tg.wait_for(
            lambda: app.heap_keeper is not None and app.heap_keeper.settled_times == 2
        )
        assert gc.get_freeze_count() > 0
        ann = tg.user(404, "Ann")
        await tg.send(ann, "/help")
        assert "What I can do" in ((await tg.next_message(ann)).text or "")
        stop.set()
        await asyncio.wait_for(running, timeout=10)
    assert gc.get_freeze_count() == 0
