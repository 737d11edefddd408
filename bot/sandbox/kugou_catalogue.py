"""The sandbox's small Kugou catalogue: invented singers, albums, songs and playlists."""

from __future__ import annotations

from bot.sandbox.state import Playlist, SandboxState, Song

# Nothing is served at these addresses (the .invalid domain says so); bots only show them.
MEDIA_BASE = "http://kugou.sandbox.invalid"

# singer id -> (name, language as Kugou names it)
SINGERS = {
    "sg_linxia": ("林夏", "华语"),
    "sg_chenys": ("陈远山", "华语"),
    "sg_maya": ("Maya Reed", "欧美"),
    "sg_lanterns": ("The Lanterns", "欧美"),
    "sg_sora": ("Han Sora", "韩语"),
    "sg_aoi": ("森葵", "日语"),
}

# album id -> (name, singer id)
ALBUMS = {
    "al_letters": ("夏日来信", "sg_linxia"),
    "al_raincat": ("雨天的猫", "sg_linxia"),
    "al_mountain": ("山海之间", "sg_chenys"),
    "al_papermoon": ("Paper Moon", "sg_maya"),
    "al_nightdrive": ("Night Drive", "sg_maya"),
    "al_harbour": ("Harbour Lights", "sg_lanterns"),
    "al_bluehour": ("Blue Hour", "sg_sora"),
    "al_wind": ("風の手紙", "sg_aoi"),
}

# song id, name, album id, seconds, VIP only, playable_code (0 playable, 1 region, 2 no
# copyright, 3 VIP only, 4 paid; the sandbox's Kugou user is not a VIP)
SONGS: list[tuple[str, str, str, int, bool, int]] = [
    ("100001", "夏天的风", "al_letters", 243, False, 0),
    ("100002", "晚安，城市", "al_letters", 228, False, 0),
    ("100003", "橘子汽水", "al_letters", 201, True, 3),
    ("100004", "海边的信", "al_letters", 265, False, 0),
    ("100005", "雨天的猫", "al_raincat", 219, False, 0),
    ("100006", "伞下", "al_raincat", 254, True, 3),
    ("100007", "窗台", "al_raincat", 187, False, 2),
    ("100040", "小雨", "al_raincat", 210, False, 0),
    ("100008", "山海之间", "al_mountain", 276, False, 0),
    ("100009", "旧火车", "al_mountain", 238, False, 0),
    ("100010", "远方来客", "al_mountain", 301, True, 3),
    ("100011", "灯塔", "al_mountain", 249, False, 4),
    ("100012", "回声", "al_mountain", 222, False, 0),
    ("100037", "城南旧事", "al_mountain", 264, True, 3),
    ("100013", "Paper Moon", "al_papermoon", 214, False, 0),
    ("100014", "Golden Hour Rain", "al_papermoon", 197, False, 0),
    ("100015", "Letters to June", "al_papermoon", 232, True, 3),
    ("100016", "Small Town Lights", "al_papermoon", 205, False, 0),
    ("100017", "Night Drive", "al_nightdrive", 241, False, 0),
    ("100018", "Neon Rain", "al_nightdrive", 226, False, 1),
    ("100019", "Highway Hearts", "al_nightdrive", 219, True, 3),
    ("100020", "Slow Motion Summer", "al_nightdrive", 248, False, 0),
    ("100039", "Rain on the Roof", "al_nightdrive", 188, False, 0),
    ("100021", "Harbour Lights", "al_harbour", 262, False, 0),
    ("100022", "Paper Boats", "al_harbour", 208, False, 0),
    ("100023", "Northern Line", "al_harbour", 233, True, 3),
    ("100024", "Tidewater", "al_harbour", 275, False, 2),
    ("100025", "Kettle Song", "al_harbour", 181, False, 0),
    ("100026", "Rainy Sunday", "al_harbour", 199, False, 0),
    ("100038", "Morning Tea", "al_harbour", 176, False, 0),
    ("100027", "Blue Hour", "al_bluehour", 213, False, 0),
    ("100028", "Starlight Café", "al_bluehour", 204, False, 0),
    ("100029", "Seoul Rain", "al_bluehour", 219, True, 3),
    ("100030", "Polaroid", "al_bluehour", 196, False, 0),
    ("100031", "Hello, Winter", "al_bluehour", 227, False, 4),
    ("100032", "風の手紙", "al_wind", 239, False, 0),
    ("100034", "夕焼けバス", "al_wind", 208, False, 0),
    ("100035", "猫と月", "al_wind", 221, True, 3),
    ("100036", "さくら通り", "al_wind", 246, False, 0),
    ("100033", "青い傘", "al_wind", 231, False, 0),
]

# playlist id -> (name, intro, song ids)
PLAYLISTS = {
    "pl_rainy": (
        "下雨天 Rainy day",
        "Songs for a grey afternoon indoors.",
        ["100005", "100006", "100014", "100018", "100026", "100029", "100039", "100040", "100007"],
    ),
    "pl_focus": (
        "Focus & coffee",
        "Quiet songs to work to.",
        ["100025", "100038", "100022", "100030", "100034", "100016"],
    ),
    "pl_night": (
        "Night drive",
        "After dark, windows down.",
        ["100017", "100019", "100020", "100002", "100027", "100013", "100021"],
    ),
    "pl_mandarin": (
        "华语精选",
        "精选华语好歌。",
        ["100001", "100003", "100004", "100008", "100009", "100010", "100011", "100012"],
    ),
}

DAILY = [
    "100001",
    "100013",
    "100027",
    "100032",
    "100009",
    "100015",
    "100022",
    "100005",
    "100036",
    "100018",
]
NEW_SONGS = [
    "100040",
    "100037",
    "100012",
    "100039",
    "100038",
    "100020",
    "100031",
    "100030",
    "100036",
    "100035",
    "100033",
]


def cover_url(album_id: str) -> str:
    return f"{MEDIA_BASE}/album/{album_id}.jpg"


def singer_img(singer_id: str) -> str:
    return f"{MEDIA_BASE}/singer/{singer_id}.jpg"


def load_catalogue(state: SandboxState) -> None:
    """Put the catalogue into ``state`` (once; a second call changes nothing)."""
    if state.songs:
        return
    for song_id, name, album_id, seconds, vip, playable in SONGS:
        album_name, singer_id = ALBUMS[album_id]
        singer_name, language = SINGERS[singer_id]
        state.songs[song_id] = Song(
            song_id=song_id,
            song_name=name,
            singer_name=singer_name,
            album_name=album_name,
            album_id=album_id,
            duration=seconds,
            vip=vip,
            playable_code=playable,
            cover_url=cover_url(album_id),
            play_url=f"{MEDIA_BASE}/audio/{song_id}.mp3",
            singer_id=singer_id,
            language=language,
        )
    created = state.now() - 30 * 86400
    for playlist_id, (name, intro, song_ids) in PLAYLISTS.items():
        state.playlists[playlist_id] = Playlist(
            playlist_id,
            name,
            intro,
            list(song_ids),
            f"{MEDIA_BASE}/playlist/{playlist_id}.jpg",
            created,
            state.now(),
        )
    state.daily_song_ids[:] = DAILY
    state.new_song_ids[:] = NEW_SONGS
