"""Telegram calls under flood control, and another try for the ones that are safe to repeat."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

ApiResult = bool | dict[str, Any] | list[dict[str, Any]]

# Calls that change nothing more when repeated: an edit shows the same text again, a query is
# answered (or is already), a deleted message stays deleted (the user's typed password among
# them). sendMessage is not here: after a 5xx the message may have arrived, and a second try
# could show it twice.
REPEATABLE = frozenset(
    {
        "answerCallbackQuery",
        "deleteMessage",
        "editMessageCaption",
        "editMessageMedia",
        "editMessageReplyMarkup",
        "editMessageText",
    }
)


class RetryingRateLimiter(AIORateLimiter):
    """PTB's AIORateLimiter (waits out 429s), plus retries of REPEATABLE calls after a 5xx.

    PTB retries nothing but 429s: a 500/502/503 from Telegram, or a dropped connection, reaches
    the handler as a plain NetworkError, and a button press would then leave its menu as it was.
    Time-outs are not retried: the call has already waited PTB's whole timeout, and an answer
    to a callback query would come too late.
    """

    def __init__(self, *, max_retries: int, retry_delays: Sequence[float] = (0.5, 1.0)) -> None:
        super().__init__(max_retries=max_retries)
        self.retry_delays = tuple(retry_delays)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, ApiResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> ApiResult:
        delays = self.retry_delays if endpoint in REPEATABLE else ()
        for delay in delays:
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except (BadRequest, TimedOut):
                raise
            except NetworkError as err:
                log.info("Telegram failed %s (%s); trying again in %.1f s", endpoint, err, delay)
                await asyncio.sleep(delay)
        return await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )
