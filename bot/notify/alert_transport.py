"""python-telegram-bot's HTTP transport over aiohttp, for the bot that sends alerts.

Kept because it is measured to matter (bench/alert_transport.py, 50 ms round trip, README
there): at production pacing, 25 alerts a second, the alert bot needs 0.057 of a core on it and
0.099 on PTB's own HTTPXRequest, 4 % of a core saved; in a 500/s storm HTTPXRequest saturates
the core (httpcore's pool rescans its queue on every change) and its latency runs to tens of
seconds, where this one stays at 0.6 of a core. PTB maps status codes to its errors
(RetryAfter, Forbidden, ...) above this layer exactly as for its own transports; only PTB's
public request API is used.
"""

from __future__ import annotations

from typing import Any

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData


class AiohttpRequest(BaseRequest):
    """A BaseRequest on one aiohttp session with ``connection_pool_size`` connections.

    The timeouts mean what HTTPXRequest's do, except that aiohttp has no write timeout: a slow
    upload is bounded by the read timeout that follows it.
    """

    __slots__ = ("_connect", "_pool", "_pool_size", "_read", "_session")

    def __init__(
        self,
        connection_pool_size: int = 1,
        *,
        read_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read = read_timeout
        self._connect = connect_timeout
        self._pool = pool_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read

    async def initialize(self) -> None:
        """Open the session (again, after a shutdown)."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size)
            self._session = aiohttp.ClientSession(connector=connector)

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """See :meth:`BaseRequest.do_request`."""
        if self._session is None:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        connect = _given(connect_timeout, self._connect)
        pool = _given(pool_timeout, self._pool)
        timeout = aiohttp.ClientTimeout(
            total=None,
            # aiohttp's connect covers waiting for a pooled connection and opening a new one.
            connect=None if connect is None or pool is None else connect + pool,
            sock_connect=connect,
            sock_read=_given(read_timeout, self._read),
        )
        try:
            async with self._session.request(
                method,
                url,
                data=_body(request_data),
                headers={"User-Agent": self.USER_AGENT},
                timeout=timeout,
            ) as response:
                return response.status, await response.read()
        except TimeoutError as err:  # aiohttp's timeouts are TimeoutErrors too
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{type(err).__name__}: {err}") from err


def _given(value: object, default: float | None) -> float | None:
    """A timeout argument, or ``default`` when the caller left it out (PTB's documented test)."""
    if value is BaseRequest.DEFAULT_NONE:
        return default
    if value is None or isinstance(value, int | float):
        return value
    raise TypeError(f"a timeout is a number of seconds or None, not {value!r}")


def _body(request_data: RequestData | None) -> Any:
    """Form fields as PTB encodes them; a multipart form when there are files to upload."""
    if request_data is None:
        return None
    fields = request_data.json_parameters
    files = request_data.multipart_data
    if not files:
        return fields
    form = aiohttp.FormData()
    for name, value in fields.items():
        form.add_field(name, value)
    for name, (filename, content, mime_type) in files.items():
        form.add_field(name, content, filename=filename, content_type=mime_type)
    return form
