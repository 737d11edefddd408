"""Telegram's flood control for sending and editing: token buckets per bot and per chat."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.faketelegram.protocol import too_many_requests


@dataclass(frozen=True)
class RateLimits:
    """How many sends/edits Telegram lets through; pass `clock` to move time by hand in a test."""

    global_per_second: float = 30.0
    global_burst: int = 30
    private_per_second: float = 1.0
    private_burst: int = 3
    group_per_minute: float = 20.0
    group_burst: int = 20
    clock: Callable[[], float] = field(default=time.monotonic, compare=False)


@dataclass
class _Bucket:
    capacity: float
    per_second: float
    tokens: float
    updated: float

    def refill(self, now: float) -> None:
        elapsed = max(0.0, now - self.updated)
        self.tokens = min(self.capacity, self.tokens + elapsed * self.per_second)
        self.updated = now

    def seconds_until_token(self) -> float:
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.per_second


class FloodControl:
    """Admits or refuses one message-producing call; a refused call uses no allowance."""

    def __init__(self, limits: RateLimits):
        self.limits = limits
        now = limits.clock()
        self._global = _Bucket(
            limits.global_burst, limits.global_per_second, limits.global_burst, now
        )
        self._chats: dict[int, _Bucket] = {}

    def admit(self, chat_id: int, *, is_group: bool) -> None:
        """Count one send or edit in the chat; raises the 429 ApiError when over the limit."""
        now = self.limits.clock()
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = self._chats[chat_id] = self._new_chat_bucket(now, is_group=is_group)
        buckets = (self._global, chat)
        for bucket in buckets:
            bucket.refill(now)
        wait = max(bucket.seconds_until_token() for bucket in buckets)
        if wait > 0:
            raise too_many_requests(max(1, math.ceil(wait)))
        for bucket in buckets:
            bucket.tokens -= 1

    def _new_chat_bucket(self, now: float, *, is_group: bool) -> _Bucket:
        if is_group:
            burst = self.limits.group_burst
            return _Bucket(burst, self.limits.group_per_minute / 60, burst, now)
        burst = self.limits.private_burst
        return _Bucket(burst, self.limits.private_per_second, burst, now)
