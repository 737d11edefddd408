"""The async app-API client: one ``call()`` owns endpoints, signing, timeouts, errors and retries.

Typed methods live in the per-area mixins of :mod:`bot.iot.api`; each turns a reply into the
dataclasses of :mod:`bot.iot.models`. Nothing here knows about Telegram.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx

from bot.iot import errors, signing
from bot.iot.api import AllApis
from bot.iot.endpoints import Endpoints
from bot.iot.replies import ReplyShapeError, unwrap

CallObserver = Callable[[str, str, float], None]  # (action, outcome, seconds)

log = logging.getLogger(__name__)


class IotClient(AllApis):
    """One client per bot, shared by every user; user calls pass that user's AccessToken."""

    def __init__(
        self,
        endpoints: Endpoints,
        app_key: str,
        app_secret: str,
        *,
        timeout: float = 10.0,
        read_attempts: int = 3,
        retry_delay: float = 0.25,
        http: httpx.AsyncClient | None = None,
        observer: CallObserver | None = None,
    ) -> None:
        self.endpoints = endpoints
        self.app_key = app_key
        self._app_secret = app_secret
        self.timeout = timeout
        self.read_attempts = max(1, read_attempts)
        self.retry_delay = retry_delay
        self._http = http or httpx.AsyncClient(
            timeout=timeout, limits=httpx.Limits(max_connections=100, max_keepalive_connections=20)
        )
        self._owns_http = http is None
        self._observer = observer

    def __repr__(self) -> str:
        return f"IotClient({self.endpoints.app_api!r}, app_key={self.app_key!r})"

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> IotClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def call(
        self,
        action: str,
        params: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        read: bool = False,
    ) -> dict[str, Any]:
        """Send ``action`` and return its normalized reply, or raise an :class:`errors.IotError`.

        Without ``token`` the request goes to the signed appapi, with it to the tokenapi. Only a
        ``read`` is retried after a transient failure (timeout, 5xx, InternalError); a write is
        retried only when the connection was never made, so it is never carried out twice.
        """
        attempt = 0
        while True:
            attempt += 1
            try:
                return await self._request_once(action, params or {}, token)
            except errors.IotError as err:
                retryable = (read and _is_transient(err)) or isinstance(err, _NotSent)
                if not retryable or attempt >= self.read_attempts:
                    raise (err.cause if isinstance(err, _NotSent) else err) from None
                delay = self.retry_delay * 2 ** (attempt - 1) * (0.5 + random.random())
                log.info("%s failed (%s); retry %d in %.2fs", action, _kind(err), attempt, delay)
                await asyncio.sleep(delay)

    async def _request_once(
        self, action: str, params: dict[str, Any], token: str | None
    ) -> dict[str, Any]:
        request_id = uuid.uuid4().hex
        body: dict[str, Any] = {**params, "Action": action, "RequestId": request_id}
        if token is None:
            url = self.endpoints.app_api
            body = signing.signed(body, self.app_key, self._app_secret)
        else:
            url = self.endpoints.token_api
            body["AccessToken"] = token
        started = time.perf_counter()
        outcome = "cancelled"  # what is left when nothing below sets it: the caller gave up
        try:
            reply = await self._post(url, body, action, request_id)
            error = reply.get("Error")
            if isinstance(error, dict):
                outcome = str(error.get("Code") or "Error")
                raise errors.from_response(
                    outcome,
                    str(error.get("Message") or ""),
                    request_id=str(reply.get("RequestId") or request_id),
                    action=action,
                )
            outcome = "ok"
            return reply
        except _NotSent as err:
            outcome = type(err.cause).__name__
            raise
        except (errors.TransportError, errors.UnreadableReply) as err:
            outcome = type(err).__name__
            raise
        finally:
            elapsed = time.perf_counter() - started
            log.debug(
                "%s %s in %.0f ms (RequestId %s)", action, outcome, elapsed * 1000, request_id
            )
            if self._observer is not None:
                self._observer(action, outcome, elapsed)

    async def _post(
        self, url: str, body: dict[str, Any], action: str, request_id: str
    ) -> dict[str, Any]:
        try:
            response = await self._http.post(url, json=body, timeout=self.timeout)
        except httpx.ConnectError as err:
            cause = errors.TransportError(
                f"{action}: cannot reach the cloud", action=action, request_id=request_id
            )
            raise _NotSent(cause) from err
        except httpx.TimeoutException as err:
            raise errors.RequestTimeout(
                f"{action}: no answer within {self.timeout:g}s",
                action=action,
                request_id=request_id,
            ) from err
        except httpx.HTTPError as err:
            raise errors.TransportError(
                f"{action}: {type(err).__name__}", action=action, request_id=request_id
            ) from err
        if response.status_code >= 400:
            raise errors.TransportError(
                f"{action}: HTTP {response.status_code}", action=action, request_id=request_id
            )
        try:
            body = response.json()
        except ValueError as err:
            raise errors.TransportError(
                f"{action}: the reply is not JSON", action=action, request_id=request_id
            ) from err
        try:
            return unwrap(body)
        except ReplyShapeError as err:
            # The shape shows keys and types only, so no token or secret reaches the log.
            log.error("%s: unreadable reply (%s): %s", action, err.reason, err.shape)
            raise errors.UnreadableReply(
                f"{action}: {err.reason}", action=action, request_id=request_id
            ) from err


class _NotSent(errors.IotError):
    """The connection was never made, so even a write may be tried again."""

    def __init__(self, cause: errors.TransportError) -> None:
        super().__init__(str(cause))
        self.cause = cause


def _is_transient(err: errors.IotError) -> bool:
    if isinstance(err, errors.TransportError):
        return True
    return isinstance(err, errors.ApiError) and err.transient


def _kind(err: errors.IotError) -> str:
    return err.code if isinstance(err, errors.ApiError) else type(err).__name__
