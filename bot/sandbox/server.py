"""The sandbox cloud's HTTP server: appapi, tokenapi, the websocket and the control API."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.iot import signing
from bot.iot.push.transport import SOCKET_PATHS
from bot.sandbox import saved as saved_world
from bot.sandbox.control import DEMO_HOME, SandboxControl, add_control_routes
from bot.sandbox.faults import Faults
from bot.sandbox.hub import Hub
from bot.sandbox.registry import ACTIONS, Call, CloudError, action_modules, load_actions
from bot.sandbox.state import SandboxState

log = logging.getLogger(__name__)

API_PREFIX = "/api/exploreropen"
# How replies are wrapped. "vendor": {"code", "msg", "data"}, what every vendor client reads and
# so what the real cloud sends (docs/protocol.md); "response": {"Response": ...}, the reference's
# examples. IOT_SANDBOX_ENVELOPE chooses for the embedded sandbox and the tests.
ENVELOPES = ("vendor", "response")
ENVELOPE_VARIABLE = "IOT_SANDBOX_ENVELOPE"
VENDOR_ERROR_CODE = -1000  # the code the vendor's apps compare with (Android ErrorCode, iOS)
WS_PATHS = SOCKET_PATHS  # both, as the real cloud serves them
SAVE_EVERY = 60.0  # seconds between saves of a sandbox that keeps its world in a file
TIMESTAMP_WINDOW = 300  # seconds a signed request may be old or early


class SandboxServer:
    """An aiohttp application serving one :class:`SandboxState` over loopback."""

    def __init__(
        self,
        state: SandboxState,
        *,
        envelope: str = "vendor",
        ws_paths: tuple[str, ...] = WS_PATHS,
    ) -> None:
        load_actions()
        if envelope not in ENVELOPES:
            raise ValueError(f"unknown envelope {envelope!r}; use one of {', '.join(ENVELOPES)}")
        self.envelope = envelope
        self.state = state
        self.faults = Faults()
        self.hub = Hub(state)
        self.requests: list[tuple[str, str]] = []  # (action, error code or "") for tests
        self.app = web.Application(client_max_size=2 * 1024 * 1024)
        self.app.router.add_post(f"{API_PREFIX}/appapi", self._appapi)
        # Android and iOS post signed calls to appapi/<Action>; the mini-program SDK adds
        # ?uin=&cmd=<Action> to tokenapi. The Action in the body still decides.
        self.app.router.add_post(f"{API_PREFIX}/appapi/{{action}}", self._appapi)
        self.app.router.add_post(f"{API_PREFIX}/tokenapi", self._tokenapi)
        self.ws_paths = ws_paths  # the real cloud serves both; a test may offer only one
        for path in ws_paths:
            self.app.router.add_get(path, self.hub.handle)
        self.control: SandboxControl = add_control_routes(self.app, self)

    async def _appapi(self, request: web.Request) -> web.StreamResponse:
        return await self._serve(request, "app")

    async def _tokenapi(self, request: web.Request) -> web.StreamResponse:
        return await self._serve(request, "token")

    async def _serve(self, request: web.Request, api: str) -> web.StreamResponse:
        request_id = ""
        action = ""
        try:
            try:
                params = json.loads(await request.text())
            except ValueError as err:
                raise CloudError("InvalidParameterValue.InvalidJSON", "body is not JSON") from err
            if not isinstance(params, dict):
                raise CloudError("InvalidParameterValue.InvalidJSON", "body is not an object")
            request_id = str(params.get("RequestId") or "")
            named = request.match_info.get("action") or request.query.get("cmd") or ""
            action = str(params.get("Action") or named)
            if named and action != named:
                raise CloudError(
                    "InvalidParameterValue", f"the URL names {named} but Action is {action}"
                )
            fault = self.faults.take(action)
            if fault is not None:
                if fault.latency:
                    await asyncio.sleep(fault.latency)
                if fault.http_status:
                    self.requests.append((action, f"HTTP {fault.http_status}"))
                    return web.Response(status=fault.http_status, text="sandbox fault")
                if fault.error_code:
                    raise CloudError(fault.error_code, "injected by the sandbox")
            body = await self._dispatch(api, action, params)
            self.requests.append((action, ""))
            return web.json_response(self._wrap({**body, "RequestId": request_id}))
        except CloudError as err:
            self.requests.append((action, err.code))
            error = {"Code": err.code, "Message": err.message}
            return web.json_response(
                self._wrap({"Error": error, "RequestId": request_id}, failed=err.message)
            )

    def _wrap(self, inner: dict[str, Any], *, failed: str | None = None) -> dict[str, Any]:
        """``inner`` (what the reference shows inside Response) in this server's envelope."""
        if self.envelope == "response":
            return {"Response": inner}
        if failed is None:
            return {"code": 0, "msg": "", "data": inner}
        return {"code": VENDOR_ERROR_CODE, "msg": failed, "data": inner}

    async def _dispatch(self, api: str, action: str, params: dict[str, Any]) -> dict[str, Any]:
        if not action:
            raise CloudError("ErrorRequiredParamNotFound", "missing parameter Action")
        spec = ACTIONS.get(action)
        if spec is None or spec.api != api:
            raise CloudError("InvalidAction", f"unknown action {action} on {api}api")
        if not params.get("RequestId"):
            raise CloudError("ErrorRequiredParamNotFound", "missing parameter RequestId")
        call = Call(self.state, action, params)
        if api == "app":
            self._check_signature(params)
        else:
            token = params.get("AccessToken")
            if not token:
                raise CloudError("ErrorRequiredParamNotFound", "missing parameter AccessToken")
            call.user = self.state.user_by_token(str(token))
            if call.user is None:
                raise CloudError("InvalidParameterValue.InvalidAccessToken", "token invalid")
        return await spec.handler(call)

    def _check_signature(self, params: dict[str, Any]) -> None:
        for name in ("AppKey", "Timestamp", "Nonce", "Signature"):
            if params.get(name) in (None, ""):
                raise CloudError("ErrorRequiredParamNotFound", f"missing parameter {name}")
        if params["AppKey"] != self.state.app_key:
            raise CloudError("ResourceNotFound.AppNotExists", "unknown AppKey")
        try:
            timestamp, nonce = int(params["Timestamp"]), int(params["Nonce"])
        except (TypeError, ValueError) as err:
            raise CloudError("InvalidParameterValue", "Timestamp and Nonce are integers") from err
        if nonce <= 0:
            raise CloudError("InvalidParameterValue", "Nonce must be a positive integer")
        if abs(self.state.now() - timestamp) > TIMESTAMP_WINDOW:
            raise CloudError("AuthFailure.SignatureExpire", "Timestamp is too far from now")
        if not signing.verify(params, self.state.app_secret):
            raise CloudError("AuthFailure.SignatureFailure", "signature mismatch")


class Sandbox:
    """A running sandbox cloud on 127.0.0.1: ``async with Sandbox() as sb: sb.api_url ...``."""

    def __init__(
        self,
        *,
        demo: bool = True,
        app_key: str | None = None,
        app_secret: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        background: bool = True,
        state_file: Path | None = None,
        envelope: str = "vendor",
        ws_paths: tuple[str, ...] = WS_PATHS,
    ) -> None:
        """``state_file``: keep the world there across restarts (the bot's embedded sandbox);
        it is read here when it exists and written every minute and at :meth:`stop`.
        ``envelope``: how replies are wrapped (:data:`ENVELOPES`); ``ws_paths``: where the push
        socket is served (both known paths, as the real cloud)."""
        self.state_file = state_file
        saved = saved_world.load(state_file) if state_file is not None else None
        self.state = (
            saved.state
            if saved is not None
            else SandboxState(
                app_key=app_key or f"sandbox{secrets.token_hex(6)}",
                app_secret=app_secret or secrets.token_urlsafe(24),
            )
        )
        self._saved_demo = saved.demo if saved is not None else None
        self.server = SandboxServer(self.state, envelope=envelope, ws_paths=ws_paths)
        self.host, self.port = host, port
        self.demo_enabled = demo
        self.background = background
        self.demo: Any = None  # the DemoHome seeded at start (users, devices, credentials)
        self._runner: web.AppRunner | None = None
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def control(self) -> SandboxControl:
        """In-process control API (the same operations as HTTP ``/sandbox/...``)."""
        return self.server.control

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        """The base the client appends ``/appapi`` and ``/tokenapi`` to."""
        return f"{self.base_url}{API_PREFIX}"

    @property
    def ws_url(self) -> str:
        return f"ws://{self.host}:{self.port}{self.server.ws_paths[0]}"

    @property
    def control_url(self) -> str:
        return f"{self.base_url}/sandbox"

    async def start(self) -> Sandbox:
        if self.demo_enabled:
            from bot.sandbox.demo import seed_demo

            self.demo = self._saved_demo or seed_demo(self.state)
            self.server.app[DEMO_HOME] = self.demo
        self._runner = web.AppRunner(self.server.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        server = site._server
        assert isinstance(server, asyncio.Server)  # aiohttp's TCP site serves through one
        self.port = server.sockets[0].getsockname()[1]
        if self.background:
            from bot.sandbox.behaviour import background_tasks

            self._tasks = [asyncio.create_task(coro) for coro in background_tasks(self)]
        if self.state_file is not None:
            self.save()  # a first file at once; then every minute and at stop
            self._tasks.append(asyncio.create_task(self._save_every(SAVE_EVERY)))
        log.info("sandbox cloud listening on %s", self.base_url)
        return self

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        for module in action_modules():  # e.g. asynchronous action replies still pending
            stopped = getattr(module, "on_stop", None)
            if stopped is not None:
                stopped(self.state)
        await self.server.hub.drop_all()
        self.server.hub.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self.state_file is not None:
            self.save()

    def save(self) -> None:
        """Write the world to ``state_file`` (see :mod:`bot.sandbox.saved`)."""
        assert self.state_file is not None
        try:
            saved_world.save(self.state_file, self.state, self.demo)
        except OSError as err:
            log.warning("could not save the sandbox cloud to %s: %s", self.state_file, err)
        except Exception:  # a bug in what is saved must not stop the saver or the shutdown
            log.exception("could not save the sandbox cloud to %s", self.state_file)

    async def _save_every(self, seconds: float) -> None:
        while True:
            await asyncio.sleep(seconds)
            self.save()

    async def __aenter__(self) -> Sandbox:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
