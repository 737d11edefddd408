"""Typing a device's name opens its card (forgiving case and small typos)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.handlers.devices.card import show_card
from bot.home.names import looks_like_a_name, match_devices
from bot.telegram.context import HomeContext
from bot.telegram.routing import Buttons
from bot.telegram.screens import home_of, show, user_id_of
from bot.views.devices.listing import candidates


async def name_typed(update: Update, context: HomeContext) -> None:
    """Typed text no question took: a device's name opens its card, and nothing later sees it."""
    if await open_by_name(update, context):
        raise ApplicationHandlerStop


async def open_by_name(update: Update, context: HomeContext) -> bool:
    """True when the text named a device (its card or a choice was sent)."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or message.text is None or chat is None or user is None:
        return False
    if chat.type != "private" or not looks_like_a_name(message.text):
        return False
    if context.services.store.get_account(user.id) is None:
        return False
    home = home_of(update, context)
    _families, current = await home.families()
    devices = await home.family_devices(current.family_id) if current else []
    devices += await home.shared_devices(with_status=False)
    matches = match_devices(message.text, devices)
    if not matches:
        return False
    if len(matches) == 1:
        await show_card(update, context, matches[0].device.device_id, edit=False)
        return True
    view = candidates(message.text, matches, Buttons(context, user_id_of(update)))
    await show(update, view, edit=False)
    return True
