"""Texts and keyboards of /inbox: the message center, one category and one page at a time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import N_, _
from bot.iot.models.messages import Message, MessageCategory
from bot.telegram.limits import clip, fitted, shorten
from bot.telegram.routing import Buttons

View = tuple[str, InlineKeyboardMarkup | None]
TITLE_SHOWN = 150  # UTF-16 units of a message's title
CONTENT_SHOWN = 500  # UTF-16 units of its text: five of them and their titles fit one page

CATEGORY_NAMES: dict[MessageCategory, str] = {
    MessageCategory.DEVICE: N_("Devices"),
    MessageCategory.FAMILY: N_("Family"),
    MessageCategory.NOTICE: N_("Notifications"),
}


def _when(timestamp_ms: int, timezone: str) -> str:
    moment = datetime.fromtimestamp(timestamp_ms / 1000, ZoneInfo(timezone))
    return moment.strftime("%Y-%m-%d %H:%M")


def inbox_page(
    category: MessageCategory,
    messages: Sequence[Message],
    page: int,
    has_more: bool,
    timezone: str,
    buttons: Buttons,
    notice: str = "",
) -> View:
    """One page of a category: numbered messages, Delete (and Accept) per message, ◀ ▶ paging."""
    cat = int(category)
    lines = [notice, ""] if notice else []
    lines.append(_("📥 <b>Inbox — {category}</b>").format(category=_(CATEGORY_NAMES[category])))
    if not messages:
        lines.append(_("No messages here.") if page == 0 else _("No more messages."))
    rows: list[list[InlineKeyboardButton]] = [
        [
            buttons(("• " if c == category else "") + _(name), "inb.cat", int(c))
            for c, name in CATEGORY_NAMES.items()
        ]
    ]
    for number, message in enumerate(messages, start=1):
        lines += [
            "",
            f"{number}. <b>{escape(clip(message.title, TITLE_SHOWN))}</b> · "
            + _when(message.timestamp, timezone),
            escape(shorten(message.content, CONTENT_SHOWN)),
        ]
        row = [buttons(_("🗑 Delete #{n}").format(n=number), "inb.del", cat, page, message.msg_id)]
        if message.is_invitation:
            label = _("✅ Accept #{n}").format(n=number)
            row.insert(0, buttons(label, "inb.acc", cat, page, message.msg_id))
        rows.append(row)
    paging = []
    if page > 0:
        paging.append(buttons("◀", "inb.page", cat, page - 1))
    if has_more:
        paging.append(buttons("▶", "inb.page", cat, page + 1))
    if paging:
        rows.append(paging)
    return fitted("\n".join(lines)), InlineKeyboardMarkup(rows)


def deleted() -> str:
    return _("Message deleted.")


def message_gone() -> str:
    return _("That message is no longer in your inbox.")


def device_accepted(alias: str) -> str:
    return _("✅ Accepted: <b>{device}</b> is now shared with you. /shared lists it.").format(
        device=escape(clip(alias))
    )


def family_joined(family_name: str) -> str:
    return _("✅ Accepted: you're now a member of “{family}”. /family shows it.").format(
        family=escape(clip(family_name))
    )
