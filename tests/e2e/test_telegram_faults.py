"""When Telegram itself misbehaves (429, 5xx, slowness), the bot keeps answering and never crashes."""

from __future__ import annotations

import logging

import pytest

from bot.faketelegram import Message, TestUser
from bot.sandbox.demo import DemoHome
from bot.sandbox.server import Sandbox
from tests.e2e.harness import BotHarness

APOLOGY = "Sorry, something went wrong"
HELP = "/help"


def outcomes(bot: BotHarness, method: str) -> list[int | None]:
    """Each call of ``method`` so far: its error code, or None when Telegram took it."""
    return [None if call.ok else call.error_code for call in bot.tg.calls(method)]


def error_handler_logs(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "bot.telegram.errors"]


def no_apology(bot: BotHarness, user: TestUser) -> bool:
    return not any(APOLOGY in (m.text or "") for m in bot.tg.messages(user))


async def help_text(bot: BotHarness, user: TestUser) -> str:
    """The bot's answer to /help, when Telegram behaves."""
    return (await bot.say(user, HELP)).text or ""


async def open_devices(bot: BotHarness, user: TestUser) -> Message:
    await bot.link(user, "owner")
    return await bot.say(user, "/devices")


async def test_a_429_on_a_reply_is_waited_out_and_the_reply_arrives(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    ann = bot.tg.user(601, "Ann")
    expected = await help_text(bot, ann)
    bot.tg.fail_next("sendMessage", 429, retry_after=1)
    reply = await bot.say(ann, HELP)
    assert reply.text == expected
    assert outcomes(bot, "sendMessage")[-2:] == [429, None]
    assert not error_handler_logs(caplog) and no_apology(bot, ann)


async def test_a_storm_of_429s_on_a_menu_edit_is_waited_out(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome, caplog: pytest.LogCaptureFixture
) -> None:
    ann = bot.tg.user(602, "Ann")
    listing = await open_devices(bot, ann)
    bot.tg.fail_next("editMessageText", 429, count=3, retry_after=1)  # PTB retries up to 3 times
    query = await bot.tg.press(ann, listing, "🟢 Living room light")
    card = await bot.tg.next_message(ann, timeout=10)
    assert card.message_id == listing.message_id and "Power: Off" in (card.text or "")
    assert outcomes(bot, "editMessageText") == [429, 429, 429, None]
    answer = await bot.tg.wait_answer(query)
    assert not answer.show_alert
    assert not error_handler_logs(caplog) and no_apology(bot, ann)
    # the next press works as usual: the storm left nothing behind
    toggled = await bot.click(ann, card, "⚪ Power: Off")
    assert "Power: On" in (toggled.text or "")
    assert sandbox.control.device_state(demo.devices["light"])["Properties"]["power_switch"] == 1


async def test_a_5xx_on_a_reply_is_logged_not_repeated_and_the_next_update_works(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    ann = bot.tg.user(603, "Ann")
    expected = await help_text(bot, ann)
    sent_before = len(bot.tg.calls("sendMessage"))
    bot.tg.fail_next("sendMessage", 500)
    await bot.tg.send(ann, HELP)
    await bot.tg.wait_for(lambda: len(bot.tg.calls("sendMessage")) > sent_before)
    again = await bot.say(ann, HELP)  # updates are handled in order: the failed one is done
    assert again.text == expected
    # a sendMessage that failed with a 5xx may have been delivered: it is not sent twice
    assert outcomes(bot, "sendMessage")[sent_before:] == [500, None]
    logged = error_handler_logs(caplog)
    assert [r.levelno for r in logged] == [logging.WARNING]
    assert "Telegram did not take a reply" in logged[0].getMessage() and not logged[0].exc_info
    assert no_apology(bot, ann)


async def test_a_502_on_a_button_edit_and_its_answer_is_retried(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    ann = bot.tg.user(604, "Ann")
    listing = await open_devices(bot, ann)
    bot.tg.fail_next("editMessageText", 502)
    bot.tg.fail_next("answerCallbackQuery", 502)
    query = await bot.tg.press(ann, listing, "🟢 Living room light")
    card = await bot.tg.next_message(ann)
    assert card.message_id == listing.message_id and "Living room light" in (card.text or "")
    answer = await bot.tg.wait_answer(query)
    assert not answer.show_alert
    assert outcomes(bot, "editMessageText") == [502, None]
    assert outcomes(bot, "answerCallbackQuery") == [502, None]
    assert not error_handler_logs(caplog) and no_apology(bot, ann)


async def test_telegram_down_for_edits_gives_up_quietly_and_then_works_again(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    ann = bot.tg.user(605, "Ann")
    listing = await open_devices(bot, ann)
    bot.tg.fail_next("editMessageText", 503, count=3)
    await bot.tg.press(ann, listing, "🟢 Living room light")
    await bot.tg.wait_for(lambda: len(bot.tg.calls("editMessageText")) == 3)
    again = await bot.say(ann, "/devices")
    assert "Living room light" in (again.text or "")
    assert outcomes(bot, "editMessageText") == [503, 503, 503]  # tried, and retried twice
    logged = error_handler_logs(caplog)
    assert [r.levelno for r in logged] == [logging.WARNING] and not logged[0].exc_info
    assert no_apology(bot, ann)


async def test_a_slow_telegram_times_out_without_harm(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    ann = bot.tg.user(606, "Ann")
    expected = await help_text(bot, ann)
    # Slower than PTB's 5 s read timeout: the bot gives up on the call with TimedOut, while
    # Telegram (as it often does) delivers the message all the same.
    bot.tg.delay("sendMessage", 5.5)
    await bot.tg.send(ann, HELP)
    late = await bot.tg.next_message(ann, timeout=10)
    assert late.text == expected
    bot.tg.delay("sendMessage", 0)
    assert await help_text(bot, ann) == expected
    logged = error_handler_logs(caplog)
    assert [r.levelno for r in logged] == [logging.WARNING]
    assert "Timed out" in logged[0].getMessage()
    # merely slow calls (under the timeout) are waited for
    bot.tg.delay("*", 0.3)
    listing = await open_devices(bot, ann)
    card = await bot.click(ann, listing, "🟢 Living room light")
    assert "Power: Off" in (card.text or "")
    assert len(error_handler_logs(caplog)) == 1 and no_apology(bot, ann)


async def test_get_updates_failing_a_few_times_polling_goes_on(bot: BotHarness) -> None:
    ann = bot.tg.user(607, "Ann")
    expected = await help_text(bot, ann)
    bot.tg.fail_next("getUpdates", 502, count=2)
    await bot.tg.wait_for(lambda: outcomes(bot, "getUpdates").count(502) == 2)
    reply = await bot.say(ann, HELP)
    assert reply.text == expected
    polls = outcomes(bot, "getUpdates")
    assert polls.count(502) == 2 and polls[-1] is None  # PTB backed off and polled again


async def test_a_typed_password_is_deleted_even_after_a_502(bot: BotHarness) -> None:
    ann = bot.tg.user(608, "Ann")
    welcome = await bot.say(ann, "/start")
    await bot.click(ann, welcome, "Phone or email and password")
    await bot.say(ann, "demo@example.com")
    bot.tg.fail_next("deleteMessage", 502)
    password = await bot.tg.send(ann, "demo-pass-1234")
    done = await bot.tg.next_message(ann)
    assert "signed in as Alex" in (done.text or "")
    assert password.deleted and outcomes(bot, "deleteMessage") == [502, None]
