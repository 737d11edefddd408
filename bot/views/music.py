"""Texts and keyboards of /music: the speaker picker, the menu, song lists and playlists."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import N_, _, ngettext
from bot.iot.models.music import Playlist, Song, SongPage
from bot.telegram.limits import clip, fitted, shorten
from bot.telegram.routing import Buttons
from bot.views.paging import page_of, pager

if TYPE_CHECKING:
    from bot.home.speakers import Speaker

View = tuple[str, InlineKeyboardMarkup]

SEARCH, DAILY, NEW, PLAYLIST = "s", "d", "n", "p"
MAX_KEYWORD = 60  # characters of a search; Kugou wants a few words, not a paragraph
MAX_BUTTON = 60  # characters of a song's button label
PREVIOUS, NEXT = "◀", "▶"
SPEAKERS_PAGE = 20
FIELD_SHOWN = 100  # UTF-16 units of a song's name, singer or album in a list
INTRO_SHOWN = 200  # UTF-16 units of a playlist's introduction
VIP_MARK = "👑"
# awesome_newsong's top_id -> the chart's name
CHARTS = {1: N_("Chinese"), 2: N_("Western"), 3: N_("Korean"), 4: N_("Japanese")}


@dataclass(frozen=True)
class SongList:
    """Where a page of songs comes from: kind, its key (keyword, chart, playlist id), page."""

    kind: str
    key: str = ""
    page: int = 1

    def args(self) -> tuple[str, str, int]:
        """The callback arguments that open this page again."""
        return self.kind, self.key, self.page

    def at(self, page: int) -> SongList:
        """The same list at another page."""
        return SongList(self.kind, self.key, page)

    @classmethod
    def parse(cls, args: Sequence[str]) -> SongList | None:
        """The list named by callback arguments, or None when they make no sense."""
        if len(args) != 3 or args[0] not in (SEARCH, DAILY, NEW, PLAYLIST):
            return None
        kind, key, page = args
        if not page.isdigit() or not 1 <= int(page) <= 10_000:
            return None
        if kind in (SEARCH, PLAYLIST) and not key:
            return None
        if kind == NEW and not (key.isdigit() and int(key) in CHARTS):
            return None
        return cls(kind, key, int(page))


def speaker_picker(
    speakers: Sequence[Speaker],
    current: str | None,
    buttons: Buttons,
    *,
    then: str,
    note: str = "",
    page: int = 0,
) -> View:
    """Which speaker should Kugou music go through (a page of them); ``then``: a search after."""
    shown, page, pages = page_of(speakers, page, SPEAKERS_PAGE)
    rows = [
        [
            buttons(
                ("✓ " if s.device_id == current else "") + _speaker_label(s),
                "mu.use",
                s.device_id,
                then,
            )
        ]
        for s in shown
    ]
    if pages > 1:
        rows.append(pager(buttons, page, pages, "mu.spk", then))
    text = _("🔊 Which speaker should I use for music?")
    return fitted(f"{note}\n\n{text}" if note else text), InlineKeyboardMarkup(rows)


def _speaker_label(speaker: Speaker) -> str:
    if not speaker.place:
        return clip(speaker.name)
    return _("{speaker} ({place})").format(speaker=clip(speaker.name), place=clip(speaker.place))


def no_speakers() -> str:
    """The user has no device that answers Kugou commands."""
    return _(
        "I found no speaker that can play Kugou music in your homes or among the devices "
        "shared with you. Kugou music works on smart speakers with Kugou built in."
    )


def speaker_gone(name: str) -> str:
    """The remembered speaker is gone from the user's devices."""
    return _("The speaker <b>{name}</b> is no longer available.").format(name=escape(clip(name)))


def speaker_unsupported(name: str) -> str:
    """The speaker the cloud says has no Kugou."""
    return _("<b>{name}</b> doesn't answer Kugou music commands.").format(name=escape(clip(name)))


def menu(speaker: str, buttons: Buttons) -> View:
    """The /music menu: search, daily picks, new songs, playlists, and the speaker."""
    text = _("🎵 <b>Music</b> through <b>{speaker}</b>\nWhat would you like to hear?").format(
        speaker=escape(clip(speaker))
    )
    keyboard = InlineKeyboardMarkup(
        [
            [
                buttons(_("🔍 Search"), "mu.ask"),
                buttons(_("☀️ Daily picks"), "mu.list", DAILY, "", 1),
            ],
            [
                buttons(_("🆕 New songs"), "mu.list", NEW, "1", 1),
                buttons(_("📀 Playlists"), "mu.pls", 1),
            ],
            [buttons(_("🔊 Change speaker"), "mu.spk")],
        ]
    )
    return text, keyboard


def ask_keyword() -> str:
    """The [Search] question."""
    return _("🔍 Send me the name of a song, a singer or an album. /cancel stops.")


def bad_keyword() -> str:
    """The typed search was empty or too long."""
    return _("Send a song, singer or album name of 1 to {limit} characters, or /cancel.").format(
        limit=MAX_KEYWORD
    )


def keyword_too_long() -> str:
    """The /music search was too long."""
    return _("That search is too long: send /music with up to {limit} characters.").format(
        limit=MAX_KEYWORD
    )


def clean_keyword(text: str) -> str | None:
    """The search words in ``text`` (spaces tidied), or None when empty or too long."""
    keyword = " ".join(text.split())
    return keyword if 0 < len(keyword) <= MAX_KEYWORD else None


def list_title(source: SongList, playlist_name: str = "") -> str:
    """The heading of a song list (HTML)."""
    if source.kind == SEARCH:
        return _("🔍 Songs matching <b>“{keyword}”</b>").format(keyword=escape(source.key))
    if source.kind == DAILY:
        return _("☀️ <b>Daily picks</b>")
    if source.kind == NEW:
        chart = _(CHARTS.get(int(source.key), CHARTS[1]))
        return _("🆕 <b>New songs</b> · {chart}").format(chart=escape(chart))
    return _("📀 <b>{playlist}</b>").format(
        playlist=escape(clip(playlist_name or _("Playlist"), FIELD_SHOWN))
    )


def empty_list(source: SongList) -> str:
    """What an empty page of songs says, by the kind of list."""
    if source.page > 1:
        return _("There are no more songs here.")
    if source.kind == SEARCH:
        return _("Kugou found nothing for “{keyword}”. Try other words.").format(
            keyword=escape(source.key)
        )
    if source.kind == DAILY:
        return _("There are no daily picks right now. Try again later.")
    if source.kind == NEW:
        return _("This chart has no new songs right now.")
    return _("This playlist is empty.")


def song_list(
    source: SongList, page: SongPage, speaker: str, buttons: Buttons, playlist_name: str = ""
) -> View:
    """One page of songs, each a button, with paging and the way back."""
    lines = [list_title(source, playlist_name)]
    pages = max(1, -(-page.total // page.size)) if page.size else 1
    if page.songs:
        lines.append(
            _("Page {page} of {pages} · {songs} · through {speaker}").format(
                page=source.page,
                pages=max(pages, source.page),
                songs=ngettext("{count} song", "{count} songs", page.total).format(
                    count=page.total
                ),
                speaker=escape(clip(speaker)),
            )
        )
        lines.append("")
        first = (source.page - 1) * page.size
        lines += [f"{first + n}. {song_line(song)}" for n, song in enumerate(page.songs, 1)]
    else:
        lines += ["", empty_list(source)]
    rows = [
        [buttons(_song_label(song), "mu.song", song.song_id, *source.args())] for song in page.songs
    ]
    if source.kind == NEW:
        rows.append(
            [
                buttons(("✓ " if key == source.key else "") + _(name), "mu.list", NEW, key, 1)
                for key, name in ((str(k), n) for k, n in CHARTS.items())
            ]
        )
    paging = []
    if source.page > 1:
        paging.append(buttons(PREVIOUS, "mu.list", *source.at(source.page - 1).args()))
    if page.songs and page.has_more:
        paging.append(buttons(NEXT, "mu.list", *source.at(source.page + 1).args()))
    if paging:
        rows.append(paging)
    rows.append(_footer(buttons, search_again=source.kind == SEARCH))
    return fitted("\n".join(lines)), InlineKeyboardMarkup(rows)


def song_line(song: Song) -> str:
    """A song in a list: name, singer, album and the VIP mark (HTML)."""
    line = (
        f"<b>{escape(clip(song.name, FIELD_SHOWN))}</b> — {escape(clip(song.singer, FIELD_SHOWN))}"
    )
    if song.album:
        line += f" · <i>{escape(clip(song.album, FIELD_SHOWN))}</i>"
    if song.vip:
        line += f" {VIP_MARK} " + _("VIP")
    return line


def _song_label(song: Song) -> str:
    label = f"{song.name} — {song.singer}"
    if song.album:
        label += f" · {song.album}"
    mark = f" {VIP_MARK}" if song.vip else ""
    if len(label) + len(mark) > MAX_BUTTON:
        label = label[: MAX_BUTTON - len(mark) - 1].rstrip() + "…"
    return label + mark


def _footer(buttons: Buttons, *, search_again: bool = False) -> list[InlineKeyboardButton]:
    row = [buttons(_("🎵 Music menu"), "mu.menu")]
    if search_again:
        row.insert(0, buttons(_("🔍 New search"), "mu.ask"))
    return row


def playlists(items: Sequence[Playlist], page: int, has_more: bool, buttons: Buttons) -> View:
    """Kugou's recommended playlists, each a button."""
    lines = [_("📀 <b>Recommended playlists</b>"), ""]
    for playlist in items:
        line = f"• <b>{escape(clip(playlist.name, FIELD_SHOWN))}</b>"
        if playlist.intro:
            line += f" — {escape(shorten(playlist.intro, INTRO_SHOWN))}"
        lines.append(line)
    if not items:
        lines.append(
            _("There are no more playlists.") if page > 1 else _("No playlists right now.")
        )
    rows = [
        [
            buttons(
                clip(playlist.name, MAX_BUTTON) or "—", "mu.list", PLAYLIST, playlist.playlist_id, 1
            )
        ]
        for playlist in items
    ]
    paging = []
    if page > 1:
        paging.append(buttons(PREVIOUS, "mu.pls", page - 1))
    if has_more:
        paging.append(buttons(NEXT, "mu.pls", page + 1))
    if paging:
        rows.append(paging)
    rows.append(_footer(buttons))
    return fitted("\n".join(lines)), InlineKeyboardMarkup(rows)


def kugou_failed(code: int, message: str) -> str:
    """Kugou's own refusal, with its code for whoever has to look into it."""
    text = _("Kugou couldn't do that (Kugou error {code}).").format(code=code)
    if message:
        text += "\n" + _("Kugou says: {message}").format(message=escape(clip(message, 200)))
    return text


def navigation(buttons: Buttons, back: SongList | None = None) -> list[InlineKeyboardButton]:
    """The way back: to the song list when there is one, and to the music menu."""
    row = _footer(buttons)
    if back is not None:
        row.insert(0, buttons(_("◀ Back to the list"), "mu.list", *back.args()))
    return row


def back_to_menu(buttons: Buttons, back: SongList | None = None) -> InlineKeyboardMarkup:
    """A keyboard of just the way back."""
    return InlineKeyboardMarkup([navigation(buttons, back)])
