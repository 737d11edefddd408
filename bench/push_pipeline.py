"""Push pipeline under load: device alerts from the cloud to Telegram messages, through the bot.

    python bench/push_pipeline.py [--accounts 1000] [--rate 500] [--seconds 30] [--devices 10]
                                  [--warm-rate 50]

A child process runs the sandbox cloud (N users, each a family of climate sensors made through
its control API) and the fake Telegram server without rate limits; this process runs only the
bot, so its CPU time is the bot's own. The accounts are linked by writing them to the bot's
store (tokens issued by the sandbox), not through the sign-in dialogue. The bot runs as it
does in production (build_application, polling, start_push: a push socket per account, the
Notifier, the SQLite outbox, the DeliveryQueue), except that its own global pacing (Telegram's
~30 messages/s) is lifted along with the fake's limits: this measures the pipeline, not the
flood limit (bench/alert_storm.py does that). Per-chat pacing (1/s, burst 2) stays; the alerts
go round-robin over the accounts, so no chat gets more than one per N/R seconds.

Every alert is a low_voltage event carrying a unique marker in a param ("mark: p0000042"). The
child notes time.perf_counter() as it emits each one (SandboxState.post_event), and hooks the
fake's call log to note when a sendMessage carrying the marker was recorded (the fake answers
right after). perf_counter is CLOCK_MONOTONIC, one clock for both processes. A first round, one
alert per account at --warm-rate, meets the bot's device-name cache cold (each user's first
alert costs a few cloud reads); it is reported on its own line, and the storm runs warm.

Baseline, same run, same child, same storm: bare websockets clients in this process (one per
account, ActivePush on its devices) that only parse the frames (JSON, Base64, JSON) and note when
the marker arrived. Printed: alerts delivered, latency p50/p95/p99, and CPU of this process from
the first emit to the last delivery, in cores and in ms per alert, bot against bare clients.
The child's automatic full garbage collections are off during storms (its record of every
message only grows; a collection of it stalls the fake for 100-300 ms, which is no part of the
bot's latency); it collects before each storm. A script that prints numbers, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import dataclasses
import gc
import json
import logging
import os
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MARK = re.compile(r"mark: ([a-z])(\d{7})")
CONNECT_WINDOW = 50  # bare clients opening their socket at once
DRAIN = 60.0  # seconds to wait for the last deliveries after a storm
LINE_LIMIT = 64 * 1024 * 1024  # the child's first line lists every account and device


# -- the child: sandbox cloud + fake Telegram ------------------------------------------------


class TimedCalls(list[Any]):
    """The fake Telegram's call log, noting when each alert marker was first recorded."""

    def __init__(self) -> None:
        super().__init__()
        self.received: dict[str, float] = {}
        self.counts: Counter[str] = Counter()  # markers received, by prefix

    def append(self, call: Any) -> None:
        super().append(call)
        if call.ok and call.method == "sendMessage":
            now = time.perf_counter()
            for prefix, number in MARK.findall(str(call.params.get("text", ""))):
                if f"{prefix}{number}" not in self.received:
                    self.received[f"{prefix}{number}"] = now
                    self.counts[prefix] += 1


async def cloud(accounts: int, devices: int) -> None:
    """The child: build the world, then obey one JSON command a line on stdin."""
    from bot.faketelegram import FakeTelegram
    from bot.sandbox.demo import PRODUCTS
    from bot.sandbox.server import Sandbox

    logging.basicConfig(level=logging.WARNING)
    calls = TimedCalls()
    async with Sandbox(demo=False, background=False) as sb, FakeTelegram() as tg:
        tg._world.calls = calls  # the timestamp hook; the fake itself is unchanged
        control, sensor = sb.control, PRODUCTS["sensor"].product_id
        people, plan = [], []
        for i in range(accounts):
            tg_id = 100_000 + i
            tg.user(tg_id, f"User{i}").started = True  # the user wrote to the bot once
            user_id = control.create_user(f"bench{i}")
            family_id = control.create_family(user_id, "Home", ["Room"])
            ids = [
                control.create_device(family_id, sensor, f"s{i}_{d}", f"Sensor {d}")
                for d in range(devices)
            ]
            token = sb.state.issue_token(user_id)
            people.append(
                {
                    "tg_id": tg_id,
                    "user_id": user_id,
                    "token": token.token,
                    "expire_at": token.expire_at,
                    "family_id": family_id,
                    "devices": ids,
                }
            )
            plan.append(ids)
        info = {
            "api": sb.api_url,
            "ws": sb.ws_url,
            "key": sb.state.app_key,
            "secret": sb.state.app_secret,
            "tg_url": tg.url,
            "tg_token": tg.token,
            "accounts": people,
        }
        print(json.dumps(info), flush=True)
        gc.set_threshold(700, 10, 2**30)  # young garbage only; full collections before storms
        loop = asyncio.get_running_loop()
        while line := await loop.run_in_executor(None, sys.stdin.readline):
            cmd = json.loads(line)
            if cmd["cmd"] == "storm":
                reply = await storm(sb, plan, cmd["prefix"], cmd["rate"], cmd["count"])
            else:  # "collect"
                reply = await collect(tg, calls, cmd["prefix"], cmd["count"], cmd["within"])
            print(json.dumps(reply), flush=True)


async def storm(sb: Any, plan: list[list[str]], prefix: str, rate: float, count: int) -> Any:
    """Emit ``count`` alerts at ``rate`` a second, round-robin over the accounts."""
    emitted: dict[str, float] = {}
    gc.collect()
    cpu, start = time.process_time(), time.perf_counter()
    for index in range(count):
        delay = start + index / rate - time.perf_counter()
        if delay > 0.0005:
            await asyncio.sleep(delay)
        devices = plan[index % len(plan)]
        device_id = devices[(index // len(plan)) % len(devices)]
        mark = f"{prefix}{index:07d}"
        emitted[mark] = time.perf_counter()
        sb.state.post_event(device_id, "low_voltage", {"voltage": 2.1, "mark": mark})
    return {"emitted": emitted, "cpu": time.process_time() - cpu}


async def collect(tg: Any, calls: TimedCalls, prefix: str, count: int, within: float) -> Any:
    """Wait until ``count`` markers of ``prefix`` reached the fake Telegram, or ``within`` s."""
    cpu = time.process_time()
    with contextlib.suppress(AssertionError):  # not all came: the report says how many did
        await tg.wait_for(lambda: calls.counts[prefix] >= count, within)
    got = {mark: at for mark, at in calls.received.items() if mark[0] == prefix}
    return {"received": got, "cpu": time.process_time() - cpu}


# -- this process: the bot, or the bare clients -----------------------------------------------


class Child:
    """The cloud process and its line protocol."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc

    @classmethod
    async def start(cls, accounts: int, devices: int) -> tuple[Child, dict[str, Any]]:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            __file__,
            "--cloud",
            str(accounts),
            str(devices),
            cwd=ROOT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=LINE_LIMIT,
        )
        child = cls(proc)
        return child, await child.read()

    async def read(self) -> Any:
        assert self.proc.stdout is not None
        line = await self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the cloud process ended")
        return json.loads(line)

    async def ask(self, **cmd: Any) -> Any:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(cmd).encode() + b"\n")
        await self.proc.stdin.drain()
        return await self.read()

    async def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        await self.proc.wait()


class Arrivals:
    """Markers the bare clients parsed, and a way to wait for a number of them."""

    def __init__(self) -> None:
        self.received: dict[str, float] = {}
        self.wanted = 0
        self.enough = asyncio.Event()

    def note(self, mark: str) -> None:
        self.received[mark] = time.perf_counter()
        if len(self.received) >= self.wanted:
            self.enough.set()


@dataclasses.dataclass
class Run:
    """One side's storm: when each marker was emitted and arrived, and the CPU it cost."""

    emitted: dict[str, float]
    received: dict[str, float]
    cpu: float  # seconds of this process, first emit to last delivery
    wall: float
    child_cpu: float

    def latencies(self) -> list[float]:
        return [self.received[m] - t for m, t in self.emitted.items() if m in self.received]


async def timed_storm(
    child: Child, prefix: str, rate: float, count: int, local: Arrivals | None = None
) -> Run:
    """One storm; ``local``: the bare clients' arrivals, else the fake Telegram's."""
    if local is not None:
        local.wanted = count
    cpu, wall = time.process_time(), time.perf_counter()
    sent = await child.ask(cmd="storm", prefix=prefix, rate=rate, count=count)
    if local is None:
        got = await child.ask(cmd="collect", prefix=prefix, count=count, within=DRAIN)
        received, child_cpu = got["received"], sent["cpu"] + got["cpu"]
    else:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(DRAIN):
                await local.enough.wait()
        received, child_cpu = dict(local.received), sent["cpu"]
    cpu = time.process_time() - cpu
    last = max(received.values(), default=time.perf_counter())
    return Run(sent["emitted"], received, cpu, max(last - wall, 1e-9), child_cpu)


async def bare_clients(info: dict[str, Any], child: Child, rate: float, count: int) -> Run:
    """The baseline: one websocket per account that only parses the frames."""
    from websockets.asyncio.client import connect

    arrivals = Arrivals()
    window = asyncio.Semaphore(CONNECT_WINDOW)
    ready, all_ready = [0], asyncio.Event()

    async def client(account: dict[str, Any]) -> None:
        await window.acquire()
        async with connect(
            info["ws"], ping_interval=None, compression=None, max_size=256 * 1024, max_queue=8
        ) as ws:
            params = {"DeviceIds": account["devices"], "AccessToken": account["token"]}
            await ws.send(json.dumps({"action": "ActivePush", "reqId": "1", "params": params}))
            async for text in ws:
                message = json.loads(text)
                if not message.get("push"):  # the ActivePush answer
                    window.release()
                    ready[0] += 1
                    if ready[0] == len(info["accounts"]):
                        all_ready.set()
                    continue
                payload = json.loads(base64.b64decode(message["params"]["Payload"]))
                mark = payload.get("params", {}).get("mark")
                if mark:
                    arrivals.note(mark)

    tasks = [asyncio.create_task(client(a)) for a in info["accounts"]]
    await all_ready.wait()
    run = await timed_storm(child, "b", rate, count, arrivals)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return run


@dataclasses.dataclass
class Startup:
    """The bot before the storm: how long the sockets took, and resident memory."""

    connect_s: float  # until every account's socket was up
    baseline_mb: float  # RSS before the listeners started (accounts stored)
    kb_sockets: float  # RSS per account over the baseline, every socket up
    kb_cached: float  # ... and every account's devices cached after its first alert


def rss_kb() -> int:
    """This process's resident set, in KB (Linux /proc)."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") // 1024


async def the_bot(
    info: dict[str, Any], child: Child, rate: float, count: int, warm_rate: float, heap: bool
) -> tuple[Run, Run, Startup]:
    """The real bot: the storm, the cold first round, and its start-up figures."""
    from bot.app import build_application, polling
    from bot.config import Settings
    from bot.notify.queue import Pacing
    from bot.notify.wiring import start_push
    from bot.ops.heap import HeapKeeper
    from bot.storage.store import Account

    accounts = info["accounts"]
    with tempfile.TemporaryDirectory() as data_dir:
        settings = dataclasses.replace(
            Settings(),
            telegram_token=info["tg_token"],
            telegram_api_url=info["tg_url"],
            iot_api_url=info["api"],
            iot_ws_url=info["ws"],
            iot_app_key=info["key"],
            iot_app_secret=info["secret"],
            data_dir=Path(data_dir),
            secret_key="bench-secret-key",
            push=False,  # started below, with the global pacing lifted
        )
        async with polling(build_application(settings)) as app:
            store = app.services.store
            for a in accounts:
                store.save_account(
                    Account(
                        telegram_user_id=a["tg_id"],
                        region="cn",
                        login_method="token",
                        token=a["token"],
                        expire_at=a["expire_at"],
                        iot_user_id=a["user_id"],
                        nickname=f"bench {a['tg_id']}",
                        family_id=a["family_id"],
                    )
                )
            gc.collect()
            rss = [rss_kb()]  # before the listeners start, with the accounts stored
            if heap:  # as `python -m bot run` does (bot/ops/heap.py): settled once up, again when
                app.heap_keeper = HeapKeeper()  # every listener has started
                app.heap_keeper.settle("the bot is up")
            started = time.perf_counter()
            await start_push(app, pacing=Pacing(global_per_second=1e6, global_burst=1e6))
            assert app.services.push is not None
            listeners = app.services.push.manager.listeners
            while sum(1 for lst in listeners.values() if lst.connected) < len(accounts):  # noqa: ASYNC110 (no event to wait on)
                await asyncio.sleep(0.2)
            connect_s = time.perf_counter() - started
            gc.collect()
            rss.append(rss_kb())  # every socket up
            cold = await timed_storm(child, "w", warm_rate, len(accounts))
            gc.collect()
            rss.append(rss_kb())  # every account's devices and templates cached
            warm = await timed_storm(child, "p", rate, count)
    per_account = [(kb - rss[0]) / len(accounts) for kb in rss[1:]]
    return warm, cold, Startup(connect_s, rss[0] / 1024, per_account[0], per_account[1])


def pct(values: list[float], q: int) -> float:
    """The q-th percentile in milliseconds (nan when empty)."""
    if len(values) < 2:
        return values[0] * 1000 if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000


def report(bare: Run, bot: Run) -> None:
    sides = {"bare client": bare, "bot": bot}
    print(f"{'':30}" + "".join(f"{name:>14}" for name in sides))
    rows: list[tuple[str, Callable[[Run], str]]] = [
        ("delivered", lambda r: f"{len(r.received)}/{len(r.emitted)}"),
        ("latency p50 (ms)", lambda r: f"{pct(r.latencies(), 50):.1f}"),
        ("latency p95 (ms)", lambda r: f"{pct(r.latencies(), 95):.1f}"),
        ("latency p99 (ms)", lambda r: f"{pct(r.latencies(), 99):.1f}"),
        ("latency max (ms)", lambda r: f"{max(r.latencies(), default=0) * 1000:.1f}"),
        ("CPU, cores (this process)", lambda r: f"{r.cpu / r.wall:.2f}"),
        ("CPU ms per alert", lambda r: f"{r.cpu * 1000 / max(len(r.received), 1):.3f}"),
        ("cloud+fake CPU, cores", lambda r: f"{r.child_cpu / r.wall:.2f}"),
        ("first emit to last arrival (s)", lambda r: f"{r.wall:.1f}"),
    ]
    for name, cell in rows:
        print(f"{name:30}" + "".join(f"{cell(r):>14}" for r in sides.values()))
    bot_lat, bare_lat = bot.latencies(), bare.latencies()
    if bot_lat and bare_lat:
        per_alert = [r.cpu / max(len(r.received), 1) for r in (bot, bare)]
        print(
            f"\nbot / bare client: latency p50 {pct(bot_lat, 50) / pct(bare_lat, 50):.1f}x, "
            f"p99 {pct(bot_lat, 99) / pct(bare_lat, 99):.1f}x; CPU per alert "
            f"{per_alert[0] / per_alert[1]:.1f}x"
        )
    print(
        "latency: emitted by the sandbox -> sendMessage recorded by the fake Telegram (bot), "
        "or -> frame parsed (bare client)"
    )


async def main(
    accounts: int, devices: int, rate: float, seconds: float, warm: float, heap: bool
) -> None:
    logging.basicConfig(level=logging.WARNING)
    count = int(rate * seconds)
    print(
        f"push pipeline: {accounts} accounts x {devices} devices, {rate:g} alerts/s for "
        f"{seconds:g} s ({count} alerts); no global rate limit at the fake Telegram or the bot; "
        f"heap keeper {'on' if heap else 'off'}",
        flush=True,
    )
    started = time.perf_counter()
    child, info = await Child.start(accounts, devices)
    print(f"cloud ready in {time.perf_counter() - started:.1f} s; bot...", flush=True)
    try:
        # The bot first, so that its memory figures come from a process nothing ran in before.
        bot, cold, startup = await the_bot(info, child, rate, count, warm, heap)
        print("baseline...", flush=True)
        bare = await bare_clients(info, child, rate, count)
    finally:
        await child.close()
    print(
        f"bot: every account's socket up in {startup.connect_s:.1f} s; resident memory per "
        f"account over the {startup.baseline_mb:.0f} MB before the listeners started: "
        f"{startup.kb_sockets:.1f} KB (sockets up), {startup.kb_cached:.1f} KB (devices cached)\n"
        f"first alert of each account (cold device cache, {warm:g}/s): "
        f"{len(cold.received)}/{len(cold.emitted)} delivered, "
        f"p50 {pct(cold.latencies(), 50):.1f} ms, p99 {pct(cold.latencies(), 99):.1f} ms\n"
    )
    report(bare, bot)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--cloud":
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(cloud(int(sys.argv[2]), int(sys.argv[3])))
        sys.exit(0)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--devices", type=int, default=10, help="devices an account")
    parser.add_argument("--rate", type=float, default=500.0, help="alerts a second")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument(
        "--warm-rate", type=float, default=50.0, help="alerts a second in the cold first round"
    )
    parser.add_argument(
        "--no-heap-keeper",
        action="store_true",
        help="run without the heap settling that `python -m bot run` does (for comparison)",
    )
    args = parser.parse_args()
    asyncio.run(
        main(
            args.accounts,
            args.devices,
            args.rate,
            args.seconds,
            args.warm_rate,
            not args.no_heap_keeper,
        )
    )
