"""``python -m bot run``: configuration -> Application -> polling or webhook, until a signal."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys

from telegram.error import InvalidToken, NetworkError

from bot.app import build_application, polling, webhook
from bot.config import ConfigError, Settings, load
from bot.ops import logs
from bot.ops.heap import HeapKeeper
from bot.telegram.context import HomeApplication

log = logging.getLogger(__name__)

MISSING_TOKEN = (
    "TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather in Telegram (/newbot), then "
    "run again with TELEGRAM_BOT_TOKEN=<the token it gives you>. "
    "To try the bot without Telegram at all, run: python -m bot try"
)
REFUSED_TOKEN = (
    "Telegram refused TELEGRAM_BOT_TOKEN: check it with @BotFather (/mybots -> API Token)."
)


def run() -> int:
    """Run the bot until interrupted; returns the process exit code."""
    try:
        settings = load()
    except ConfigError as err:
        print(f"Configuration error: {err}", file=sys.stderr)
        return 2
    logs.configure(settings.log_level)
    if not settings.telegram_token:
        print(MISSING_TOKEN, file=sys.stderr)
        return 2
    try:
        asyncio.run(serve(build_application(settings), settle_heap=True))
    except InvalidToken:
        print(REFUSED_TOKEN, file=sys.stderr)
        return 2
    except NetworkError as err:
        # Only reached at start-up (getMe): once running, PTB retries getUpdates by itself.
        print(
            f"Cannot reach the Telegram Bot API at {settings.telegram_api_url} ({err}). "
            "Check the network or TELEGRAM_API_URL.",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:  # a second Ctrl+C, or a platform without signal handlers
        pass
    return 0


async def serve(
    app: HomeApplication, stop: asyncio.Event | None = None, *, settle_heap: bool = False
) -> None:
    """Run ``app`` in the mode its settings choose until ``stop`` is set (or SIGINT/SIGTERM).

    ``settle_heap``: keep the collector's full passes short (:mod:`bot.ops.heap`): the heap is
    settled once the bot is up, again when every push listener has started, then hourly.
    """
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signum, stop.set)
    settings: Settings = app.settings
    mode = webhook if settings.webhook_mode else polling
    keeper = HeapKeeper() if settle_heap else None
    app.heap_keeper = keeper
    try:
        async with mode(app):
            if settings.webhook_mode:
                log.info(
                    "running in webhook mode: %s -> %s:%d%s",
                    settings.webhook_url,
                    settings.webhook_listen,
                    settings.webhook_port,
                    settings.webhook_path,
                )
            else:
                log.info("running in polling mode")
            keeping = None
            if keeper is not None:
                keeper.settle("the bot is up")
                keeping = asyncio.create_task(keeper.run(), name="heap-keeper")
            try:
                await stop.wait()
            finally:
                if keeping is not None:
                    keeping.cancel()
                    await asyncio.wait([keeping])
            log.info("stopping")
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.remove_signal_handler(signum)
