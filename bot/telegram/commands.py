"""The bot's command menu: the features name theirs (Routes.command); post_init publishes it per language."""

from __future__ import annotations

from collections.abc import Iterable
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


def in_order(menu: Iterable[MenuCommand]) -> list[MenuCommand]:
    """The menu as it is shown: lower orders first."""
    return sorted(menu, key=lambda c: c.order)


def commands_for(menu: Iterable[MenuCommand], language: str) -> list[BotCommand]:
    """The menu in one language."""
    tr = translator(language)
    return [BotCommand(c.name, tr.gettext(c.description)) for c in in_order(menu)]


async def publish(app: Application[Any, Any, Any, Any, Any, Any], menu: list[MenuCommand]) -> None:
    """Set the menu for every language (English is also the default for the rest)."""
    await app.bot.set_my_commands(commands_for(menu, "en"))
    for code in available_languages():
        # Telegram wants a two-letter ISO 639-1 code; zh_Hans -> zh.
        await app.bot.set_my_commands(commands_for(menu, code), language_code=code[:2])
