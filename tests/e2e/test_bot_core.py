"""Languages, group chats, expired tokens, allowed users and time-outs, end to end."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.handlers import account
from bot.sandbox.server import Sandbox
from tests.e2e.harness import BotHarness, running_bot


async def test_chinese_user_gets_chinese_text_and_menu(bot: BotHarness) -> None:
    li = bot.tg.user(301, "Li", language_code="zh-hans")
    welcome = await bot.say(li, "/start")
    assert "你想用哪种方式登录？" in welcome.text
    menu = dict(bot.tg.commands(language_code="zh"))
    assert menu["login"] == "关联你的 IoT Explorer 账号"
    assert dict(bot.tg.commands())["login"] == "Link your IoT Explorer account"


async def test_start_when_already_linked_welcomes_back_without_a_sign_in_menu(
    bot: BotHarness,
) -> None:
    ann = bot.tg.user(309, "Ann <&>")
    await bot.link(ann)
    again = await bot.say(ann, "/start")
    assert "Welcome back, Ann <&>! You're signed in as Alex." in again.text
    assert "/devices" in again.text and not again.all_buttons()
    li = bot.tg.user(310, "Li", language_code="zh-hans")
    await bot.link(li)
    assert "欢迎回来，Li！" in (await bot.say(li, "/start")).text


async def test_language_command_switches_and_follows_telegram_again(bot: BotHarness) -> None:
    ann = bot.tg.user(302, "Ann", language_code="en")
    menu = await bot.say(ann, "/language")
    assert "Choose the language I speak:" in menu.text
    switched = await bot.click(ann, menu, "简体中文")
    assert "简体中文" in switched.text
    assert "你想用哪种方式登录？" in (await bot.say(ann, "/start")).text
    menu = await bot.say(ann, "/language")
    assert "请选择我使用的语言" in menu.text
    await bot.click(ann, menu, lambda b: "Telegram" in b.text)
    assert "How would you like to sign in?" in (await bot.say(ann, "/start")).text


async def test_another_users_button_is_refused_in_a_group(
    bot: BotHarness, sandbox: Sandbox
) -> None:
    ann, ben = bot.tg.user(303, "Ann"), bot.tg.user(304, "Ben")
    group = bot.tg.group(-1001, "Home", members=[ann, ben])
    welcome = await bot.say(ann, "/start", group)
    query = await bot.tg.press(ben, welcome, "Continue with Telegram")
    answer = await bot.tg.wait_answer(query)
    assert answer.text == "This button belongs to someone else's menu."
    assert bot.app.services.store.get_account(304) is None  # type: ignore[union-attr]
    assert bot.app.services.store.get_account(303) is None  # type: ignore[union-attr]
    assert bot.tg.messages(group)[-1].text == welcome.text  # the menu is unchanged
    query = await bot.tg.press(ann, welcome, "Continue with Telegram")
    assert "signed in as Ann" in (await bot.tg.next_message(group)).text


async def test_expired_token_of_telegram_login_is_renewed_silently(
    bot: BotHarness, sandbox: Sandbox
) -> None:
    ann = bot.tg.user(305, "Ann")
    welcome = await bot.say(ann, "/start")
    await bot.click(ann, welcome, "Continue with Telegram")
    old = bot.app.services.store.get_account(305)  # type: ignore[union-attr]
    sandbox.control.expire_tokens(token=old.token)  # type: ignore[union-attr]
    me = await bot.say(ann, "/me")
    assert "Ann" in me.text and "Current family" in me.text
    renewed = bot.app.services.store.get_account(305)  # type: ignore[union-attr]
    assert renewed.token != old.token  # type: ignore[union-attr]


async def test_expired_password_token_tells_the_user_once(
    bot: BotHarness, sandbox: Sandbox
) -> None:
    ann = bot.tg.user(306, "Ann")
    await bot.link(ann, "owner")
    account_before = bot.app.services.store.get_account(306)  # type: ignore[union-attr]
    sandbox.control.expire_tokens(token=account_before.token)  # type: ignore[union-attr]
    accounts = bot.app.services.accounts  # type: ignore[union-attr]
    from bot.home.accounts import SessionExpired

    with pytest.raises(SessionExpired) as first:
        await accounts.run(306, bot.app.services.iot.get_user)  # type: ignore[union-attr]
    with pytest.raises(SessionExpired) as second:
        await accounts.run(306, bot.app.services.iot.get_user)  # type: ignore[union-attr]
    assert first.value.first_notice and not second.value.first_notice
    told = await bot.say(ann, "/me")
    assert "Please /login again" in told.text


async def test_allowed_users_enforced(sandbox: Sandbox, tmp_path: object) -> None:
    async with running_bot(sandbox, tmp_path, allowed_users=frozenset({401})) as bot:  # type: ignore[arg-type]
        stranger, friend = bot.tg.user(402, "Eve"), bot.tg.user(401, "Ann")
        refused = await bot.say(stranger, "/start")
        assert refused.text == "Sorry, this bot is private."
        assert "How would you like to sign in?" in (await bot.say(friend, "/start")).text


async def test_unanswered_login_step_times_out_politely(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(account, "TIMEOUT_SECONDS", 0.3)
    await bot.restart()  # the conversation handler reads the timeout when it is built
    ann = bot.tg.user(307, "Ann")
    welcome = await bot.say(ann, "/start")
    await bot.click(ann, welcome, "Phone or email and password")
    stopped = await bot.tg.next_message(ann, timeout=5)
    assert "I stopped waiting for your sign-in" in stopped.text
    hint = await bot.say(ann, "demo@example.com")
    assert "didn't catch that" in hint.text


async def test_webhook_mode_with_secret_token(sandbox: Sandbox, tmp_path: Path) -> None:
    import dataclasses
    import socket

    import httpx

    from bot.app import build_application, webhook
    from bot.faketelegram import FakeTelegram

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with FakeTelegram(allow_local_webhooks=True) as tg:
        harness = BotHarness(tg, sandbox, tmp_path)
        settings = dataclasses.replace(
            harness.settings,
            webhook_url=f"http://127.0.0.1:{port}/telegram",
            webhook_secret="hook-secret-1",
            webhook_listen="127.0.0.1",
            webhook_port=port,
        )
        async with webhook(build_application(settings)):
            assert tg.webhook is not None and tg.webhook.url.endswith("/telegram")
            ann = tg.user(308, "Ann")
            await tg.send(ann, "/start")
            assert "How would you like to sign in?" in (await tg.next_message(ann)).text
            async with httpx.AsyncClient() as http:
                forged = await http.post(
                    f"http://127.0.0.1:{port}/telegram",
                    json={"update_id": 999, "message": {}},
                    headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"},
                )
            assert forged.status_code == 403


async def test_push_starts_with_the_bot_and_stops_with_it(sandbox: Sandbox, tmp_path: Path) -> None:
    async with running_bot(sandbox, tmp_path, push=True) as bot:
        ann = bot.tg.user(309, "Ann")
        await bot.link(ann, "owner")  # linking starts this account's listener
        async with asyncio.timeout(5):
            await sandbox.server.hub.wait_subscribed(1)
        sandbox.control.trigger_event(
            sandbox.demo.devices["sensor"], "low_voltage", {"voltage": 2.9}
        )
        alert = await bot.tg.next_message(ann)
        assert "Bedroom sensor" in alert.text and "Low battery" in alert.text
        assert "2.9 V" in alert.text
    assert not sandbox.server.hub.subscribers or all(
        sub.ws.closed for sub in sandbox.server.hub.subscribers
    )


async def test_an_edited_message_is_not_taken_as_new_input(bot: BotHarness) -> None:
    ann = bot.tg.user(230, "Ann")
    mine = await bot.tg.send(ann, "hello there")
    assert "I didn't catch that" in ((await bot.tg.next_message(ann)).text or "")
    await bot.tg.edit(ann, mine, "/devices")  # Telegram sends this as an edited_message
    await bot.tg.edit(ann, mine, "still hello")
    after = await bot.say(ann, "/help")
    # Updates are handled in order: had an edit been answered, that answer would come first.
    assert "What I can do" in (after.text or "")
