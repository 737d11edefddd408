"""``python -m bot try``: chat with the bot in this terminal, with no Telegram token at all.

It starts the embedded sandbox cloud (with its demo home), a local fake Telegram server and
the real bot. Type messages as you would in Telegram; a number presses that button of the
bot's latest message; ``:zh`` / ``:en`` switch your Telegram language; ``:q`` or Ctrl-D quits.
Sign in with "Phone or email and password" as demo@example.com, password demo-pass-1234.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
import sys
import tempfile
from pathlib import Path

from bot.app import build_application, polling
from bot.config import load
from bot.faketelegram import FakeTelegram, render_message
from bot.faketelegram.state import Message, TestUser

HELP = (
    "Type messages as in Telegram (/start to begin). A number presses that button of the bot's\n"
    "latest message. :zh or :en switches your language, :q quits."
)


async def _print_bot_messages(tg: FakeTelegram, user: TestUser) -> None:
    while True:
        try:
            message = await tg.next_message(user.id, timeout=3600)
        except AssertionError:
            continue  # an hour of silence; keep listening
        print("\n" + render_message(message) + "\n> ", end="", flush=True)


def _latest_with_buttons(tg: FakeTelegram, user: TestUser) -> Message | None:
    for message in reversed(tg.messages(user.id, include_deleted=False)):
        if message.from_bot and message.buttons:
            return message
    return None


async def _handle_line(tg: FakeTelegram, user: TestUser, line: str) -> bool:
    """Act on one typed line; False when the user wants to quit."""
    text = line.strip()
    if text in (":q", ":quit"):
        return False
    if text in (":zh", ":en"):
        user.language_code = text[1:]
        print(f"(your Telegram language is now {user.language_code})")
        return True
    if text.isdigit():
        message = _latest_with_buttons(tg, user)
        if message is None:
            print("(no buttons to press)")
            return True
        try:
            target = message.button(int(text))
        except LookupError:
            print("(no button with that number)")
            return True
        await tg.press(user, message, lambda button: button is target)
        return True
    if text:
        await tg.send(user, text)
    return True


async def chat(data_dir: Path) -> None:
    """Run the sandbox, the fake Telegram and the bot; read the terminal until quit."""
    async with FakeTelegram(bot_username="iot_home_try_bot") as tg:
        user = tg.user(1001, first_name="You", language_code=os.environ.get("TRY_LANGUAGE", "en"))
        base = load(environ={}, env_file=None)
        settings = dataclasses.replace(
            base, telegram_token=tg.token, telegram_api_url=tg.url, data_dir=data_dir
        )
        async with polling(build_application(settings)):
            printer = asyncio.create_task(_print_bot_messages(tg, user))
            print(HELP)
            loop = asyncio.get_running_loop()
            try:
                while True:
                    line = await loop.run_in_executor(None, _read_line)
                    if line is None or not await _handle_line(tg, user, line):
                        break
            finally:
                printer.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await printer


def _read_line() -> str | None:
    try:
        return input("> ")
    except EOFError:
        return None


def main() -> int:
    """Entry point of ``python -m bot try``."""
    logging.getLogger().setLevel(logging.WARNING)
    with (
        tempfile.TemporaryDirectory(prefix="iot-bot-try-") as tmp,
        contextlib.suppress(KeyboardInterrupt),
    ):
        asyncio.run(chat(Path(os.environ.get("BOT_DATA_DIR") or tmp)))
    print("bye", file=sys.stderr)
    return 0
