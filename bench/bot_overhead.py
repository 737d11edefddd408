"""Time the bot's own code takes per update, against a bare python-telegram-bot echo bot.

    python bench/bot_overhead.py [--iterations 300] [--warmup 20]

Both bots run in this process, each polling its own fake Telegram server (bot/faketelegram,
the same code); the bot uses the sandbox cloud on loopback. Every scenario is a user action
and the reply it waits for (a message or an edit), timed from the user's request to the
fake's receipt of the reply. Iterations alternate bot / echo, so both see the same machine.
The cloud time of each round trip (wall time with a request to the sandbox in flight, from
the IotClient observer) is subtracted: own code = bot - cloud - echo. Iterations are paced
below 30 sends a second so AIORateLimiter (Telegram's flood limit) never waits, and each side
is left to go quiet (untimed) before the other starts; the order alternates. The scenarios
are in bench/overhead_scenarios.py. No assertions: it prints numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.overhead_scenarios import (  # noqa: E402
    SCENARIOS,
    Scenario,
    Side,
    Step,
    echo_application,
    first,
)
from bot.app import build_application, polling  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.faketelegram import FakeTelegram, TestUser  # noqa: E402
from bot.ops.heap import HeapKeeper  # noqa: E402
from bot.sandbox.server import Sandbox  # noqa: E402
from bot.telegram.context import HomeApplication  # noqa: E402

MIN_PERIOD = 1 / 25  # seconds between the bot's iterations: under AIORateLimiter's 30/s
SETTLE = 0.01  # seconds without any Bot API call that count as "the bot is done"


class CloudClock:
    """When the bot's cloud requests were in flight, from the IotClient observer."""

    def __init__(self, app: HomeApplication) -> None:
        iot = app.services.iot
        self._chained = iot._observer  # the metrics observer keeps working
        iot._observer = self.observe
        self.intervals: list[tuple[float, float]] = []

    def observe(self, action: str, outcome: str, seconds: float) -> None:
        ended = time.perf_counter()
        self.intervals.append((ended - seconds, ended))
        if self._chained is not None:
            self._chained(action, outcome, seconds)

    def busy(self, start: float, end: float) -> float:
        """Seconds within start..end with at least one request in flight (overlaps once)."""
        total, reached = 0.0, start
        for begin, finish in sorted(self.intervals):
            begin, finish = max(begin, reached), min(finish, end)
            if finish > begin:
                total += finish - begin
                reached = finish
        self.intervals.clear()
        return total


async def round_trip(side: Side, step: Step) -> tuple[float, float]:
    """(wall seconds, cloud seconds) of one action and its reply."""
    clock: CloudClock | None = side.clock
    if clock is not None:
        clock.intervals.clear()
    started = time.perf_counter()
    await first(side, step.act, step.done)
    ended = time.perf_counter()
    cloud = clock.busy(started, ended) if clock is not None else 0.0
    if step.after is not None:
        await step.after()
    # Untimed: let the bot finish what follows its reply, so it does not slow the other side.
    await side.tg.wait_idle(quiet=SETTLE)
    return ended - started, cloud


@dataclass
class Result:
    name: str
    bot: list[float]
    cloud: list[float]
    echo: list[float]


async def measure(
    scenario: Scenario, bot: Side, echo: Side, iterations: int, warmup: int
) -> Result:
    bot_step, echo_step = await scenario.bot(bot), await scenario.echo(echo)
    result = Result(scenario.name, [], [], [])
    for i in range(warmup + iterations):
        started = time.perf_counter()
        if i % 2:  # alternate who goes first
            echo_wall, _ = await round_trip(echo, echo_step)
            wall, cloud = await round_trip(bot, bot_step)
        else:
            wall, cloud = await round_trip(bot, bot_step)
            echo_wall, _ = await round_trip(echo, echo_step)
        if i >= warmup:
            result.bot.append(wall)
            result.cloud.append(cloud)
            result.echo.append(echo_wall)
        await asyncio.sleep(max(0.0, MIN_PERIOD - (time.perf_counter() - started)))
    return result


def pct(values: list[float], q: int) -> float:
    """The q-th percentile in milliseconds."""
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000


def report(results: list[Result], iterations: int) -> None:
    print(f"\nround trips through the fake Telegram, ms ({iterations} iterations each)")
    header = f"{'scenario':24} {'bot p50':>8} {'p99':>7} {'echo p50':>9} {'p99':>7} {'cloud p50':>10} {'bot-echo p50':>13} {'p99':>7} {'own code p50':>13} {'p99':>7}"
    print(header)
    print("-" * len(header))
    for r in results:
        own = [b - c - e for b, c, e in zip(r.bot, r.cloud, r.echo, strict=True)]
        minus_echo = [b - e for b, e in zip(r.bot, r.echo, strict=True)]
        print(
            f"{r.name:24} {pct(r.bot, 50):8.2f} {pct(r.bot, 99):7.2f} {pct(r.echo, 50):9.2f} "
            f"{pct(r.echo, 99):7.2f} {pct(r.cloud, 50):10.2f} {pct(minus_echo, 50):13.2f} "
            f"{pct(minus_echo, 99):7.2f} {pct(own, 50):13.2f} {pct(own, 99):7.2f}"
        )
    print(
        "\nbot-echo and own code are percentiles of per-iteration differences (bot - echo, "
        "bot - cloud - echo);\ncloud = wall time with at least one IotClient request to the "
        "sandbox (same process, loopback) in flight."
    )


async def _link(bot: HomeApplication, sandbox: Sandbox, user: TestUser) -> None:
    services = bot.services
    owner = sandbox.demo.owner
    login = await services.iot.login_email(owner.email, owner.password)
    await services.accounts.link(
        user.id,
        method="password",
        token=login.token,
        expire_at=login.expire_at,
        identity=owner.email,
    )


async def main(iterations: int, warmup: int, freeze: bool) -> None:
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as data_dir:
        async with (
            Sandbox(background=False) as sandbox,
            FakeTelegram() as tg,
            FakeTelegram() as tg_echo,
        ):
            settings = dataclasses.replace(
                Settings(),
                telegram_token=tg.token,
                telegram_api_url=tg.url,
                iot_api_url=sandbox.api_url,
                iot_ws_url=sandbox.ws_url,
                iot_app_key=sandbox.state.app_key,
                iot_app_secret=sandbox.state.app_secret,
                data_dir=Path(data_dir),
                secret_key="bench-secret-key",
            )
            echo_app = echo_application(tg_echo)
            async with polling(build_application(settings)) as app, echo_app:
                assert echo_app.updater is not None
                await echo_app.start()
                await echo_app.updater.start_polling(poll_interval=0.0, timeout=10)
                bot = Side(tg, tg.user(1001, "Ann"), app, CloudClock(app))
                echo = Side(tg_echo, tg_echo.user(1001, "Ann"), echo_app)
                await _link(app, sandbox, bot.user)
                if freeze:  # as `python -m bot run` does once the bot is up (bot/ops/heap.py)
                    HeapKeeper().settle("the bot is up")
                results = []
                for scenario in SCENARIOS:
                    print(f"measuring: {scenario.name}", flush=True)
                    results.append(await measure(scenario, bot, echo, iterations, warmup))
                await echo_app.updater.stop()
                await echo_app.stop()
    report(results, iterations)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument(
        "--no-freeze",
        action="store_true",
        help="skip the heap settling that `python -m bot run` does (for comparison)",
    )
    args = parser.parse_args()
    print(f"start-up heap frozen: {'no' if args.no_freeze else 'yes'}")
    asyncio.run(main(args.iterations, args.warmup, not args.no_freeze))
