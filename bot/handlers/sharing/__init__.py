"""Sharing one device: /share, the share menu, share links, who has access, invitations."""

from __future__ import annotations

import re

from telegram import Update

from bot.handlers.sharing import received
from bot.handlers.sharing.links import link_url, links
from bot.handlers.sharing.received import KIND
from bot.i18n import N_, _
from bot.iot import errors
from bot.iot.models.devices import Device
from bot.iot.models.families import Family
from bot.iot.models.sharing import ShareUser
from bot.storage.secrets import register_secret
from bot.telegram.callbacks import Callback
from bot.telegram.context import HomeApplication, HomeContext, answer_query
from bot.telegram.error_texts import describe
from bot.telegram.routing import Buttons, expect_text
from bot.telegram.screens import home_for, pressed, show, user_id_of
from bot.views import sharing as views
from bot.views.paging import page_arg

_USER_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _timezone(context: HomeContext, user_id: int) -> str:
    return context.services.store.get_settings(user_id).timezone


async def _my_families(context: HomeContext, user_id: int) -> list[Family]:
    """The user's families, the current one first."""
    services = context.services
    current = services.accounts.account(user_id).family_id
    families = await home_for(context, user_id).call(services.iot.list_all_families)
    return sorted(families, key=lambda f: f.family_id != current)


async def find_device(
    context: HomeContext, user_id: int, device_id: str
) -> tuple[Device, Family] | None:
    """The device and the user's family it is in, or None when it is in none of them."""
    services = context.services
    for family in await _my_families(context, user_id):
        devices = await home_for(context, user_id).call(
            services.iot.list_all_devices, family_id=family.family_id
        )
        for device in devices:
            if device.device_id == device_id:
                return device, family
    return None


async def _device_or_say(
    update: Update, context: HomeContext, user_id: int, device_id: str
) -> tuple[Device, Family] | None:
    found = await find_device(context, user_id, device_id)
    if found is None and update.callback_query is not None:
        await show(update, (views.not_shareable(), None))
    return found


# -- the sharer -------------------------------------------------------------------------------------


async def share_command(update: Update, context: HomeContext) -> None:
    """/share: pick one of the current family's devices."""
    user_id, message = user_id_of(update), update.effective_message
    assert message is not None
    text, keyboard = await _device_picker(context, user_id)
    await message.reply_text(text, reply_markup=keyboard)


async def _device_picker(context: HomeContext, user_id: int, page: int = 0) -> views.View:
    families = await _my_families(context, user_id)
    if not families:
        return views.no_family(), None
    family = families[0]
    iot = context.services.iot
    devices = await home_for(context, user_id).call(iot.list_all_devices, family.family_id)
    return views.pick_device(family.name, devices, Buttons(context, user_id), page)


async def device_list(update: Update, context: HomeContext, callback: Callback) -> None:
    user_id = user_id_of(update)
    text, keyboard = await _device_picker(context, user_id, page_arg(callback.args, 0))
    await show(update, (text, keyboard))


async def share_menu(update: Update, context: HomeContext, callback: Callback) -> None:
    """The share menu of one device (also the device card's "Share" button)."""
    user_id = user_id_of(update)
    found = await _device_or_say(update, context, user_id, callback.args[0])
    if found is not None:
        text, keyboard = views.share_menu(found[0], Buttons(context, user_id))
        await show(update, (text, keyboard))


async def create_link(update: Update, context: HomeContext, callback: Callback) -> None:
    """AppCreateShareDeviceToken, then a message with the deep link and its expiry."""
    user_id, query = pressed(update)
    found = await _device_or_say(update, context, user_id, callback.args[0])
    if found is None:
        return
    device, family = found
    iot = context.services.iot
    made = await home_for(context, user_id).call(
        iot.create_share_token, family.family_id, device.device_id
    )
    register_secret(made.token)
    expire_at = made.expire_at
    try:
        # The token's reply carries no expiry; describing it tells.
        info = await home_for(context, user_id).call(iot.describe_share_token, made.token)
        expire_at = info.expire_at or expire_at
    except errors.ApiError:
        pass  # the link works all the same; it is shown without its expiry
    url = link_url(context, links(context).payload(KIND, made.token))
    text, keyboard = views.share_link(device.alias, url, expire_at, _timezone(context, user_id))
    await answer_query(update, context, _("Share link created."))
    assert query.message is not None
    await context.bot.send_message(query.message.chat.id, text, reply_markup=keyboard)


async def share_users(update: Update, context: HomeContext, callback: Callback) -> None:
    """Who outside the family has the device (AppListShareDeviceUsers)."""
    user_id = user_id_of(update)
    await _show_users(update, context, user_id, callback.args[0], page_arg(callback.args, 1))


async def _show_users(
    update: Update, context: HomeContext, user_id: int, device_id: str, page: int = 0
) -> None:
    found = await _device_or_say(update, context, user_id, device_id)
    if found is None or update.callback_query is None:
        return
    iot = context.services.iot
    users: list[ShareUser] = []
    while True:
        batch = await home_for(context, user_id).call(
            iot.list_share_users, device_id=device_id, offset=len(users), limit=50
        )
        users += batch.users
        if not batch.users or len(users) >= batch.total:
            break
    text, keyboard = views.share_users(
        found[0].alias,
        device_id,
        users,
        _timezone(context, user_id),
        Buttons(context, user_id),
        page,
    )
    await show(update, (text, keyboard))


async def confirm_revoke(update: Update, context: HomeContext, callback: Callback) -> None:
    user_id = user_id_of(update)
    device_id, other = callback.args[0], callback.args[1]
    found = await _device_or_say(update, context, user_id, device_id)
    if found is None:
        return
    iot = context.services.iot
    page = await home_for(context, user_id).call(iot.list_share_users, device_id, limit=50)
    nickname = next((u.nickname for u in page.users if u.user_id == other), "") or other
    text, keyboard = views.confirm_revoke(
        found[0].alias, nickname, device_id, other, Buttons(context, user_id)
    )
    await show(update, (text, keyboard))


async def revoke(update: Update, context: HomeContext, callback: Callback) -> None:
    """AppRemoveShareDeviceUser, then the refreshed list."""
    user_id = user_id_of(update)
    device_id, other = callback.args[0], callback.args[1]
    iot = context.services.iot
    await home_for(context, user_id).call(iot.remove_share_user, device_id, other)
    await answer_query(update, context, _("Access revoked."))
    await _show_users(update, context, user_id, device_id)


async def ask_invitee(update: Update, context: HomeContext, callback: Callback) -> None:
    user_id, query = pressed(update)
    found = await _device_or_say(update, context, user_id, callback.args[0])
    if found is None or query.message is None:
        return
    expect_text(context, query.message.chat.id, "shr.invite", found[0].device_id)
    await show(update, (views.ask_user_id(found[0].alias), None))


async def invite_typed(
    update: Update, context: HomeContext, text: str, args: tuple[str, ...]
) -> None:
    """AppSendShareDeviceInvite to the typed IoT Explorer user id."""
    user_id, message = user_id_of(update), update.effective_message
    assert message is not None
    device_id, to_user = args[0], text.strip()
    if not _USER_ID.fullmatch(to_user):
        expect_text(context, message.chat_id, "shr.invite", device_id)
        await message.reply_text(views.bad_user_id())
        return
    found = await find_device(context, user_id, device_id)
    if found is None:
        await message.reply_text(views.not_shareable())
        return
    iot = context.services.iot
    try:
        await home_for(context, user_id).call(iot.send_share_invite, device_id, to_user)
    except (errors.NotFound, errors.InvalidParameter, errors.UnsupportedOperation) as err:
        # No such user, or one who can't take the device: let them try another id.
        expect_text(context, message.chat_id, "shr.invite", device_id)
        await message.reply_text(f"{describe(err)}\n{views.try_another_id()}")
        return
    await message.reply_text(views.invite_sent(found[0].alias))


def register(app: HomeApplication) -> None:
    """Sharing: /share (links and their deep links), /shared (devices shared with me)."""
    routes = app.routes
    routes.command("share", share_command, N_("Share a device with someone"), 20)
    routes.command("shared", received.shared_command, N_("Devices shared with me"), 21)
    routes.button("shr.list", device_list)
    routes.button("shr.menu", share_menu)
    routes.button("shr.link", create_link)
    routes.button("shr.users", share_users)
    routes.button("shr.revoke", confirm_revoke)
    routes.button("shr.revoke_yes", revoke)
    routes.button("shr.invite", ask_invitee)
    routes.text("shr.invite", invite_typed)
    routes.deep_link(received.KIND, received.open_share_link)
    routes.button("shr.accept", received.accept)
    routes.button("shr.decline", received.decline)
    routes.button("shd.list", received.shared_list)
    routes.button("shd.drop", received.confirm_drop)
    routes.button("shd.drop_yes", received.drop)
