"""Names shown literally, private bots and menus kept private, and secrets kept out of sight."""

from __future__ import annotations

import dataclasses
import json
import stat
from pathlib import Path

import httpx

from bot.faketelegram import FakeTelegram, Message, TestChat, TestUser
from bot.ops import web
from bot.sandbox.demo import DemoHome
from bot.sandbox.server import Sandbox
from bot.telegram.routing import PENDING_KEY
from tests.e2e.harness import BotHarness, running_bot

HTML = "<b>x</b> & <i>"
MARKDOWN = "*bold* _it_ [a](b) `code`"
NOT_YOURS = "This button belongs to someone else's menu."
PRIVATE = "Sorry, this bot is private."


def failed_calls(bot: BotHarness) -> list[str]:
    """Every Bot API call Telegram refused (a 400 "can't parse entities" among them)."""
    return [f"{c.method}: {c.description}" for c in bot.tg.calls() if not c.ok]


def cloud_actions(sandbox: Sandbox) -> list[str]:
    return [action for action, _ in sandbox.server.requests]


def light_power(sandbox: Sandbox, demo: DemoHome) -> object:
    return sandbox.control.device_state(demo.devices["light"])["Properties"]["power_switch"]


# -- (a) names from the cloud and from Telegram are shown as typed ------------------------------


async def test_html_and_markdown_in_names_are_shown_literally(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    state = sandbox.state
    family, den, nook = f"Home {HTML}", f"Den {MARKDOWN}", f"Nook {HTML}"
    lamp, plug, nickname = f"Lamp {HTML}", f"Plug {MARKDOWN}", f"Al {HTML} {MARKDOWN}"
    state.families[demo.family_id].name = family
    state.rooms[demo.rooms["Living room"]].name = den
    state.rooms[demo.rooms["Kitchen"]].name = nook
    state.devices[demo.devices["light"]].alias = lamp
    state.devices[demo.devices["plug"]].alias = plug
    state.users[demo.owner.user_id].nickname = nickname
    night, movie = (s for s in state.scenes.values() if s.family_id == demo.family_id)
    night.name, movie.name = f"Night {HTML}", f"Movie {MARKDOWN}"
    ann = bot.tg.user(701, "Ann")
    await bot.link(ann, "owner")

    listing = await bot.say(ann, "/devices")
    assert listing.text.startswith(f"{family} · All rooms")
    assert f"🟢 {lamp} · {den}" in listing.text and f"🟢 {plug} · {nook}" in listing.text
    assert {f"🟢 {lamp}", f"🟢 {plug}"} <= {b.text for b in listing.all_buttons()}
    card = await bot.click(ann, listing, f"🟢 {lamp}")
    assert card.text.splitlines()[:2] == [lamp, f"🏠 {den} · 🟢 Online"]

    families = await bot.say(ann, "/family")
    home = await bot.click(ann, families, f"✓ {family}")
    assert home.text.splitlines()[0] == f"🏠 {family}"
    assert f"• {nickname} (you) — admin" in home.text
    rooms = await bot.click(ann, home, "🚪 Rooms")
    assert rooms.text.splitlines()[0] == f"🚪 Rooms of {family}"
    assert f"• {den} — 3 devices" in rooms.text and f"• {nook} — 3 devices" in rooms.text
    assert {den, nook} <= {b.text for b in rooms.all_buttons()}

    scenes = await bot.say(ann, "/scenes")
    assert {f"▶ {night.name}", f"▶ {movie.name}"} <= {b.text for b in scenes.all_buttons()}
    ran = await bot.click(ann, scenes, f"▶ {night.name}")
    assert f"▶ {night.name} is running." in ran.text

    me = await bot.say(ann, "/me")
    assert me.text.splitlines()[0] == nickname
    assert f"Current family: {family}" in me.text
    assert failed_calls(bot) == []


async def test_a_telegram_name_with_markup_is_shown_literally(bot: BotHarness) -> None:
    name = f"{HTML} {MARKDOWN}"
    eve = bot.tg.user(702, name)
    welcome = await bot.say(eve, "/start")
    done = await bot.click(eve, welcome, "Continue with Telegram")
    assert f"signed in as {name}" in done.text
    me = await bot.say(eve, "/me")
    assert me.text.splitlines()[0] == name
    assert failed_calls(bot) == []


# -- (b) BOT_ALLOWED_USERS, (c) other people's buttons ------------------------------------------


async def group_card(bot: BotHarness, owner: TestUser, group: TestChat) -> tuple[Message, Message]:
    """The device list ``owner`` opened in ``group``, and the light's card opened from it."""
    listing = await bot.say(owner, "/devices", group)
    card = await bot.click(owner, listing, "🟢 Living room light")
    listing = await bot.say(owner, "/devices", group)  # a second, untouched list
    return listing, card


async def refused(bot: BotHarness, user: TestUser, message: Message, button: str) -> str:
    """Press ``button`` as ``user``; the text the bot answered the press with."""
    query = await bot.tg.press(user, message, button)
    answer = await bot.tg.wait_answer(query)
    return answer.text or ""


async def test_allowed_users_apply_to_commands_and_button_presses(
    sandbox: Sandbox, demo: DemoHome, tmp_path: Path
) -> None:
    async with running_bot(sandbox, tmp_path, allowed_users=frozenset({711})) as bot:
        ann, eve = bot.tg.user(711, "Ann"), bot.tg.user(712, "Eve")
        group = bot.tg.group(-7001, "Flat", members=[ann, eve])
        await bot.link(ann, "owner")
        listing, card = await group_card(bot, ann, group)
        before = [(m.text, m.edit_count) for m in bot.tg.messages(group)]
        actions = len(cloud_actions(sandbox))

        for message, button in ((card, "⚪ Power: Off"), (listing, "🟢 Living room light")):
            query = await bot.tg.press(eve, message, button)
            answer = await bot.tg.wait_answer(query)
            assert answer.text == PRIVATE and answer.show_alert
        await bot.tg.send(eve, "/devices", group)  # refused without a word in a group
        assert (await bot.say(eve, "/devices")).text == PRIVATE  # and told in private
        assert (await bot.say(eve, "/start")).text == PRIVATE
        assert bot.app is not None and bot.app.services.store.get_account(712) is None
        # updates are handled in order, so by now Eve's group /devices has been dealt with too
        assert cloud_actions(sandbox)[actions:] == []  # nothing reached the cloud for Eve
        assert light_power(sandbox, demo) == 0

        shown = await bot.say(ann, "/me", group)  # Eve's /devices got no answer: Ann's is next
        assert "Current family: My Home" in shown.text
        assert before == [(m.text, m.edit_count) for m in bot.tg.messages(group)][: len(before)]
        toggled = await bot.click(ann, card, "⚪ Power: Off")  # the owner still may
        assert "Power: On" in toggled.text and light_power(sandbox, demo) == 1


async def test_other_peoples_buttons_are_refused_on_every_route(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann, ben = bot.tg.user(721, "Ann"), bot.tg.user(722, "Ben")
    group = bot.tg.group(-7002, "Flat", members=[ann, ben])
    # Ben is signed in to the very same account: only the menu's owner check stands in his way.
    await bot.link(ann, "owner")
    await bot.link(ben, "owner")
    listing, card = await group_card(bot, ann, group)
    families = await bot.say(ann, "/family", group)
    scenes = await bot.say(ann, "/scenes", group)
    before = [(m.text, m.edit_count) for m in bot.tg.messages(group)]
    actions = len(cloud_actions(sandbox))

    presses = [
        (card, "⚪ Power: Off"),
        (card, "➕"),
        (card, "Green"),
        (card, "✏️ Lamp label"),
        (card, "⚙ Manage"),
        (listing, "🟢 Living room light"),
        (listing, "🏠 Rooms"),
        (families, "✓ My Home"),
        (scenes, "▶ Good night"),
        (scenes, "➕ New scene"),
    ]
    for message, button in presses:
        assert await refused(bot, ben, message, button) == NOT_YOURS, button

    assert before == [(m.text, m.edit_count) for m in bot.tg.messages(group)]
    assert cloud_actions(sandbox)[actions:] == []  # not a single request for Ben's presses
    assert light_power(sandbox, demo) == 0
    assert bot.app is not None  # and no question ("send the new Lamp label") was opened for him
    assert PENDING_KEY not in bot.app.user_data.get(ben.id, {})
    toggled = await bot.click(ann, card, "⚪ Power: Off")
    assert "Power: On" in toggled.text and light_power(sandbox, demo) == 1


# -- (d)-(f) secrets at rest, in chats, in /metrics and /healthz --------------------------------


async def whole_session(bot: BotHarness, sandbox: Sandbox) -> list[Message]:
    """Sign in every way there is, use the home, sign out and in again; the messages shown."""
    shown: list[Message] = []
    ann, bob, cat = bot.tg.user(731, "Ann"), bot.tg.user(732, "Bob"), bot.tg.user(733, "Cat")
    welcome = await bot.say(ann, "/start")
    await bot.click(ann, welcome, "Phone or email and password")
    await bot.say(ann, "demo@example.com")
    await bot.tg.send(ann, "demo-pass-1234")
    shown.append(await bot.tg.next_message(ann))
    welcome = await bot.say(bob, "/start")
    shown.append(await bot.click(bob, welcome, "Continue with Telegram"))
    welcome = await bot.say(cat, "/start")
    await bot.click(cat, welcome, "Paste an AccessToken")
    await bot.tg.send(cat, sandbox.state.issue_token(sandbox.demo.friend.user_id).token)
    shown.append(await bot.tg.next_message(cat))
    for message, name in zip(shown, ("Alex", "Bob", "Sam"), strict=True):
        assert f"signed in as {name}" in message.text
    listing = await bot.say(ann, "/devices")
    card = await bot.click(ann, listing, "🟢 Living room light")
    shown.append(await bot.click(ann, card, "⚪ Power: Off"))
    shown.append(await bot.say(cat, "/devices"))
    shown.append(await bot.say(ann, "/logout"))
    welcome = await bot.say(ann, "/login")
    shown.append(await bot.click(ann, welcome, "Continue with Telegram"))
    shown.append(await bot.say(ann, "/me"))
    return shown


def secrets_of(bot: BotHarness, sandbox: Sandbox) -> dict[str, str]:
    """Every secret of the session, by what it is."""
    found = {f"AccessToken {t[:6]}…": t for t in sandbox.state.tokens}
    found["AppSecret"] = sandbox.state.app_secret
    found["password"] = "demo-pass-1234"
    found["BOT_SECRET_KEY"] = bot.settings.secret_key
    found["bot token"] = bot.settings.telegram_token
    return found


def leaked_in(data: bytes | str, secrets: dict[str, str]) -> list[str]:
    raw = data.encode() if isinstance(data, str) else data
    return [name for name, value in secrets.items() if value.encode() in raw]


async def test_no_secret_in_the_data_files_after_a_whole_session(
    bot: BotHarness, sandbox: Sandbox
) -> None:
    await whole_session(bot, sandbox)
    data_dir = bot.settings.data_dir
    secrets = secrets_of(bot, sandbox)
    del secrets["BOT_SECRET_KEY"], secrets["bot token"]  # configuration, not data
    assert len([name for name in secrets if name.startswith("AccessToken")]) >= 4

    def files() -> dict[str, bytes]:
        return {
            str(p.relative_to(data_dir)): p.read_bytes() for p in data_dir.rglob("*") if p.is_file()
        }

    running = files()  # the write-ahead log and shared memory are there while the bot runs
    assert any(name.endswith("-wal") for name in running)
    await bot.stop()
    stopped = files()
    for name, content in {**running, **{f"{k} (stopped)": v for k, v in stopped.items()}}.items():
        assert leaked_in(content, secrets) == [], name


async def test_secret_key_file_is_private_to_the_owner(sandbox: Sandbox, tmp_path: Path) -> None:
    async with FakeTelegram() as tg:
        bot = BotHarness(tg, sandbox, tmp_path)
        # no BOT_SECRET_KEY: the bot generates its key into the data directory
        bot.settings = dataclasses.replace(bot.settings, secret_key="")
        await bot.start()
        try:
            ann = bot.tg.user(741, "Ann")
            welcome = await bot.say(ann, "/start")
            await bot.click(ann, welcome, "Continue with Telegram")
            key_file = tmp_path / "secret.key"
            assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
            key = key_file.read_text().strip()
            assert len(key) >= 32
            sent = json.dumps([c.params for c in bot.tg.calls()], ensure_ascii=False)
            assert key not in sent
        finally:
            await bot.stop()
        assert key.encode() not in (tmp_path / "bot.sqlite3").read_bytes()


async def test_no_secret_in_any_message_nor_in_metrics_and_health(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    async with running_bot(sandbox, tmp_path, health_port=0, health_listen="127.0.0.1") as bot:
        shown = await whole_session(bot, sandbox)
        secrets = secrets_of(bot, sandbox)
        assert all(leaked_in(m.text or "", secrets) == [] for m in shown)
        for call in bot.tg.calls():
            if call.method != "getUpdates":  # its results are the users' own messages
                sent = json.dumps(call.params, ensure_ascii=False)
                assert leaked_in(sent, secrets) == [], call.method
        assert bot.app is not None
        (server,) = web.servers_of(bot.app)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as http:
            for path in ("/healthz", "/metrics"):
                reply = await http.get(path)
                assert reply.status_code == 200
                assert leaked_in(reply.text, secrets) == [], path
            assert "bot_cloud_requests_total" in (await http.get("/metrics")).text
