"""The bot's own HTTP server: Telegram's webhook (behind a reverse proxy), /healthz and /metrics."""

from __future__ import annotations

import contextlib
import hmac
import json
import logging
from collections.abc import AsyncIterator

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST
from telegram import Update

from bot.ops import metrics
from bot.telegram.context import HomeApplication

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_MAX_UPDATE_BYTES = 1 << 20  # an update is a few kB of JSON


class BotWebServer:
    """An aiohttp server for one Application; the webhook route only when ``webhook_path`` is set."""

    def __init__(
        self,
        app: HomeApplication,
        listen: str,
        port: int,
        *,
        webhook_path: str | None = None,
        secret: str = "",
    ) -> None:
        if webhook_path is not None and not secret:
            raise ValueError("a webhook needs a secret token")
        self.app = app
        self.listen = listen
        self.port = port  # the bound port once started (when 0 was asked for)
        self.webhook = webhook_path is not None
        self._secret = secret.encode()
        routes = web.Application(client_max_size=_MAX_UPDATE_BYTES)
        routes.router.add_get("/healthz", self.health)
        routes.router.add_get("/metrics", self.scrape)
        if webhook_path is not None:
            routes.router.add_post(webhook_path, self.telegram_update)
        self._runner = web.AppRunner(routes, access_log=None)  # no line per health probe

    async def start(self) -> None:
        """Bind and serve."""
        await self._runner.setup()
        try:
            await web.TCPSite(self._runner, self.listen, self.port).start()
        except BaseException:
            await self._runner.cleanup()
            raise
        if self._runner.addresses:
            self.port = int(self._runner.addresses[0][1])
        served = "webhook, /healthz and /metrics" if self.webhook else "/healthz and /metrics"
        log.info("serving %s on %s:%d", served, self.listen, self.port)

    async def stop(self) -> None:
        """Stop taking requests; those in flight finish first."""
        await self._runner.cleanup()

    async def telegram_update(self, request: web.Request) -> web.Response:
        """POST from Telegram: check the secret, then queue the update for the handlers."""
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            log.warning("refused a webhook request without the right secret token")
            return web.Response(status=403)
        if not self.app.running:
            # Stopping: a 503 makes Telegram deliver it again after the restart.
            return web.Response(status=503)
        try:
            data = json.loads(await request.read())
            if not isinstance(data, dict):
                raise TypeError("not a JSON object")
            update = Update.de_json(data, self.app.bot)
        except Exception as err:  # any malformed body; its content is users' text, not logged
            log.warning("could not read a webhook update: %s", type(err).__name__)
            return web.Response(status=400)
        self.app.bot.insert_callback_data(update)
        await self.app.update_queue.put(update)
        return web.Response()

    async def health(self, request: web.Request) -> web.Response:
        """200 with a small JSON while the application runs, 503 otherwise."""
        found = metrics.of(self.app)
        body = {
            "ok": bool(self.app.running),
            "mode": "webhook" if self.app.settings.webhook_mode else "polling",
            "uptime": round(found.uptime, 1) if found else 0.0,
            "cloud_reachable": found.cloud_reachable if found else None,
        }
        return web.json_response(body, status=200 if body["ok"] else 503)

    async def scrape(self, request: web.Request) -> web.Response:
        """Prometheus text format."""
        found = metrics.of(self.app)
        body = found.exposition() if found else b""
        response = web.Response(body=body)
        response.headers["Content-Type"] = CONTENT_TYPE_LATEST
        return response


def servers_of(app: HomeApplication) -> list[BotWebServer]:
    """The servers serving ``app`` right now (tests read their ports)."""
    services = getattr(app, "services", None)
    return list(services.web_servers) if services is not None else []


@contextlib.asynccontextmanager
async def serving(server: BotWebServer | None) -> AsyncIterator[BotWebServer | None]:
    """Run ``server`` (if any) for the block, listed in the app's services.web_servers."""
    if server is None:
        yield None
        return
    await server.start()
    running = server.app.services.web_servers
    running.append(server)
    try:
        yield server
    finally:
        running.remove(server)
        await server.stop()


def webhook_server(app: HomeApplication) -> BotWebServer:
    """The server for webhook mode: updates, health and metrics on WEBHOOK_LISTEN:PORT."""
    settings = app.settings
    return BotWebServer(
        app,
        settings.webhook_listen,
        settings.webhook_port,
        webhook_path=settings.webhook_path,
        secret=settings.webhook_secret,
    )


def health_server(app: HomeApplication) -> BotWebServer | None:
    """The health + metrics server on HEALTH_LISTEN:PORT, when HEALTH_PORT is set."""
    settings = app.settings
    if settings.health_port is None:
        return None
    if settings.webhook_mode and settings.health_port == settings.webhook_port:
        return None  # the webhook server serves them already
    return BotWebServer(app, settings.health_listen, settings.health_port)
