"""What every handler can reach: the shared services, through a typed callback context."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.home.speakers import MusicMemory
from bot.iot.product_cache import ProductCache
from bot.storage.share_links import ShareLinks
from bot.telegram.limits import MAX_ANSWER, clip
from bot.telegram.open_cards import OpenCards

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.home.accounts import AccountManager
    from bot.iot.client import IotClient
    from bot.notify.wiring import Push
    from bot.ops.heap import HeapKeeper
    from bot.ops.metrics import BotMetrics
    from bot.ops.web import BotWebServer
    from bot.sandbox.server import Sandbox
    from bot.storage.store import Store
    from bot.telegram.callbacks import CallbackCodec
    from bot.telegram.routing import Routes


@dataclass
class Services:
    """The long-lived clients, created in post_init and closed in post_shutdown."""

    settings: Settings
    store: Store
    iot: IotClient
    codec: CallbackCodec
    accounts: AccountManager
    sandbox: Sandbox | None = None
    bot_username: str = ""
    products: ProductCache = field(default_factory=ProductCache)  # shared by screens and pushes
    open_cards: OpenCards = field(default_factory=OpenCards)  # cards that follow their device
    music: MusicMemory = field(default_factory=MusicMemory)  # which devices answer Kugou
    metrics: BotMetrics | None = None  # made in post_init (bot/ops/metrics.py)
    push: Push | None = None  # while push delivery runs (bot/notify/wiring.py)
    web_servers: list[BotWebServer] = field(default_factory=list)  # serving now (bot/ops/web.py)

    @cached_property
    def share_links(self) -> ShareLinks:
        """Share and invitation links (their table is made on first use)."""
        return ShareLinks(self.store)


class HomeApplication(Application[Any, Any, Any, Any, Any, Any]):
    """The Application with the bot's settings, its store, and the services made in post_init."""

    settings: Settings
    store: Store
    routes: Routes  # every command, button, typed answer and deep link (build_application)
    services: Services
    heap_keeper: HeapKeeper | None = None  # set by ``python -m bot run`` (bot/ops/heap.py)


class HomeContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """CallbackContext with ``context.services`` and a note of whether the query was answered."""

    query_answered = False

    @property
    def services(self) -> Services:
        app = self.application
        assert isinstance(app, HomeApplication)
        return app.services

    @property
    def routes(self) -> Routes:
        app = self.application
        assert isinstance(app, HomeApplication)
        return app.routes


async def answer_query(
    update: object, context: HomeContext, text: str | None = None, *, alert: bool = False
) -> None:
    """Answer the update's callback query once (later calls do nothing).

    ``text`` (plain) is cut to the 200 characters Telegram shows in a toast or an alert: it often
    names a device or a home.
    """
    from telegram import Update

    if context.query_answered or not isinstance(update, Update) or update.callback_query is None:
        return
    context.query_answered = True
    await update.callback_query.answer(clip(text, MAX_ANSWER) if text else text, show_alert=alert)
