"""The alert bot's HTTP transport: bot/notify/alert_transport.py's AiohttpRequest vs PTB's HTTPXRequest.

    python bench/alert_transport.py [--rate 25] [--seconds 30] [--chats 200] [--delay 0.05]
                                    [--rounds 3]

A child process runs the fake Telegram Bot API (bot/faketelegram, no rate limits) holding every
sendMessage --delay seconds before it answers (the fake's own `delay` knob), a stand-in for the
round trip to Telegram; this process only sends, so its CPU time is the transport's and PTB's.
Each run builds an ExtBot as bot/notify/wiring.py's _alert_bot does (HTML defaults, no link
previews) on one transport, AiohttpRequest(32, read_timeout=15.0) or
HTTPXRequest(connection_pool_size=32, read_timeout=15.0), sends a warm-up second (connections
opened, not measured), then rate x seconds sendMessage calls, round-robin over the chats, each
started on its tick (start + i / rate) whether or not earlier ones were answered: an alert of a
couple of lines with <b> tags and two inline buttons.

CPU is this process's process_time from the first send to the last reply, in cores (over that
wall time) and in ms per message; latency is send_message's call to its return. The transports
run alternately (ABAB...), --rounds times each, with a full garbage collection in both
processes before every run; printed: each run, then the median and min-max of each transport,
and the CPU difference HTTPX - aiohttp (of the medians, and per round). A script that prints
numbers, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import gc
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from telegram import (  # noqa: E402
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
)
from telegram.constants import ParseMode  # noqa: E402
from telegram.error import TelegramError  # noqa: E402
from telegram.ext import Defaults, ExtBot  # noqa: E402
from telegram.request import BaseRequest, HTTPXRequest  # noqa: E402

from bot.notify.alert_transport import AiohttpRequest  # noqa: E402

FIRST_CHAT = 100_000
WARM_SECONDS = 1.0


# -- the child: the fake Telegram --------------------------------------------------------------


async def fake(chats: int, delay: float) -> None:
    """The child: serve the fake Bot API, answer a JSON command a line on stdin."""
    from bot.faketelegram import FakeTelegram

    async with FakeTelegram() as tg:
        for chat_id in range(FIRST_CHAT, FIRST_CHAT + chats):
            tg.user(chat_id, f"User{chat_id}").started = True  # the user wrote to the bot once
        tg.delay("sendMessage", delay)
        print(json.dumps({"url": tg.url, "token": tg.token}), flush=True)
        # The call log only grows: young collections only, full ones between runs (on "collect").
        gc.set_threshold(700, 10, 2**30)
        loop = asyncio.get_running_loop()
        while line := await loop.run_in_executor(None, sys.stdin.readline):
            json.loads(line)  # the only command: "collect"
            gc.collect()
            ok = sum(1 for call in tg.calls("sendMessage") if call.ok)
            print(json.dumps({"ok": ok, "cpu": time.process_time()}), flush=True)


class Child:
    """The fake's process and its line protocol."""

    def __init__(self, proc: asyncio.subprocess.Process, info: dict[str, Any]) -> None:
        self.proc = proc
        self.url: str = info["url"]
        self.token: str = info["token"]

    @classmethod
    async def start(cls, chats: int, delay: float) -> Child:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            __file__,
            "--fake",
            str(chats),
            str(delay),
            cwd=ROOT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert proc.stdout is not None
        line = await proc.stdout.readline()
        if not line:
            raise RuntimeError("the fake Telegram process ended")
        return cls(proc, json.loads(line))

    async def collect(self) -> dict[str, Any]:
        """Full GC in the child; its sendMessage calls answered ok so far, and its CPU time."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(b'{"cmd": "collect"}\n')
        await self.proc.stdin.drain()
        return json.loads(await self.proc.stdout.readline())

    async def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        await self.proc.wait()


# -- this process: the sender -------------------------------------------------------------------

TRANSPORTS: dict[str, Callable[[int], BaseRequest]] = {
    "aiohttp": lambda size: AiohttpRequest(size, read_timeout=15.0),
    "httpx": lambda size: HTTPXRequest(connection_pool_size=size, read_timeout=15.0),
}


def alert_text(n: int, chat_id: int) -> str:
    """An alert as bot.alert_format words one: device and event in bold, a param, the time."""
    return (
        f"⚠️ <b>Sensor {chat_id % 97}</b>: <b>Low battery</b>\n"
        f"Voltage: 2.{n % 10} V\n<i>{n // 3600 % 24:02d}:{n // 60 % 60:02d}</i>"
    )


def alert_keyboard(chat_id: int) -> InlineKeyboardMarkup:
    """Two buttons under the alert, callback data the size of the bot's snooze buttons."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("💤 1 h", callback_data=f"al.snz:1h:{chat_id:x}7f3a"),
                InlineKeyboardButton("💤 8 h", callback_data=f"al.snz:8h:{chat_id:x}7f3a"),
            ]
        ]
    )


@dataclasses.dataclass
class Run:
    """One transport's run: what it sent, what came back, and what it cost this process."""

    transport: str
    sent: int
    ok: int
    fake_ok: int  # sendMessage calls the fake answered ok during the measured part
    cpu: float  # seconds of this process, first send to last reply
    wall: float
    fake_cpu: float  # seconds of the child over the measured part
    latencies: list[float]

    @property
    def cores(self) -> float:
        return self.cpu / self.wall

    @property
    def ms_per_message(self) -> float:
        return self.cpu * 1000 / max(self.sent, 1)


def pct(values: list[float], q: int) -> float:
    """The q-th percentile in milliseconds (nan when empty)."""
    if len(values) < 2:
        return values[0] * 1000 if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000


async def send_paced(
    bot: ExtBot[None], count: int, rate: float, chats: int, offset: int
) -> tuple[int, list[float], float, float]:
    """``count`` sends, one every 1/rate s: (ok, latencies, CPU s, wall s first send->last reply)."""
    latencies: list[float] = []
    replied = [0.0]

    async def send(n: int) -> bool:
        chat_id = FIRST_CHAT + n % chats
        began = time.perf_counter()
        try:
            await bot.send_message(
                chat_id, alert_text(n, chat_id), reply_markup=alert_keyboard(chat_id)
            )
        except TelegramError:
            return False
        finally:
            replied[0] = time.perf_counter()
        latencies.append(replied[0] - began)
        return True

    tasks: list[asyncio.Task[bool]] = []
    cpu, start = time.process_time(), time.perf_counter()
    for i in range(count):
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(send(offset + i)))
    results = await asyncio.gather(*tasks)
    cpu = time.process_time() - cpu
    return sum(results), latencies, cpu, replied[0] - start


async def one_run(
    child: Child, transport: str, rate: float, seconds: float, chats: int, offset: int
) -> Run:
    make = TRANSPORTS[transport]
    bot: ExtBot[None] = ExtBot(
        child.token,
        base_url=f"{child.url}/bot",
        base_file_url=f"{child.url}/file/bot",
        defaults=Defaults(
            parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
        ),
        request=make(32),
        get_updates_request=make(1),  # never polls, as in bot/notify/wiring.py
    )
    await bot.initialize()
    try:
        warm = max(int(rate * WARM_SECONDS), 10)
        await send_paced(bot, warm, rate, chats, offset)
        before = await child.collect()
        gc.collect()
        count = int(rate * seconds)
        ok, latencies, cpu, wall = await send_paced(bot, count, rate, chats, offset + warm)
        after = await child.collect()
    finally:
        await bot.shutdown()
    return Run(
        transport,
        count,
        ok,
        after["ok"] - before["ok"],
        cpu,
        wall,
        after["cpu"] - before["cpu"],
        latencies,
    )


def show_run(index: int, run: Run) -> None:
    print(
        f"  run {index:>2} {run.transport:8} sent {run.sent:>6}  ok {run.ok:>6} (fake {run.fake_ok})  "
        f"cores {run.cores:.4f}  CPU ms/msg {run.ms_per_message:.3f}  "
        f"p50 {pct(run.latencies, 50):.1f} ms  p95 {pct(run.latencies, 95):.1f} ms  "
        f"p99 {pct(run.latencies, 99):.1f} ms  fake cores {run.fake_cpu / run.wall:.2f}",
        flush=True,
    )


def summary(values: list[float], fmt: str) -> str:
    return (
        f"{format(statistics.median(values), fmt)} "
        f"({format(min(values), fmt)}-{format(max(values), fmt)})"
    )


def report(runs: list[Run]) -> None:
    rows: list[tuple[str, Callable[[Run], float], str]] = [
        ("sent", lambda r: r.sent, ".0f"),
        ("ok", lambda r: r.ok, ".0f"),
        ("CPU, cores", lambda r: r.cores, ".4f"),
        ("CPU ms per message", lambda r: r.ms_per_message, ".3f"),
        ("latency p50 (ms)", lambda r: pct(r.latencies, 50), ".1f"),
        ("latency p95 (ms)", lambda r: pct(r.latencies, 95), ".1f"),
        ("latency p99 (ms)", lambda r: pct(r.latencies, 99), ".1f"),
        ("fake Telegram, cores", lambda r: r.fake_cpu / r.wall, ".2f"),
    ]
    by = {name: [r for r in runs if r.transport == name] for name in TRANSPORTS}
    print(f"\nmedian (min-max) of {len(by['aiohttp'])} runs each")
    print(f"{'':24}" + "".join(f"{name:>26}" for name in by))
    for label, value, fmt in rows:
        cells = [summary([value(r) for r in group], fmt) for group in by.values()]
        print(f"{label:24}" + "".join(f"{cell:>26}" for cell in cells))
    a = [r.cores for r in by["aiohttp"]]
    h = [r.cores for r in by["httpx"]]
    pairs = [hx - ax for ax, hx in zip(a, h, strict=True)]
    diff = statistics.median(h) - statistics.median(a)
    per_msg = statistics.median(r.ms_per_message for r in by["httpx"]) - statistics.median(
        r.ms_per_message for r in by["aiohttp"]
    )
    print(
        f"\nCPU httpx - aiohttp: {diff:+.4f} cores = {diff * 100:+.2f}% of a core "
        f"(medians; {per_msg:+.3f} ms per message); per round: "
        + ", ".join(f"{p * 100:+.2f}%" for p in pairs)
    )


async def main(rate: float, seconds: float, chats: int, delay: float, rounds: int) -> None:
    print(
        f"alert transport: {int(rate * seconds)} sendMessage at {rate:g}/s ({seconds:g} s) over "
        f"{chats} chats; fake Telegram in a child process answering after {delay * 1000:g} ms; "
        f"{rounds} rounds, transports alternating",
        flush=True,
    )
    child = await Child.start(chats, delay)
    runs: list[Run] = []
    try:
        for index in range(rounds * len(TRANSPORTS)):
            transport = list(TRANSPORTS)[index % len(TRANSPORTS)]
            run = await one_run(child, transport, rate, seconds, chats, offset=index * 1_000_000)
            show_run(index + 1, run)
            runs.append(run)
    finally:
        await child.close()
    report(runs)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--fake":
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(fake(int(sys.argv[2]), float(sys.argv[3])))
        sys.exit(0)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=25.0, help="messages a second")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--chats", type=int, default=200)
    parser.add_argument(
        "--delay", type=float, default=0.05, help="seconds the fake holds each sendMessage"
    )
    parser.add_argument("--rounds", type=int, default=3, help="runs of each transport")
    args = parser.parse_args()
    asyncio.run(main(args.rate, args.seconds, args.chats, args.delay, args.rounds))
