"""One push listener per linked account, started, renewed and stopped as accounts come and go."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from types import MappingProxyType
from typing import Any

from bot.home.accounts import AccountManager, SessionExpired
from bot.iot import errors
from bot.iot.client import IotClient
from bot.iot.product_cache import ProductCache
from bot.iot.push.events import DeviceEvent, Kind
from bot.iot.push.listener import PushListener, PushSettings, Subscription, fetch_subscription
from bot.iot.push.missed import ProductsWithEvents
from bot.iot.push.transport import INVALID_TOKEN
from bot.notify.resume import ResumePoints
from bot.storage.store import Store

log = logging.getLogger(__name__)

HISTORY_READS = 16  # event-history reads in flight at once, over every account's listener

OnEvent = Callable[[int, DeviceEvent], Awaitable[None] | None]


class ListenerManager:
    """Keeps a PushListener for every linked account and hands their events to ``on_event``.

    ``on_event(telegram_user_id, event)`` may be a coroutine function; it is awaited before the
    account's next push is read, so it should only enqueue.

    At start-up every stored account gets a listener, and each first reads the account's
    devices (a few cloud requests) before its socket subscribes. So that a restart does not ask
    the cloud for every account at once, at most ``start_window`` listeners are starting at any
    moment (a start ends when its socket is subscribed, its first attempt failed, or after
    ``start_timeout`` seconds; a failed one goes on retrying by itself) and at most
    ``start_rate`` start a second. The window adapts to the cloud: a slow cloud gets fewer
    requests a second, a fast one is not held back by a fixed pause.
    """

    def __init__(
        self,
        iot: IotClient,
        store: Store,
        accounts: AccountManager,
        on_event: OnEvent,
        *,
        settings: PushSettings | None = None,
        start_window: int = 16,
        start_rate: float = 100.0,
        start_timeout: float = 30.0,
        url: str | None = None,
        on_started: Callable[[], None] | None = None,
        checkpoint_every: float = 60.0,
        products: ProductCache | None = None,
    ) -> None:
        """``on_started``: called once the start-up's listeners have all started (or tried).

        ``checkpoint_every``: seconds between saves of every listener's resume point
        (bot/notify/resume.py), also saved at stop; the next start reads back from them.

        ``products``: the bot's ProductCache, to read back only devices that post events.
        """
        self.iot = iot
        self.store = store
        self.accounts = accounts
        self.on_event = on_event
        self.settings = settings or PushSettings()
        self.start_window = max(1, start_window)
        self.start_rate = start_rate
        self.start_timeout = start_timeout
        self.on_started = on_started
        self.checkpoint_every = checkpoint_every
        self.resume_points = ResumePoints(store)
        # Reading back the events of an outage: at most 16 history reads at once for all accounts.
        self._history_reads = asyncio.Semaphore(HISTORY_READS)
        self._eventful = ProductsWithEvents(iot, products)  # only devices that post events
        self.peak_starting = 0  # the most listeners that were starting at once (for tests, bench)
        self._starting = 0
        self.url = url
        self._listeners: dict[int, PushListener] = {}
        self._owners: dict[int, str] = {}  # the IoT Explorer user each listener listens for
        self._first_notice: dict[int, bool] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._started = False
        accounts.on_change(self.refresh)

    @property
    def listeners(self) -> Mapping[int, PushListener]:
        """The running listeners by Telegram user id (read-only)."""
        return MappingProxyType(self._listeners)

    async def start(self) -> None:
        """Start a listener for every stored account, paced as the class describes."""
        if self._started:
            return
        self._started = True
        # An account already told its token is dead waits for a new sign-in (refresh starts it).
        user_ids = [
            a.telegram_user_id
            for a in self.store.list_accounts()
            if a.token and not a.token_problem_notified
        ]
        log.info("starting push listeners for %d accounts", len(user_ids))
        self._track(self._start_spread(user_ids), "push-listeners-start")
        self._track(self._checkpoints(), "push-resume-checkpoints")

    async def stop(self) -> None:
        """Stop every listener and background task; returns when all are done.

        Where each listener is gets saved first, so the next start reads back from here.
        """
        if self._started:
            self.save_resume_points()
        self._started = False
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        listeners = list(self._listeners.values())
        self._listeners.clear()
        self._owners.clear()
        await asyncio.gather(*(listener.stop() for listener in listeners))
        if tasks:
            await asyncio.wait(tasks)

    def refresh(self, telegram_user_id: int) -> None:
        """After a link, renewal, unlink or device-set change: start, resubscribe or stop."""
        if not self._started:
            return
        account = self.store.get_account(telegram_user_id)
        listener = self._listeners.get(telegram_user_id)
        same_user = account is not None and self._owners.get(telegram_user_id) == (
            account.iot_user_id
        )
        if listener is not None and listener.running and same_user:
            listener.resubscribe()
            return
        if listener is not None:
            self._drop(telegram_user_id)
        if account is not None and account.token and not account.token_problem_notified:
            self._start_listener(telegram_user_id)

    def save_resume_points(self) -> int:
        """Save every running listener's resume point now; returns how many."""
        return self.resume_points.save(self._points())

    def _points(self) -> list[tuple[int, dict[str, Any]]]:
        return [
            (user_id, listener.resume_point())
            for user_id, listener in self._listeners.items()
            if listener.running
        ]

    async def _checkpoints(self) -> None:
        while True:
            await asyncio.sleep(self.checkpoint_every)  # a schedule, not synchronization
            points = self._points()  # taken here, on the loop; written in a thread
            try:
                await asyncio.to_thread(self.resume_points.save, points)
            except Exception:
                log.exception("could not save the push listeners' resume points")

    async def _start_spread(self, user_ids: list[int]) -> None:
        waiting = iter(user_ids)  # shared by the workers: each account is taken once
        loop = asyncio.get_running_loop()
        next_start = loop.time()

        async def worker() -> None:
            nonlocal next_start
            for user_id in waiting:
                if user_id in self._listeners:
                    continue  # linked again meanwhile: refresh started it
                now = loop.time()
                spacing = 1 / self.start_rate if self.start_rate > 0 else 0.0
                pause, next_start = next_start - now, max(now, next_start) + spacing
                if pause > 0:
                    await asyncio.sleep(pause)  # pacing the cloud, not synchronization
                listener = self._start_listener(user_id, resume=True)
                if listener is None:
                    continue
                self._starting += 1
                self.peak_starting = max(self.peak_starting, self._starting)
                try:
                    async with asyncio.timeout(self.start_timeout):
                        await listener.settled()
                except TimeoutError:
                    log.info("push user %d: still connecting; starting the next", user_id)
                finally:
                    self._starting -= 1

        workers = min(self.start_window, len(user_ids))
        await asyncio.gather(*(worker() for _ in range(workers)))
        log.info("push listeners started for %d accounts", len(user_ids))
        if self.on_started is not None:
            self.on_started()

    def _start_listener(
        self, telegram_user_id: int, *, resume: bool = False
    ) -> PushListener | None:
        """Start the account's listener; ``resume``: read back from where the last run left off."""
        account = self.store.get_account(telegram_user_id)
        if account is None or not account.token:
            return None  # unlinked since the list was read
        listener = PushListener(
            self.iot,
            functools.partial(self._subscription, telegram_user_id),
            settings=self.settings,
            url=self.url,
            label=f"push user {telegram_user_id}",
            reads=self._history_reads,
            products=self._eventful,
        )
        listener.subscribe(functools.partial(self._deliver, telegram_user_id, listener))
        point = self.resume_points.get(telegram_user_id) if resume else None
        if point is not None:
            listener.resume_from(point)
        self._listeners[telegram_user_id] = listener
        self._owners[telegram_user_id] = account.iot_user_id
        listener.start()
        return listener

    def _drop(self, telegram_user_id: int) -> None:
        listener = self._listeners.pop(telegram_user_id, None)
        self._owners.pop(telegram_user_id, None)
        self.resume_points.forget(telegram_user_id)
        if listener is not None:
            self._track(listener.stop(), f"push-listener-stop {telegram_user_id}")

    async def _subscription(self, telegram_user_id: int) -> Subscription:
        """The account's devices, with its token renewed by AccountManager where it can be."""
        try:
            return await self.accounts.run(
                telegram_user_id, functools.partial(fetch_subscription, self.iot)
            )
        except SessionExpired as err:
            self._first_notice[telegram_user_id] = err.first_notice
            # The listener knows one kind of dead token: the client's.
            raise errors.InvalidToken(INVALID_TOKEN, "session expired") from None

    def _deliver(
        self, telegram_user_id: int, listener: PushListener, event: DeviceEvent
    ) -> Awaitable[None] | None:
        if event.kind is Kind.TOKEN_REJECTED:
            if self._listeners.get(telegram_user_id) is not listener:
                return None  # replaced by a new sign-in meanwhile: old news
            del self._listeners[telegram_user_id]
            self._owners.pop(telegram_user_id, None)
            first = self._first_notice.pop(telegram_user_id, None)
            if first is None:
                first = self.store.mark_token_problem_notified(telegram_user_id)
            if not first:
                return None  # the user was already asked to sign in again
        return self.on_event(telegram_user_id, event)

    def _track(self, coro: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
