"""The /music views: what a user reads and which buttons do what, without Telegram or a cloud."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest

from bot.home.speakers import Speaker
from bot.iot.models.music import PLAYABLE_REASONS, Playlist, Song, SongPage, SongUrl
from bot.storage.store import Store
from bot.telegram.callbacks import Callback, CallbackCodec
from bot.telegram.context import Services
from bot.telegram.routing import Buttons
from bot.views import music as views
from bot.views import music_song as song_views


@pytest.fixture
def codec(tmp_path: Path) -> Iterator[CallbackCodec]:
    store = Store(tmp_path / "bot.sqlite3")
    yield CallbackCodec(store)
    store.close()


@pytest.fixture
def buttons(codec: CallbackCodec) -> Buttons:
    none = cast(Any, None)
    services = Services(settings=none, store=none, iot=none, codec=codec, accounts=none)
    return Buttons(services, 42)


def _pressed(codec: CallbackCodec, markup: Any, text: str) -> Callback:
    for row in markup.inline_keyboard:
        for button in row:
            if button.text == text:
                return codec.decode(button.callback_data)
    raise LookupError(text)


def _texts(markup: Any) -> list[str]:
    return [button.text for row in markup.inline_keyboard for button in row]


def _song(n: int, **changes: Any) -> Song:
    fields: dict[str, Any] = {
        "song_id": str(n),
        "name": f"Song {n}",
        "singer": "Singer",
        "album": "Album",
    }
    return Song(**{**fields, **changes})


def test_song_list_parses_only_what_it_makes() -> None:
    source = views.SongList(views.SEARCH, "rain | 雨", 3)
    assert views.SongList.parse([str(a) for a in source.args()]) == source
    assert views.SongList.parse(["n", "2", "1"]) == views.SongList(views.NEW, "2", 1)
    for bad in (
        [],
        ["s", "", "1"],
        ["s", "rain", "0"],
        ["s", "rain", "x"],
        ["n", "9", "1"],
        ["p", "", "1"],
        ["q", "a", "1"],
        ["d", "", "1", "extra"],
    ):
        assert views.SongList.parse(bad) is None, bad


def test_keywords_are_tidied_and_limited() -> None:
    assert views.clean_keyword("  harbour \n lights ") == "harbour lights"
    assert views.clean_keyword("   ") is None
    assert views.clean_keyword("x" * views.MAX_KEYWORD) == "x" * views.MAX_KEYWORD
    assert views.clean_keyword("x" * (views.MAX_KEYWORD + 1)) is None


def test_song_list_escapes_names_marks_vip_and_pages(
    buttons: Buttons, codec: CallbackCodec
) -> None:
    songs = (
        _song(1, name="<b>Bold</b> & co", singer="A&B", album="<i>"),
        _song(2, vip=True),
    )
    page = SongPage(songs, total=10, page=2, size=2)
    source = views.SongList(views.SEARCH, "<script>", 2)
    text, markup = views.song_list(source, page, "Kitchen <speaker>", buttons)
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; co" in text and "A&amp;B" in text
    assert "&lt;script&gt;" in text and "Kitchen &lt;speaker&gt;" in text
    assert "Page 2 of 5 · 10 songs" in text
    assert "3. <b>&lt;b&gt;" in text and "4. <b>Song 2</b>" in text and "👑 VIP" in text
    assert _texts(markup)[:2] == ["<b>Bold</b> & co — A&B · <i>", "Song 2 — Singer · Album 👑"]
    assert _pressed(codec, markup, "Song 2 — Singer · Album 👑") == Callback(
        42, "mu.song", ("2", "s", "<script>", "2")
    )
    assert _pressed(codec, markup, "◀").args == ("s", "<script>", "1")
    assert _pressed(codec, markup, "▶").args == ("s", "<script>", "3")
    assert "🔍 New search" in _texts(markup)


def test_first_and_last_pages_have_one_arrow(buttons: Buttons) -> None:
    only = SongPage((_song(1),), total=1, page=1, size=8)
    _, markup = views.song_list(views.SongList(views.DAILY), only, "S", buttons)
    assert "◀" not in _texts(markup) and "▶" not in _texts(markup)
    last = SongPage((_song(9),), total=9, page=2, size=8)
    _, markup = views.song_list(views.SongList(views.DAILY, "", 2), last, "S", buttons)
    assert "◀" in _texts(markup) and "▶" not in _texts(markup)


def test_long_song_labels_are_cut_but_keep_the_vip_mark(buttons: Buttons) -> None:
    page = SongPage((_song(1, name="N" * 100, vip=True),), total=1, page=1, size=8)
    _, markup = views.song_list(views.SongList(views.DAILY), page, "S", buttons)
    label = _texts(markup)[0]
    assert len(label) <= views.MAX_BUTTON and label.endswith("… 👑")


def test_empty_lists_say_so(buttons: Buttons) -> None:
    empty = SongPage((), total=0, page=1, size=8)
    text, _ = views.song_list(views.SongList(views.SEARCH, "zz&z"), empty, "S", buttons)
    assert "Kugou found nothing for “zz&amp;z”" in text
    text, _ = views.song_list(views.SongList(views.PLAYLIST, "pl"), empty, "S", buttons)
    assert "This playlist is empty." in text and "📀 <b>Playlist</b>" in text


def test_new_songs_offer_every_chart(buttons: Buttons, codec: CallbackCodec) -> None:
    page = SongPage((_song(1),), total=1, page=1, size=8)
    _, markup = views.song_list(views.SongList(views.NEW, "2"), page, "S", buttons)
    assert _texts(markup)[1:5] == ["Chinese", "✓ Western", "Korean", "Japanese"]
    assert _pressed(codec, markup, "Japanese").args == ("n", "4", "1")


def test_speaker_picker_ticks_the_current_one_and_carries_the_search(
    buttons: Buttons, codec: CallbackCodec
) -> None:
    speakers = [Speaker("P/a", "Attic <1>", "Home"), Speaker("P/b", "Bath", "")]
    text, markup = views.speaker_picker(speakers, "P/b", buttons, then="rain", note="<b>Gone</b>")
    assert text.startswith("<b>Gone</b>\n\n") and "Which speaker" in text
    assert _texts(markup) == ["Attic <1> (Home)", "✓ Bath"]
    assert _pressed(codec, markup, "Attic <1> (Home)").args == ("P/a", "rain")


def test_playlists_list_escaped_with_buttons(buttons: Buttons, codec: CallbackCodec) -> None:
    items = [Playlist("pl1", "Rock & <Roll>", "Loud"), Playlist("pl2", "Calm")]
    text, markup = views.playlists(items, 1, True, buttons)
    assert "<b>Rock &amp; &lt;Roll&gt;</b> — Loud" in text
    assert _pressed(codec, markup, "Rock & <Roll>").args == ("p", "pl1", "1")
    assert _pressed(codec, markup, "▶").args == ("2",) and "◀" not in _texts(markup)


def test_every_playable_code_has_its_own_reason_and_unknown_ones_a_generic_one() -> None:
    reasons = {code: song_views.unplayable_reason(code) for code in PLAYABLE_REASONS if code}
    named = {code: text for code, text in reasons.items() if "code" not in text}
    assert set(named) == {1, 2, 3, 4, 5, 6} and len(set(named.values())) == 6
    assert "VIP" in reasons[3] and "region" in reasons[1] and "copyright" in reasons[2]
    assert song_views.unplayable_reason(9) == "Kugou won't play it right now (code 9)."
    assert "(code 77)" in song_views.unplayable_reason(77)


def test_song_details(buttons: Buttons, codec: CallbackCodec) -> None:
    song = _song(1, name="A <tune>", vip=True)
    link = SongUrl("1", "A <tune>", "Singer", "", 3, duration_ms=3_723_000, try_url="http://t/x")
    back = views.SongList(views.DAILY, "", 2)
    text, markup = song_views.song_details(song, link, back, buttons)
    assert "🎵 <b>A &lt;tune&gt;</b>" in text and "Length: 1:02:03" in text
    assert "👑 VIP song" in text and "Only Kugou VIP members can play it." in text
    assert markup.inline_keyboard[0][0].url == "http://t/x"
    assert _pressed(codec, markup, "◀ Back to the list").args == ("d", "", "2")
    no_link = SongUrl("1", "A", "S", "", 0)
    text, _ = song_views.song_details(_song(1), no_link, None, buttons)
    assert "Kugou gave no link for it." in text
    playable = SongUrl("1", "A", "S", "http://x/1.mp3", 0, duration_ms=61_000)
    text, markup = song_views.song_details(_song(1), playable, None, buttons)
    assert "Length: 1:01" in text and "Playable" in text
    assert _texts(markup) == ["🎵 Music menu"]


def test_kugou_error_text_carries_the_code_and_escapes_the_message() -> None:
    text = views.kugou_failed(20004, "<no> such list")
    assert "Kugou error 20004" in text and "&lt;no&gt; such list" in text
    assert "Kugou says" not in views.kugou_failed(1, "")
