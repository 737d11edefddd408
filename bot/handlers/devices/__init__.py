"""Devices: /devices, the device card and its controls, and opening a card by typing a name."""

from __future__ import annotations

from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.handlers import general
from bot.handlers.devices import actions as device_actions
from bot.handlers.devices import controls as device_controls
from bot.handlers.devices.card import forget_pressed_card, show_card
from bot.handlers.devices.listing import devices_command
from bot.handlers.devices.search import open_by_name
from bot.i18n import N_
from bot.telegram import commands
from bot.telegram.context import HomeApplication

__all__ = ["register", "show_card"]

# Imported for their button and text routes, which register on import.
ROUTE_MODULES = (device_actions, device_controls)

# Before every other handler (the guard is -2): a pressed card stops following its device.
CARD_TRACKING_GROUP = -3


def register(app: HomeApplication) -> None:
    """Add /devices, the card tracking and the device-name fallback."""
    app.add_handler(CallbackQueryHandler(forget_pressed_card), group=CARD_TRACKING_GROUP)
    app.add_handler(CommandHandler("devices", devices_command))
    if open_by_name not in general.TEXT_FALLBACKS:
        general.TEXT_FALLBACKS.append(open_by_name)
    commands.add_command("devices", N_("Your devices and their controls"), 10)
