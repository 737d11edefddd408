"""Texts and keyboards of device sharing: share menu, links, who has access, offers, /shared."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape
from urllib.parse import quote
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import _
from bot.iot.models.devices import Device
from bot.iot.models.sharing import SharedDevice, ShareTokenInfo, ShareUser
from bot.telegram.limits import clip
from bot.telegram.routing import Buttons
from bot.views.paging import page_of, pager

View = tuple[str, InlineKeyboardMarkup | None]
PAGE = 20  # devices or people per page of a sharing list


def moment(seconds: int, timezone: str) -> str:
    """Unix seconds as a date and time in the user's timezone."""
    return datetime.fromtimestamp(seconds, ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M %Z")


def forward_button(url: str, text: str) -> InlineKeyboardButton:
    """A button that opens Telegram's "send to a chat" screen with ``url`` and ``text``."""
    share = f"https://t.me/share/url?url={quote(url, safe='')}&text={quote(text, safe='')}"
    return InlineKeyboardButton(_("📤 Send it to someone"), url=share)


def pick_device(
    family_name: str, devices: Sequence[Device], buttons: Buttons, page: int = 0
) -> View:
    """/share: the devices of the current family (a page of them), one button each."""
    family = escape(clip(family_name))
    if not devices:
        return _("There are no devices in “{family}” to share yet.").format(family=family), None
    shown, page, pages = page_of(devices, page, PAGE)
    rows = [[buttons(clip(d.alias or d.device_name), "shr.menu", d.device_id)] for d in shown]
    if pages > 1:
        rows.append(pager(buttons, page, pages, "shr.list"))
    text = _("Which device of “{family}” do you want to share?").format(family=family)
    return text, InlineKeyboardMarkup(rows)


def no_family() -> str:
    return _("You aren't in a family yet, so there is nothing to share. /family creates one.")


def not_shareable() -> str:
    return _(
        "Only members of a device's family can share it, and this device isn't in any of "
        "your families."
    )


def share_menu(device: Device, buttons: Buttons) -> View:
    """What can be done to share one device."""
    text = _(
        "🔗 <b>Share {device}</b>\n\n"
        "The person you share it with can see and control this device, and nothing else of "
        "your home. You can take it back at any time."
    ).format(device=escape(clip(device.alias or device.device_name)))
    device_id = device.device_id
    keyboard = InlineKeyboardMarkup(
        [
            [buttons(_("🔗 Create share link"), "shr.link", device_id)],
            [buttons(_("👥 Who has access"), "shr.users", device_id)],
            [buttons(_("✉️ Invite by user id"), "shr.invite", device_id)],
            [
                # dev.open is the device card's route: Back returns to the card.
                buttons(_("◀ Device"), "dev.open", device_id),
                buttons(_("Share another device"), "shr.list"),
            ],
        ]
    )
    return text, keyboard


def share_link(alias: str, url: str, expire_at: int, timezone: str) -> View:
    """The message holding a fresh share link, to forward to the recipient."""
    lines = [
        _("🔗 Share link for <b>{device}</b>:").format(device=escape(clip(alias))),
        escape(url),
        "",
        _("Whoever opens it first can accept the device. It works once."),
    ]
    if expire_at:
        lines.append(_("Valid until {when}.").format(when=moment(expire_at, timezone)))
    invitation = _("I'm sharing “{device}” with you. Open this link to accept it:").format(
        device=clip(alias)
    )
    return "\n".join(lines), InlineKeyboardMarkup([[forward_button(url, invitation)]])


def share_users(
    alias: str,
    device_id: str,
    users: Sequence[ShareUser],
    timezone: str,
    buttons: Buttons,
    page: int = 0,
) -> View:
    """Who outside the family has the device (a page of them), with a Revoke button each."""
    device = escape(clip(alias))
    shown, page, pages = page_of(users, page, PAGE)
    if not users:
        text = _("<b>{device}</b> isn't shared with anyone.").format(device=device)
    else:
        lines = [_("<b>{device}</b> is shared with:").format(device=device)]
        if pages > 1:
            lines.append(_("page {page} of {pages}").format(page=page + 1, pages=pages))
        for user in shown:
            name = escape(clip(user.nickname or user.user_id))
            if user.bind_time:
                lines.append(
                    _("• {name}, since {when}").format(
                        name=name, when=moment(user.bind_time, timezone)
                    )
                )
            else:
                lines.append(_("• {name}").format(name=name))
        text = "\n".join(lines)
    rows = [
        [
            buttons(
                _("✖ Revoke {name}").format(name=clip(u.nickname or u.user_id)),
                "shr.revoke",
                device_id,
                u.user_id,
            )
        ]
        for u in shown
    ]
    if pages > 1:
        rows.append(pager(buttons, page, pages, "shr.users", device_id))
    rows.append([buttons(_("◀ Back"), "shr.menu", device_id)])
    return text, InlineKeyboardMarkup(rows)


def confirm_revoke(
    alias: str, nickname: str, device_id: str, user_id: str, buttons: Buttons
) -> View:
    text = _(
        "Take <b>{device}</b> back from <b>{name}</b>? They will no longer see or control it."
    ).format(device=escape(clip(alias)), name=escape(clip(nickname)))
    keyboard = InlineKeyboardMarkup(
        [
            [
                buttons(_("Yes, revoke"), "shr.revoke_yes", device_id, user_id),
                buttons(_("Cancel"), "shr.users", device_id),
            ]
        ]
    )
    return text, keyboard


def ask_user_id(alias: str) -> str:
    return _(
        "Send the IoT Explorer user id of the person to invite to <b>{device}</b>. "
        "They find it with /me. The invitation waits in their /inbox. /cancel stops."
    ).format(device=escape(clip(alias)))


def bad_user_id() -> str:
    return _(
        "That doesn't look like an IoT Explorer user id (letters, digits, _ and -, up to 64). "
        "Send it again, or /cancel."
    )


def try_another_id() -> str:
    return _("Send another user id, or /cancel.")


def invite_sent(alias: str) -> str:
    return _("Invitation to <b>{device}</b> sent. They can accept it in their /inbox.").format(
        device=escape(clip(alias))
    )


def link_first(url: str) -> View:
    """An unlinked user opened a share or invitation link."""
    text = _(
        "To accept this, link your IoT Explorer account first: send /login. "
        "Then open the link again:\n{url}"
    ).format(url=escape(url))
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(_("Open the link again"), url=url)]])
    return text, keyboard


def share_offer(info: ShareTokenInfo, me: str, timezone: str, rest: str, buttons: Buttons) -> View:
    """What a share link offers, or why it can't be accepted."""
    device = escape(clip(info.alias or info.device_name))
    sharer = escape(clip(info.from_nickname or info.from_user_id))
    if info.accepted and info.user_id == me:
        return _(
            "You already used this link to accept <b>{device}</b> from <b>{name}</b>. "
            "/shared lists the devices shared with you."
        ).format(device=device, name=sharer), None
    if info.accepted:
        return _("This share link has already been used. Ask <b>{name}</b> for a new one.").format(
            name=sharer
        ), None
    if info.from_user_id == me:
        return _(
            "This is your own share link for <b>{device}</b>. Send it to the person you want "
            "to share the device with."
        ).format(device=device), None
    lines = [
        _("<b>{name}</b> wants to share <b>{device}</b> with you.").format(
            name=sharer, device=device
        ),
        _("You'll be able to see and control it; they can take it back at any time."),
    ]
    if info.expire_at:
        lines.append(
            _("The offer is valid until {when}.").format(when=moment(info.expire_at, timezone))
        )
    keyboard = InlineKeyboardMarkup(
        [[buttons(_("✅ Accept"), "shr.accept", rest), buttons(_("✖ Decline"), "shr.decline")]]
    )
    return "\n".join(lines), keyboard


def share_accepted(alias: str) -> str:
    return _(
        "✅ <b>{device}</b> is now shared with you. You'll find it among your devices under "
        "“Shared with me”; /shared lists everything shared with you."
    ).format(device=escape(clip(alias)))


def declined() -> str:
    return _("Declined. Nothing was changed.")


def shared_with_me(
    devices: Sequence[SharedDevice], buttons: Buttons, notice: str = "", page: int = 0
) -> View:
    """/shared: the devices others shared with me (a page of them), with a Remove button each."""
    lines = [notice, ""] if notice else []
    if not devices:
        lines.append(_("Nobody has shared a device with you."))
        return "\n".join(lines), None
    shown, page, pages = page_of(devices, page, PAGE)
    heading = _("<b>Shared with me</b>")
    if pages > 1:
        heading += " · " + _("page {page} of {pages}").format(page=page + 1, pages=pages)
    lines.append(heading)
    lines += [f"• {escape(clip(d.alias or d.device_name))}" for d in shown]
    rows = [
        [
            buttons(
                _("✖ Remove {device}").format(device=clip(d.alias or d.device_name)),
                "shd.drop",
                d.device_id,
            )
        ]
        for d in shown
    ]
    if pages > 1:
        rows.append(pager(buttons, page, pages, "shd.list"))
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def confirm_drop(alias: str, device_id: str, buttons: Buttons) -> View:
    text = _(
        "Remove <b>{device}</b> from your devices? You'll need a new share link to get it back."
    ).format(device=escape(clip(alias)))
    keyboard = InlineKeyboardMarkup(
        [[buttons(_("Yes, remove"), "shd.drop_yes", device_id), buttons(_("Cancel"), "shd.list")]]
    )
    return text, keyboard
