"""The real bot Application against the fake Telegram server and the sandbox cloud."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

from bot.app import build_application, polling
from bot.config import Settings
from bot.faketelegram import FakeTelegram, Message, TestUser
from bot.sandbox.server import Sandbox
from bot.telegram.context import HomeApplication


class BotHarness:
    """Starts, stops and restarts the bot; the chats are driven through ``tg``."""

    def __init__(self, tg: FakeTelegram, sandbox: Sandbox, data_dir: Path, **overrides: object):
        self.tg = tg
        self.sandbox = sandbox
        defaults: dict[str, object] = {
            "telegram_token": tg.token,
            "telegram_api_url": tg.url,
            "iot_api_url": sandbox.api_url,
            "iot_ws_url": sandbox.ws_url,
            "iot_app_key": sandbox.state.app_key,
            "iot_app_secret": sandbox.state.app_secret,
            "data_dir": data_dir,
            "secret_key": "test-secret-key-for-e2e",
            # Push is opt-in here: tests of alerts and live cards start it (start_push) or pass
            # push=True; the others would otherwise see alerts arrive between their steps.
            "push": False,
        }
        self.settings = dataclasses.replace(Settings(), **{**defaults, **overrides})  # type: ignore[arg-type]
        self.app: HomeApplication | None = None
        self._running: contextlib.AsyncExitStack | None = None

    async def start(self) -> HomeApplication:
        stack = contextlib.AsyncExitStack()
        self.app = await stack.enter_async_context(
            polling(build_application(self.settings), poll_timeout=1)
        )
        self._running = stack
        return self.app

    async def stop(self) -> None:
        if self._running is not None:
            await self._running.aclose()
            self._running = None

    async def restart(self) -> HomeApplication:
        await self.stop()
        return await self.start()

    async def link(self, user: TestUser, who: str = "owner") -> None:
        """Link ``user`` to a demo account ("owner" Alex or "friend" Sam) without the dialogue.

        Signs in with the demo password through the client, as the password flow does, and the
        user sends /help so the bot may write to them (Telegram's first-contact rule).
        """
        assert self.app is not None
        demo = self.sandbox.demo.owner if who == "owner" else self.sandbox.demo.friend
        services = self.app.services
        login = await services.iot.login_email(demo.email, demo.password)
        await services.accounts.link(
            user.id,
            method="password",
            token=login.token,
            expire_at=login.expire_at,
            identity=demo.email,
        )
        await self.say(user, "/help")

    async def say(self, user: TestUser, text: str, chat: object = None) -> Message:
        """Send ``text`` as ``user`` and return the bot's next message or edit in that chat."""
        target = chat if chat is not None else user
        await self.tg.send(user, text, target)  # type: ignore[arg-type]
        return await self.tg.next_message(target)  # type: ignore[arg-type]

    async def click(self, user: TestUser, message: Message, button: object) -> Message:
        """Press ``button`` as ``user`` and return the bot's next message or edit."""
        await self.tg.press(user, message, button)  # type: ignore[arg-type]
        return await self.tg.next_message(message.chat_id)


@contextlib.asynccontextmanager
async def running_bot(
    sandbox: Sandbox, data_dir: Path, **overrides: object
) -> AsyncIterator[BotHarness]:
    async with FakeTelegram() as tg:
        harness = BotHarness(tg, sandbox, data_dir, **overrides)
        await harness.start()
        try:
            yield harness
        finally:
            await harness.stop()
