"""Alert delivery within Telegram's limits: a pacer per chat and one for the bot, one worker a chat.

A chat's worker waits for the chat's turn and then the bot's, and only then reads what the
outbox holds for the chat: everything that piled up while it waited goes out as one digest
(composed by the caller), so a storm becomes a handful of messages and never a 429 loop. A 429
is waited out here, a 403 pauses the chat until its user writes again, other failures back off.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import re
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.notify.outbox import Outbox, OutboxAlert

log = logging.getLogger(__name__)

BATCH = 200  # alerts read per message at most; a 4096-character message holds fewer lines
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Pacing:
    """How fast the bot sends alerts: a little under Telegram's limits, leaving room for replies."""

    global_per_second: float = 25.0
    global_burst: float = 25.0
    private_per_second: float = 1.0
    private_burst: float = 2.0
    group_per_minute: float = 18.0
    group_burst: float = 3.0
    max_workers: int = 1000  # chats sending at once; more wait their turn in a line of ids
    first_backoff: float = 1.0  # seconds before retrying after a network or server error
    max_backoff: float = 60.0  # the wait doubles after each failure in a row, up to this


class TokenBucket:
    """``per_second`` tokens a second, at most ``capacity`` saved up."""

    def __init__(self, per_second: float, capacity: float, clock: Callable[[], float]) -> None:
        self.per_second = per_second
        self.capacity = capacity
        self.tokens = capacity
        self._clock = clock
        self._updated = clock()

    def _refill(self) -> None:
        now = self._clock()
        self.tokens = min(self.capacity, self.tokens + (now - self._updated) * self.per_second)
        self._updated = now

    def wait_time(self) -> float:
        """Seconds until a token is there (0 when one is)."""
        self._refill()
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.per_second

    def take(self) -> None:
        """Spend one token (the caller waited for it)."""
        self._refill()
        self.tokens -= 1

    async def acquire(self) -> None:
        """Wait until a token is there, and take it."""
        await asyncio.sleep(self.wait_time())
        self.take()

    def drain(self) -> None:
        """Spend what was saved up (after a 429, which may mean the bot's budget is gone)."""
        self._refill()
        self.tokens = min(self.tokens, 0.0)

    @property
    def full(self) -> bool:
        """Whether nothing was spent lately (a new bucket would be the same)."""
        self._refill()
        return self.tokens >= self.capacity


@dataclass(frozen=True)
class Outgoing:
    """One message to send and the outbox alerts it carries."""

    text: str
    alert_ids: tuple[int, ...]
    reply_markup: InlineKeyboardMarkup | None = None
    silent: bool = False  # sent with disable_notification (quiet hours)


# (chat id, its oldest waiting alerts) -> the next message; it may carry only some of them.
Composer = Callable[[int, list[OutboxAlert]], Outgoing]


@dataclass
class DeliveryStats:
    """Counters since start, for logs and the benchmark."""

    messages: int = 0
    alerts: int = 0
    rate_limited: int = 0  # 429s Telegram answered (each waited out and retried)
    failures: int = 0  # network and server errors (retried)
    paused: int = 0  # chats paused after a 403
    dropped: int = 0  # alerts Telegram refused as malformed even as plain text


class DeliveryQueue:
    """Delivers the outbox chat by chat; ``submit`` persists an alert first, then wakes its chat."""

    def __init__(
        self,
        bot: Bot,
        outbox: Outbox,
        compose: Composer,
        pacing: Pacing | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.bot = bot
        self.outbox = outbox
        self.pacing = pacing or Pacing()
        self.stats = DeliveryStats()
        # Told ("delivered" | "coalesced" | "paused", count) as it happens; the metrics listen.
        self.observer: Callable[[str, int], None] = lambda kind, count: None
        self._compose = compose
        self._clock = clock
        p = self.pacing
        self._global = TokenBucket(p.global_per_second, p.global_burst, clock)
        self._global_turns = asyncio.Lock()  # FIFO: chats take the bot's turns in order
        self._chats: dict[int, TokenBucket] = {}
        self._workers: dict[int, asyncio.Task[None]] = {}
        self._waiting: dict[int, None] = {}  # chats in line for a worker, in order
        self._paused: set[int] = set()
        self._idle = asyncio.Event()
        self._idle.set()
        self._closed = True

    # -- control ---------------------------------------------------------------------------

    def start(self) -> int:
        """Drop alerts too old to send, wake every chat the outbox holds; returns how many wait."""
        self._closed = False
        expired = self.outbox.expire()
        if expired:
            log.warning("dropped %d alerts that waited longer than the outbox keeps them", expired)
        for chat_id in self.outbox.chats():
            self.wake(chat_id)
        return self.outbox.count()

    async def stop(self) -> None:
        """Stop sending; what was not delivered stays in the outbox for the next start."""
        self._closed = True
        self._waiting.clear()
        workers = list(self._workers.values())
        for task in workers:
            task.cancel()
        for task in workers:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def submit(self, alert: OutboxAlert) -> OutboxAlert:
        """Persist ``alert`` in the outbox, then let its chat's worker send it."""
        stored = self.outbox.add(alert)
        self.wake(stored.chat_id)
        return stored

    def wake(self, chat_id: int) -> None:
        """Make sure the chat's waiting alerts get sent (unless it is paused)."""
        if self._closed or chat_id in self._paused:
            return
        if chat_id in self._workers or chat_id in self._waiting:
            return
        if len(self._workers) >= self.pacing.max_workers:
            self._waiting[chat_id] = None
            return
        self._idle.clear()
        self._workers[chat_id] = asyncio.create_task(
            self._deliver(chat_id), name=f"alerts-{chat_id}"
        )

    def resume(self, chat_id: int) -> bool:
        """Send to a paused chat again (its user wrote to the bot); True if it was paused."""
        if chat_id not in self._paused:
            return False
        self._paused.discard(chat_id)
        log.info("chat %s is reachable again; resuming its alerts", chat_id)
        self.wake(chat_id)
        return True

    def is_paused(self, chat_id: int) -> bool:
        """Whether the chat is paused after a 403."""
        return chat_id in self._paused

    async def wait_idle(self) -> None:
        """Until no chat is sending or waiting to (paused chats do not count)."""
        await self._idle.wait()

    # -- the worker ------------------------------------------------------------------------

    async def _deliver(self, chat_id: int) -> None:
        backoff = self.pacing.first_backoff
        try:
            while self.outbox.has_pending(chat_id):
                await self._chat_turn(chat_id)
                await self._bot_turn()
                alerts = self.outbox.pending(chat_id, BATCH)
                if not alerts:
                    return
                message = self._compose(chat_id, alerts)
                try:
                    await self._send(chat_id, message)
                except RetryAfter as err:
                    self.stats.rate_limited += 1
                    self._global.drain()
                    await asyncio.sleep(_seconds(err) + 0.1)
                    continue
                except Forbidden as err:
                    self._pause(chat_id, err)
                    return
                except BadRequest as err:
                    if "chat not found" in str(err).lower():
                        self._pause(chat_id, err)
                        return
                    if not await self._send_plain(chat_id, message, err):
                        self.outbox.delivered(message.alert_ids)
                        continue
                except TelegramError as err:  # network, timeouts, 5xx: transient
                    self.stats.failures += 1
                    log.warning("sending alerts to chat %s failed (%s); retrying", chat_id, err)
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, self.pacing.max_backoff)
                    continue
                backoff = self.pacing.first_backoff
                self.outbox.delivered(message.alert_ids)
                self.stats.messages += 1
                self.stats.alerts += len(message.alert_ids)
                self.observer("delivered", len(message.alert_ids))
                if len(message.alert_ids) > 1:  # several alerts went out as one message
                    self.observer("coalesced", len(message.alert_ids) - 1)
        except asyncio.CancelledError:
            raise
        except Exception:
            # A bug in composing; the alerts stay in the outbox and are tried on the next wake.
            log.exception("alert delivery to chat %s stopped", chat_id)
        finally:
            self._finished(chat_id)

    def _finished(self, chat_id: int) -> None:
        self._workers.pop(chat_id, None)
        while self._waiting and not self._closed:
            next_chat = next(iter(self._waiting))
            del self._waiting[next_chat]
            self.wake(next_chat)
            if next_chat in self._workers:
                break
        if not self._workers and not self._waiting:
            self._idle.set()

    async def _chat_turn(self, chat_id: int) -> None:
        bucket = self._chats.get(chat_id)
        if bucket is None:
            p = self.pacing
            if chat_id < 0:
                bucket = TokenBucket(p.group_per_minute / 60, p.group_burst, self._clock)
            else:
                bucket = TokenBucket(p.private_per_second, p.private_burst, self._clock)
            if len(self._chats) >= 4 * p.max_workers:
                # Memory stays bounded: a full bucket is what a new one would be.
                self._chats = {c: b for c, b in self._chats.items() if not b.full}
            self._chats[chat_id] = bucket
        await bucket.acquire()

    async def _bot_turn(self) -> None:
        async with self._global_turns:
            await self._global.acquire()

    async def _send(self, chat_id: int, message: Outgoing, *, plain: bool = False) -> None:
        text = html.unescape(_TAG.sub("", message.text)) if plain else message.text
        await self.bot.send_message(
            chat_id,
            text,
            parse_mode=None if plain else ParseMode.HTML,
            reply_markup=message.reply_markup,
            disable_notification=True if message.silent else None,
        )

    async def _send_plain(self, chat_id: int, message: Outgoing, err: BadRequest) -> bool:
        """Telegram refused the HTML: send it as plain text; False if that is refused too."""
        log.error("Telegram refused an alert message (%s); sending it as plain text", err)
        try:
            await self._send(chat_id, message, plain=True)
        except BadRequest as again:
            log.error("dropping %d alerts Telegram refuses: %s", len(message.alert_ids), again)
            self.stats.dropped += len(message.alert_ids)
            return False
        return True

    def _pause(self, chat_id: int, err: TelegramError) -> None:
        self._paused.add(chat_id)
        self.stats.paused += 1
        self.observer("paused", 1)
        log.info(
            "chat %s does not take messages (%s); its %d alerts wait until the user is back",
            chat_id,
            err,
            self.outbox.count(chat_id),
        )


def _seconds(err: RetryAfter) -> float:
    with warnings.catch_warnings():
        # PTB 22 warns that retry_after becomes a timedelta; either form is read here.
        warnings.simplefilter("ignore")
        value = err.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
