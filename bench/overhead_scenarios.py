"""What the user does in bench/bot_overhead.py, for the bot and for the echo bot it is compared with.

A scenario is two small async functions: one prepares the bot's chat and returns the timed
Step (action + how to recognise the reply), the other does the same for the echo bot.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.faketelegram import FakeTelegram, Message, TestUser


@dataclass
class Side:
    """One bot and the user talking to it."""

    tg: FakeTelegram
    user: TestUser
    app: Any
    clock: Any = None  # a CloudClock for the bot


@dataclass
class Step:
    """A user action, how to recognise the reply, and an untimed reset afterwards."""

    act: Callable[[], Awaitable[object]]
    done: Callable[[Message], bool]
    after: Callable[[], Awaitable[object]] | None = None


@dataclass
class Scenario:
    name: str
    bot: Callable[[Side], Awaitable[Step]]  # prepares the bot side, returns its step
    echo: Callable[[Side], Awaitable[Step]]


# -- the echo bot -------------------------------------------------------------------------


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    text = update.message.text or ""
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Press", callback_data="p")]])
    await update.message.reply_text(text, reply_markup=keyboard if text == "/menu" else None)


async def _pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    count = context.chat_data["presses"] = context.chat_data.get("presses", 0) + 1  # type: ignore[index,union-attr]
    await query.answer()
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Press", callback_data="p")]])
    await query.edit_message_text(f"pressed {count}", reply_markup=keyboard)


def echo_application(tg: FakeTelegram) -> Application[Any, Any, Any, Any, Any, Any]:
    """The baseline: python-telegram-bot with two handlers and nothing else."""
    app = ApplicationBuilder().token(tg.token).base_url(f"{tg.url}/bot").build()
    app.add_handler(MessageHandler(filters.TEXT, _echo))
    app.add_handler(CallbackQueryHandler(_pressed))
    return app


# -- scenarios ----------------------------------------------------------------------------


async def _echo_text(side: Side, text: str) -> Step:
    return Step(lambda: side.tg.send(side.user, text), lambda m: m.text == text)


async def _echo_button(side: Side) -> Step:
    menu = await first(side, lambda: side.tg.send(side.user, "/menu"), lambda m: bool(m.buttons))
    return Step(
        lambda: side.tg.press(side.user, menu.message_id, "Press"),
        lambda m: m.message_id == menu.message_id and (m.text or "").startswith("pressed"),
    )


async def _bot_text(side: Side, text: str, expect: str) -> Step:
    return Step(lambda: side.tg.send(side.user, text), lambda m: expect in (m.text or ""))


def _has_button(message: Message, words: str) -> bool:
    return any(words in b.text for b in message.all_buttons())


async def _device_list(side: Side) -> Message:
    return await first(
        side,
        lambda: side.tg.send(side.user, "/devices"),
        lambda m: _has_button(m, "Living room light"),
    )


async def _open_card(side: Side) -> Step:
    listed = await _device_list(side)

    def is_card(m: Message) -> bool:
        return m.message_id == listed.message_id and _has_button(m, "Power:")

    return Step(
        lambda: side.tg.press(
            side.user, listed.message_id, lambda b: "Living room light" in b.text
        ),
        is_card,
        after=lambda: first(
            side,
            lambda: side.tg.press(side.user, listed.message_id, lambda b: "Back" in b.text),
            lambda m: m.message_id == listed.message_id and _has_button(m, "Living room light"),
        ),
    )


async def _toggle(side: Side) -> Step:
    listed = await _device_list(side)
    card = await first(
        side,
        lambda: side.tg.press(
            side.user, listed.message_id, lambda b: "Living room light" in b.text
        ),
        lambda m: _has_button(m, "Power:"),
    )
    state = {"on": "Power: On" in (card.text or "")}

    def flipped(m: Message) -> bool:
        if m.message_id != card.message_id or not _has_button(m, "Power:"):
            return False
        now_on = "Power: On" in (m.text or "")
        if now_on == state["on"]:
            return False
        state["on"] = now_on
        return True

    return Step(
        lambda: side.tg.press(side.user, card.message_id, lambda b: "Power:" in b.text), flipped
    )


SCENARIOS = (
    Scenario(
        "/help (no cloud)",
        lambda s: _bot_text(s, "/help", "What I can do"),
        lambda s: _echo_text(s, "/help"),
    ),
    Scenario(
        "/me (1 cloud read)",
        lambda s: _bot_text(s, "/me", "My Home"),
        lambda s: _echo_text(s, "/me"),
    ),
    Scenario("open device card", _open_card, _echo_button),
    Scenario("toggle power on card", _toggle, _echo_button),
)


async def first(
    side: Side, act: Callable[[], Awaitable[object]], done: Callable[[Message], bool]
) -> Message:
    """Do ``act`` and return the first new bot message or edit for which ``done`` holds."""
    side.tg.drain_messages(side.user)
    await act()
    seen: list[Message] = []

    def arrived() -> Message | None:
        seen.extend(side.tg.drain_messages(side.user))
        return next((m for m in seen if done(m)), None)

    found = await side.tg.wait_for(arrived, timeout=10)
    assert found is not None
    return found
