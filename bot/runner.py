"""``python -m bot run``: configuration -> Application -> polling or webhook."""

from __future__ import annotations

import logging
import sys

from telegram import Update

from bot import logs
from bot.app import WEBHOOK_PATH, build_application
from bot.config import ConfigError, load

log = logging.getLogger(__name__)

MISSING_TOKEN = (
    "TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather in Telegram (/newbot), then "
    "run again with TELEGRAM_BOT_TOKEN=<the token it gives you>. "
    "To try the bot without Telegram at all, run: python -m bot try"
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
    app = build_application(settings)
    if settings.webhook_mode:
        log.info("starting in webhook mode at %s", settings.webhook_url)
        app.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=WEBHOOK_PATH,
            webhook_url=settings.webhook_url,
            secret_token=settings.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        log.info("starting in polling mode")
        app.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0
