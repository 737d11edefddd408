"""A fake Telegram Bot API server for end-to-end tests and the offline "try the bot" chat."""

from __future__ import annotations

from bot.faketelegram.fake import FakeTelegram
from bot.faketelegram.keyboards import Button
from bot.faketelegram.protocol import ApiError
from bot.faketelegram.ratelimit import RateLimits
from bot.faketelegram.render import button_by_number, render_message
from bot.faketelegram.state import ApiCall, CallbackAnswer, Media, Message, TestChat, TestUser
from bot.faketelegram.updates import Webhook

__all__ = [
    "ApiCall",
    "ApiError",
    "Button",
    "CallbackAnswer",
    "FakeTelegram",
    "Media",
    "Message",
    "RateLimits",
    "TestChat",
    "TestUser",
    "Webhook",
    "button_by_number",
    "render_message",
]
