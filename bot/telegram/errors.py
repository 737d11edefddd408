"""The one error handler: known errors become a translated sentence, bugs an apology and a log."""

from __future__ import annotations

import contextlib
import logging

from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.i18n import _
from bot.telegram.context import HomeContext, answer_query
from bot.telegram.error_texts import describe

log = logging.getLogger(__name__)


async def on_error(update: object, context: HomeContext) -> None:
    """Tell the user what went wrong, in their language; log what they can't act on."""
    err = context.error
    if err is None:
        return
    if isinstance(err, BadRequest) and "message is not modified" in str(err):
        return  # the user pressed a button that would show what is already shown
    if isinstance(err, Forbidden):
        log.info("the user blocked the bot or left the chat: %s", err)
        return
    if isinstance(err, (RetryAfter, NetworkError)) and not isinstance(err, BadRequest):
        log.warning("Telegram did not take a reply: %s", err)
        # Stop the button's spinner if Telegram takes that much now; nothing to say otherwise.
        if isinstance(update, Update) and update.callback_query is not None:
            with contextlib.suppress(TelegramError):
                await answer_query(update, context)
        return
    text = describe(err)
    if text is None:
        log.error("unexpected error while handling an update", exc_info=err)
        text = _("Sorry, something went wrong on our side. It has been logged; please try again.")
    else:
        log.info("handled %s: %s", type(err).__name__, getattr(err, "code", ""))
    await _tell(update, context, text)


async def _tell(update: object, context: HomeContext, text: str) -> None:
    if not isinstance(update, Update):
        return
    if update.callback_query is not None and not context.query_answered:
        try:
            await answer_query(update, context, text[:200], alert=True)
            return
        except TelegramError:
            pass  # the query is too old to answer: say it in the chat instead
    chat = update.effective_chat
    if chat is not None:
        with contextlib.suppress(TelegramError):
            await context.bot.send_message(chat.id, text)
