"""Kugou music (AppKugouUserCommand) through the client, against the sandbox over loopback HTTP."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from bot.iot import errors
from bot.iot.client import IotClient
from bot.iot.models import KugouError
from bot.sandbox.actions.music import NOT_FOUND, PARAM_ERROR
from bot.sandbox.demo import DemoHome


@pytest.fixture
def speaker(demo: DemoHome) -> str:
    return demo.devices["speaker"]


async def test_search_pages_over_song_singer_and_album(
    client: IotClient, owner_token: str, speaker: str
) -> None:
    first = await client.search_songs(owner_token, speaker, "rain", page=1, size=2)
    assert first.total == 5 and first.keyword == "rain" and len(first.songs) == 2
    assert first.has_more
    last = await client.search_songs(owner_token, speaker, "rain", page=3, size=2)
    assert len(last.songs) == 1 and not last.has_more
    everything = {s.name for s in (await client.search_songs(owner_token, speaker, "RAIN")).songs}
    assert everything == {
        "Golden Hour Rain",
        "Neon Rain",
        "Seoul Rain",
        "Rain on the Roof",
        "Rainy Sunday",
    }

    by_singer = (await client.search_songs(owner_token, speaker, "林夏", size=50)).songs
    assert len(by_singer) == 8 and {s.singer for s in by_singer} == {"林夏"}
    by_album = await client.search_songs(owner_token, speaker, "harbour lights", size=50)
    assert by_album.total == 7 and {s.album for s in by_album.songs} == {"Harbour Lights"}
    (orange,) = (await client.search_songs(owner_token, speaker, "橘子汽水")).songs
    assert orange.vip and orange.playable_code == 3 and not orange.playable
    assert orange.reason == "for Kugou VIP members only" and orange.has_trial
    assert orange.cover.startswith("http") and orange.language == "华语"


async def test_search_without_keyword_is_a_kugou_error(
    client: IotClient, owner_token: str, speaker: str
) -> None:
    with pytest.raises(KugouError) as caught:
        await client.search_songs(owner_token, speaker, "  ")
    assert caught.value.code == PARAM_ERROR and caught.value.command == "search_song"
    assert isinstance(caught.value, errors.IotError)


async def test_song_url_playable_vip_and_unlicensed(
    client: IotClient, owner_token: str, speaker: str, demo: DemoHome
) -> None:
    music = demo.extra["music"]
    ok = await client.get_song_url(owner_token, speaker, music["playable_song"])
    assert ok.playable and ok.url.endswith(f"/{music['playable_song']}.mp3")
    assert ok.name == "夏天的风" and ok.duration_ms == 243_000 and ok.size > 0

    vip = await client.get_song_url(owner_token, speaker, music["vip_song"])
    assert not vip.playable and vip.url == "" and vip.playable_code == 3
    assert vip.try_url and vip.try_end_ms - vip.try_begin_ms == 30_000

    blocked = await client.get_song_url(owner_token, speaker, music["no_copyright_song"])
    assert (blocked.url, blocked.playable_code, blocked.try_url) == ("", 2, "")
    assert blocked.reason == "no copyright for this song"

    with pytest.raises(KugouError) as caught:
        await client.get_song_url(owner_token, speaker, "999999")
    assert caught.value.code == NOT_FOUND


async def test_song_infos(client: IotClient, owner_token: str, speaker: str) -> None:
    songs = await client.get_song_infos(owner_token, speaker, ["100013", "nope", "100032"])
    assert [(s.song_id, s.name, s.singer) for s in songs] == [
        ("100013", "Paper Moon", "Maya Reed"),
        ("100032", "風の手紙", "森葵"),
    ]
    with pytest.raises(KugouError):
        await client.get_song_infos(owner_token, speaker, [])


async def test_daily_songs_and_new_songs_by_chart(
    client: IotClient, owner_token: str, speaker: str
) -> None:
    daily = await client.get_daily_songs(owner_token, speaker)
    assert len(daily) == 10 and len({s.song_id for s in daily}) == 10
    western = await client.get_new_songs(owner_token, speaker, top_id=2)
    assert western.total == 3 and {s.language for s in western.songs} == {"欧美"}
    japanese = await client.get_new_songs(owner_token, speaker, top_id=4, size=2)
    assert japanese.total == 3 and len(japanese.songs) == 2 and japanese.has_more
    with pytest.raises(KugouError):
        await client.get_new_songs(owner_token, speaker, top_id=9)


async def test_playlists_and_their_songs(client: IotClient, owner_token: str, speaker: str) -> None:
    playlists = await client.get_recommended_playlists(owner_token, speaker)
    assert len(playlists) == 4 and all(p.name and p.intro and p.created for p in playlists)
    rainy = next(p for p in playlists if p.playlist_id == "pl_rainy")
    page = await client.get_playlist_songs(owner_token, speaker, rainy.playlist_id, size=4)
    assert page.total == 9 and len(page.songs) == 4 and page.songs[0].name == "雨天的猫"
    rest = await client.get_playlist_songs(owner_token, speaker, rainy.playlist_id, page=3, size=4)
    assert [s.song_id for s in rest.songs] == ["100007"] and rest.songs[0].playable_code == 2
    assert len(await client.get_recommended_playlists(owner_token, speaker, page=2, size=3)) == 1
    with pytest.raises(KugouError) as caught:
        await client.get_playlist_songs(owner_token, speaker, "pl_nope")
    assert caught.value.code == NOT_FOUND


Command = Callable[[IotClient, str, str], Awaitable[Any]]
COMMANDS: list[Command] = [
    lambda c, t, d: c.search_songs(t, d, "rain"),
    lambda c, t, d: c.get_song_url(t, d, "100001"),
    lambda c, t, d: c.get_song_infos(t, d, ["100001"]),
    lambda c, t, d: c.get_daily_songs(t, d),
    lambda c, t, d: c.get_new_songs(t, d),
    lambda c, t, d: c.get_recommended_playlists(t, d),
    lambda c, t, d: c.get_playlist_songs(t, d, "pl_rainy"),
]


@pytest.mark.parametrize("command", COMMANDS)
async def test_only_a_kugou_speaker_the_user_may_use_answers(
    client: IotClient,
    owner_token: str,
    friend_token: str,
    demo: DemoHome,
    speaker: str,
    command: Command,
) -> None:
    with pytest.raises(errors.UnsupportedOperation):
        await command(client, owner_token, demo.devices["light"])
    with pytest.raises(errors.NoPermission):
        await command(client, friend_token, speaker)
    with pytest.raises(errors.NotFound):
        await command(client, owner_token, "DEMOSPEAK1/nowhere")
    assert await command(client, owner_token, speaker)
