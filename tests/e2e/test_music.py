"""/music end to end: speakers, search, lists, songs as audio, and what goes wrong."""

from __future__ import annotations

import dataclasses

from bot.faketelegram import Message, TestUser
from bot.handlers.music.songs import telegram_can_fetch
from bot.home.speakers import PROBE_TTL, MusicMemory, find_speakers
from bot.iot.client import IotClient
from bot.iot.models.music import SongUrl
from bot.sandbox.demo import PRODUCTS, DemoHome, add_device
from bot.sandbox.faults import Fault
from bot.sandbox.server import Sandbox
from tests.e2e.harness import BotHarness


def _song_buttons(message: Message) -> list[str]:
    return [b.text for b in message.all_buttons() if "—" in b.text]


def _add_speaker(sandbox: Sandbox, demo: DemoHome, name: str, alias: str) -> str:
    family = sandbox.state.families[demo.family_id]
    return add_device(sandbox.state, PRODUCTS["speaker"], name, alias, family).device_id


async def _linked(bot: BotHarness, user_id: int) -> TestUser:
    user = bot.tg.user(user_id, "Ann")
    await bot.link(user, "owner")
    return user


def _speaker_of(bot: BotHarness, user: TestUser) -> str | None:
    return bot.app.services.store.get_settings(user.id).speaker_device_id  # type: ignore[union-attr]


async def test_only_speaker_is_chosen_and_search_pages_back_and_forth(
    bot: BotHarness, demo: DemoHome
) -> None:
    ann = await _linked(bot, 301)
    first = await bot.say(ann, "/music o")
    assert "Songs matching “o”" in first.text and "Page 1 of 3" in first.text
    assert "through Kitchen speaker" in first.text
    assert _speaker_of(bot, ann) == demo.devices["speaker"]
    assert len(_song_buttons(first)) == 8 and "◀" not in [b.text for b in first.all_buttons()]
    second = await bot.click(ann, first, "▶")
    assert "Page 2 of 3" in second.text and second.message_id == first.message_id
    assert set(_song_buttons(second)).isdisjoint(_song_buttons(first))
    third = await bot.click(ann, second, "▶")
    assert "Page 3 of 3" in third.text and len(_song_buttons(third)) == 3
    assert "▶" not in [b.text for b in third.all_buttons()]
    back = await bot.click(ann, third, "◀")
    assert "Page 2 of 3" in back.text and _song_buttons(back) == _song_buttons(second)


async def test_results_show_singer_album_and_vip_mark(bot: BotHarness) -> None:
    ann = await _linked(bot, 302)
    found = await bot.say(ann, "/music 林夏")
    assert "<b>橘子汽水</b> — 林夏 · <i>夏日来信</i> 👑 VIP" in (found.html or "")
    assert "夏天的风 — 林夏 · 夏日来信" in _song_buttons(found)
    assert "橘子汽水 — 林夏 · 夏日来信 👑" in _song_buttons(found)


async def test_playable_song_arrives_as_audio_by_url(bot: BotHarness, demo: DemoHome) -> None:
    ann = await _linked(bot, 303)
    found = await bot.say(ann, "/music 夏天的风")
    details = await bot.click(ann, found, "夏天的风 — 林夏 · 夏日来信")
    assert "Singer: 林夏" in details.text and "Album: 夏日来信" in details.text
    assert "Length: 4:03" in details.text and "Playable" in details.text
    audio = await bot.tg.next_message(ann)
    assert audio.audio is not None
    assert audio.audio.url is not None and audio.audio.url.endswith("/100001.mp3")
    assert (audio.audio.title, audio.audio.performer) == ("夏天的风", "林夏")
    back = await bot.click(ann, details, "◀ Back to the list")
    assert "Songs matching “夏天的风”" in back.text


async def test_song_telegram_refuses_comes_as_a_link_button(bot: BotHarness) -> None:
    ann = await _linked(bot, 304)
    found = await bot.say(ann, "/music Paper Boats")
    bot.tg.fail_next("sendAudio", 400, description="Bad Request: failed to get HTTP URL content")
    await bot.click(ann, found, "Paper Boats — The Lanterns · Harbour Lights")
    link = await bot.tg.next_message(ann)
    assert link.audio is None and "can't fetch this file" in link.text
    assert (link.button("▶ Play the song").url or "").endswith("/100022.mp3")


async def test_vip_and_unlicensed_songs_say_why(bot: BotHarness) -> None:
    ann = await _linked(bot, 305)
    found = await bot.say(ann, "/music 橘子汽水")
    vip = await bot.click(ann, found, "橘子汽水 — 林夏 · 夏日来信 👑")
    assert "Can't be played: Only Kugou VIP members can play it." in vip.text
    assert "VIP song" in vip.text and vip.button("🎧 Listen to a preview").url
    found = await bot.say(ann, "/music 窗台")
    blocked = await bot.click(ann, found, "窗台 — 林夏 · 雨天的猫")
    assert "Kugou has no copyright for this song." in blocked.text
    await bot.tg.wait_idle()
    assert not bot.tg.calls("sendAudio")


async def test_menu_daily_picks_new_songs_and_a_playlist(bot: BotHarness) -> None:
    ann = await _linked(bot, 306)
    menu = await bot.say(ann, "/music")
    assert "Music</b> through <b>Kitchen speaker" in (menu.html or "")
    daily = await bot.click(ann, menu, "☀️ Daily picks")
    assert "Daily picks" in daily.text and "Page 1 of 2 · 10 songs" in daily.text
    assert _song_buttons(daily)[0].startswith("夏天的风")
    menu = await bot.click(ann, daily, "🎵 Music menu")
    new = await bot.click(ann, menu, "🆕 New songs")
    assert "New songs · Chinese" in new.text and "小雨" in new.text
    western = await bot.click(ann, new, "Western")
    assert "Rain on the Roof" in western.text and "小雨" not in western.text
    menu = await bot.click(ann, western, "🎵 Music menu")
    lists = await bot.click(ann, menu, "📀 Playlists")
    assert "<b>Focus &amp; coffee</b> — Quiet songs to work to." in (lists.html or "")
    focus = await bot.click(ann, lists, "Focus & coffee")
    assert "Focus & coffee" in focus.text and "6 songs" in focus.text
    assert "Kettle Song — The Lanterns · Harbour Lights" in _song_buttons(focus)


async def test_search_button_asks_for_words_and_checks_them(bot: BotHarness) -> None:
    ann = await _linked(bot, 307)
    menu = await bot.say(ann, "/music")
    asked = await bot.click(ann, menu, "🔍 Search")
    assert "Send me the name of a song" in asked.text
    refused = await bot.say(ann, "x" * 61)
    assert "1 to 60 characters" in refused.text
    found = await bot.say(ann, "harbour   lights")
    assert "Songs matching “harbour lights”" in found.text and "7 songs" in found.text
    nothing = await bot.say(ann, "/music zzzz")
    assert "Kugou found nothing for “zzzz”" in nothing.text
    too_long = await bot.say(ann, "/music " + "y" * 61)
    assert "too long" in too_long.text


async def test_several_speakers_offered_and_never_other_devices(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    bedroom = _add_speaker(sandbox, demo, "bedroom_speaker", "Bedroom speaker")
    ann = await _linked(bot, 308)
    picker = await bot.say(ann, "/music rain")
    offered = [b.text for b in picker.all_buttons()]
    assert offered == ["Bedroom speaker (My Home)", "Kitchen speaker (My Home)"]
    found = await bot.click(ann, picker, "Bedroom speaker (My Home)")
    assert "Songs matching “rain”" in found.text and "through Bedroom speaker" in found.text
    assert _speaker_of(bot, ann) == bedroom
    menu = await bot.say(ann, "/music")
    picker = await bot.click(ann, menu, "🔊 Change speaker")
    assert picker.all_buttons()[0].text == "✓ Bedroom speaker (My Home)"
    menu = await bot.click(ann, picker, "Kitchen speaker (My Home)")
    assert "through <b>Kitchen speaker" in (menu.html or "")
    assert _speaker_of(bot, ann) == demo.devices["speaker"]


async def test_a_remembered_speaker_that_is_gone_makes_the_bot_ask_again(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann = await _linked(bot, 309)
    await bot.say(ann, "/music")
    assert _speaker_of(bot, ann) == demo.devices["speaker"]
    _add_speaker(sandbox, demo, "bedroom_speaker", "Bedroom speaker")
    _add_speaker(sandbox, demo, "office_speaker", "Office speaker")
    del sandbox.state.devices[demo.devices["speaker"]]
    asked = await bot.say(ann, "/music")
    assert "Kitchen speaker is no longer available" in asked.text
    assert [b.text for b in asked.all_buttons()] == [
        "Bedroom speaker (My Home)",
        "Office speaker (My Home)",
    ]
    assert _speaker_of(bot, ann) is None


async def test_speaker_losing_kugou_and_no_speakers_at_all(
    bot: BotHarness, sandbox: Sandbox
) -> None:
    ann = await _linked(bot, 310)
    menu = await bot.say(ann, "/music")
    # A copy: the demo's Product objects are shared by every sandbox of the test run.
    speaker = sandbox.state.products["DEMOSPEAK1"]
    sandbox.state.products["DEMOSPEAK1"] = dataclasses.replace(speaker, kugou=False)
    told = await bot.click(ann, menu, "☀️ Daily picks")
    assert "Kitchen speaker doesn't answer Kugou music commands" in told.text
    assert "found no speaker that can play Kugou music" in told.text
    assert _speaker_of(bot, ann) is None and not told.all_buttons()
    again = await bot.say(ann, "/music")
    assert "found no speaker" in again.text


async def test_kugou_error_is_told_with_its_code(bot: BotHarness, sandbox: Sandbox) -> None:
    ann = await _linked(bot, 311)
    menu = await bot.say(ann, "/music")
    lists = await bot.click(ann, menu, "📀 Playlists")
    del sandbox.state.playlists["pl_night"]
    failed = await bot.click(ann, lists, "Night drive")
    assert "Kugou couldn't do that (Kugou error 20004)" in failed.text
    assert "playlist does not exist" in failed.text and failed.button("🎵 Music menu")


async def test_music_needs_a_linked_account(bot: BotHarness) -> None:
    stranger = bot.tg.user(312, "Zed")
    reply = await bot.say(stranger, "/music")
    assert "haven't linked an IoT Explorer account" in reply.text
    assert ("music", "Music on your speakers") in bot.tg.commands()


async def test_speaker_answers_are_remembered_for_a_while(
    client: IotClient, owner_token: str, sandbox: Sandbox, demo: DemoHome
) -> None:
    now = [1000.0]
    remembered = MusicMemory(clock=lambda: now[0])
    (kitchen,) = await find_speakers(client, owner_token, remembered)
    assert (kitchen.device_id, kitchen.name, kitchen.place) == (
        demo.devices["speaker"],
        "Kitchen speaker",
        "My Home",
    )
    assert remembered.known(demo.devices["light"]) is False
    speaker = sandbox.state.products["DEMOSPEAK1"]
    sandbox.state.products["DEMOSPEAK1"] = dataclasses.replace(speaker, kugou=False)
    assert await find_speakers(client, owner_token, remembered) == [kitchen]  # not asked again
    now[0] += PROBE_TTL + 1
    assert await find_speakers(client, owner_token, remembered) == []


def test_telegram_fetches_only_mp3_or_m4a_links_up_to_20_mb() -> None:
    def link(url: str, size: int = 0) -> SongUrl:
        return SongUrl("1", "A", "S", url, 0, size=size)

    assert telegram_can_fetch(link("https://k.example/a/1.MP3?sig=x", 4_000_000))
    assert telegram_can_fetch(link("http://k.example/1.m4a"))
    assert not telegram_can_fetch(link("https://k.example/1.flac"))
    assert not telegram_can_fetch(link("ftp://k.example/1.mp3"))
    assert not telegram_can_fetch(link("https://k.example/1.mp3", 21 * 1024 * 1024))


async def test_devices_are_probed_once_and_a_passing_failure_keeps_the_speaker(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    def kugou_requests() -> int:
        return sum(action == "AppKugouUserCommand" for action, _ in sandbox.server.requests)

    ann = await _linked(bot, 313)
    await bot.say(ann, "/music")
    probes = kugou_requests()
    assert probes == len(demo.devices)
    menu = await bot.say(ann, "/music")
    assert "through <b>Kitchen speaker" in (menu.html or "") and kugou_requests() == probes

    bot.app.services.music.probes.clear()  # type: ignore[union-attr]
    offline = Fault(action="AppKugouUserCommand", error_code="FailedOperation.DeviceOffline")
    sandbox.server.faults.add(offline)
    menu = await bot.say(ann, "/music")
    assert "through <b>Kitchen speaker" in (menu.html or "")
    assert _speaker_of(bot, ann) == demo.devices["speaker"]
    bob = await _linked(bot, 314)
    told = await bot.say(bob, "/music")
    assert "The device is offline" in told.text and _speaker_of(bot, bob) is None
    sandbox.server.faults.clear()
    menu = await bot.say(bob, "/music")
    assert "through <b>Kitchen speaker" in (menu.html or "")
