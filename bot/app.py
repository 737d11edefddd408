"""Builds the telegram Application: wiring, handler order and housekeeping jobs, nothing else."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    CallbackContext,
    CallbackQueryHandler,
    ContextTypes,
    Defaults,
    TypeHandler,
)

from bot.config import Settings
from bot.handlers import (
    account,
    alerts,
    devices,
    family,
    general,
    inbox,
    music,
    scenes,
    sharing,
    timers,
)
from bot.home.accounts import AccountManager
from bot.i18n import _, activate, translator
from bot.iot.client import IotClient
from bot.notify.wiring import start_push, stop_push
from bot.ops.metrics import BotMetrics, count_update
from bot.ops.web import health_server, serving, webhook_server
from bot.storage.secrets import TokenCipher, register_secret
from bot.storage.store import Store
from bot.telegram import commands, errors
from bot.telegram.callbacks import KEEP_DAYS, CallbackCodec
from bot.telegram.context import HomeApplication, HomeContext, Services
from bot.telegram.persistence import SqlitePersistence
from bot.telegram.rate_limit import RetryingRateLimiter
from bot.telegram.routing import Routes, dispatch_button

log = logging.getLogger(__name__)

SANDBOX_FILE = "sandbox-cloud.pickle"  # the embedded sandbox's world, in the data directory
_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
PRUNE_JOB = "callbacks:prune"  # the job that forgets stored buttons unused for KEEP_DAYS
PRUNE_FIRST_SECONDS = 60.0  # its first run after start-up; then once a day

# The features, in the order their handlers are tried; each register(app) names every
# command, button, typed answer and deep link it owns (see bot/telegram/routing.py's Routes).
FEATURES: tuple[Any, ...] = (
    account,
    general,
    devices,
    music,
    sharing,
    family,
    inbox,
    scenes,
    timers,
    alerts,
)


def build_application(settings: Settings) -> HomeApplication:
    """The Application for ``settings``; cloud clients are created in post_init."""
    register_secret(settings.telegram_token)
    register_secret(settings.iot_app_secret)
    register_secret(settings.secret_key)
    cipher = TokenCipher.from_config(settings.data_dir, settings.secret_key or None)
    store = Store(settings.database_path, cipher=cipher, default_timezone=settings.default_timezone)
    api = settings.telegram_api_url
    app = (
        ApplicationBuilder()
        .application_class(HomeApplication)
        .context_types(ContextTypes(context=HomeContext))
        .token(settings.telegram_token)
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=_NO_PREVIEW))
        # 429s waited out (max 3), and edits/answers retried after a Telegram 5xx: see the module
        .rate_limiter(RetryingRateLimiter(max_retries=3))
        .persistence(SqlitePersistence(store, update_interval=5))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    assert isinstance(app, HomeApplication)
    app.settings = settings
    app.store = store
    app.routes = Routes(app)

    app.add_handler(TypeHandler(Update, count_update), group=-10)
    app.add_handler(TypeHandler(Update, _ignore_edits), group=-9)
    app.add_handler(TypeHandler(Update, _guard), group=-2)
    app.add_handler(TypeHandler(Update, _pick_language), group=-1)
    for feature in FEATURES:
        feature.register(app)
    app.add_handler(CallbackQueryHandler(dispatch_button))
    app.add_error_handler(errors.on_error)
    return app


async def _post_init(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    assert isinstance(app, HomeApplication)
    settings, store = app.settings, app.store
    sandbox = None
    if settings.use_sandbox and not settings.iot_api_url:
        from bot.sandbox.server import Sandbox

        # Kept beside the database, so a restart keeps the demo home and the sessions it issued.
        sandbox = await Sandbox(
            state_file=settings.data_dir / SANDBOX_FILE, envelope=settings.sandbox_envelope
        ).start()
        # Passwords never reach the log, not even the demo's: README.md gives it.
        log.info(
            "no IoT Explorer credentials set: running on the embedded sandbox cloud at %s, "
            "kept in %s (demo sign-in: %s, password in README.md)",
            sandbox.base_url,
            sandbox.state_file,
            sandbox.demo.owner.email,
        )
        endpoints = _sandbox_endpoints(sandbox)
        app_key, app_secret = sandbox.state.app_key, sandbox.state.app_secret
    else:
        endpoints = settings.endpoints()
        app_key, app_secret = settings.iot_app_key, settings.iot_app_secret
    register_secret(app_secret)
    metrics = BotMetrics()
    iot = IotClient(
        endpoints,
        app_key,
        app_secret,
        timeout=settings.iot_timeout,
        observer=metrics.observe_cloud_call,
    )
    me = await app.bot.get_me()
    app.services = Services(
        settings=settings,
        store=store,
        iot=iot,
        codec=CallbackCodec(store),
        accounts=AccountManager(store, iot, region=settings.iot_region),
        sandbox=sandbox,
        bot_username=me.username or "",
        metrics=metrics,
    )
    _schedule_pruning(app)
    await commands.publish(app, app.routes.menu)
    if settings.push:
        await start_push(app)


def _schedule_pruning(app: HomeApplication) -> None:
    """Prune the stored buttons shortly after start-up, then daily, so the table stays small."""
    if app.job_queue is None:
        log.warning("no job queue: stored buttons are never pruned")
        return
    for job in app.job_queue.get_jobs_by_name(PRUNE_JOB):
        job.schedule_removal()
    app.job_queue.run_repeating(
        _prune_callbacks, interval=timedelta(days=1), first=PRUNE_FIRST_SECONDS, name=PRUNE_JOB
    )


async def _prune_callbacks(context: CallbackContext[Any, Any, Any, Any]) -> None:
    """One run of PRUNE_JOB: one DELETE on an indexed column, quick on a big table too."""
    assert isinstance(context, HomeContext)
    removed = context.services.codec.prune(older_than_days=KEEP_DAYS)
    if removed:
        log.info("pruned %d stored buttons unused for %d days", removed, KEEP_DAYS)


def _sandbox_endpoints(sandbox: Any) -> Any:
    from bot.iot.endpoints import Endpoints

    return Endpoints.custom(sandbox.api_url, sandbox.ws_url)


async def _post_shutdown(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    assert isinstance(app, HomeApplication)
    services = getattr(app, "services", None)
    if services is not None:
        await stop_push(app)
        await services.iot.aclose()
        if services.sandbox is not None:
            await services.sandbox.stop()
    app.store.close()


async def _ignore_edits(update: Update, context: HomeContext) -> None:
    """An edited message is not new input: no command runs twice, no answer is read again."""
    if update.edited_message or update.edited_channel_post or update.edited_business_message:
        raise ApplicationHandlerStop


async def _guard(update: Update, context: HomeContext) -> None:
    """Only BOT_ALLOWED_USERS may use the bot, when that list is set."""
    user = update.effective_user
    if user is None or context.services.settings.is_allowed(user.id):
        return
    activate(translator(user.language_code))
    log.info("refused an update from a user not in BOT_ALLOWED_USERS")
    text = _("Sorry, this bot is private.")
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    elif update.effective_message is not None and _is_private(update):
        await update.effective_message.reply_text(text)
    raise ApplicationHandlerStop


async def _pick_language(update: Update, context: HomeContext) -> None:
    """Make the user's language current for the rest of this update."""
    user = update.effective_user
    if user is None:
        activate(translator(None))
        return
    chosen = context.services.store.get_settings(user.id).language
    activate(translator(chosen or user.language_code))


def _is_private(update: Update) -> bool:
    return update.effective_chat is not None and update.effective_chat.type == "private"


@contextlib.asynccontextmanager
async def webhook(app: HomeApplication) -> AsyncIterator[HomeApplication]:
    """Run ``app`` in webhook mode inside a running loop, on the bot's own server (bot.ops.web).

    The webhook is set on the way in and left in place on the way out: Telegram keeps the
    updates that arrive while the bot restarts and delivers them when it is back.
    """
    settings = app.settings
    async with _running(app), serving(webhook_server(app)), serving(health_server(app)):
        await app.bot.set_webhook(
            url=settings.webhook_url,
            secret_token=settings.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )
        yield app


@contextlib.asynccontextmanager
async def polling(
    app: HomeApplication, *, poll_timeout: int = 10
) -> AsyncIterator[HomeApplication]:
    """Run ``app`` with long polling inside an already running event loop.

    What run_polling does, for callers that own the loop (the terminal chat, the tests):
    initialize, post_init, start, poll; and the reverse on the way out. With HEALTH_PORT set,
    /healthz and /metrics are served meanwhile.
    """
    async with _running(app), serving(health_server(app)):
        assert app.updater is not None
        await app.updater.start_polling(
            poll_interval=0.0,
            timeout=poll_timeout,
            allowed_updates=Update.ALL_TYPES,
            error_callback=_polling_failed,
        )
        yield app


@contextlib.asynccontextmanager
async def _running(app: HomeApplication) -> AsyncIterator[HomeApplication]:
    """initialize, post_init and start; on the way out stop the updater, the app, and shut down."""
    await app.initialize()
    try:
        await _post_init(app)
        await app.start()
        try:
            yield app
        finally:
            if app.updater is not None and app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()
    finally:
        await app.shutdown()
        await _post_shutdown(app)


def _polling_failed(err: TelegramError) -> None:
    """A getUpdates that failed: one line, not a traceback; the updater retries with backoff."""
    log.warning("getting updates from Telegram failed (%s); retrying", err)
