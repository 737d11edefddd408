"""Sandbox actions: AppKugouUserCommand, Kugou music through a smart speaker.

Only a device whose product has Kugou (``Product.kugou``) answers. The cloud's own errors come as
``Response.Error``; Kugou's come as a non-zero ``ErrorCode`` beside ``Data``. The reference lists
none of Kugou's codes, so the sandbox uses two of its own (PARAM_ERROR, NOT_FOUND).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.sandbox.kugou_catalogue import load_catalogue, singer_img
from bot.sandbox.registry import Call, CloudError, action
from bot.sandbox.state import Playlist, SandboxState, Song

if TYPE_CHECKING:
    from bot.sandbox.demo import DemoHome

PARAM_ERROR, NOT_FOUND = 20001, 20004
PAGE_SIZE_MAX = 50
TRIAL_MS = 30_000  # a VIP song's preview clip


class KugouFailure(Exception):
    """A Kugou-level failure: answered as ErrorCode/ErrorMsg, not as a cloud error."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _int(params: dict[str, Any], name: str, default: int, low: int = 1) -> int:
    value = params.get(name, default)
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value < low:
        raise KugouFailure(PARAM_ERROR, f"{name} must be an integer from {low}")
    return value


def _page(params: dict[str, Any], items: list[Any]) -> tuple[list[Any], int]:
    page, size = _int(params, "page", 1), min(_int(params, "size", 20), PAGE_SIZE_MAX)
    return items[(page - 1) * size : page * size], len(items)


def _brief(song: Song) -> dict[str, Any]:
    """A song as songs_playlist_song lists it."""
    return {
        "song_id": song.song_id,
        "song_name": song.song_name,
        "singer_id": song.singer_id,
        "singer_name": song.singer_name,
        "album_id": song.album_id,
        "album_name": song.album_name,
        "playable_code": song.playable_code,
        "is_vip_song": int(song.vip),
    }


def _full(song: Song) -> dict[str, Any]:
    """A song as search_song, song_infos, awesome_everyday and awesome_newsong list it."""
    cover = song.cover_url
    return {
        **_brief(song),
        "singer_img": singer_img(song.singer_id),
        "album_img": cover,
        "album_img_mini": cover,
        "album_img_small": cover,
        "album_img_medium": cover,
        "mv_id": "",
        "has_accompany": 0,
        "try_playable": int(song.vip),
        "language": song.language,
    }


def _songs(state: SandboxState, ids: list[str]) -> list[Song]:
    return [state.songs[i] for i in ids if i in state.songs]


def _search_song(state: SandboxState, params: dict[str, Any]) -> dict[str, Any]:
    keyword = str(params.get("keyword") or "").strip()
    if not keyword:
        raise KugouFailure(PARAM_ERROR, "keyword is empty")
    terms = keyword.casefold().split()
    found = [
        song
        for song in state.songs.values()
        if all(
            term in f"{song.song_name} {song.singer_name} {song.album_name}".casefold()
            for term in terms
        )
    ]
    page, total = _page(params, found)
    return {"total": total, "keyword": keyword, "songs": [_full(s) for s in page]}


def _song(state: SandboxState, params: dict[str, Any]) -> Song:
    song = state.songs.get(str(params.get("song_id") or ""))
    if song is None:
        raise KugouFailure(NOT_FOUND, "song does not exist")
    return song


def _song_url(state: SandboxState, params: dict[str, Any]) -> dict[str, Any]:
    song = _song(state, params)
    playable = song.playable_code == 0
    trial = song.vip and not playable
    return {
        "song_id": song.song_id,
        "song_name": song.song_name,
        "singer_name": song.singer_name,
        "song_url": song.play_url if playable else "",
        "song_size": str(song.duration * 16_000) if playable else "",
        "song_url_hq": "",
        "song_size_hq": "",
        "song_url_sq": "",
        "song_size_sq": "",
        "duration": song.duration * 1000,
        "playable_code": song.playable_code,
        "try_url": song.play_url.replace(".mp3", ".try.mp3") if trial else "",
        "try_size": TRIAL_MS * 16 if trial else 0,
        "try_begin": 60_000 if trial else 0,
        "try_end": 60_000 + TRIAL_MS if trial else 0,
    }


def _song_infos(state: SandboxState, params: dict[str, Any]) -> dict[str, Any]:
    raw = params.get("songs_id")
    if not isinstance(raw, list) or not raw:
        raise KugouFailure(PARAM_ERROR, "songs_id must list song ids")
    # songs_id_song_infos is garbled in the reference: take ids as text or as {"song_id": ...}.
    ids = [str(i.get("song_id", "")) if isinstance(i, dict) else str(i) for i in raw]
    return {"songs": [_full(s) for s in _songs(state, ids)]}


def _awesome_everyday(state: SandboxState, params: dict[str, Any]) -> dict[str, Any]:
    return {"songs": [_full(s) for s in _songs(state, state.daily_song_ids)]}


_TOP_LANGUAGES = {1: "华语", 2: "欧美", 3: "韩语", 4: "日语"}


def _awesome_newsong(state: SandboxState, params: dict[str, Any]) -> dict[str, Any]:
    language = _TOP_LANGUAGES.get(_int(params, "top_id", 1))
    if language is None:
        raise KugouFailure(PARAM_ERROR, "top_id is 1 to 4")
    songs = [s for s in _songs(state, state.new_song_ids) if s.language == language]
    page, total = _page(params, songs)
    return {"total": total, "songs": [_full(s) for s in page]}


def _stamp(seconds: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(seconds))


def _playlist(playlist: Playlist) -> dict[str, Any]:
    return {
        "playlist_id": playlist.playlist_id,
        "playlist_name": playlist.name,
        "pic": playlist.cover_url,
        "update_time": _stamp(playlist.updated),
        "create_time": _stamp(playlist.created),
        "intro": playlist.intro,
    }


def _playlist_awesome(state: SandboxState, params: dict[str, Any]) -> dict[str, Any]:
    page, _ = _page(params, list(state.playlists.values()))
    return {"playlists": [_playlist(p) for p in page]}


def _playlist_song(state: SandboxState, params: dict[str, Any]) -> dict[str, Any]:
    playlist = state.playlists.get(str(params.get("playlist_id") or ""))
    if playlist is None:
        raise KugouFailure(NOT_FOUND, "playlist does not exist")
    page, total = _page(params, _songs(state, playlist.song_ids))
    return {"total": total, "songs": [_brief(s) for s in page]}


COMMANDS: dict[str, Callable[[SandboxState, dict[str, Any]], dict[str, Any]]] = {
    "search_song": _search_song,
    "song_url": _song_url,
    "song_infos": _song_infos,
    "awesome_everyday": _awesome_everyday,
    "awesome_newsong": _awesome_newsong,
    "playlist_awesome": _playlist_awesome,
    "playlist_song": _playlist_song,
}


@action("AppKugouUserCommand")
async def kugou_user_command(call: Call) -> dict[str, Any]:
    device = call.device(call.get("DeviceId"))
    product = call.state.products.get(device.product_id)
    if product is None or not product.kugou:
        raise CloudError("UnsupportedOperation", "the device has no Kugou music service")
    command = call.get("KGCommand")
    handler = COMMANDS.get(command)
    if handler is None:
        raise CloudError("InvalidParameterValue", f"KGCommand {command} is not supported")
    params = call.get_json("KugouParams", {})
    if not isinstance(params, dict):
        raise CloudError("InvalidParameterValue", "KugouParams must be an object")
    load_catalogue(call.state)  # a sandbox started without the demo still has music
    try:
        data = handler(call.state, params)
    except KugouFailure as err:
        return {"ErrorCode": err.code, "ErrorMsg": err.message, "Data": {}}
    return {"ErrorCode": 0, "ErrorMsg": "", "Data": data}


def seed_demo(state: SandboxState, home: DemoHome) -> None:
    """The catalogue, and handles to a few of its songs and playlists for tests."""
    load_catalogue(state)
    home.extra["music"] = {
        "playlists": list(state.playlists),
        "vip_song": "100003",
        "no_copyright_song": "100007",
        "playable_song": "100001",
    }
