"""The steps of the sign-in conversation: the three ways in, each ending with a linked account."""

from __future__ import annotations

import contextlib
import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ConversationHandler

from bot.home.identity import looks_like_token, masked, parse_identity
from bot.i18n import _
from bot.iot import errors
from bot.telegram.context import HomeContext, answer_query
from bot.telegram.error_texts import describe
from bot.telegram.screens import show, user_id_of
from bot.views import account as views

log = logging.getLogger(__name__)

IDENTITY, PASSWORD, TOKEN = 2, 3, 4  # conversation states, shared with bot.handlers.account
IDENTITY_KEY = "login_identity"


async def with_telegram(update: Update, context: HomeContext) -> int:
    """Sign in with the id derived from the Telegram user (registers on first use)."""
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    await answer_query(update, context, _("Signing in…"))
    try:
        account = await context.services.accounts.sign_in_with_telegram(
            user.id, user.full_name, default_family=_("My Home")
        )
    except errors.IotError as err:
        await show(update, (describe(err) or _("Sign-in failed."), None))
        return ConversationHandler.END
    await show(update, (views.linked(account), None))
    return ConversationHandler.END


async def choose_password(update: Update, context: HomeContext) -> int:
    query = update.callback_query
    assert query is not None
    await answer_query(update, context)
    await show(update, (views.ask_identity(context.services.settings.default_country_code), None))
    return IDENTITY


async def choose_token(update: Update, context: HomeContext) -> int:
    query = update.callback_query
    assert query is not None
    await answer_query(update, context)
    await show(update, (views.ask_token(), None))
    return TOKEN


async def got_identity(update: Update, context: HomeContext) -> int:
    message = update.effective_message
    assert message is not None and message.text is not None and context.user_data is not None
    identity = parse_identity(message.text, context.services.settings.default_country_code)
    if identity is None:
        await message.reply_text(
            _(
                "That doesn't look like a phone number or an email address. "
                "Try again, e.g. +86 13800000000 or name@example.com, or /cancel."
            )
        )
        return IDENTITY
    context.user_data[IDENTITY_KEY] = list(identity)
    await message.reply_text(views.ask_password(masked(identity)))
    return PASSWORD


async def got_password(update: Update, context: HomeContext) -> int:
    """Read the password, delete its message at once, and sign in."""
    message = update.effective_message
    assert message is not None and message.text is not None
    password = message.text
    await _delete(message)
    stored = (context.user_data or {}).get(IDENTITY_KEY)
    if not stored:
        await message.reply_text(views.ask_identity(context.services.settings.default_country_code))
        return IDENTITY
    kind, first, second = stored
    iot = context.services.iot
    try:
        if kind == "email":
            login_token = await iot.login_email(first, password)
        else:
            login_token = await iot.login_phone(first, second, password)
    except errors.ApiError as err:
        if err.code == "InvalidParameterValue.ErrorUserNotExists":
            await message.reply_text(describe(err) or "")
            await message.reply_text(
                views.ask_identity(context.services.settings.default_country_code)
            )
            return IDENTITY
        if isinstance(err, errors.InvalidParameter):
            await message.reply_text(_("The password is not correct. Send it again, or /cancel."))
            return PASSWORD
        raise
    return await _finish(
        update,
        context,
        "password",
        login_token.token,
        login_token.expire_at,
        masked((kind, first, second)),
    )


async def got_token(update: Update, context: HomeContext) -> int:
    """Check a pasted AccessToken with a cheap call before saving it."""
    message = update.effective_message
    assert message is not None and message.text is not None
    token = message.text.strip()
    await _delete(message)
    if not looks_like_token(token):
        await message.reply_text(
            _("That doesn't look like an AccessToken. Paste it again, or /cancel.")
        )
        return TOKEN
    try:
        return await _finish(update, context, "token", token, None, "")
    except errors.InvalidToken:
        await message.reply_text(
            _(
                "IoT Explorer doesn't accept that token (it may have expired). Paste another, or /cancel."
            )
        )
        return TOKEN


async def _finish(
    update: Update,
    context: HomeContext,
    method: str,
    token: str,
    expire_at: int | None,
    identity: str,
) -> int:
    message, user_id = update.effective_message, user_id_of(update)
    assert message is not None
    accounts = context.services.accounts
    previous = context.services.store.get_account(user_id)
    account = await accounts.link(
        user_id,
        method=method,
        token=token,
        expire_at=expire_at,
        identity=identity,
        default_family=_("My Home"),
    )
    if previous is not None and previous.token != token:
        with contextlib.suppress(errors.IotError):
            await context.services.iot.logout(previous.token)
    (context.user_data or {}).pop(IDENTITY_KEY, None)
    await message.reply_text(views.linked(account))
    return ConversationHandler.END


async def _delete(message: object) -> None:
    """Delete a message holding a secret; a failure must not stop the sign-in."""
    try:
        await message.delete()  # type: ignore[attr-defined]
    except TelegramError as err:
        log.warning("could not delete a message holding a secret: %s", err)
