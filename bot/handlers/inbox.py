"""/inbox: the message center by category, paged with the cloud's cursor; delete and accept."""

from __future__ import annotations

import contextlib
from typing import Any

from telegram import Update

from bot.i18n import N_, _
from bot.iot import errors
from bot.iot.models.messages import Message, MessageCategory, MessageCursor, MessageType
from bot.telegram.callbacks import Callback
from bot.telegram.context import HomeApplication, HomeContext, answer_query
from bot.telegram.error_texts import describe
from bot.telegram.routing import Buttons
from bot.telegram.screens import home_for, show, user_id_of
from bot.views import inbox as views

PAGE_SIZE = 5
# user_data key: per category, the cursor each page starts after (page 0: None).
CURSORS = "inbox_cursors"


def _category(text: str) -> MessageCategory:
    try:
        return MessageCategory(int(text))
    except ValueError:
        return MessageCategory.DEVICE


def _cursors(context: HomeContext, category: MessageCategory) -> list[Any]:
    assert context.user_data is not None
    stacks = context.user_data.setdefault(CURSORS, {})
    stack = stacks.get(int(category))
    if not isinstance(stack, list) or not stack:
        stack = [None]
        stacks[int(category)] = stack
    return stack


async def _fetch(
    context: HomeContext, user_id: int, category: MessageCategory, page: int
) -> tuple[int, tuple[Message, ...], bool]:
    """The messages of ``page`` (or of the last page that still has any) and whether more follow."""
    stack = _cursors(context, category)
    page = page if 0 <= page < len(stack) else 0
    iot = context.services.iot
    while True:
        start = stack[page]
        after = MessageCursor(str(start[0]), int(start[1])) if start else None
        result = await home_for(context, user_id).call(
            iot.get_messages, category=category, limit=PAGE_SIZE, after=after
        )
        if result.messages or page == 0:
            break
        page -= 1  # the page emptied (its messages were deleted): show the one before
    del stack[page + 1 :]
    cursor = result.cursor
    if result.has_more and cursor is not None:
        stack.append([cursor.msg_id, cursor.timestamp])
    return page, result.messages, result.has_more


async def _page_view(
    context: HomeContext, user_id: int, category: MessageCategory, page: int, notice: str = ""
) -> views.View:
    page, messages, has_more = await _fetch(context, user_id, category, page)
    timezone = context.services.store.get_settings(user_id).timezone
    buttons = Buttons(context, user_id)
    return views.inbox_page(category, messages, page, has_more, timezone, buttons, notice)


async def inbox_command(update: Update, context: HomeContext) -> None:
    """/inbox: the newest device messages first."""
    user_id, message = user_id_of(update), update.effective_message
    assert message is not None
    text, keyboard = await _page_view(context, user_id, MessageCategory.DEVICE, 0)
    await message.reply_text(text, reply_markup=keyboard)


async def show_category(update: Update, context: HomeContext, callback: Callback) -> None:
    user_id = user_id_of(update)
    text, keyboard = await _page_view(context, user_id, _category(callback.args[0]), 0)
    await show(update, (text, keyboard))


async def show_page(update: Update, context: HomeContext, callback: Callback) -> None:
    user_id = user_id_of(update)
    category, page = _category(callback.args[0]), int(callback.args[1])
    text, keyboard = await _page_view(context, user_id, category, page)
    await show(update, (text, keyboard))


async def delete(update: Update, context: HomeContext, callback: Callback) -> None:
    """AppDeleteMessage, then the same page again."""
    user_id = user_id_of(update)
    category, page, msg_id = _category(callback.args[0]), int(callback.args[1]), callback.args[2]
    iot = context.services.iot
    try:
        await home_for(context, user_id).call(iot.delete_message, msg_id=msg_id)
        notice = views.deleted()
    except errors.NotFound:
        notice = views.message_gone()
    text, keyboard = await _page_view(context, user_id, category, page, notice)
    await show(update, (text, keyboard))


async def accept(update: Update, context: HomeContext, callback: Callback) -> None:
    """Accept an invitation: bind the shared device or join the family; the message then goes."""
    user_id = user_id_of(update)
    category, page, msg_id = _category(callback.args[0]), int(callback.args[1]), callback.args[2]
    _page, messages, _more = await _fetch(context, user_id, category, page)
    message = next((m for m in messages if m.msg_id == msg_id and m.is_invitation), None)
    if message is None:
        notice = views.message_gone()
    else:
        try:
            notice = await _accept(context, user_id, message)
        except errors.ApiError as err:
            explained = describe(err)
            if explained is None:
                raise
            notice = explained
        else:
            await answer_query(update, context, _("Accepted."))
    text, keyboard = await _page_view(context, user_id, category, page, notice)
    await show(update, (text, keyboard))


async def _accept(context: HomeContext, user_id: int, message: Message) -> str:
    iot = context.services.iot
    if message.msg_type == MessageType.DEVICE_SHARE_INVITE and message.device_id:
        await home_for(context, user_id).call(
            iot.bind_shared_device, share_token=message.share_token, device_id=message.device_id
        )
        text = views.device_accepted(message.device_alias or message.device_name)
    elif message.msg_type == MessageType.FAMILY_INVITE:
        await home_for(context, user_id).call(iot.join_family, share_token=message.share_token)
        text = views.family_joined(message.family_name)
    else:
        return views.message_gone()
    # An accepted invitation has done its job; a failure to delete it changes nothing.
    with contextlib.suppress(errors.ApiError):
        await home_for(context, user_id).call(iot.delete_message, msg_id=message.msg_id)
    return text


def register(app: HomeApplication) -> None:
    """The message inbox: /inbox and its buttons."""
    routes = app.routes
    routes.command("inbox", inbox_command, N_("Messages: alerts, invitations, news"), 40)
    routes.button("inb.cat", show_category)
    routes.button("inb.page", show_page)
    routes.button("inb.del", delete)
    routes.button("inb.acc", accept)
