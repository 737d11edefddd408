"""What every screen shares: who is asking, their home, and showing a screen (edited in place)."""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.home.lookup import Home
from bot.telegram.context import HomeContext

View = tuple[str, InlineKeyboardMarkup | None]  # (HTML text, its buttons)


def user_id_of(update: Update) -> int:
    """The Telegram id of the user the update comes from."""
    user = update.effective_user
    assert user is not None
    return user.id


def pressed(update: Update) -> tuple[int, CallbackQuery]:
    """Who pressed the button, and the press (for handlers of button routes)."""
    query = update.callback_query
    assert query is not None
    return user_id_of(update), query


def home_of(update: Update, context: HomeContext) -> Home:
    """The home of the user this update comes from."""
    return home_for(context, user_id_of(update))


def home_for(context: HomeContext, user_id: int) -> Home:
    """The home of ``user_id`` as the bot reads it (their token, the shared caches)."""
    return Home(context.services, user_id)


async def show(update: Update, view: View, *, edit: bool = True) -> tuple[int, int]:
    """Show ``view``: the pressed button's message edited into it, else a new message.

    A press that would show what is already shown ("message is not modified") is harmless. A
    typed message is answered (quoting it in groups); with ``edit=False`` a press gets a new
    message below. Returns (chat id, message id) of the message that shows it.
    """
    text, keyboard = view
    query = update.callback_query
    pressed = query.message if query is not None else None
    if edit and query is not None and isinstance(pressed, Message):
        try:
            await query.edit_message_text(text, reply_markup=keyboard)
        except BadRequest as err:
            if "not modified" not in str(err).lower():
                raise
        return pressed.chat_id, pressed.message_id
    typed = update.message
    if typed is not None:
        sent = await typed.reply_text(text, reply_markup=keyboard)
    else:
        chat = update.effective_chat
        assert chat is not None
        sent = await update.get_bot().send_message(chat.id, text, reply_markup=keyboard)
    return sent.chat_id, sent.message_id


async def reply(update: Update, context: HomeContext, text: str) -> None:
    """Send ``text`` (HTML) to the update's chat."""
    chat = update.effective_chat
    assert chat is not None
    await context.bot.send_message(chat.id, text)
