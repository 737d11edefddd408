"""End-to-end fixtures: the bot on loopback, and a log capture checked for secrets."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.ops import logs
from bot.sandbox.server import Sandbox
from tests.e2e.harness import BotHarness, running_bot


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture(autouse=True)
def no_secrets_in_logs(request: pytest.FixtureRequest) -> Iterator[None]:
    """Capture every log line of the test (DEBUG and up) and fail if a secret is in one."""
    handler = _Collect()
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    previous = {name: logging.getLogger(name).level for name in ("", *logs.QUIET_LIBRARIES)}
    root.addHandler(handler)
    uninstall = logs.configure(logging.DEBUG)  # the bot's own setup, at its most verbose
    try:
        yield
    finally:
        uninstall()
        root.removeHandler(handler)
        for name, level in previous.items():
            logging.getLogger(name).setLevel(level)
    sandbox: Sandbox | None = request.node.funcargs.get("sandbox")  # type: ignore[attr-defined]
    secrets = ["demo-pass-1234", "wrong-password-123"]
    if sandbox is not None:
        secrets += [sandbox.state.app_secret, *sandbox.state.tokens]
    text = "\n".join(handler.lines)
    leaked = [s[:6] + "…" for s in secrets if s and s in text]
    assert not leaked, f"secrets found in the log: {leaked}"


@pytest.fixture
async def bot(sandbox: Sandbox, tmp_path: Path) -> AsyncIterator[BotHarness]:
    async with running_bot(sandbox, tmp_path) as harness:
        yield harness
