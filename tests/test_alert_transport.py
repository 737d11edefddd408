"""The alert bot's aiohttp transport: PTB's calls and errors through it, against the fake Telegram."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.faketelegram import FakeTelegram
from bot.notify.alert_transport import AiohttpRequest


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        fake.user(7, "Ann").started = True
        yield fake


def _bot(tg: FakeTelegram, **timeouts: float) -> Bot:
    return Bot(tg.token, base_url=f"{tg.url}/bot", request=AiohttpRequest(4, **timeouts))


async def test_messages_and_uploads_reach_telegram(tg: FakeTelegram) -> None:
    async with _bot(tg) as bot:
        sent = await bot.send_message(7, "<b>Lamp</b>: on", parse_mode="HTML")
        await bot.send_document(7, b"id,value\n1,2\n", filename="data.csv", caption="CSV")
    assert sent.text == "Lamp: on" and sent.chat_id == 7
    texts = [m.text for m in tg.messages(7)]
    assert texts[0] == "Lamp: on"
    document = tg.messages(7)[1].document
    assert document is not None and document.filename == "data.csv"
    assert document.data == b"id,value\n1,2\n" and tg.messages(7)[1].caption == "CSV"


async def test_telegram_errors_become_ptb_errors(tg: FakeTelegram) -> None:
    async with _bot(tg) as bot:
        tg.fail_next("sendMessage", 429, retry_after=3)
        with pytest.raises(RetryAfter):
            await bot.send_message(7, "x")
        tg.block(tg.user(7))
        with pytest.raises(Forbidden):
            await bot.send_message(7, "x")
        with pytest.raises(BadRequest, match=r"(?i)chat not found"):
            await bot.send_message(8, "x")


async def test_a_slow_answer_times_out(tg: FakeTelegram) -> None:
    async with _bot(tg, read_timeout=0.2) as bot:
        tg.delay("sendMessage", 5)
        with pytest.raises(TimedOut):
            await bot.send_message(7, "x")


async def test_an_unreachable_server_is_a_network_error() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError):
            await request.post(f"http://127.0.0.1:{port}/bot1:x/getMe")
    finally:
        await request.shutdown()
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request("http://127.0.0.1:1/", "POST")
