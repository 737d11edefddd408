"""When the cloud misbehaves, every command still answers, in time, with a clear message."""

from __future__ import annotations

from pathlib import Path

from bot.sandbox.server import Sandbox
from tests.e2e.harness import running_bot


async def test_transient_failures_of_reads_are_retried(sandbox: Sandbox, tmp_path: Path) -> None:
    async with running_bot(sandbox, tmp_path) as bot:
        ann = bot.tg.user(501, "Ann")
        await bot.link(ann, "owner")
        sandbox.control.inject(action="AppGetFamilyList", error_code="InternalError", count=1)
        sandbox.control.inject(action="AppGetFamilyList", http_status=502, count=1)
        me = await bot.say(ann, "/me")
        assert "Current family: My Home" in me.text
        outcomes = [
            code for action, code in sandbox.server.requests if action == "AppGetFamilyList"
        ]
        assert outcomes[-3:] == ["InternalError", "HTTP 502", ""]


async def test_a_cloud_that_is_down_gets_a_clear_message(sandbox: Sandbox, tmp_path: Path) -> None:
    async with running_bot(sandbox, tmp_path) as bot:
        ann = bot.tg.user(502, "Ann")
        await bot.link(ann, "owner")
        sandbox.control.inject(action="AppGetFamilyList", http_status=503)
        down = await bot.say(ann, "/me")
        assert "IoT Explorer can't be reached right now" in down.text
        sandbox.control.clear_faults()
        assert "My Home" in (await bot.say(ann, "/me")).text


async def test_latency_past_the_timeout_answers_within_it(sandbox: Sandbox, tmp_path: Path) -> None:
    async with running_bot(sandbox, tmp_path, iot_timeout=0.2) as bot:
        ann = bot.tg.user(503, "Ann")
        await bot.link(ann, "owner")
        sandbox.control.inject(action="AppGetFamilyList", latency=1.0)
        slow = await bot.say(ann, "/me")
        assert "did not answer in time" in slow.text
        assert "request id" in slow.text  # something to give support


async def test_an_internal_error_on_a_write_is_not_repeated(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    async with running_bot(sandbox, tmp_path) as bot:
        ann = bot.tg.user(504, "Ann")
        welcome = await bot.say(ann, "/start")
        sandbox.control.inject(action="AppGetTokenByWeiXin", error_code="InternalError", count=1)
        failed = await bot.click(ann, welcome, "Continue with Telegram")
        assert "IoT Explorer had a problem on its side" in failed.text
        assert [a for a, _ in sandbox.server.requests].count("AppGetTokenByWeiXin") == 1
