"""The device directory under a burst of first alerts: reads take turns, the bot stops cleanly."""

from __future__ import annotations

import asyncio
from typing import Any, cast

from bot.home import directory as device_directory
from bot.home.directory import DeviceDirectory


class SlowCloud:
    """AccountManager.run stand-in: each read takes a while; counts the reads running at once."""

    def __init__(self, seconds: float = 0.01) -> None:
        self.seconds = seconds
        self.running = self.most = self.reads = 0

    async def run(self, telegram_user_id: int, call: Any) -> Any:
        self.running += 1
        self.most = max(self.most, self.running)
        try:
            await asyncio.sleep(self.seconds)
            self.reads += 1
            return device_directory._Entry({}, {}, 0.0)
        finally:
            self.running -= 1


async def test_a_burst_of_new_users_reads_a_few_at_a_time() -> None:
    cloud = SlowCloud()
    directory = DeviceDirectory(cast(Any, None), cast(Any, cloud))
    await asyncio.gather(*(directory.device(user, "P/d") for user in range(100)))
    assert cloud.reads == 100
    assert cloud.most == device_directory.MAX_READS


async def test_close_cancels_the_reads_in_flight() -> None:
    cloud = SlowCloud(seconds=30)
    directory = DeviceDirectory(cast(Any, None), cast(Any, cloud))
    waiting = asyncio.ensure_future(directory.device(1, "P/d"))
    await asyncio.sleep(0.01)
    async with asyncio.timeout(1):
        await directory.close()
    assert cloud.running == 0
    waiting.cancel()
