"""Everything around the features: /help, /language, /timezone, /cancel and stray text."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ApplicationHandlerStop, MessageHandler, filters

from bot.i18n import N_, _, activate, available_languages, translator
from bot.telegram.callbacks import Callback
from bot.telegram.commands import MenuCommand, in_order
from bot.telegram.context import HomeApplication, HomeContext, answer_query
from bot.telegram.routing import (
    LAST_WORD,
    TYPED,
    Buttons,
    cancel_text,
    dispatch_text,
    expect_text,
)
from bot.telegram.screens import show, user_id_of


def help_text(menu: Iterable[MenuCommand]) -> str:
    """/help: every command in the menu, in the user's language."""
    lines = [_("<b>What I can do</b>")]
    for command in in_order(menu):
        lines.append(f"/{command.name} — {escape(_(command.description))}")
    lines.append("")
    lines.append(_("Buttons under my messages work too; /cancel stops any question I asked."))
    return "\n".join(lines)


async def show_help(update: Update, context: HomeContext) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(help_text(context.routes.menu))


def language_menu(buttons: Buttons, current: str) -> tuple[str, InlineKeyboardMarkup]:
    rows = [
        [buttons(("✓ " if code == current else "") + name, "lang.set", code)]
        for code, name in available_languages().items()
    ]
    rows.append([buttons(_("Follow my Telegram language"), "lang.set", "auto")])
    return _("Choose the language I speak:"), InlineKeyboardMarkup(rows)


async def choose_language(update: Update, context: HomeContext) -> None:
    """/language: pick a language (or follow Telegram's)."""
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None
    current = translator(
        context.services.store.get_settings(user.id).language or user.language_code
    ).code
    text, keyboard = language_menu(Buttons(context, user.id), current)
    await message.reply_text(text, reply_markup=keyboard)


async def set_language(update: Update, context: HomeContext, callback: Callback) -> None:
    user, query = update.effective_user, update.callback_query
    assert user is not None and query is not None
    code = callback.args[0] if callback.args else "auto"
    if code != "auto" and code not in available_languages():
        await answer_query(update, context, _("That language is not available."))
        return
    context.services.store.update_settings(user.id, language=None if code == "auto" else code)
    tr = translator(user.language_code if code == "auto" else code)
    activate(tr)
    await answer_query(update, context, _("Language: {name}").format(name=tr.name))
    await show(update, (_("I'll speak {name} from now on.").format(name=escape(tr.name)), None))


async def choose_timezone(update: Update, context: HomeContext) -> None:
    """/timezone [Area/City]: the timezone times are shown in."""
    user_id, message, chat = user_id_of(update), update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    if context.args:
        await _save_timezone(update, context, " ".join(context.args))
        return
    current = context.services.store.get_settings(user_id).timezone
    expect_text(context, chat.id, "tz.set")
    await message.reply_text(
        _(
            "Times are shown in <b>{zone}</b>. Send another timezone, like Europe/Berlin or "
            "Asia/Shanghai, or /cancel."
        ).format(zone=escape(current))
    )


async def timezone_typed(
    update: Update, context: HomeContext, text: str, args: tuple[str, ...]
) -> None:
    await _save_timezone(update, context, text)


async def _save_timezone(update: Update, context: HomeContext, text: str) -> None:
    user_id, message, chat = user_id_of(update), update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    zone = _find_zone(text.strip())
    if zone is None:
        expect_text(context, chat.id, "tz.set")
        await message.reply_text(
            _(
                "I don't know the timezone “{text}”. Try a name like Europe/Berlin, or /cancel."
            ).format(text=escape(text.strip()[:64]))
        )
        return
    context.services.store.update_settings(user_id, timezone=zone)
    await message.reply_text(_("Times are now shown in {zone}.").format(zone=escape(zone)))


def _find_zone(text: str) -> str | None:
    """An IANA zone name matching ``text``, forgiving case (``europe/berlin``)."""
    if not text or len(text) > 64:
        return None
    try:
        ZoneInfo(text)
        return text
    except (ZoneInfoNotFoundError, ValueError):
        pass
    lowered = text.lower().replace(" ", "_")
    return next((z for z in available_timezones() if z.lower() == lowered), None)


async def cancel(update: Update, context: HomeContext) -> None:
    """/cancel outside the sign-in conversation: drop the open question, if any."""
    message = update.effective_message
    if message is None:
        return
    if cancel_text(context):
        await message.reply_text(_("Cancelled."))
    else:
        await message.reply_text(_("There's nothing to cancel."))


async def answer_question(update: Update, context: HomeContext) -> None:
    """Typed text that answers the question waiting in this chat; nothing later sees it."""
    if await dispatch_text(update, context):
        raise ApplicationHandlerStop


async def not_understood(update: Update, context: HomeContext) -> None:
    """Typed text in a private chat that nothing before took: say what to do instead."""
    if update.effective_message is not None:
        await update.effective_message.reply_text(
            _("I didn't catch that. Send /help to see what I can do.")
        )


def register(app: HomeApplication) -> None:
    """Around the features: /help, /language, /timezone, /cancel, answers to questions, stray text."""
    routes = app.routes
    routes.command("help", show_help, N_("What I can do"), 99)
    routes.command("language", choose_language, N_("Change the language"), 95)
    routes.command("timezone", choose_timezone, N_("Set your timezone"), 96)
    routes.command("cancel", cancel)
    routes.button("lang.set", set_language)
    routes.text("tz.set", timezone_typed)
    # Typed text: the answer to an open question first (same group as the sign-in
    # conversation, after it), then the features' guesses (TEXT_GUESSES), then a hint.
    app.add_handler(MessageHandler(TYPED, answer_question))
    app.add_handler(
        MessageHandler(TYPED & filters.ChatType.PRIVATE, not_understood), group=LAST_WORD
    )
