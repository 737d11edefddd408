"""Push events -> chat messages: what each event means to its user, and where it goes.

``Notifier.handle(telegram_user_id, event)`` is the push listener's on_event. Status changes and
device events become alerts, filtered by the user's kinds, mutes and snoozes, worded in their
language and timezone, and handed to the delivery queue (outbox first). Property reports refresh
open device cards, a rejected token is told once; action replies have nothing to tell yet.

A snoozed device's alerts are not sent and not kept: they are counted, and when the snooze
ends the user gets one message with the count. Quiet hours never delay or drop anything: the
messages sent then go out without a sound.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

from telegram import Bot

from bot.home.alert_rules import AlertRules, Snooze, in_quiet_hours, wants
from bot.home.directory import DeviceDirectory, KnownDevice
from bot.home.timezones import zone
from bot.i18n import translator, use
from bot.iot.push.events import DeviceEvent, Kind
from bot.iot.template import SEVERITIES, DataTemplate, EventSpec
from bot.iot.template.format import raw_text
from bot.notify.live_cards import CardUpdates
from bot.notify.outbox import Outbox, OutboxAlert
from bot.notify.queue import DeliveryQueue, Outgoing, Pacing
from bot.notify.texts import (
    compact_number,
    digest_text,
    event_texts,
    fit_digest,
    session_ended_texts,
    snooze_ended_texts,
    status_texts,
)
from bot.storage.store import UserSettings
from bot.telegram.context import HomeApplication
from bot.telegram.routing import Buttons
from bot.views.alerts import snooze_keyboard

log = logging.getLogger(__name__)

SNOOZABLE = frozenset({"alert", "fault", "info", "online", "offline"})
_SNOOZE_CHECK = 60.0  # seconds between looks at snoozes when none ends sooner
# Seconds an alert waits for its device's name and template; then it goes out naming the device
# by its id. The listener gives up on a subscriber after 10 s, and that would lose the alert.
LOOKUP_WAIT = 5.0


class Notifier:
    """Turns one user's push events into alerts and delivers them."""

    def __init__(self, app: HomeApplication, bot: Bot, *, pacing: Pacing | None = None) -> None:
        services = app.services
        self.app = app
        self.store = services.store
        self.clock: Callable[[], float] = time.time  # replaceable, to move snoozes' time
        self.rules = AlertRules(self.store, clock=lambda: self.clock())
        self.directory = DeviceDirectory(services.iot, services.accounts)
        self.outbox = Outbox(self.store)
        self.queue = DeliveryQueue(bot, self.outbox, self.compose, pacing)
        self.cards = CardUpdates(app)
        self._snoozes_changed = asyncio.Event()
        self._watcher: asyncio.Task[None] | None = None
        self._session_told: set[int] = set()

    async def start(self) -> None:
        """Deliver what the outbox kept from the last run, and start watching snoozes."""
        waiting = self.queue.start()
        if waiting:
            log.info("delivering %d alerts kept from before the restart", waiting)
        self._watcher = asyncio.create_task(self._watch_snoozes(), name="alert-snoozes")

    async def stop(self) -> None:
        """Stop delivering (undelivered alerts stay in the outbox) and cancel background work."""
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher
            self._watcher = None
        await self.queue.stop()
        await self.cards.stop()
        await self.directory.close()

    def user_is_back(self, telegram_user_id: int, chat_id: int | None) -> None:
        """The user wrote to the bot: chats paused after a 403 may be written to again."""
        self.queue.resume(telegram_user_id)
        if chat_id is not None:
            self.queue.resume(chat_id)

    def account_changed(self, telegram_user_id: int) -> None:
        """The user linked, renewed or removed an account: re-read devices, re-arm notices."""
        self.directory.forget(telegram_user_id)
        self._session_told.discard(telegram_user_id)

    def snoozes_changed(self) -> None:
        """A snooze was set or ended: look again at when the next one ends."""
        self._snoozes_changed.set()

    # -- events ------------------------------------------------------------------------------

    async def handle(self, telegram_user_id: int, event: DeviceEvent) -> None:
        """The push listener's on_event: never raises, a failure is logged."""
        try:
            await self._handle(telegram_user_id, event)
        except Exception:
            log.exception("could not turn a %s push into an alert", event.kind)

    async def _handle(self, telegram_user_id: int, event: DeviceEvent) -> None:
        if event.kind in (Kind.ONLINE, Kind.OFFLINE):
            await self._status(telegram_user_id, event)
        elif event.kind is Kind.EVENT:
            await self._event(telegram_user_id, event)
        elif event.kind is Kind.PROPERTY:
            self.cards.property_report(event.device_id)
        elif event.kind is Kind.TOKEN_REJECTED:
            self._session_ended(telegram_user_id)
        elif event.kind is Kind.DEVICES_CHANGED:
            self.directory.forget(telegram_user_id)  # a device came or went in another app
        else:
            log.debug("push %s: nothing to tell the chat", event.kind)

    async def _status(self, telegram_user_id: int, event: DeviceEvent) -> None:
        online = event.kind is Kind.ONLINE
        category = "online" if online else "offline"
        settings = self.store.get_settings(telegram_user_id)
        ms = self._ms(event)
        if not self._passes(telegram_user_id, settings, category, event.device_id, ms):
            return
        device, _ = await self._lookup(telegram_user_id, event.device_id, template=False)
        name = device.name if device is not None else event.device_id
        with use(translator(settings.language or "en")):
            text, line = status_texts(
                name, online, missed=event.missed, ms=ms, tz=settings.timezone
            )
        self._submit(telegram_user_id, settings, category, event.device_id, text, line, ms)

    async def _event(self, telegram_user_id: int, event: DeviceEvent) -> None:
        device, template = await self._lookup(telegram_user_id, event.device_id, template=True)
        spec = template.event(event.event_id) if template is not None else None
        # The template decides; without one, the push's own type; unknown counts as an alert,
        # since a missed alert costs more than an extra one.
        severity = (
            spec.severity
            if spec is not None
            else (event.event_type if event.event_type in SEVERITIES else "alert")
        )
        settings = self.store.get_settings(telegram_user_id)
        ms = self._ms(event)
        if not self._passes(telegram_user_id, settings, severity, event.device_id, ms):
            return
        tz = settings.timezone
        params = _shown_params(spec, event.params, tz)
        name = device.name if device is not None else event.device_id
        with use(translator(settings.language or "en")):
            text, line = event_texts(
                name, severity, spec.name if spec else event.event_id, params, ms=ms, tz=tz
            )
        self._submit(telegram_user_id, settings, severity, event.device_id, text, line, ms)

    async def _lookup(
        self, telegram_user_id: int, device_id: str, *, template: bool
    ) -> tuple[KnownDevice | None, DataTemplate | None]:
        """The device (and its product's template), or None for what did not come in time."""
        try:
            async with asyncio.timeout(LOOKUP_WAIT):
                device = await self.directory.device(telegram_user_id, device_id)
                if device is None or not template:
                    return device, None
                return device, await self.directory.template(telegram_user_id, device.product_id)
        except TimeoutError:
            # The read goes on (shielded) for the alerts after this one.
            log.warning("device names not read within %g s; alerting with the id", LOOKUP_WAIT)
            return None, None

    def _session_ended(self, telegram_user_id: int) -> None:
        # The listener forwards only the first rejection (it marks the account itself); the
        # mark here covers other callers, the set repeats within this run.
        self.store.mark_token_problem_notified(telegram_user_id)
        if telegram_user_id in self._session_told:
            return
        self._session_told.add(telegram_user_id)
        settings = self.store.get_settings(telegram_user_id)
        with use(translator(settings.language or "en")):
            text, line = session_ended_texts()
        self.queue.submit(OutboxAlert(telegram_user_id, telegram_user_id, "account", text, line))

    def _passes(
        self, telegram_user_id: int, settings: UserSettings, category: str, device_id: str, ms: int
    ) -> bool:
        """Whether the alert is sent: a wanted kind, a device not muted and not snoozed."""
        if not wants(settings, category) or self.rules.is_muted(telegram_user_id, device_id):
            return False
        return not self.rules.hold_back(telegram_user_id, device_id, ms)

    def _submit(
        self,
        telegram_user_id: int,
        settings: UserSettings,
        category: str,
        device_id: str,
        text: str,
        line: str,
        ms: int,
    ) -> None:
        chat_id = settings.alerts_chat_id or telegram_user_id
        self.queue.submit(
            OutboxAlert(telegram_user_id, chat_id, category, text, line, device_id, ms)
        )

    def _ms(self, event: DeviceEvent) -> int:
        return event.time_ms or int(self.clock() * 1000)

    # -- messages ----------------------------------------------------------------------------

    def compose(self, chat_id: int, alerts: list[OutboxAlert]) -> Outgoing:
        """The next message for a chat: one alert in full, or a digest of those that fit."""
        owner = alerts[0].telegram_user_id
        mine = [a for a in alerts if a.telegram_user_id == owner]  # buttons belong to one user
        settings = self.store.get_settings(owner)
        with use(translator(settings.language or "en")):
            if len(mine) == 1:
                chosen, text = mine, mine[0].text
            else:
                chosen = mine[: fit_digest([a.line for a in mine])]
                text = digest_text([a.line for a in chosen])
            devices = [a.device_id for a in chosen if a.category in SNOOZABLE and a.device_id]
            markup = (
                snooze_keyboard(Buttons(self.app.services, owner), devices) if devices else None
            )
        silent = in_quiet_hours(settings, self.clock())
        return Outgoing(text, tuple(a.id for a in chosen), markup, silent)

    # -- snoozes -----------------------------------------------------------------------------

    async def end_due_snoozes(self) -> int:
        """End the snoozes whose time is up, telling each user what was held back."""
        due = self.rules.take_due()
        for snooze in due:
            await self.snooze_ended(snooze)
        return len(due)

    async def snooze_ended(self, snooze: Snooze) -> None:
        """Tell the user how many alerts a snooze held back (nothing when none)."""
        if not snooze.suppressed:
            return
        uid = snooze.telegram_user_id
        settings = self.store.get_settings(uid)
        device = await self.directory.device(uid, snooze.device_id)
        name = device.name if device is not None else snooze.device_id
        last = snooze.last_suppressed_at or int(self.clock() * 1000)
        with use(translator(settings.language or "en")):
            text, line = snooze_ended_texts(name, snooze.suppressed, last, settings.timezone)
        self._submit(uid, settings, "snooze", snooze.device_id, text, line, 0)

    async def _watch_snoozes(self) -> None:
        while True:
            try:
                await self.end_due_snoozes()
            except Exception:
                log.exception("ending snoozes failed")
            upcoming = self.rules.next_end()
            delay = _SNOOZE_CHECK
            if upcoming is not None:
                delay = min(_SNOOZE_CHECK, max(0.5, upcoming - self.clock()))
            self._snoozes_changed.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(delay):
                    await self._snoozes_changed.wait()


def _shown_params(
    spec: EventSpec | None, values: Mapping[str, Any], tz: str
) -> list[tuple[str, str]]:
    """(name, value with unit) of each param: template order and formats, unknown ones raw."""
    if not isinstance(values, Mapping):
        return []
    specs = spec.params if spec is not None else ()
    shown = []
    for param in specs:
        if param.id in values:
            text = param.format(values[param.id], tz=zone(tz))
            shown.append((param.name, compact_number(text) if param.spec.type == "float" else text))
    known = {p.id for p in specs}
    shown += [(str(key), raw_text(value)) for key, value in values.items() if key not in known]
    return shown
