"""The Bot API on loopback HTTP: routing, method dispatch, the call log, injected faults."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from http import HTTPStatus
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from bot.faketelegram import botinfo, media, messages, schema
from bot.faketelegram.protocol import ApiError, Params, too_many_requests
from bot.faketelegram.ratelimit import RateLimits
from bot.faketelegram.state import ApiCall
from bot.faketelegram.world import Handler, World

_LOGGER = logging.getLogger(__name__)
_MAX_UPLOAD = 60 * 1024 * 1024  # Telegram takes documents up to 50 MB
_FAULT_TEXT = {
    400: "Bad Request: injected failure",
    403: "Forbidden: bot was blocked by the user",
    409: "Conflict: injected failure",
}


def _update_methods() -> dict[str, Handler]:
    async def get_updates(world: World, params: Params) -> Any:
        return await world.updates.get_updates(params)

    async def set_webhook(world: World, params: Params) -> Any:
        return await world.updates.set_webhook(params)

    async def delete_webhook(world: World, params: Params) -> Any:
        return await world.updates.delete_webhook(params)

    async def get_webhook_info(world: World, params: Params) -> Any:
        return await world.updates.webhook_info(params)

    return {
        "getUpdates": get_updates,
        "setWebhook": set_webhook,
        "deleteWebhook": delete_webhook,
        "getWebhookInfo": get_webhook_info,
    }


# Telegram matches method names case-insensitively; keys are lower case, values keep the spelling.
_METHODS: dict[str, tuple[str, Handler]] = {
    name.lower(): (name, handler)
    for table in (_update_methods(), messages.METHODS, media.METHODS, botinfo.METHODS)
    for name, handler in table.items()
}

# Every method the fake answers has its parameter list, so no method escapes the name check.
if set(_METHODS) != {name.lower() for name in schema.METHODS}:
    raise RuntimeError("schema.METHODS does not list the methods the fake answers")


@dataclass
class _Fault:
    status: int
    remaining: int
    retry_after: int
    description: str | None

    def error(self) -> ApiError:
        if self.status == 429:
            return too_many_requests(self.retry_after)
        if self.description is not None:
            return ApiError(self.status, self.description)
        if self.status in _FAULT_TEXT:
            return ApiError(self.status, _FAULT_TEXT[self.status])
        try:
            return ApiError(self.status, HTTPStatus(self.status).phrase)
        except ValueError:
            return ApiError(self.status, f"Error {self.status}")


class BotApiServer:
    """A Bot API server on 127.0.0.1 that python-telegram-bot talks to as if it were Telegram.

    Like Telegram, it takes webhooks only on public HTTPS URLs on ports 443, 80, 88 and 8443;
    allow_local_webhooks=True makes it take any URL, as a local Bot API server (--local) does,
    which a test needs to have updates POSTed to a server on loopback.
    """

    def __init__(
        self,
        token: str = "123456:TEST",
        bot_username: str = "iot_home_bot",
        limits: RateLimits | None = None,
        *,
        bot_name: str = "IoT Home",
        allow_local_webhooks: bool = False,
    ):
        self._world = World(
            token, bot_username, bot_name, limits, allow_local_webhooks=allow_local_webhooks
        )
        self._faults: dict[str, list[_Fault]] = {}
        self._delays: dict[str, float] = {}
        self._runner: web.AppRunner | None = None
        self._url: str | None = None
        self._closing = asyncio.Event()
        self._busy = 0  # requests being handled, long polls excepted
        self._answered = 0  # requests answered, long polls excepted

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """http://127.0.0.1:<port>; give PTB f"{url}/bot" and f"{url}/file/bot"."""
        if self._url is None:
            raise RuntimeError("FakeTelegram is not started")
        return self._url

    @property
    def token(self) -> str:
        """The only bot token the server accepts."""
        return self._world.token

    @property
    def bot_id(self) -> int:
        """The bot's user id (the token's number)."""
        return self._world.bot_id

    async def start(self) -> None:
        """Listen on a free loopback port."""
        app = web.Application(client_max_size=_MAX_UPLOAD)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self._url = f"http://{host}:{port}"

    async def stop(self) -> None:
        """Release held long polls, stop webhook delivery and close the port."""
        self._closing.set()
        await self._world.updates.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    # -- faults ----------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        status: int = 500,
        *,
        count: int = 1,
        retry_after: int = 1,
        description: str | None = None,
    ) -> None:
        """Answer the next `count` calls of `method` ("*" for any) with an error, not running them."""
        fault = _Fault(status, count, retry_after, description)
        self._faults.setdefault(method.lower(), []).append(fault)

    def delay(self, method: str, seconds: float) -> None:
        """Hold every call of `method` ("*" for any) this long before answering; 0 stops it."""
        self._delays[method.lower()] = seconds

    def _take_fault(self, method: str) -> ApiError | None:
        for key in (method.lower(), "*"):
            queue = self._faults.get(key)
            if queue:
                fault = queue[0]
                fault.remaining -= 1
                if fault.remaining <= 0:
                    queue.pop(0)
                return fault.error()
        return None

    # -- HTTP ------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(ApiError(401, "Unauthorized").to_json(), status=401)
        method, handler = _METHODS.get(
            request.match_info["method"].lower(), (request.match_info["method"], None)
        )
        polling = method == "getUpdates"
        self._busy += not polling
        params = Params({})
        try:
            params = await Params.from_request(request)
            seconds = self._delays.get(method.lower()) or self._delays.get("*")
            if seconds:
                # stop() ends the delay early, so a test never waits for a held call to finish
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(seconds):
                        await self._closing.wait()
            fault = self._take_fault(method)
            if fault is not None:
                raise fault
            if handler is None:
                raise ApiError(404, "Not Found")
            schema.check_request(method, params)
            result = await handler(self._world, params)
            call = ApiCall(method, params.for_log(), ok=True, result=result)
            body, status = {"ok": True, "result": result}, 200
        except ApiError as err:
            _LOGGER.debug("%s -> %s", method, err.error_code)
            call = ApiCall(method, params.for_log(), False, None, err.error_code, err.description)
            body, status = err.to_json(), err.error_code
        finally:
            self._busy -= not polling
        self._answered += not polling
        self._world.calls.append(call)
        await self._world.notify()
        return web.json_response(body, status=status)

    async def _download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            raise web.HTTPUnauthorized()
        found = self._world.files.get(request.match_info["path"].rsplit("/", 1)[-1])
        if found is None or found.data is None:
            raise web.HTTPNotFound()
        return web.Response(
            body=found.data, content_type=found.mime_type or "application/octet-stream"
        )
