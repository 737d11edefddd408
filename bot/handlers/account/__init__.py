"""Linking a Telegram user to IoT Explorer: /start, /login (three ways in), /logout, /me."""

from __future__ import annotations

import logging
import warnings
from typing import Any

from telegram import Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.handlers.account.login import (
    IDENTITY,
    IDENTITY_KEY,
    PASSWORD,
    TOKEN,
    choose_password,
    choose_token,
    got_identity,
    got_password,
    got_token,
    with_telegram,
)
from bot.home.accounts import NotLinked
from bot.i18n import N_, _
from bot.telegram.context import HomeApplication, HomeContext, answer_query
from bot.telegram.routing import Buttons, cancel_text, route_is
from bot.telegram.screens import home_for, show, user_id_of
from bot.views import account as views

log = logging.getLogger(__name__)

CHOOSING, SWITCH = 0, 1
TIMEOUT_SECONDS = 5 * 60


async def start(update: Update, context: HomeContext) -> int:
    """/start: a deep link goes to its feature; otherwise greet and offer to sign in."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    if context.args:
        target = context.routes.link_for(context.args[0])
        if target is not None:
            handler, rest = target
            await handler(update, context, rest)
            return ConversationHandler.END
    account = context.services.store.get_account(user.id)
    if account is not None:
        await message.reply_text(views.welcome_back(user.first_name, account))
        return ConversationHandler.END
    text, keyboard = views.welcome(user.first_name, Buttons(context, user.id))
    await message.reply_text(text, reply_markup=keyboard)
    return CHOOSING


async def login(update: Update, context: HomeContext) -> int:
    """/login: ask before replacing a linked account; else offer the three ways in."""
    message, user_id = update.effective_message, user_id_of(update)
    assert message is not None
    cancel_text(context)
    buttons = Buttons(context, user_id)
    account = context.services.store.get_account(user_id)
    if account is not None:
        text, keyboard = views.confirm_switch(account, buttons)
        await message.reply_text(text, reply_markup=keyboard)
        return SWITCH
    await message.reply_text(views.choose_method(), reply_markup=views.login_methods(buttons))
    return CHOOSING


async def switch(update: Update, context: HomeContext) -> int:
    query, user_id = update.callback_query, user_id_of(update)
    assert query is not None
    await answer_query(update, context)
    await show(update, (views.choose_method(), views.login_methods(Buttons(context, user_id))))
    return CHOOSING


async def cancel(update: Update, context: HomeContext) -> int:
    """/cancel or the Cancel button: stop wherever the conversation is."""
    (context.user_data or {}).pop(IDENTITY_KEY, None)
    cancel_text(context)
    text = _("Cancelled. Send /login whenever you're ready.")
    if update.callback_query is not None:
        await answer_query(update, context)
        await show(update, (text, None))
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
    message, user_id = update.effective_message, user_id_of(update)
    assert message is not None
    if await context.services.accounts.unlink(user_id):
        await message.reply_text(
            _("Signed out. I've erased your token; /login links an account again.")
        )
    else:
        await message.reply_text(_("You're not signed in. Send /login to link an account."))


async def me(update: Update, context: HomeContext) -> None:
    """/me: the linked account."""
    message, user_id = update.effective_message, user_id_of(update)
    assert message is not None
    services = context.services
    account = services.store.get_account(user_id)
    if account is None:
        raise NotLinked(str(user_id))
    family_name = None
    if account.family_id:
        families = await home_for(context, user_id).call(services.iot.list_all_families)
        family_name = next((f.name for f in families if f.family_id == account.family_id), None)
    timezone = services.store.get_settings(user_id).timezone
    await message.reply_text(views.me(account, family_name, timezone))


def register(app: HomeApplication) -> None:
    """The account: /start, /login (the sign-in conversation), /me, /logout."""
    routes = app.routes
    text = filters.TEXT & ~filters.COMMAND
    with warnings.catch_warnings():
        # PTB warns that per_message=False tracks buttons per chat, not per message: intended,
        # the sign-in conversation has one live menu per user.
        warnings.simplefilter("ignore", PTBUserWarning)
        conversation = _conversation(text)
    app.add_handler(conversation)
    routes.in_menu("login", N_("Link your IoT Explorer account"), 90)
    routes.command("me", me, N_("Show the linked account"), 91)
    routes.command("logout", logout, N_("Sign out and erase the token"), 92)


class SignIn(ConversationHandler[HomeContext]):
    """The sign-in conversation: what it takes (a typed e-mail, a password) goes no further.

    Without this, typed text it consumed would also reach the later handler groups (the device
    name guess, the "I didn't catch that" hint).
    """

    async def handle_update(
        self, update: Update, application: Any, check_result: Any, context: HomeContext
    ) -> object:
        await super().handle_update(update, application, check_result, context)
        raise ApplicationHandlerStop


def _conversation(text: filters.BaseFilter) -> ConversationHandler[HomeContext]:
    cancel_button: BaseHandler[Update, HomeContext, object] = CallbackQueryHandler(
        cancel, pattern=route_is("login.cancel")
    )
    return SignIn(
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
