"""What every screen shares: who is asking, their home, and showing a screen (edited in place)."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.home.lookup import Home
from bot.telegram.context import HomeContext

View = tuple[str, InlineKeyboardMarkup]


def user_id_of(update: Update) -> int:
    """The Telegram id of the user the update comes from."""
    user = update.effective_user
    assert user is not None
    return user.id


def home_of(update: Update, context: HomeContext) -> Home:
    """The cloud as the user of this update sees it."""
    return Home(context.services, user_id_of(update))


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
