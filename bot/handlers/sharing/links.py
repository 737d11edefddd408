"""Share and invitation links in chat, for the sharing, family and inbox handlers alike: their
t.me URL, asking an unlinked user to link first (keeping the link), and showing why the cloud
refused a link or a button. The links themselves are kept by bot/storage/share_links.py.
"""

from __future__ import annotations

from telegram import Message, Update

from bot.storage.share_links import ShareLinks
from bot.telegram.context import HomeContext, answer_query
from bot.telegram.error_texts import describe
from bot.telegram.screens import show
from bot.views.sharing import link_first


def links(context: HomeContext) -> ShareLinks:
    """The bot's share and invitation links (bot/storage/share_links.py)."""
    return context.services.share_links


def link_url(context: HomeContext, payload: str) -> str:
    """The t.me deep link that sends ``/start <payload>`` to this bot."""
    return f"https://t.me/{context.services.bot_username}?start={payload}"


async def linked_or_say(context: HomeContext, user_id: int, message: Message, payload: str) -> bool:
    """True when the user has an account; else ask them to link one, keeping the link to reopen."""
    if context.services.store.get_account(user_id) is not None:
        return True
    text, keyboard = link_first(link_url(context, payload))
    await message.reply_text(text, reply_markup=keyboard)
    return False


async def explain(update: Update, context: HomeContext, err: Exception) -> None:
    """Say why a link or invitation could not be used, in place of its menu.

    Errors that aren't known (describe() returns None) are re-raised for the error handler.
    """
    text = describe(err)
    if text is None:
        raise err
    if update.callback_query is not None:
        await answer_query(update, context)
        await show(update, (text, None))
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text)
