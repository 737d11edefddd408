"""Prometheus metrics: per-application registries, and what a running bot counts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from telegram import Update

from bot.ops import metrics, web
from bot.ops.metrics import BotMetrics
from bot.sandbox.server import Sandbox

# autouse: fails the test when a secret reaches a log line
from tests.e2e.conftest import no_secrets_in_logs  # noqa: F401
from tests.e2e.harness import BotHarness, running_bot


@pytest.fixture
async def harness(sandbox: Sandbox, tmp_path: Path) -> AsyncIterator[BotHarness]:
    """The bot, polling the fake Telegram, on the sandbox cloud."""
    async with running_bot(sandbox, tmp_path) as running:
        yield running


def _value(found: BotMetrics, name: str, **labels: str) -> float:
    """The sample ``name`` with exactly ``labels`` in the scrape (0 when absent)."""
    for family in text_string_to_metric_families(found.exposition().decode()):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return float(sample.value)
    return 0.0


def _metrics(harness: BotHarness) -> BotMetrics:
    found = metrics.of(harness.app)
    assert found is not None
    return found


def test_each_metrics_object_has_its_own_registry() -> None:
    first, second = BotMetrics(), BotMetrics()
    first.observe_cloud_call("AppGetFamilyList", "ok", 0.02)
    first.record_alert_delivered(3)
    first.record_alert_coalesced()
    second.record_alert_paused(2)
    assert _value(first, "bot_cloud_requests_total", action="AppGetFamilyList", outcome="ok") == 1
    assert _value(first, "bot_cloud_request_seconds_count", action="AppGetFamilyList") == 1
    assert _value(first, "bot_alerts_delivered_total") == 3
    assert _value(first, "bot_alerts_coalesced_total") == 1
    assert _value(first, "bot_alerts_paused_total") == 0
    assert _value(second, "bot_alerts_paused_total") == 2
    assert _value(second, "bot_cloud_requests_total", action="AppGetFamilyList", outcome="ok") == 0


def test_push_sockets_gauge_reads_its_source_when_scraped() -> None:
    found = BotMetrics()
    assert _value(found, "bot_push_sockets_connected") == 0
    connected = [1, 2]
    found.set_sockets_source(lambda: len(connected))
    assert _value(found, "bot_push_sockets_connected") == 2
    connected.append(3)
    assert _value(found, "bot_push_sockets_connected") == 3

    def broken() -> float:
        raise RuntimeError("listener gone")

    found.set_sockets_source(broken)
    assert _value(found, "bot_push_sockets_connected") == 0  # the scrape still works


def test_cloud_reachable_follows_the_last_call() -> None:
    found = BotMetrics()
    assert found.cloud_reachable is None
    found.observe_cloud_call("AppGetFamilyList", "RequestTimeout", 10.0)
    assert found.cloud_reachable is False
    found.observe_cloud_call("AppGetFamilyList", "InvalidParameterValue", 0.1)
    assert found.cloud_reachable is True  # an error answer is still an answer
    found.observe_cloud_call("AppGetFamilyList", "TransportError", 0.1)
    assert found.cloud_reachable is False


def test_update_kind() -> None:
    assert metrics.update_kind(Update.de_json({"update_id": 1}, None)) == "other"
    assert metrics.update_kind("not an update") == "other"
    query = {"id": "7", "from": {"id": 1, "is_bot": False, "first_name": "A"}, "chat_instance": "c"}
    update = Update.de_json({"update_id": 2, "callback_query": query}, None)
    assert metrics.update_kind(update) == "callback_query"


async def test_a_running_bot_counts_updates_and_cloud_calls(harness: BotHarness) -> None:
    found = _metrics(harness)
    ann = harness.tg.user(501, "Ann")
    await harness.link(ann)
    messages = _value(found, "bot_updates_total", type="message")
    assert messages >= 1
    before = _value(found, "bot_cloud_requests_total", action="AppGetFamilyList", outcome="ok")
    assert "My Home" in ((await harness.say(ann, "/me")).text or "")
    assert _value(found, "bot_updates_total", type="message") == messages + 1
    after = _value(found, "bot_cloud_requests_total", action="AppGetFamilyList", outcome="ok")
    assert after == before + 1
    assert _value(found, "bot_cloud_request_seconds_count", action="AppGetFamilyList") >= after
    menu = await harness.say(ann, "/language")
    await harness.click(ann, menu, "简体中文")
    assert _value(found, "bot_updates_total", type="callback_query") == 1


async def test_cloud_outage_shows_in_metrics_and_health(sandbox: Sandbox, tmp_path: Path) -> None:
    async with (
        running_bot(sandbox, tmp_path, health_port=0, health_listen="127.0.0.1") as harness,
        httpx.AsyncClient() as http,
    ):
        assert harness.app is not None
        health_url = f"http://127.0.0.1:{web.servers_of(harness.app)[0].port}/healthz"
        found = _metrics(harness)
        ann = harness.tg.user(502, "Ann")
        await harness.link(ann)
        sandbox.control.inject(action="AppGetFamilyList", http_status=503)
        await harness.say(ann, "/me")  # the bot says the cloud is not answering
        failed = _value(
            found, "bot_cloud_requests_total", action="AppGetFamilyList", outcome="TransportError"
        )
        assert failed >= 1
        health = await http.get(health_url)
        assert health.status_code == 200  # the bot itself is fine
        assert health.json()["cloud_reachable"] is False
        sandbox.control.clear_faults()
        assert "My Home" in ((await harness.say(ann, "/me")).text or "")
        assert (await http.get(health_url)).json()["cloud_reachable"] is True


async def test_restarted_bot_starts_from_zero(harness: BotHarness) -> None:
    ann = harness.tg.user(503, "Ann")
    await harness.say(ann, "/help")
    assert _value(_metrics(harness), "bot_updates_total", type="message") == 1
    await harness.restart()
    assert _value(_metrics(harness), "bot_updates_total", type="message") == 0
