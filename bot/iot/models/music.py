"""Dataclasses for Kugou music (AppKugouUserCommand), and Kugou's own error."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.iot.errors import IotError
from bot.iot.models._fields import flag, integer, records, text

__all__ = [
    "PLAYABLE_REASONS",
    "KugouError",
    "Playlist",
    "Song",
    "SongPage",
    "SongUrl",
]

# playable_code -> why a song cannot be played (English source text for the bot's translations)
PLAYABLE_REASONS = {
    0: "playable",
    1: "not available in this region",
    2: "no copyright for this song",
    3: "for Kugou VIP members only",
    4: "must be bought first",
    5: "for Kugou members only",
    6: "not licensed for devices",
    9: "not playable",
}


def playable_reason(code: int) -> str:
    return PLAYABLE_REASONS.get(code, PLAYABLE_REASONS[9])


class KugouError(IotError):
    """Kugou answered with a non-zero ErrorCode (the cloud itself accepted the request)."""

    def __init__(self, code: int, message: str = "", *, command: str = "") -> None:
        super().__init__(f"Kugou {command or 'command'} failed: {code}: {message}".strip())
        self.code = code
        self.message = message
        self.command = command


@dataclass(frozen=True)
class Song:
    """A song in any of Kugou's lists; ``duration_ms`` is 0 where a list does not give it."""

    song_id: str
    name: str
    singer: str
    album: str = ""
    duration_ms: int = 0
    vip: bool = False
    playable_code: int = 0
    cover: str = ""
    singer_id: str = ""
    album_id: str = ""
    language: str = ""
    has_trial: bool = False

    @property
    def playable(self) -> bool:
        return self.playable_code == 0

    @property
    def reason(self) -> str:
        return playable_reason(self.playable_code)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Song:
        return cls(
            song_id=text(data, "song_id"),
            name=text(data, "song_name"),
            singer=text(data, "singer_name"),
            album=text(data, "album_name"),
            duration_ms=integer(data, "duration"),
            vip=flag(data, "is_vip_song"),
            playable_code=integer(data, "playable_code"),
            cover=text(data, "album_img_medium", "album_img", "album_img_small", "album_img_mini"),
            singer_id=text(data, "singer_id"),
            album_id=text(data, "album_id"),
            language=text(data, "language"),
            # The reference spells it both ways, depending on the list.
            has_trial=flag(data, "try_playable", "tryPlayable"),
        )


def songs_of(data: dict[str, Any]) -> tuple[Song, ...]:
    return tuple(Song.from_dict(s) for s in records(data, "songs"))


@dataclass(frozen=True)
class SongPage:
    """One page of songs: a search, a playlist or the new songs; ``total`` counts every page."""

    songs: tuple[Song, ...]
    total: int
    page: int = 1
    size: int = 0
    keyword: str = ""

    @property
    def has_more(self) -> bool:
        return self.page * self.size < self.total

    @classmethod
    def from_dict(cls, data: dict[str, Any], page: int = 1, size: int = 0) -> SongPage:
        songs = songs_of(data)
        return cls(
            songs=songs,
            total=integer(data, "total", default=len(songs)),
            page=page,
            size=size or len(songs),
            keyword=text(data, "keyword"),
        )


@dataclass(frozen=True)
class SongUrl:
    """Where to play a song, or (``url`` empty) why it cannot be played, with any preview clip."""

    song_id: str
    name: str
    singer: str
    url: str
    playable_code: int
    duration_ms: int = 0
    size: int = 0
    try_url: str = ""
    try_begin_ms: int = 0
    try_end_ms: int = 0

    @property
    def playable(self) -> bool:
        return self.playable_code == 0 and bool(self.url)

    @property
    def reason(self) -> str:
        return playable_reason(self.playable_code)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SongUrl:
        return cls(
            song_id=text(data, "song_id"),
            name=text(data, "song_name"),
            singer=text(data, "singer_name"),
            url=text(data, "song_url"),
            playable_code=integer(data, "playable_code"),
            duration_ms=integer(data, "duration"),
            size=integer(data, "song_size"),
            try_url=text(data, "try_url"),
            try_begin_ms=integer(data, "try_begin"),
            try_end_ms=integer(data, "try_end"),
        )


@dataclass(frozen=True)
class Playlist:
    """A recommended playlist (playlist_awesome); times are Kugou's text."""

    playlist_id: str
    name: str
    intro: str = ""
    cover: str = ""
    created: str = ""
    updated: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Playlist:
        return cls(
            playlist_id=text(data, "playlist_id"),
            name=text(data, "playlist_name"),
            intro=text(data, "intro"),
            cover=text(data, "pic"),
            created=text(data, "create_time"),
            updated=text(data, "update_time"),
        )
