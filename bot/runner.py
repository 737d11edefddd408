"""``python -m bot run``: configuration -> Application -> polling or webhook, until a signal."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import sys

from telegram.error import InvalidToken, NetworkError

from bot import logs
from bot.app import build_application, polling, webhook
from bot.config import ConfigError, Settings, load
from bot.context import HomeApplication

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


def freeze_startup_heap() -> None:
    """Keep what start-up built out of the garbage collector's full passes.

    Modules, handlers, catalogs and the Application itself live as long as the process, yet every
    full collection walks them: with python-telegram-bot, httpx, aiohttp and matplotlib imported
    that walk is the bot's longest pause (tens of ms), landing on whichever update is in hand.
    Collected once and then frozen, they are no longer walked; what the bot allocates afterwards
    is collected as usual. Done once, by the process that owns the heap (``run``), not by tests
    that build many applications in one process.
    """
    gc.collect()
    gc.freeze()


async def serve(
    app: HomeApplication, stop: asyncio.Event | None = None, *, settle_heap: bool = False
) -> None:
    """Run ``app`` in the mode its settings choose until ``stop`` is set (or SIGINT/SIGTERM).

    ``settle_heap``: once the bot is up, freeze what start-up built (:func:`freeze_startup_heap`).
    """
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signum, stop.set)
    settings: Settings = app.settings
    mode = webhook if settings.webhook_mode else polling
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
            if settle_heap:
                freeze_startup_heap()
            await stop.wait()
            log.info("stopping")
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.remove_signal_handler(signum)
