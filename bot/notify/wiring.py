"""Starting and stopping push delivery: the listener, the notifier, and what ties them together.

Called from post_init / post_shutdown. The notifier sends through its own Bot object without
PTB's rate limiter: its queue paces alerts and waits out 429s itself, so a flood of alerts
neither trips the limiter's retries nor holds up the bot's replies to users. That Bot talks
HTTP through aiohttp (bot/notify/alert_transport.py): 0.06 of a core at 25 alerts a second
where PTB's HTTPXRequest takes 0.10 (bench/alert_transport.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram.ext import ExtBot

from bot.notify.alert_transport import AiohttpRequest
from bot.notify.listeners import ListenerManager
from bot.notify.notifier import Notifier
from bot.notify.queue import Pacing
from bot.ops import metrics
from bot.telegram.context import HomeApplication

log = logging.getLogger(__name__)


@dataclass
class Push:
    """Push delivery while it runs: the listeners, the notifier, the Bot alerts go out through."""

    manager: ListenerManager  # one socket per linked account
    notifier: Notifier
    alert_bot: ExtBot[None]


async def start_push(app: HomeApplication, *, pacing: Pacing | None = None) -> Notifier:
    """Start the notifier (delivering what the outbox kept) and the push listener."""
    services = app.services
    if services.push is not None:
        return services.push.notifier
    bot = _alert_bot(app)
    await bot.initialize()
    notifier = Notifier(app, bot, pacing=pacing)
    await notifier.start()
    manager = _listener(app, notifier)
    services.push = Push(manager, notifier, bot)
    _count_in_metrics(app, notifier, manager)
    services.accounts.on_change(lambda user_id: _account_changed(app, user_id))
    await manager.start()
    return notifier


async def stop_push(app: HomeApplication) -> None:
    """Stop listening and delivering; undelivered alerts stay in the outbox for the next start."""
    services = getattr(app, "services", None)
    if services is None or services.push is None:
        return
    push, services.push = services.push, None
    await push.manager.stop()
    await push.notifier.stop()
    await push.alert_bot.shutdown()


def notifier_of(app: object) -> Notifier | None:
    """The running notifier, if push delivery was started."""
    services = getattr(app, "services", None)
    push = getattr(services, "push", None)
    return push.notifier if isinstance(push, Push) else None


def _alert_bot(app: HomeApplication) -> ExtBot[None]:
    settings = app.settings
    api = settings.telegram_api_url
    return ExtBot(
        settings.telegram_token,
        base_url=f"{api}/bot",
        base_file_url=f"{api}/file/bot",
        defaults=app.bot.defaults,
        request=AiohttpRequest(32, read_timeout=15.0),
        get_updates_request=AiohttpRequest(1),  # never polls; PTB wants one all the same
    )


def _listener(app: HomeApplication, notifier: Notifier) -> ListenerManager:
    """A ListenerManager (one socket per linked account) feeding ``notifier.handle``."""
    services = app.services
    keeper = app.heap_keeper
    return ListenerManager(
        services.iot,
        services.store,
        services.accounts,
        notifier.handle,
        # Sockets and listeners live as long as their accounts: out of the collector's walks.
        on_started=(lambda: keeper.settle("push listeners started")) if keeper else None,
        products=services.products,  # the templates the device screens read, shared
    )


def _account_changed(app: HomeApplication, telegram_user_id: int) -> None:
    """An account was linked, renewed or removed (the listener resubscribes on its own)."""
    notifier = notifier_of(app)
    if notifier is not None:
        notifier.account_changed(telegram_user_id)


def _count_in_metrics(app: HomeApplication, notifier: Notifier, manager: ListenerManager) -> None:
    """Expose live sockets and alert deliveries through the app's Prometheus metrics."""
    counters = metrics.of(app)
    if counters is None:
        return
    recorders = {
        "delivered": counters.record_alert_delivered,
        "coalesced": counters.record_alert_coalesced,
        "paused": counters.record_alert_paused,
    }
    notifier.queue.observer = lambda kind, count: recorders[kind](count)
    counters.set_sockets_source(
        lambda: sum(1 for listener in manager.listeners.values() if listener.connected)
    )
    counters.set_waiting_source(notifier.outbox.count)
