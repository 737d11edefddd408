"""Prometheus metrics of one bot Application: updates, cloud calls, push sockets, alerts."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from prometheus_client import (
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from telegram import Update

log = logging.getLogger(__name__)

# Outcomes of IotClient calls that mean no answer came back (see bot.iot.client).
_UNREACHABLE = frozenset({"TransportError", "RequestTimeout"})
_LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class BotMetrics:
    """The metrics of one Application, in a registry of their own (tests run many apps)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.started = time.monotonic()
        self.cloud_reachable: bool | None = None  # how the last cloud call went; None: no call yet
        self._sockets_source: Callable[[], float] | None = None
        self._waiting_source: Callable[[], float] | None = None
        registry = self.registry
        # The process's memory, CPU and open files, and the garbage collector's passes: the
        # numbers an operator watches next to the bot's own (prometheus_client's collectors).
        for collector in (PROCESS_COLLECTOR, GC_COLLECTOR, PLATFORM_COLLECTOR):
            registry.register(collector)
        self.updates = Counter(
            "bot_updates", "Telegram updates handled, by type", ["type"], registry=registry
        )
        self.cloud_requests = Counter(
            "bot_cloud_requests",
            "IoT Explorer requests, by action and outcome (ok or the error)",
            ["action", "outcome"],
            registry=registry,
        )
        self.cloud_seconds = Histogram(
            "bot_cloud_request_seconds",
            "IoT Explorer request latency, by action",
            ["action"],
            buckets=_LATENCY_BUCKETS,
            registry=registry,
        )
        self.push_sockets = Gauge(
            "bot_push_sockets_connected", "Push websockets connected now", registry=registry
        )
        self.push_sockets.set_function(lambda: self._read(self._sockets_source, "push sockets"))
        self.alerts_waiting = Gauge(
            "bot_alerts_waiting",
            "Alerts in the outbox not yet delivered (paced, retried, or a chat that blocked the bot)",
            registry=registry,
        )
        self.alerts_waiting.set_function(lambda: self._read(self._waiting_source, "outbox"))
        self.alerts_delivered = Counter(
            "bot_alerts_delivered", "Alert messages sent to chats", registry=registry
        )
        self.alerts_coalesced = Counter(
            "bot_alerts_coalesced", "Alerts folded into an earlier message", registry=registry
        )
        self.alerts_paused = Counter(
            "bot_alerts_paused", "Alerts held back (muted or quiet hours)", registry=registry
        )

    @property
    def uptime(self) -> float:
        """Seconds since these metrics (the running application) started."""
        return time.monotonic() - self.started

    def count_update(self, update: object) -> None:
        """Count one update by its kind (message, callback_query, ...)."""
        self.updates.labels(update_kind(update)).inc()

    def observe_cloud_call(self, action: str, outcome: str, seconds: float) -> None:
        """The IotClient observer: one finished cloud request."""
        self.cloud_requests.labels(action, outcome).inc()
        self.cloud_seconds.labels(action).observe(seconds)
        self.cloud_reachable = outcome not in _UNREACHABLE

    def set_sockets_source(self, source: Callable[[], float] | None) -> None:
        """Where the push-sockets gauge reads its value when scraped (None: 0)."""
        self._sockets_source = source

    def set_waiting_source(self, source: Callable[[], float] | None) -> None:
        """Where the alerts-waiting gauge reads its value when scraped (None: 0)."""
        self._waiting_source = source

    def record_alert_delivered(self, n: int = 1) -> None:
        """``n`` alert messages were sent."""
        self.alerts_delivered.inc(n)

    def record_alert_coalesced(self, n: int = 1) -> None:
        """``n`` alerts were merged into a message already sent or queued."""
        self.alerts_coalesced.inc(n)

    def record_alert_paused(self, n: int = 1) -> None:
        """``n`` alerts were held back by a mute or quiet hours."""
        self.alerts_paused.inc(n)

    def exposition(self) -> bytes:
        """Every metric in the Prometheus text format."""
        return generate_latest(self.registry)

    @staticmethod
    def _read(source: Callable[[], float] | None, what: str) -> float:
        if source is None:
            return 0.0
        try:
            return float(source())
        except Exception:  # a scrape must not fail because a feature's counter did
            log.exception("the %s gauge's source failed", what)
            return 0.0


def update_kind(update: object) -> str:
    """The name of the field an update carries ("message", "callback_query", ...)."""
    if not isinstance(update, Update):
        return "other"
    for kind in Update.ALL_TYPES:
        if getattr(update, kind, None) is not None:
            return kind
    return "other"


def of(app_or_services: Any) -> BotMetrics | None:
    """The BotMetrics of an Application or its Services (None before post_init)."""
    services = getattr(app_or_services, "services", app_or_services)
    found = getattr(services, "metrics", None)
    return found if isinstance(found, BotMetrics) else None


async def count_update(update: object, context: Any) -> None:
    """TypeHandler callback (group -10): count every update before anything handles it."""
    metrics = of(context.application)
    if metrics is not None:
        metrics.count_update(update)
