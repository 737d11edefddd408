"""The buttons of song lists: paging, playlists, and one song with its audio or its link."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from telegram import Update
from telegram.error import BadRequest

from bot.handlers.music.flow import active_speaker, open_list, run_kugou
from bot.i18n import _
from bot.iot.models.music import Song, SongUrl
from bot.telegram.callbacks import Callback
from bot.telegram.context import HomeContext, answer_query
from bot.telegram.routing import Buttons
from bot.telegram.screens import show, user_id_of
from bot.views import music as views
from bot.views import music_song as song_views

log = logging.getLogger(__name__)
PLAYLISTS_PER_PAGE = 8
# Telegram fetches files by URL itself: audio only as MP3 or M4A, and up to 20 MB.
URL_AUDIO_SUFFIXES = (".mp3", ".m4a")
URL_AUDIO_MAX_BYTES = 20 * 1024 * 1024


async def _stale(update: Update, context: HomeContext) -> None:
    await answer_query(
        update, context, _("This button no longer works. Please open the menu again.")
    )


async def song_list(update: Update, context: HomeContext, callback: Callback) -> None:
    """A page of search results, daily picks, new songs or a playlist's songs."""
    source = views.SongList.parse(callback.args)
    if source is None:
        await _stale(update, context)
        return
    await open_list(update, context, source)


async def playlists(update: Update, context: HomeContext, callback: Callback) -> None:
    """Kugou's recommended playlists, a page at a time."""
    raw = callback.args[0] if callback.args else ""
    if not raw.isdigit() or not 1 <= int(raw) <= 10_000:
        await _stale(update, context)
        return
    page = int(raw)
    device_id = await active_speaker(update, context)
    if device_id is None:
        return
    iot = context.services.iot
    items = await run_kugou(
        update,
        context,
        device_id,
        lambda token: iot.get_recommended_playlists(token, device_id, page, PLAYLISTS_PER_PAGE),
    )
    if items is None:
        return
    context.services.music.playlists.update({p.playlist_id: p.name for p in items})
    has_more = len(items) >= PLAYLISTS_PER_PAGE
    text, keyboard = views.playlists(items, page, has_more, Buttons(context, user_id_of(update)))
    await show(update, (text, keyboard))


async def song(update: Update, context: HomeContext, callback: Callback) -> None:
    """A song's details; a playable one follows as audio (or as a link Telegram can't fetch)."""
    song_id = callback.args[0] if callback.args else ""
    if not song_id:
        await _stale(update, context)
        return
    back = views.SongList.parse(callback.args[1:])
    device_id = await active_speaker(update, context)
    if device_id is None:
        return
    iot = context.services.iot

    async def details(token: str) -> tuple[Song, SongUrl] | tuple[()]:
        infos = await iot.get_song_infos(token, device_id, [song_id])
        if not infos:
            return ()  # Kugou no longer knows the song
        return infos[0], await iot.get_song_url(token, device_id, song_id)

    found = await run_kugou(update, context, device_id, details)
    if found is None:
        return  # run_kugou told the user what went wrong
    buttons = Buttons(context, user_id_of(update))
    if not found:
        await show(update, (song_views.song_gone(), views.back_to_menu(buttons, back)))
        return
    info, link = found
    await answer_query(update, context, _("Sending the song…") if link.playable else None)
    text, keyboard = song_views.song_details(info, link, back, buttons)
    await show(update, (text, keyboard))
    if link.playable:
        await send_song(update, context, info, link)


def telegram_can_fetch(link: SongUrl) -> bool:
    """Whether Telegram will download this link as an audio file by itself."""
    parts = urlsplit(link.url)
    return (
        parts.scheme in ("http", "https")
        and parts.path.lower().endswith(URL_AUDIO_SUFFIXES)
        and link.size <= URL_AUDIO_MAX_BYTES
    )


async def send_song(update: Update, context: HomeContext, info: Song, link: SongUrl) -> None:
    """Send the song as audio by its URL; when Telegram can't take it, send the link instead."""
    chat = update.effective_chat
    assert chat is not None
    if telegram_can_fetch(link):
        try:
            await context.bot.send_audio(
                chat.id,
                audio=link.url,
                title=info.name or link.name,
                performer=info.singer or link.singer,
                duration=(info.duration_ms or link.duration_ms) // 1000 or None,
            )
            return
        except BadRequest as err:
            log.info("Telegram did not take a song by its URL: %s", err.message)
    text, keyboard = song_views.link_message(link, info)
    await context.bot.send_message(chat.id, text, reply_markup=keyboard)
