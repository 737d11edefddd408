"""/music: Kugou music through a smart speaker: pick the speaker, search, browse, play a song."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot.handlers.music import songs
from bot.handlers.music.flow import (
    offer_speakers,
    open_list,
    open_menu,
    speakers_of,
    start,
    use_speaker,
)
from bot.i18n import N_, _
from bot.telegram.callbacks import Callback
from bot.telegram.context import HomeApplication, HomeContext, answer_query
from bot.telegram.routing import Buttons, cancel_text, expect_text, pending
from bot.telegram.screens import show, user_id_of
from bot.views import music as views
from bot.views.paging import page_arg

SEARCH_QUESTION = "mu.search"


def _drop_search_question(update: Update, context: HomeContext) -> None:
    """Forget an open "which song?" question (not another feature's)."""
    chat = update.effective_chat
    question = pending(context, chat.id) if chat is not None else None
    if question is not None and question.route == SEARCH_QUESTION:
        cancel_text(context)


async def music(update: Update, context: HomeContext) -> None:
    """/music [keyword]: the music menu, or straight to the search for ``keyword``."""
    message = update.effective_message
    assert message is not None
    _drop_search_question(update, context)
    keyword = ""
    if context.args:
        cleaned = views.clean_keyword(" ".join(context.args))
        if cleaned is None:
            await message.reply_text(views.keyword_too_long())
            return
        keyword = cleaned
    await start(update, context, keyword)


async def menu(update: Update, context: HomeContext, callback: Callback) -> None:
    """[Music menu]: back to the menu (a search question is dropped)."""
    _drop_search_question(update, context)
    await open_menu(update, context)


async def ask_keyword(update: Update, context: HomeContext, callback: Callback) -> None:
    """[Search]: the next text message is the search."""
    chat = update.effective_chat
    assert chat is not None
    expect_text(context, chat.id, SEARCH_QUESTION)
    keyboard = InlineKeyboardMarkup(
        [[Buttons(context, user_id_of(update))(_("Cancel"), "mu.menu")]]
    )
    await show(update, (views.ask_keyword(), keyboard))


async def keyword_typed(
    update: Update, context: HomeContext, text: str, args: tuple[str, ...]
) -> None:
    """The typed answer to [Search]: checked, then searched."""
    chat = update.effective_chat
    assert chat is not None
    keyword = views.clean_keyword(text)
    if keyword is None:
        expect_text(context, chat.id, SEARCH_QUESTION)
        await show(update, (views.bad_keyword(), None))
        return
    await open_list(update, context, views.SongList(views.SEARCH, keyword, 1))


async def change_speaker(update: Update, context: HomeContext, callback: Callback) -> None:
    """[Change speaker]: every speaker (a page of them), the current one ticked."""
    _drop_search_question(update, context)
    then = views.clean_keyword(callback.args[0]) if callback.args else None
    page = page_arg(callback.args, 1)
    await offer_speakers(update, context, then=then or "", auto=False, page=page)


async def choose_speaker(update: Update, context: HomeContext, callback: Callback) -> None:
    """A speaker was picked: remember it (if it still is one) and go on."""
    device_id = callback.args[0] if callback.args else ""
    if not device_id:
        await answer_query(
            update, context, _("This button no longer works. Please open the menu again.")
        )
        return
    then = views.clean_keyword(callback.args[1]) if len(callback.args) > 1 else None
    speakers = await speakers_of(update, context)
    chosen = next((s for s in speakers if s.device_id == device_id), None)
    if chosen is None:
        name = context.services.music.speaker_name(device_id)
        await offer_speakers(update, context, note=views.speaker_gone(name), speakers=speakers)
        return
    await answer_query(update, context, _("Using {speaker}").format(speaker=chosen.name))
    await use_speaker(update, context, chosen.device_id, then or "")


def register(app: HomeApplication) -> None:
    """Music: /music, the speaker picker, search, song lists and songs."""
    routes = app.routes
    routes.command("music", music, N_("Music on your speakers"), 60)
    routes.button("mu.menu", menu)
    routes.button("mu.ask", ask_keyword)
    routes.text(SEARCH_QUESTION, keyword_typed)
    routes.button("mu.spk", change_speaker)
    routes.button("mu.use", choose_speaker)
    routes.button("mu.list", songs.song_list)
    routes.button("mu.pls", songs.playlists)
    routes.button("mu.song", songs.song)
