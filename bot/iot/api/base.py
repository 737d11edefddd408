"""What every per-area API mixin may rely on: the client's one ``call()``."""

from __future__ import annotations

from typing import Any


class ApiMixin:
    """Base of the typed-method mixins; :class:`bot.iot.client.IotClient` provides ``call``."""

    async def call(
        self,
        action: str,
        params: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        read: bool = False,
    ) -> dict[str, Any]:
        raise NotImplementedError
