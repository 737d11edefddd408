"""Texts and keyboards of one Kugou song: its details, why it can't play, and its link."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import N_, _
from bot.iot.models.music import Song, SongUrl
from bot.telegram.limits import clip, fitted
from bot.telegram.routing import Buttons
from bot.views.music import VIP_MARK, SongList, navigation

View = tuple[str, InlineKeyboardMarkup]

# playable_code -> why Kugou won't play a song (the codes bot.iot.models.music defines)
UNPLAYABLE = {
    1: N_("Kugou doesn't offer it in your region."),
    2: N_("Kugou has no copyright for this song."),
    3: N_("Only Kugou VIP members can play it."),
    4: N_("It has to be bought on Kugou first."),
    5: N_("Only Kugou members can play it."),
    6: N_("Kugou may not play it on devices."),
}


def unplayable_reason(code: int) -> str:
    """Why a song can't be played, from its playable_code, in the user's language."""
    known = UNPLAYABLE.get(code)
    if known is not None:
        return _(known)
    return _("Kugou won't play it right now (code {code}).").format(code=code)


def duration(milliseconds: int) -> str:
    """m:ss (h:mm:ss from an hour)."""
    minutes, seconds = divmod(max(0, milliseconds) // 1000, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"


def song_details(song: Song, link: SongUrl, back: SongList | None, buttons: Buttons) -> View:
    """A song's name, singer, album, length and VIP flag, and whether it can be played."""
    lines = [f"🎵 <b>{escape(clip(song.name or link.name, 256))}</b>"]
    singer = clip(song.singer or link.singer or "—", 256)
    lines.append(_("Singer: {singer}").format(singer=escape(singer)))
    if song.album:
        lines.append(_("Album: {album}").format(album=escape(clip(song.album, 256))))
    length = song.duration_ms or link.duration_ms
    if length:
        lines.append(_("Length: {duration}").format(duration=duration(length)))
    if song.vip:
        lines.append(f"{VIP_MARK} " + _("VIP song"))
    lines.append("")
    rows: list[list[InlineKeyboardButton]] = []
    if link.playable:
        lines.append(_("▶ Playable: the song follows below."))
    else:
        reason = (
            _("Kugou gave no link for it.")
            if link.playable_code == 0
            else unplayable_reason(link.playable_code)
        )
        lines.append(_("⛔ Can't be played: {reason}").format(reason=reason))
        if link.try_url.startswith(("http://", "https://")):
            rows.append([InlineKeyboardButton(_("🎧 Listen to a preview"), url=link.try_url)])
    rows.append(navigation(buttons, back))
    return fitted("\n".join(lines)), InlineKeyboardMarkup(rows)


def song_gone() -> str:
    """Kugou no longer knows the chosen song."""
    return _("Kugou no longer has this song.")


def link_message(link: SongUrl, song: Song) -> View:
    """The song's play link as a button, for when Telegram can't take the file itself."""
    text = _("🎵 <b>{name}</b> — {singer}\nTelegram can't fetch this file; open it here:").format(
        name=escape(clip(song.name or link.name, 256)),
        singer=escape(clip(song.singer or link.singer, 256)),
    )
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(_("▶ Play the song"), url=link.url)]])
    return text, keyboard
