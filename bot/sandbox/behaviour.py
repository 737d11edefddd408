"""What the sandbox does on its own: sensors report, and each area's background loop runs."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Coroutine, Iterator
from typing import TYPE_CHECKING, Any

from bot.sandbox.registry import action_modules

if TYPE_CHECKING:
    from bot.sandbox.server import Sandbox

log = logging.getLogger(__name__)
SENSOR_PERIOD = 30.0  # seconds between the simulated climate sensor's reports


def background_tasks(sandbox: Sandbox) -> Iterator[Coroutine[Any, Any, None]]:
    """The coroutines to run while the sandbox is up."""
    yield simulate_sensors(sandbox)
    for module in action_modules():
        loop = getattr(module, "background", None)
        if loop is not None:
            yield loop(sandbox)


def sensor_step(sandbox: Sandbox, rng: random.Random) -> None:
    """One report from every online climate sensor: temperature and humidity drift a little."""
    state = sandbox.state
    for device in list(state.devices.values()):
        if not device.online or "temperature" not in device.properties:
            continue
        temperature = float(device.properties["temperature"].value)
        humidity = int(device.properties.get("humidity", _zero()).value)
        values = {
            "temperature": round(min(40.0, max(5.0, temperature + rng.uniform(-0.3, 0.3))), 1),
            "humidity": min(95, max(10, humidity + rng.choice((-1, 0, 1)))),
        }
        state.report_properties(device.device_id, values, sub_type="Report")


async def simulate_sensors(sandbox: Sandbox, period: float = SENSOR_PERIOD) -> None:
    """Report forever, every ``period`` seconds."""
    rng = random.Random(7)
    while True:
        await asyncio.sleep(period)
        try:
            sensor_step(sandbox, rng)
        except Exception:  # a bug in the simulation must not stop the sandbox
            log.exception("sensor simulation failed")


def _zero() -> Any:
    from bot.sandbox.state import PropertyValue

    return PropertyValue(0, 0)
