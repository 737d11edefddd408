"""Logging as the bot runs it: levels that keep chat contents out, and secrets masked."""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.storage.secrets import install_log_redaction

# At DEBUG these libraries log whole requests and updates: users' messages (a password being
# typed in the sign-in conversation) and the bot token in URLs. They never go below these.
QUIET_LIBRARIES = {
    "telegram": logging.INFO,
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "websockets": logging.INFO,  # frames at DEBUG carry the AccessToken of ActivePush
}


def configure(level: str | int = logging.INFO) -> Callable[[], None]:
    """Set the levels and mask registered secrets on every root handler; returns an undo."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    root.setLevel(level)
    for name, floor in QUIET_LIBRARIES.items():
        logger = logging.getLogger(name)
        logger.setLevel(max(floor, root.level))
    return install_log_redaction()
