"""An alert storm against Telegram's flood limits: the bot's delivery queue vs sending each alert.

    python bench/alert_storm.py [--events 5000] [--seconds 10] [--chats 500]

Both sides get the same storm (alerts spread evenly over the seconds, chats picked at random
with a fixed seed) against their own fake Telegram server enforcing ~30 messages/s overall and
1/s per private chat (burst 3), answering 429 with retry_after beyond that.

- queue: the bot's Notifier (its composer: digests, snooze buttons, the users' settings) over
  the outbox in a SQLite file and the DeliveryQueue, exactly as the bot runs them; alerts are
  submitted as Notifier.handle does after formatting an event.
- naive: every alert sent as its own message the moment it comes, no pacing, no retry (a 429
  or any error loses that alert): what a bot without a queue does.

Printed: alerts delivered (found in the chats, each counted once), lost, duplicated, 429s the
bot saw, messages sent, the most messages one chat got in any 10 s, and when the last alert
arrived. A script that prints numbers, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from telegram import Bot  # noqa: E402
from telegram.error import TelegramError  # noqa: E402
from telegram.request import HTTPXRequest  # noqa: E402

from bot.config import Settings  # noqa: E402
from bot.faketelegram import FakeTelegram, RateLimits  # noqa: E402
from bot.notify.notifier import Notifier  # noqa: E402
from bot.notify.outbox import OutboxAlert  # noqa: E402
from bot.notify.texts import event_texts  # noqa: E402
from bot.storage.store import Store  # noqa: E402
from bot.telegram.callbacks import CallbackCodec  # noqa: E402
from bot.telegram.context import HomeApplication, Services  # noqa: E402

LIMITS = RateLimits(global_per_second=30, global_burst=30, private_per_second=1, private_burst=3)
_MARK = re.compile(r"Voltage: (\d+) V")


class TimedBot(Bot):
    """A Bot that notes when each message was accepted, per chat."""

    def __init__(self, tg: FakeTelegram) -> None:
        super().__init__(
            tg.token,
            base_url=f"{tg.url}/bot",
            base_file_url=f"{tg.url}/file/bot",
            request=HTTPXRequest(connection_pool_size=128),
        )
        self._sent_at: dict[int, list[float]] = {}

    async def send_message(self, chat_id: Any, text: str, *args: Any, **kwargs: Any) -> Any:
        message = await super().send_message(chat_id, text, *args, **kwargs)
        self._sent_at.setdefault(int(chat_id), []).append(time.monotonic())
        return message

    def most_in_10s(self) -> int:
        """The most messages one chat got within any 10 seconds."""
        best = 0
        for times in self._sent_at.values():
            start = 0
            for end, moment in enumerate(times):
                while moment - times[start] >= 10:
                    start += 1
                best = max(best, end - start + 1)
        return best


def storm(events: int, chats: int) -> list[tuple[int, int]]:
    """(alert number, chat id) in the order they happen."""
    rng = random.Random(42)
    return [(n, rng.randrange(chats) + 1) for n in range(events)]


def alert(n: int, chat_id: int) -> OutboxAlert:
    text, line = event_texts(
        f"Sensor {chat_id}", "alert", "Low battery", [("Voltage", f"{n} V")], ms=0, tz="UTC"
    )
    return OutboxAlert(chat_id, chat_id, "alert", text, line, f"BENCH/sensor_{chat_id}")


def tally(tg: FakeTelegram, chats: int, events: int) -> dict[str, int]:
    counts: Counter[int] = Counter()
    for chat_id in range(1, chats + 1):
        for message in tg.messages(chat_id):
            if message.from_bot:
                counts.update(int(n) for n in _MARK.findall(message.text or ""))
    delivered = len(counts)
    return {
        "delivered": delivered,
        "lost": events - delivered,
        "duplicated": sum(c - 1 for c in counts.values()),
        "429s": sum(1 for call in tg.calls() if call.error_code == 429),
        "messages": sum(1 for call in tg.calls("sendMessage") if call.ok),
    }


async def new_fake(chats: int) -> FakeTelegram:
    tg = FakeTelegram(limits=LIMITS)
    await tg.start()
    for chat_id in range(1, chats + 1):
        tg.user(chat_id).started = True
    return tg


async def pace(start: float, index: int, rate: float) -> None:
    delay = start + index / rate - time.monotonic()
    if delay > 0:
        await asyncio.sleep(delay)  # the storm's shape: alerts spread over the seconds


async def run_queue(plan: list[tuple[int, int]], chats: int, seconds: float) -> dict[str, Any]:
    tg = await new_fake(chats)
    bot = TimedBot(tg)
    await bot.initialize()
    with tempfile.TemporaryDirectory() as data:
        store = Store(Path(data) / "bot.sqlite3")
        services = Services(
            settings=Settings(),
            store=store,
            iot=cast(Any, None),
            codec=CallbackCodec(store),
            accounts=cast(Any, None),
        )
        app = cast(HomeApplication, SimpleNamespace(services=services))
        notifier = Notifier(app, bot)
        await notifier.start()
        start = time.monotonic()
        for index, (n, chat_id) in enumerate(plan):
            await pace(start, index, len(plan) / seconds)
            notifier.queue.submit(alert(n, chat_id))
        await notifier.queue.wait_idle()
        elapsed = time.monotonic() - start
        await notifier.stop()
        store.close()
    result = {**tally(tg, chats, len(plan)), "max/chat/10s": bot.most_in_10s(), "last": elapsed}
    await bot.shutdown()
    await tg.stop()
    return result


async def run_naive(plan: list[tuple[int, int]], chats: int, seconds: float) -> dict[str, Any]:
    tg = await new_fake(chats)
    bot = TimedBot(tg)
    await bot.initialize()
    sends: list[asyncio.Task[None]] = []

    async def send(n: int, chat_id: int) -> None:
        with contextlib.suppress(TelegramError):  # the naive bot loses that alert
            await bot.send_message(chat_id, alert(n, chat_id).text, parse_mode="HTML")

    start = time.monotonic()
    for index, (n, chat_id) in enumerate(plan):
        await pace(start, index, len(plan) / seconds)
        sends.append(asyncio.create_task(send(n, chat_id)))
    await asyncio.gather(*sends)
    elapsed = time.monotonic() - start
    result = {**tally(tg, chats, len(plan)), "max/chat/10s": bot.most_in_10s(), "last": elapsed}
    await bot.shutdown()
    await tg.stop()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--chats", type=int, default=500)
    args = parser.parse_args()
    plan = storm(args.events, args.chats)
    print(
        f"alert storm: {args.events} alerts in {args.seconds:g} s over {args.chats} chats; "
        f"fake Telegram limits {LIMITS.global_per_second:g}/s overall, "
        f"{LIMITS.private_per_second:g}/s per chat (burst {LIMITS.private_burst})"
    )
    queue = asyncio.run(run_queue(plan, args.chats, args.seconds))
    naive = asyncio.run(run_naive(plan, args.chats, args.seconds))
    rows = ["delivered", "lost", "duplicated", "429s", "messages", "max/chat/10s"]
    print(f"{'':24}{'queue':>12}{'naive':>12}")
    for row in rows:
        print(f"{row:24}{queue[row]:>12}{naive[row]:>12}")
    print(f"{'last alert after (s)':24}{queue['last']:>12.1f}{naive['last']:>12.1f}")
    print(
        f"ratios queue/naive: delivered {queue['delivered'] / max(naive['delivered'], 1):.2f}x, "
        f"messages {queue['messages'] / max(naive['messages'], 1):.2f}x, "
        f"429s {queue['429s']} vs {naive['429s']}"
    )


if __name__ == "__main__":
    main()
