"""Resident memory per account of live push listeners: N sockets against one sandbox cloud.

    python bench/push_memory.py [N ...]        (default: 1000 5000)

Each N runs in a fresh process (allocators do not give memory back, so runs must not share
one); the sandbox runs in a child process of its own, so only the listeners' side is measured.
The figure is (RSS with N subscribed listeners - RSS of the same process just before starting
them) / N, after a burst of pushes has gone through every socket. Each socket is a file
descriptor on both sides: the soft RLIMIT_NOFILE is raised to the hard limit first (children
inherit it), and N beyond what that allows is refused up front.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEVICES_PER_ACCOUNT = 5
PUSHES_PER_DEVICE = 2
START_WINDOW = 50  # accounts connecting at once
FILES_SPARE = 200  # descriptors besides the sockets: the HTTP pool, pipes, libraries

# The child: a sandbox with N users, each with a family of DEVICES_PER_ACCOUNT lights, and a
# tiny line protocol on stdin: "report" makes every device report PUSHES_PER_DEVICE times.
_SANDBOX = r"""
import asyncio, json, sys
from bot.sandbox.demo import PRODUCTS, add_device, add_family, add_user
from bot.sandbox.server import Sandbox

async def main(n, per):
    async with Sandbox(demo=False, background=False) as sb:
        tokens, devices = [], []
        for i in range(n):
            user = add_user(sb.state, f"bench{i}")
            family = add_family(sb.state, user, "Home", ["Room"])
            for d in range(per):
                devices.append(add_device(sb.state, PRODUCTS["light"], f"l{i}_{d}", "Lamp",
                                          family, "0", values={"brightness": 1}).device_id)
            tokens.append(sb.state.issue_token(user.user_id).token)
        print(json.dumps({"api": sb.api_url, "ws": sb.ws_url, "key": sb.state.app_key,
                          "secret": sb.state.app_secret, "tokens": tokens}), flush=True)
        loop = asyncio.get_running_loop()
        while line := await loop.run_in_executor(None, sys.stdin.readline):
            for round_ in range(int(line.split()[1])):
                for device_id in devices:
                    sb.state.report_properties(device_id, {"brightness": round_ % 100},
                                               sub_type="Report")
                await asyncio.sleep(0)
            print("done", flush=True)

asyncio.run(main(int(sys.argv[1]), int(sys.argv[2])))
"""


def raise_file_limit() -> int:
    """Raise the soft limit on open files to the hard limit; returns the new soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        with contextlib.suppress(ValueError, OSError):  # an unlimited hard limit, say
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def rss_kb() -> int:
    """This process's resident set, in KB (Linux /proc)."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") // 1024


async def measure(n: int) -> dict[str, float]:
    from bot.iot.client import IotClient
    from bot.iot.endpoints import Endpoints
    from bot.iot.push.events import DeviceEvent, Kind
    from bot.iot.push.listener import PushListener, PushSettings, token_provider

    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        _SANDBOX,
        str(n),
        str(DEVICES_PER_ACCOUNT),
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        limit=16 * 1024 * 1024,  # the first line carries every account's token
    )
    assert child.stdout is not None and child.stdin is not None
    info = json.loads(await child.stdout.readline())
    expected = n * DEVICES_PER_ACCOUNT * PUSHES_PER_DEVICE
    connected, received, progress = asyncio.Event(), asyncio.Event(), asyncio.Event()
    counts = {"connected": 0, "pushes": 0}

    def on_event(event: DeviceEvent) -> None:
        if event.kind is Kind.CONNECTED:
            counts["connected"] += 1
            progress.set()
            if counts["connected"] == n:
                connected.set()
        elif event.kind is Kind.PROPERTY:
            counts["pushes"] += 1
            if counts["pushes"] == expected:
                received.set()

    async with IotClient(
        Endpoints.custom(info["api"], info["ws"]), info["key"], info["secret"]
    ) as iot:
        settings = PushSettings()
        listeners = [
            PushListener(iot, token_provider(iot, token), settings=settings, label=f"bench{i}")
            for i, token in enumerate(info["tokens"])
        ]
        for listener in listeners:
            listener.subscribe(on_event)
        gc.collect()
        baseline = rss_kb()
        started = time.perf_counter()
        for index, listener in enumerate(listeners):
            # Like ListenerManager's stagger: a bounded number of accounts starting at once, or
            # the shared HTTP pool's queue makes every start time out.
            while index - counts["connected"] >= START_WINDOW:
                progress.clear()
                await asyncio.wait_for(progress.wait(), timeout=60)
            listener.start()
        await asyncio.wait_for(connected.wait(), timeout=300)
        connect_s = time.perf_counter() - started
        gc.collect()
        subscribed = rss_kb()
        started = time.perf_counter()
        child.stdin.write(f"report {PUSHES_PER_DEVICE}\n".encode())
        await child.stdin.drain()
        await asyncio.wait_for(received.wait(), timeout=300)
        push_s = time.perf_counter() - started
        await child.stdout.readline()
        gc.collect()
        after_pushes = rss_kb()
        started = time.perf_counter()
        await asyncio.gather(*(listener.stop() for listener in listeners))
        stop_s = time.perf_counter() - started
    child.stdin.close()
    await child.wait()
    return {
        "accounts": n,
        "baseline_mb": baseline / 1024,
        "kb_per_account_subscribed": (subscribed - baseline) / n,
        "kb_per_account_after_pushes": (after_pushes - baseline) / n,
        "connect_all_s": connect_s,
        "pushes": expected,
        "pushes_per_s": expected / push_s,
        "stop_all_s": stop_s,
    }


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(asyncio.run(measure(int(sys.argv[2])))))
        return
    counts = [int(a) for a in sys.argv[1:]] or [1000, 5000]
    limit = raise_file_limit()
    too_many = [n for n in counts if n + FILES_SPARE > limit]
    if too_many:
        sys.exit(f"open-file limit {limit} is too low for {too_many} accounts (one socket each)")
    print(
        f"{'accounts':>8} {'baseline MB':>11} {'KB/acct up':>10} {'KB/acct +push':>13} "
        f"{'connect s':>9} {'pushes/s':>9} {'stop s':>6}"
    )
    for n in counts:
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(n)], capture_output=True, text=True, check=True
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"{r['accounts']:>8} {r['baseline_mb']:>11.1f} {r['kb_per_account_subscribed']:>10.1f} "
            f"{r['kb_per_account_after_pushes']:>13.1f} {r['connect_all_s']:>9.2f} "
            f"{r['pushes_per_s']:>9.0f} {r['stop_all_s']:>6.2f}"
        )
    print(f"({DEVICES_PER_ACCOUNT} devices an account, {PUSHES_PER_DEVICE} pushes a device)")


if __name__ == "__main__":
    main()
