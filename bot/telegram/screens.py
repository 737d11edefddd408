"""What the device handlers share: who is asking, their timezone, and showing a screen."""

from __future__ import annotations

from datetime import tzinfo

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.home.lookup import Home
from bot.telegram.context import HomeContext
from bot.views.devices.card import user_zone

View = tuple[str, InlineKeyboardMarkup]


def user_id_of(update: Update) -> int:
    """The Telegram id of the user the update comes from."""
    user = update.effective_user
    assert user is not None
    return user.id


def home_of(update: Update, context: HomeContext) -> Home:
    """The cloud as the user of this update sees it."""
    return Home(context.services, user_id_of(update))


def zone_of(update: Update, context: HomeContext) -> tzinfo:
    """The user's timezone from their settings."""
    return user_zone(context.services.store.get_settings(user_id_of(update)).timezone)


async def present(
    update: Update, context: HomeContext, view: View, *, edit: bool = True
) -> tuple[int, int]:
    """Edit the pressed message into ``view`` (or send it); returns (chat id, message id)."""
    text, keyboard = view
    query = update.callback_query
    message = query.message if query is not None else None
    if edit and query is not None and isinstance(message, Message):
        try:
            await query.edit_message_text(text, reply_markup=keyboard)
        except BadRequest as err:
            # Pressing a button that would show what is already shown is harmless.
            if "not modified" not in str(err).lower():
                raise
        return message.chat_id, message.message_id
    chat = update.effective_chat
    assert chat is not None
    sent = await context.bot.send_message(chat.id, text, reply_markup=keyboard)
    return sent.chat_id, sent.message_id


async def reply(update: Update, context: HomeContext, text: str) -> None:
    """Send ``text`` (HTML) to the update's chat."""
    chat = update.effective_chat
    assert chat is not None
    await context.bot.send_message(chat.id, text)
