"""The bot's own HTTP server: webhook with its secret, /healthz and /metrics, end to end."""

from __future__ import annotations

import asyncio
import dataclasses
import socket
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from bot.app import build_application, webhook
from bot.config import ConfigError, load
from bot.faketelegram import FakeTelegram
from bot.ops import web
from bot.runner import serve
from bot.sandbox.server import Sandbox

# autouse: fails the test when a secret reaches a log line
from tests.e2e.conftest import no_secrets_in_logs  # noqa: F401
from tests.e2e.harness import BotHarness, running_bot

SECRET = "hook-secret-2"


@pytest.fixture
async def harness(sandbox: Sandbox, tmp_path: Path) -> AsyncIterator[BotHarness]:
    """The bot, polling the fake Telegram, on the sandbox cloud."""
    async with running_bot(sandbox, tmp_path) as running:
        yield running


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _update(update_id: int, user_id: int, text: str) -> dict[str, object]:
    """A text message update as Telegram would POST it."""
    sender = {"id": user_id, "is_bot": False, "first_name": "Ann", "language_code": "en"}
    message = {
        "message_id": 10_000 + update_id,
        "date": int(time.time()),
        "chat": {"id": user_id, "type": "private", "first_name": "Ann"},
        "from": sender,
        "text": text,
        "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
    }
    return {"update_id": update_id, "message": message}


async def test_health_and_metrics_in_polling_mode(sandbox: Sandbox, tmp_path: Path) -> None:
    async with running_bot(sandbox, tmp_path, health_port=0, health_listen="127.0.0.1") as harness:
        assert harness.app is not None
        (server,) = web.servers_of(harness.app)
        base = f"http://127.0.0.1:{server.port}"
        async with httpx.AsyncClient(base_url=base) as http:
            health = await http.get("/healthz")
            assert health.status_code == 200
            body = health.json()
            assert body["ok"] is True and body["mode"] == "polling"
            assert body["uptime"] >= 0 and body["cloud_reachable"] in (None, True)
            ann = harness.tg.user(401, "Ann")
            await harness.link(ann)
            assert (await http.get("/healthz")).json()["cloud_reachable"] is True
            scrape = await http.get("/metrics")
            assert scrape.status_code == 200
            assert scrape.headers["content-type"].startswith("text/plain")
            assert 'bot_updates_total{type="message"}' in scrape.text
            assert "bot_cloud_request_seconds_bucket" in scrape.text
            # webhook route only in webhook mode
            assert (await http.post("/telegram", json={})).status_code in (404, 405)
            await harness.app.updater.stop()  # type: ignore[union-attr]
            await harness.app.stop()
            stopped = await http.get("/healthz")
            assert stopped.status_code == 503 and stopped.json()["ok"] is False


async def test_no_health_server_without_health_port(harness: BotHarness) -> None:
    assert harness.app is not None and web.servers_of(harness.app) == []


async def test_webhook_secret_and_updates_reach_the_handlers(
    sandbox: Sandbox, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/hook/updates"
    async with FakeTelegram(allow_local_webhooks=True) as tg:
        settings = dataclasses.replace(
            BotHarness(tg, sandbox, tmp_path).settings,
            webhook_url=url,
            webhook_secret=SECRET,
            webhook_listen="127.0.0.1",
            webhook_port=port,
            webhook_path="/hook/updates",
        )
        async with webhook(build_application(settings)) as app:
            assert tg.webhook is not None and tg.webhook.url == url
            assert tg.webhook.secret_token == SECRET
            ann = tg.user(402, "Ann")
            await tg.send(ann, "/start")  # delivered by the fake to our server, with the secret
            assert "How would you like to sign in?" in ((await tg.next_message(ann)).text or "")
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
                help_update = _update(90_001, ann.id, "/help")
                for headers in ({}, {web.SECRET_HEADER: "wrong"}, {web.SECRET_HEADER: SECRET[:-1]}):
                    refused = await http.post("/hook/updates", json=help_update, headers=headers)
                    assert refused.status_code == 403
                accepted = await http.post(
                    "/hook/updates", json=help_update, headers={web.SECRET_HEADER: SECRET}
                )
                assert accepted.status_code == 200
                assert "What I can do" in ((await tg.next_message(ann)).text or "")
                assert tg.drain_messages(ann) == []  # the refused copies were never handled
                garbage = await http.post(
                    "/hook/updates", content=b"{not json", headers={web.SECRET_HEADER: SECRET}
                )
                assert garbage.status_code == 400
                health = await http.get("/healthz")
                assert health.status_code == 200 and health.json()["mode"] == "webhook"
                scrape = (await http.get("/metrics")).text
                assert 'bot_updates_total{type="message"} 2.0' in scrape
                assert app.running
        assert tg.webhook is not None and tg.webhook.url == url  # kept: a restart loses nothing
    assert SECRET not in caplog.text


async def test_webhook_health_on_a_separate_port(sandbox: Sandbox, tmp_path: Path) -> None:
    port, health_port = _free_port(), _free_port()
    async with FakeTelegram(allow_local_webhooks=True) as tg:
        settings = dataclasses.replace(
            BotHarness(tg, sandbox, tmp_path).settings,
            webhook_url=f"http://127.0.0.1:{port}/telegram",
            webhook_secret=SECRET,
            webhook_listen="127.0.0.1",
            webhook_port=port,
            health_port=health_port,
            health_listen="127.0.0.1",
        )
        async with webhook(build_application(settings)), httpx.AsyncClient() as http:
            health = await http.get(f"http://127.0.0.1:{health_port}/healthz")
            assert health.status_code == 200 and health.json()["mode"] == "webhook"
            forwarded = await http.post(
                f"http://127.0.0.1:{health_port}/telegram",
                json=_update(1, 1, "/help"),
                headers={web.SECRET_HEADER: SECRET},
            )
            assert forwarded.status_code in (404, 405)  # updates only on the webhook port


def test_health_and_webhook_path_settings() -> None:
    assert load({}, env_file=None).health_port is None
    settings = load(
        {"HEALTH_PORT": "9100", "HEALTH_LISTEN": "127.0.0.1", "WEBHOOK_PATH": "tg/updates"},
        env_file=None,
    )
    assert (settings.health_port, settings.health_listen) == (9100, "127.0.0.1")
    assert settings.webhook_path == "/tg/updates"
    assert load({}, env_file=None).webhook_path == "/telegram"
    for bad in ({"HEALTH_PORT": "0"}, {"HEALTH_PORT": "http"}, {"WEBHOOK_PATH": "/healthz"}):
        with pytest.raises(ConfigError):
            load(bad, env_file=None)


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_run_serves_until_stopped(sandbox: Sandbox, tmp_path: Path, mode: str) -> None:
    """What `python -m bot run` does after reading the configuration, in both modes."""
    port = _free_port()
    async with FakeTelegram(allow_local_webhooks=mode == "webhook") as tg:
        settings = BotHarness(tg, sandbox, tmp_path).settings
        if mode == "webhook":
            settings = dataclasses.replace(
                settings,
                webhook_url=f"http://127.0.0.1:{port}/telegram",
                webhook_secret=SECRET,
                webhook_listen="127.0.0.1",
                webhook_port=port,
            )
        stop = asyncio.Event()
        running = asyncio.create_task(serve(build_application(settings), stop))
        await tg.wait_for(lambda: tg.polling or tg.webhook is not None, timeout=10)
        ann = tg.user(403, "Ann")
        await tg.send(ann, "/help")
        assert "What I can do" in ((await tg.next_message(ann)).text or "")
        stop.set()
        await asyncio.wait_for(running, timeout=10)
        assert (tg.webhook is not None) == (mode == "webhook")
