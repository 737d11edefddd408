"""Linking a chat to IoT Explorer, end to end through the real Application."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.faketelegram import TestUser
from bot.sandbox.server import Sandbox
from tests.e2e.harness import BotHarness, running_bot


async def _start_password_login(bot: BotHarness, user: TestUser) -> None:
    welcome = await bot.say(user, "/start")
    assert "How would you like to sign in?" in welcome.text
    asked = await bot.click(user, welcome, "Phone or email and password")
    assert "phone number or email" in asked.text


async def test_password_login_deletes_password_and_links(bot: BotHarness, sandbox: Sandbox) -> None:
    ann = bot.tg.user(101, "Ann")
    await _start_password_login(bot, ann)
    reply = await bot.say(ann, "+86 138 0000 0000")
    assert "password" in reply.text and "+86 138****00" in reply.text
    password_message = await bot.tg.send(ann, "demo-pass-1234")
    done = await bot.tg.next_message(ann)
    assert "You're signed in as Alex" in done.text
    assert password_message.deleted
    me = await bot.say(ann, "/me")
    assert "Alex" in me.text and "My Home" in me.text and "+86 138****00" in me.text
    account = bot.app.services.store.get_account(101)  # type: ignore[union-attr]
    assert account is not None and account.login_method == "password"
    assert sandbox.state.user_by_token(account.token).nickname == "Alex"  # type: ignore[union-attr]


async def test_malformed_phone_and_wrong_password(bot: BotHarness) -> None:
    ann = bot.tg.user(102, "Ann")
    await _start_password_login(bot, ann)
    bad = await bot.say(ann, "call me maybe")
    assert "doesn't look like a phone number or an email" in bad.text
    await bot.say(ann, "demo@example.com")
    wrong = await bot.tg.send(ann, "wrong-password-123")
    reply = await bot.tg.next_message(ann)
    assert "password is not correct" in reply.text and wrong.deleted
    assert bot.app.services.store.get_account(102) is None  # type: ignore[union-attr]
    await bot.tg.send(ann, "demo-pass-1234")
    assert "signed in as Alex" in (await bot.tg.next_message(ann)).text


async def test_continue_with_telegram_registers_a_stable_account(
    bot: BotHarness, sandbox: Sandbox
) -> None:
    bob = bot.tg.user(103, "Bob")
    welcome = await bot.say(bob, "/start")
    done = await bot.click(bob, welcome, "Continue with Telegram")
    assert "signed in as Bob" in done.text
    first = bot.app.services.store.get_account(103)  # type: ignore[union-attr]
    await bot.say(bob, "/logout")
    assert bot.app.services.store.get_account(103) is None  # type: ignore[union-attr]
    assert sandbox.state.user_by_token(first.token) is None  # type: ignore[union-attr]
    welcome = await bot.say(bob, "/login")
    await bot.click(bob, welcome, "Continue with Telegram")
    again = bot.app.services.store.get_account(103)  # type: ignore[union-attr]
    assert again is not None and again.iot_user_id == first.iot_user_id  # type: ignore[union-attr]


async def test_paste_token_checked_then_saved(bot: BotHarness, sandbox: Sandbox) -> None:
    carol = bot.tg.user(104, "Carol")
    token = sandbox.state.issue_token(sandbox.demo.friend.user_id).token
    welcome = await bot.say(carol, "/start")
    await bot.click(carol, welcome, "Paste an AccessToken")
    bogus = await bot.tg.send(carol, "0123456789abcdef0123")
    refused = await bot.tg.next_message(carol)
    assert "doesn't accept that token" in refused.text and bogus.deleted
    pasted = await bot.tg.send(carol, token)
    assert "signed in as Sam" in (await bot.tg.next_message(carol)).text
    assert pasted.deleted


async def test_cancel_midway_and_login_while_linked(bot: BotHarness) -> None:
    dan = bot.tg.user(105, "Dan")
    await _start_password_login(bot, dan)
    cancelled = await bot.say(dan, "/cancel")
    assert "Cancelled" in cancelled.text
    hint = await bot.say(dan, "demo@example.com")
    assert "didn't catch that" in hint.text  # no sign-in question is open any more
    welcome = await bot.say(dan, "/login")
    await bot.click(dan, welcome, "Continue with Telegram")
    ask = await bot.say(dan, "/login")
    assert "Sign in with another account?" in ask.text
    kept = await bot.click(dan, ask, "Keep")
    assert "Cancelled" in kept.text
    assert bot.app.services.store.get_account(105) is not None  # type: ignore[union-attr]


async def test_restart_mid_conversation_continues(bot: BotHarness) -> None:
    eve = bot.tg.user(106, "Eve")
    await _start_password_login(bot, eve)
    await bot.say(eve, "demo@example.com")
    await bot.restart()
    await bot.tg.send(eve, "demo-pass-1234")
    assert "signed in as Alex" in (await bot.tg.next_message(eve)).text


async def test_no_plaintext_token_in_the_database(bot: BotHarness, sandbox: Sandbox) -> None:
    fay = bot.tg.user(107, "Fay")
    welcome = await bot.say(fay, "/start")
    await bot.click(fay, welcome, "Continue with Telegram")
    account = bot.app.services.store.get_account(107)  # type: ignore[union-attr]
    assert account is not None
    await bot.stop()
    raw = b""
    for path in bot.settings.data_dir.glob("bot.sqlite3*"):
        raw += path.read_bytes()
    assert account.token.encode() not in raw
    rows = (
        sqlite3.connect(bot.settings.database_path).execute("SELECT token FROM accounts").fetchall()
    )
    assert rows and all(account.token not in row[0] for row in rows)


async def test_on_the_embedded_sandbox_a_restart_keeps_the_user_signed_in(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    no_credentials = {"iot_api_url": "", "iot_ws_url": "", "iot_app_key": "", "iot_app_secret": ""}
    async with running_bot(sandbox, tmp_path, **no_credentials) as bot:
        embedded = bot.app.services.sandbox  # type: ignore[union-attr]
        assert embedded is not None and embedded is not sandbox
        ann = bot.tg.user(120, "Ann")
        await _start_password_login(bot, ann)
        await bot.say(ann, "demo@example.com")
        await bot.tg.send(ann, "demo-pass-1234")
        assert "You're signed in as Alex" in (await bot.tg.next_message(ann)).text
        light = embedded.demo.devices["light"]
        embedded.state.devices[light].alias = "Reading lamp"  # renamed in the vendor's app

        await bot.restart()
        assert bot.app.services.sandbox is not embedded  # type: ignore[union-attr]
        devices = await bot.say(ann, "/devices")
        assert "Reading lamp" in devices.text and "/login" not in devices.text
