"""Receiving shared devices: opening a share link, accepting it, /shared and giving one back."""

from __future__ import annotations

from telegram import Update

from bot.handlers.sharing.links import explain, linked_or_say, links
from bot.i18n import _
from bot.iot import errors
from bot.iot.models.sharing import SharedDevice
from bot.storage.secrets import register_secret
from bot.telegram.callbacks import Callback
from bot.telegram.context import HomeContext, answer_query
from bot.telegram.routing import Buttons
from bot.telegram.screens import home_for, show, user_id_of
from bot.views import sharing as views
from bot.views.paging import page_arg

KIND = "s"  # /start s<token or key>, made by bot.handlers.sharing
SHARED_PAGE = 50


async def open_share_link(update: Update, context: HomeContext, rest: str) -> None:
    """/start s…: who shares which device, with Accept / Decline."""
    user_id, message = user_id_of(update), update.effective_message
    assert message is not None
    if not await linked_or_say(context, user_id, message, KIND + rest):
        return
    token = links(context).resolve(KIND, rest).token
    register_secret(token)
    iot = context.services.iot
    try:
        info = await home_for(context, user_id).call(iot.describe_share_token, token)
    except errors.ApiError as err:
        await explain(update, context, err)
        return
    me = context.services.accounts.account(user_id).iot_user_id
    text, keyboard = views.share_offer(
        info,
        me,
        context.services.store.get_settings(user_id).timezone,
        rest,
        Buttons(context, user_id),
    )
    await message.reply_text(text, reply_markup=keyboard)


async def accept(update: Update, context: HomeContext, callback: Callback) -> None:
    """AppBindUserShareDevice with the link's token; explains a used or expired one."""
    user_id = user_id_of(update)
    token = links(context).resolve(KIND, callback.args[0]).token
    iot = context.services.iot
    try:
        info = await home_for(context, user_id).call(iot.describe_share_token, token)
        await home_for(context, user_id).call(iot.bind_shared_device, token, info.device_id)
    except errors.ApiError as err:
        await explain(update, context, err)
        return
    await answer_query(update, context, _("Accepted."))
    await show(update, (views.share_accepted(info.alias or info.device_name), None))


async def decline(update: Update, context: HomeContext, callback: Callback) -> None:
    _user_id = user_id_of(update)
    await show(update, (views.declined(), None))


async def _shared_with_me(context: HomeContext, user_id: int) -> list[SharedDevice]:
    iot = context.services.iot
    devices: list[SharedDevice] = []
    while True:
        page = await home_for(context, user_id).call(
            iot.list_shared_devices, offset=len(devices), limit=SHARED_PAGE
        )
        devices += page.devices
        if not page.devices or len(devices) >= page.total:
            return devices


async def shared_command(update: Update, context: HomeContext) -> None:
    """/shared: devices others shared with me, each with Remove."""
    user_id, message = user_id_of(update), update.effective_message
    assert message is not None
    devices = await _shared_with_me(context, user_id)
    text, keyboard = views.shared_with_me(devices, Buttons(context, user_id))
    await message.reply_text(text, reply_markup=keyboard)


async def shared_list(update: Update, context: HomeContext, callback: Callback) -> None:
    user_id = user_id_of(update)
    devices = await _shared_with_me(context, user_id)
    page = page_arg(callback.args, 0)
    text, keyboard = views.shared_with_me(devices, Buttons(context, user_id), page=page)
    await show(update, (text, keyboard))


async def confirm_drop(update: Update, context: HomeContext, callback: Callback) -> None:
    user_id = user_id_of(update)
    device_id = callback.args[0]
    devices = await _shared_with_me(context, user_id)
    device = next((d for d in devices if d.device_id == device_id), None)
    if device is None:
        text, keyboard = views.shared_with_me(
            devices, Buttons(context, user_id), _("That device is no longer shared with you.")
        )
    else:
        alias = device.alias or device.device_name
        text, keyboard = views.confirm_drop(alias, device_id, Buttons(context, user_id))
    await show(update, (text, keyboard))


async def drop(update: Update, context: HomeContext, callback: Callback) -> None:
    """AppRemoveUserShareDevice, then the refreshed list."""
    user_id = user_id_of(update)
    iot = context.services.iot
    await home_for(context, user_id).call(iot.remove_shared_device, callback.args[0])
    devices = await _shared_with_me(context, user_id)
    text, keyboard = views.shared_with_me(
        devices, Buttons(context, user_id), _("Removed. It's no longer among your devices.")
    )
    await show(update, (text, keyboard))
