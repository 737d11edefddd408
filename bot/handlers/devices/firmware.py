"""Firmware: check for an update, confirm it, start it, and follow its progress in place."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import CallbackContext

from bot.handlers.devices.manage import load_device, refuse
from bot.home.accounts import NotLinked, SessionExpired
from bot.i18n import _, current, translator, use
from bot.iot import errors
from bot.iot.models.devices import Device
from bot.iot.models.firmware import FirmwareStatus, FirmwareUpdate
from bot.telegram.callbacks import Callback
from bot.telegram.context import HomeContext, answer_query
from bot.telegram.routing import Buttons
from bot.telegram.screens import home_for, show, user_id_of
from bot.views.devices import manage as views

log = logging.getLogger(__name__)

REFRESH_SECONDS = 5.0  # how often a running upgrade's message refreshes itself
REFRESH_LIMIT = 60  # refreshes before the message stops following (the Refresh button stays)
OFFLINE_CODE = "FailedOperation.DeviceOffline"


async def _status(context: HomeContext, user_id: int, device_id: str) -> FirmwareStatus | None:
    """The device's latest upgrade, or None when it never had one."""
    services = context.services
    try:
        return await home_for(context, user_id).call(services.iot.firmware_status, device_id)
    except errors.NotFound:
        return None


async def _check(
    context: HomeContext, user_id: int, device_id: str
) -> tuple[FirmwareUpdate, bool | None]:
    """What is installed, what is on offer, and whether the device is online."""
    services = context.services
    update, statuses = await asyncio.gather(
        home_for(context, user_id).call(services.iot.check_firmware, device_id),
        home_for(context, user_id).call(services.iot.device_statuses, [device_id]),
    )
    online = next((s.online for s in statuses if s.device_id == device_id), None)
    return update, online


async def _check_view(
    context: HomeContext, user_id: int, device: Device
) -> tuple[str, InlineKeyboardMarkup]:
    update, online = await _check(context, user_id, device.device_id)
    return views.firmware_check(device, update, online, Buttons(context, user_id))


async def check(update: Update, context: HomeContext, callback: Callback) -> None:
    """Installed and latest firmware, or the progress of an upgrade already running."""
    user_id = user_id_of(update)
    device = await load_device(context, user_id, callback.args[0])
    status = await _status(context, user_id, device.device_id)
    if status is not None and status.in_progress:
        await show(update, views.firmware_progress(device, status, Buttons(context, user_id)))
        follow(update, context, device.device_id)
        return
    await show(update, await _check_view(context, user_id, device))


async def ask(update: Update, context: HomeContext, callback: Callback) -> None:
    """Upgrade now: ask first, with the versions, unless there is nothing (left) to install."""
    user_id = user_id_of(update)
    device = await load_device(context, user_id, callback.args[0])
    firmware, online = await _check(context, user_id, device.device_id)
    buttons = Buttons(context, user_id)
    if not firmware.has_update or online is False:
        await show(update, views.firmware_check(device, firmware, online, buttons))
        return
    await show(update, views.confirm_upgrade(device, firmware, buttons))


async def start(update: Update, context: HomeContext, callback: Callback) -> None:
    """The user confirmed: the cloud tells the device to upgrade; the message follows it."""
    services, user_id = context.services, user_id_of(update)
    device = await load_device(context, user_id, callback.args[0])
    try:
        await home_for(context, user_id).call(services.iot.start_firmware_update, device.device_id)
    except errors.OperationFailed as err:
        if err.code != OFFLINE_CODE:
            raise
        await refuse(update, context, err)
        await show(update, await _check_view(context, user_id, device))
        return
    status = await _status(context, user_id, device.device_id)
    if status is None:  # the cloud took the order but has no task to show yet
        status = FirmwareStatus(status=1, percent=0)
    await answer_query(update, context, _("Update started."))
    await show(update, views.firmware_progress(device, status, Buttons(context, user_id)))
    if status.in_progress:
        follow(update, context, device.device_id)


async def refresh(update: Update, context: HomeContext, callback: Callback) -> None:
    """Refresh: how the upgrade is going now."""
    user_id = user_id_of(update)
    device = await load_device(context, user_id, callback.args[0])
    status = await _status(context, user_id, device.device_id)
    if status is None:
        await show(update, await _check_view(context, user_id, device))
        return
    await show(update, views.firmware_progress(device, status, Buttons(context, user_id)))
    if not status.in_progress:
        _stop(context, update)


def _job_name(chat_id: int, message_id: int) -> str:
    return f"firmware:{chat_id}:{message_id}"


def _message_ids(update: Update) -> tuple[int, int] | None:
    query = update.callback_query
    if query is None or query.message is None:
        return None
    return query.message.chat.id, query.message.message_id


def _stop(context: HomeContext, update: Update) -> None:
    ids = _message_ids(update)
    if ids is not None and context.job_queue is not None:
        for job in context.job_queue.get_jobs_by_name(_job_name(*ids)):
            job.schedule_removal()


def follow(update: Update, context: HomeContext, device_id: str) -> None:
    """Refresh the pressed message every few seconds while the upgrade runs."""
    ids = _message_ids(update)
    if ids is None or context.job_queue is None:
        return
    _stop(context, update)
    chat_id, message_id = ids
    context.job_queue.run_repeating(
        _refresh_job,
        interval=REFRESH_SECONDS,
        first=REFRESH_SECONDS,
        name=_job_name(chat_id, message_id),
        chat_id=chat_id,
        user_id=user_id_of(update),
        data={"device_id": device_id, "message_id": message_id, "language": current().code},
    )


async def _refresh_job(context: CallbackContext[Any, Any, Any, Any]) -> None:
    """One scheduled refresh; the job ends when the upgrade does, or after REFRESH_LIMIT runs."""
    assert isinstance(context, HomeContext)
    job = context.job
    assert job is not None and job.user_id is not None and job.chat_id is not None
    data: dict[str, Any] = job.data  # type: ignore[assignment]
    data["runs"] = data.get("runs", 0) + 1
    if data["runs"] >= REFRESH_LIMIT:
        job.schedule_removal()
    with use(translator(data["language"])):
        try:
            device = await load_device(context, job.user_id, data["device_id"])
            status = await _status(context, job.user_id, data["device_id"])
        except (NotLinked, SessionExpired, errors.ApiError) as err:
            log.info("stopped following an upgrade: %s", type(err).__name__)
            job.schedule_removal()
            return
        except errors.TransportError:
            return  # try again at the next tick
        if status is None or not status.in_progress:
            job.schedule_removal()
        if status is None:
            return
        text, keyboard = views.firmware_progress(
            device, status, Buttons(context.services, job.user_id)
        )
    try:
        await context.bot.edit_message_text(
            text, chat_id=job.chat_id, message_id=data["message_id"], reply_markup=keyboard
        )
    except BadRequest as err:
        if "not modified" not in str(err).lower():
            job.schedule_removal()  # the message is gone or can't be edited any more
    except TelegramError as err:
        log.info("could not refresh an upgrade's message: %s", err)
