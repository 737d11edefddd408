"""Shared steps of /music: the speaker in use, Kugou's errors, the menu and song lists."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from telegram import Update

from bot.home.speakers import Speaker, find_speakers
from bot.iot import errors
from bot.iot.client import IotClient
from bot.iot.models.music import KugouError, SongPage
from bot.telegram.context import HomeContext
from bot.telegram.routing import Buttons
from bot.telegram.screens import home_for, show, user_id_of
from bot.views import music as views

log = logging.getLogger(__name__)
T = TypeVar("T")
SONGS_PER_PAGE = 8


def _with_note(note: str, text: str) -> str:
    return f"{note}\n\n{text}" if note else text


async def speakers_of(update: Update, context: HomeContext) -> list[Speaker]:
    """The user's devices that answer Kugou commands (probes remembered for a while)."""
    services, uid = context.services, user_id_of(update)
    remembered = services.music
    keep = services.store.get_settings(uid).speaker_device_id
    return await home_for(context, uid).run(
        lambda token: find_speakers(services.iot, token, remembered, keep)
    )


async def start(update: Update, context: HomeContext, then: str) -> None:
    """/music: make sure the remembered speaker is still one, then the menu or the search."""
    services = context.services
    chosen = services.store.get_settings(user_id_of(update)).speaker_device_id
    speakers = await speakers_of(update, context)
    if chosen and any(s.device_id == chosen for s in speakers):
        await go_on(update, context, then)
        return
    note = ""
    if chosen:
        note = views.speaker_gone(services.music.speaker_name(chosen))
        services.store.update_settings(user_id_of(update), speaker_device_id=None)
    await offer_speakers(update, context, then=then, note=note, speakers=speakers)


async def offer_speakers(
    update: Update,
    context: HomeContext,
    *,
    then: str = "",
    note: str = "",
    auto: bool = True,
    speakers: Sequence[Speaker] | None = None,
    page: int = 0,
) -> None:
    """Ask which speaker to use (``page`` of them); with ``auto`` and only one, use it."""
    services, uid = context.services, user_id_of(update)
    if speakers is None:
        speakers = await speakers_of(update, context)
    current = services.store.get_settings(uid).speaker_device_id
    if not speakers:
        if current:
            services.store.update_settings(uid, speaker_device_id=None)
        await show(update, (_with_note(note, views.no_speakers()), None))
        return
    if auto and len(speakers) == 1:
        await use_speaker(update, context, speakers[0].device_id, then, note)
        return
    text, keyboard = views.speaker_picker(
        speakers, current, Buttons(context, uid), then=then, note=note, page=page
    )
    await show(update, (text, keyboard))


async def use_speaker(
    update: Update, context: HomeContext, device_id: str, then: str, note: str = ""
) -> None:
    """Remember the speaker for this user and go on to the search or the menu."""
    context.services.store.update_settings(user_id_of(update), speaker_device_id=device_id)
    await go_on(update, context, then, note)


async def go_on(update: Update, context: HomeContext, then: str, note: str = "") -> None:
    """Show the search for ``then``, or the menu when there is none."""
    if then:
        await open_list(update, context, views.SongList(views.SEARCH, then, 1), note)
    else:
        await open_menu(update, context, note)


async def active_speaker(update: Update, context: HomeContext) -> str | None:
    """The remembered speaker; without one, the user is asked (and None returned)."""
    chosen = context.services.store.get_settings(user_id_of(update)).speaker_device_id
    if not chosen:
        await offer_speakers(update, context)
    return chosen


async def run_kugou(
    update: Update,
    context: HomeContext,
    device_id: str,
    call: Callable[[str], Awaitable[T]],
    *,
    then: str = "",
) -> T | None:
    """``call(token)``; Kugou's refusals and a speaker that can't (any more) are told, None back."""
    services, uid = context.services, user_id_of(update)
    remembered = services.music
    try:
        return await home_for(context, uid).run(call)
    except KugouError as err:
        log.info("Kugou refused %s with code %s", err.command, err.code)
        keyboard = views.back_to_menu(Buttons(context, uid))
        await show(update, (views.kugou_failed(err.code, err.message), keyboard))
        return None
    except (errors.UnsupportedOperation, errors.NotFound, errors.NoPermission) as err:
        name = remembered.speaker_name(device_id)
        if isinstance(err, errors.UnsupportedOperation):
            remembered.remember(device_id, False)
            note = views.speaker_unsupported(name)
        else:
            remembered.forget(device_id)
            note = views.speaker_gone(name)
        if services.store.get_settings(uid).speaker_device_id == device_id:
            services.store.update_settings(uid, speaker_device_id=None)
        await offer_speakers(update, context, then=then, note=note)
        return None


async def open_menu(update: Update, context: HomeContext, note: str = "") -> None:
    """The music menu for the speaker in use."""
    device_id = await active_speaker(update, context)
    if device_id is None:
        return
    name = context.services.music.speaker_name(device_id)
    text, keyboard = views.menu(name, Buttons(context, user_id_of(update)))
    await show(update, (_with_note(note, text), keyboard))


async def open_list(
    update: Update, context: HomeContext, source: views.SongList, note: str = ""
) -> None:
    """Fetch and show one page of songs through the user's speaker."""
    device_id = await active_speaker(update, context)
    if device_id is None:
        return
    iot, remembered = context.services.iot, context.services.music
    then = source.key if source.kind == views.SEARCH else ""
    page = await run_kugou(
        update,
        context,
        device_id,
        lambda token: fetch_songs(iot, token, device_id, source),
        then=then,
    )
    if page is None:
        return
    text, keyboard = views.song_list(
        source,
        page,
        remembered.speaker_name(device_id),
        Buttons(context, user_id_of(update)),
        remembered.playlists.get(source.key, "") if source.kind == views.PLAYLIST else "",
    )
    await show(update, (_with_note(note, text), keyboard))


async def fetch_songs(
    iot: IotClient, token: str, device_id: str, source: views.SongList
) -> SongPage:
    """One page of the list ``source`` names (the daily list comes whole and is paged here)."""
    page, size = source.page, SONGS_PER_PAGE
    if source.kind == views.SEARCH:
        return await iot.search_songs(token, device_id, source.key, page, size)
    if source.kind == views.NEW:
        return await iot.get_new_songs(token, device_id, int(source.key), page, size)
    if source.kind == views.PLAYLIST:
        return await iot.get_playlist_songs(token, device_id, source.key, page, size)
    songs = await iot.get_daily_songs(token, device_id)
    first = (page - 1) * size
    return SongPage(tuple(songs[first : first + size]), len(songs), page, size)
