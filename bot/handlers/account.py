"""Linking a Telegram user to IoT Explorer: /start, /login (three ways in), /logout, /me."""

from __future__ import annotations

import contextlib
import logging
import re
import warnings

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot import commands
from bot.accounts import NotLinked
from bot.context import HomeApplication, HomeContext, answer_query
from bot.errors_text import describe
from bot.i18n import N_, _
from bot.iot import errors
from bot.routing import Buttons, cancel_text, deep_link, route_is
from bot.views import account as views

log = logging.getLogger(__name__)

CHOOSING, IDENTITY, PASSWORD, TOKEN, SWITCH = range(5)
TIMEOUT_SECONDS = 5 * 60
IDENTITY_KEY = "login_identity"
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}")
_TOKEN = re.compile(r"[A-Za-z0-9_\-.=+/]{8,512}")


def parse_identity(text: str, default_country_code: str) -> tuple[str, str, str] | None:
    """("email", address, "") or ("phone", country code, number) from what the user typed."""
    value = text.strip()
    if "@" in value:
        return ("email", value.lower(), "") if _EMAIL.fullmatch(value) else None
    digits = re.sub(r"[\s\-()]", "", value)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if digits.startswith("+"):
        match = re.fullmatch(r"\+(86|852|853|886|1|[2-9]\d{0,2})(\d{5,14})", digits)
        if match is None:
            return None
        return "phone", match.group(1), match.group(2)
    if re.fullmatch(r"\d{5,15}", digits):
        return "phone", default_country_code, digits
    return None


def masked(identity: tuple[str, str, str]) -> str:
    """What /me shows of the identity: enough to recognise it, not to copy it."""
    kind, first, second = identity
    if kind == "email":
        name, _, domain = first.partition("@")
        return f"{name[:2]}***@{domain}"
    return f"+{first} {second[:3]}****{second[-2:]}"


async def start(update: Update, context: HomeContext) -> int:
    """/start: a deep link goes to its feature; otherwise greet and offer to sign in."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    if context.args:
        target = deep_link(context.args[0])
        if target is not None:
            handler, rest = target
            await handler(update, context, rest)
            return ConversationHandler.END
    account = context.services.store.get_account(user.id)
    if account is not None:
        await message.reply_text(views.linked(account))
        return ConversationHandler.END
    text, keyboard = views.welcome(user.first_name, Buttons(context, user.id))
    await message.reply_text(text, reply_markup=keyboard)
    return CHOOSING


async def login(update: Update, context: HomeContext) -> int:
    """/login: ask before replacing a linked account; else offer the three ways in."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    cancel_text(context)
    buttons = Buttons(context, user.id)
    account = context.services.store.get_account(user.id)
    if account is not None:
        text, keyboard = views.confirm_switch(account, buttons)
        await message.reply_text(text, reply_markup=keyboard)
        return SWITCH
    await message.reply_text(views.choose_method(), reply_markup=views.login_methods(buttons))
    return CHOOSING


async def switch(update: Update, context: HomeContext) -> int:
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    await answer_query(update, context)
    await query.edit_message_text(
        views.choose_method(), reply_markup=views.login_methods(Buttons(context, user.id))
    )
    return CHOOSING


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
        await query.edit_message_text(describe(err) or _("Sign-in failed."))
        return ConversationHandler.END
    await query.edit_message_text(views.linked(account))
    return ConversationHandler.END


async def choose_password(update: Update, context: HomeContext) -> int:
    query = update.callback_query
    assert query is not None
    await answer_query(update, context)
    await query.edit_message_text(
        views.ask_identity(context.services.settings.default_country_code)
    )
    return IDENTITY


async def choose_token(update: Update, context: HomeContext) -> int:
    query = update.callback_query
    assert query is not None
    await answer_query(update, context)
    await query.edit_message_text(views.ask_token())
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
    message, user = update.effective_message, update.effective_user
    assert message is not None and message.text is not None and user is not None
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
    if not _TOKEN.fullmatch(token):
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
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    accounts = context.services.accounts
    previous = context.services.store.get_account(user.id)
    account = await accounts.link(
        user.id,
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


async def cancel(update: Update, context: HomeContext) -> int:
    """/cancel or the Cancel button: stop wherever the conversation is."""
    (context.user_data or {}).pop(IDENTITY_KEY, None)
    cancel_text(context)
    text = _("Cancelled. Send /login whenever you're ready.")
    if update.callback_query is not None:
        await answer_query(update, context)
        await update.callback_query.edit_message_text(text)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text)
    return ConversationHandler.END


async def timed_out(update: Update, context: HomeContext) -> None:
    (context.user_data or {}).pop(IDENTITY_KEY, None)
    chat = update.effective_chat if isinstance(update, Update) else None
    if chat is not None:
        await context.bot.send_message(
            chat.id, _("I stopped waiting for your sign-in. Send /login to start again.")
        )


async def logout(update: Update, context: HomeContext) -> None:
    """/logout: sign out at the cloud and erase the token."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    if await context.services.accounts.unlink(user.id):
        await message.reply_text(
            _("Signed out. I've erased your token; /login links an account again.")
        )
    else:
        await message.reply_text(_("You're not signed in. Send /login to link an account."))


async def me(update: Update, context: HomeContext) -> None:
    """/me: the linked account."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    services = context.services
    account = services.store.get_account(user.id)
    if account is None:
        raise NotLinked(str(user.id))
    family_name = None
    if account.family_id:
        families = await services.accounts.run(user.id, services.iot.list_all_families)
        family_name = next((f.name for f in families if f.family_id == account.family_id), None)
    timezone = services.store.get_settings(user.id).timezone
    await message.reply_text(views.me(account, family_name, timezone))


async def _delete(message: object) -> None:
    """Delete a message holding a secret; a failure must not stop the sign-in."""
    try:
        await message.delete()  # type: ignore[attr-defined]
    except TelegramError as err:
        log.warning("could not delete a message holding a secret: %s", err)


def register(app: HomeApplication) -> None:
    """Add the linking conversation and the account commands."""
    text = filters.TEXT & ~filters.COMMAND
    with warnings.catch_warnings():
        # PTB warns that per_message=False tracks buttons per chat, not per message: intended,
        # the sign-in conversation has one live menu per user.
        warnings.simplefilter("ignore", PTBUserWarning)
        conversation = _conversation(text)
    app.add_handler(conversation)
    app.add_handler(CommandHandler("logout", logout))
    app.add_handler(CommandHandler("me", me))
    commands.add_command("login", N_("Link your IoT Explorer account"), 90)
    commands.add_command("me", N_("Show the linked account"), 91)
    commands.add_command("logout", N_("Sign out and erase the token"), 92)


def _conversation(text: filters.BaseFilter) -> ConversationHandler[HomeContext]:
    cancel_button: BaseHandler[Update, HomeContext, object] = CallbackQueryHandler(
        cancel, pattern=route_is("login.cancel")
    )
    return ConversationHandler(
        entry_points=[CommandHandler("start", start), CommandHandler("login", login)],
        states={
            CHOOSING: [
                CallbackQueryHandler(with_telegram, pattern=route_is("login.tg")),
                CallbackQueryHandler(choose_password, pattern=route_is("login.pw")),
                CallbackQueryHandler(choose_token, pattern=route_is("login.token")),
                cancel_button,
            ],
            SWITCH: [CallbackQueryHandler(switch, pattern=route_is("login.switch")), cancel_button],
            IDENTITY: [MessageHandler(text, got_identity)],
            PASSWORD: [MessageHandler(text, got_password)],
            TOKEN: [MessageHandler(text, got_token)],
            ConversationHandler.TIMEOUT: [
                MessageHandler(filters.ALL, timed_out),
                CallbackQueryHandler(timed_out),
            ],
        },
        fallbacks=[
            CommandHandler("cancel", cancel),
            cancel_button,
            CommandHandler("start", start),
            CommandHandler("login", login),
        ],
        name="login",
        persistent=True,
        conversation_timeout=TIMEOUT_SECONDS,
        allow_reentry=True,
    )
