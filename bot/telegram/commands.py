"""The bot's command menu: each feature adds its commands; post_init publishes them per language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram import BotCommand
from telegram.ext import Application

from bot.i18n import available_languages, translator


@dataclass(frozen=True)
class MenuCommand:
    name: str
    description: str  # an N_() marked message, translated when published
    order: int


MENU: list[MenuCommand] = []


def add_command(name: str, description: str, order: int) -> None:
    """Put ``/name`` in the menu (``description`` marked with N_); lower ``order`` comes first."""
    if all(c.name != name for c in MENU):
        MENU.append(MenuCommand(name, description, order))


def commands_for(language: str) -> list[BotCommand]:
    """The menu in one language."""
    tr = translator(language)
    return [
        BotCommand(c.name, tr.gettext(c.description)) for c in sorted(MENU, key=lambda c: c.order)
    ]


async def publish(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Set the menu for every language (English is also the default for the rest)."""
    await app.bot.set_my_commands(commands_for("en"))
    for code in available_languages():
        # Telegram wants a two-letter ISO 639-1 code; zh_Hans -> zh.
        await app.bot.set_my_commands(commands_for(code), language_code=code[:2])
