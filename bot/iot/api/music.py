"""Typed app-API methods: Kugou music through a smart speaker (AppKugouUserCommand)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.iot.api.base import ApiMixin
from bot.iot.models._fields import integer, mapping, records, text
from bot.iot.models.music import KugouError, Playlist, Song, SongPage, SongUrl, songs_of

# awesome_newsong's top_id: the chart of one language
NEW_SONGS_CHINESE, NEW_SONGS_WESTERN, NEW_SONGS_KOREAN, NEW_SONGS_JAPANESE = 1, 2, 3, 4


class MusicApi(ApiMixin):
    """One method per Kugou sub-command; ``device_id`` is the Kugou-enabled speaker's."""

    async def _kugou(
        self, token: str, device_id: str, command: str, params: dict[str, Any]
    ) -> dict[str, Any]:
        """Send one sub-command; Kugou's own non-zero ErrorCode raises KugouError."""
        body = {"DeviceId": device_id, "KGCommand": command, "KugouParams": params}
        reply = await self.call("AppKugouUserCommand", body, token=token, read=True)
        code = integer(reply, "ErrorCode")
        if code != 0:
            raise KugouError(code, text(reply, "ErrorMsg"), command=command)
        return mapping(reply, "Data")

    async def search_songs(
        self, token: str, device_id: str, keyword: str, page: int = 1, size: int = 20
    ) -> SongPage:
        """search_song: songs whose name, singer or album match ``keyword``."""
        params = {"keyword": keyword, "page": page, "size": size}
        data = await self._kugou(token, device_id, "search_song", params)
        return SongPage.from_dict(data, page, size)

    async def get_song_url(self, token: str, device_id: str, song_id: str) -> SongUrl:
        """song_url: where to play a song, or its playable_code when it cannot be played."""
        data = await self._kugou(token, device_id, "song_url", {"song_id": song_id})
        return SongUrl.from_dict(data)

    async def get_song_infos(
        self, token: str, device_id: str, song_ids: Sequence[str]
    ) -> list[Song]:
        """song_infos: details of several songs at once (unknown ids are left out)."""
        data = await self._kugou(token, device_id, "song_infos", {"songs_id": list(song_ids)})
        return list(songs_of(data))

    async def get_daily_songs(self, token: str, device_id: str) -> list[Song]:
        """awesome_everyday: today's recommended songs."""
        data = await self._kugou(token, device_id, "awesome_everyday", {})
        return list(songs_of(data))

    async def get_new_songs(
        self,
        token: str,
        device_id: str,
        top_id: int = NEW_SONGS_CHINESE,
        page: int = 1,
        size: int = 20,
    ) -> SongPage:
        """awesome_newsong: new releases in the chart ``top_id`` (1-4: zh, west, ko, ja)."""
        params = {"top_id": top_id, "page": page, "size": size}
        data = await self._kugou(token, device_id, "awesome_newsong", params)
        return SongPage.from_dict(data, page, size)

    async def get_recommended_playlists(
        self, token: str, device_id: str, page: int = 1, size: int = 20
    ) -> list[Playlist]:
        """playlist_awesome: recommended playlists."""
        data = await self._kugou(token, device_id, "playlist_awesome", {"page": page, "size": size})
        return [Playlist.from_dict(p) for p in records(data, "playlists")]

    async def get_playlist_songs(
        self, token: str, device_id: str, playlist_id: str, page: int = 1, size: int = 20
    ) -> SongPage:
        """playlist_song: one page of a playlist's songs."""
        params = {"playlist_id": playlist_id, "page": page, "size": size}
        data = await self._kugou(token, device_id, "playlist_song", params)
        return SongPage.from_dict(data, page, size)
