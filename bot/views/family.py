"""Texts and keyboards of /family: families, members, invitation links, rooms."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import _, ngettext
from bot.iot.models.families import Family, Member, Room
from bot.telegram.limits import clip, fitted
from bot.telegram.routing import Buttons
from bot.views.paging import page_of, pager
from bot.views.sharing import forward_button

View = tuple[str, InlineKeyboardMarkup | None]
MEMBERS_PAGE = 20  # members per page of a family's card
ROOMS_PAGE = 20  # rooms per page of a family's rooms


def _with_notice(notice: str, text: str) -> str:
    return fitted(f"{notice}\n\n{text}" if notice else text)


def role_name(is_owner: bool) -> str:
    return _("admin") if is_owner else _("member")


def family_list(
    families: Sequence[Family],
    current_id: str | None,
    buttons: Buttons,
    notice: str = "",
    page: int = 0,
) -> View:
    """/family: the user's families (a page of them), the current one marked."""
    shown, page, pages = page_of(families, page)
    rows = [
        [
            buttons(
                ("✓ " if f.family_id == current_id else "") + clip(f.name),
                "fam.open",
                f.family_id,
            )
        ]
        for f in shown
    ]
    if pages > 1:
        rows.append(pager(buttons, page, pages, "fam.list"))
    rows.append([buttons(_("➕ New family"), "fam.new")])
    if families:
        text = _("<b>Your families</b> (✓ is the current one). Pick one to manage it.")
    else:
        text = _("You aren't in any family yet. Create one, or open an invitation link.")
    return _with_notice(notice, text), InlineKeyboardMarkup(rows)


def family_card(
    family: Family,
    members: Sequence[Member],
    me: str,
    is_current: bool,
    buttons: Buttons,
    notice: str = "",
    page: int = 0,
) -> View:
    """One family: its members with their roles (a page of them), and what the user may do."""
    lines = [f"🏠 <b>{escape(clip(family.name))}</b>"]
    if is_current:
        lines.append(_("This is your current family."))
    lines.append(_("You are its {role}.").format(role=role_name(family.is_owner)))
    shown, page, pages = page_of(members, page, MEMBERS_PAGE)
    heading = _("<b>Members</b>")
    if pages > 1:
        heading += " · " + _("page {page} of {pages}").format(page=page + 1, pages=pages)
    lines += ["", heading]
    for member in shown:
        name = escape(clip(member.nickname or member.user_id))
        you = _(" (you)") if member.user_id == me else ""
        lines.append(f"• {name}{you} — {role_name(member.is_owner)}")
    fid = family.family_id
    rows: list[list[InlineKeyboardButton]] = []
    if not is_current:
        rows.append([buttons(_("✓ Make it my current family"), "fam.use", fid)])
    if family.is_owner:
        rows.append(
            [
                buttons(_("🔗 Invite by link"), "fam.invite", fid),
                buttons(_("✏️ Rename"), "fam.rename", fid),
            ]
        )
        rows += [
            [
                buttons(
                    _("✖ Remove {name}").format(name=clip(m.nickname or m.user_id)),
                    "fam.kick",
                    fid,
                    m.user_id,
                )
            ]
            for m in shown
            if not m.is_owner and m.user_id != me
        ]
    if pages > 1:
        rows.append(pager(buttons, page, pages, "fam.open", fid))
    rows.append([buttons(_("🚪 Rooms"), "fam.rooms", fid)])
    if not family.is_owner:
        rows.append([buttons(_("Leave this family"), "fam.leave", fid)])
    rows.append([buttons(_("◀ Families"), "fam.list")])
    return _with_notice(notice, "\n".join(lines)), InlineKeyboardMarkup(rows)


def confirm_kick(family: Family, member: Member, buttons: Buttons) -> View:
    text = _(
        "Remove <b>{name}</b> from “{family}”? They will no longer see or control its devices."
    ).format(name=escape(clip(member.nickname or member.user_id)), family=escape(clip(family.name)))
    fid = family.family_id
    keyboard = InlineKeyboardMarkup(
        [
            [
                buttons(_("Yes, remove"), "fam.kick_yes", fid, member.user_id),
                buttons(_("Cancel"), "fam.open", fid),
            ]
        ]
    )
    return text, keyboard


def confirm_leave(family: Family, buttons: Buttons) -> View:
    text = _(
        "Leave “{family}”? You'll no longer see or control its devices until you're invited again."
    ).format(family=escape(clip(family.name)))
    fid = family.family_id
    keyboard = InlineKeyboardMarkup(
        [[buttons(_("Yes, leave"), "fam.leave_yes", fid), buttons(_("Cancel"), "fam.open", fid)]]
    )
    return text, keyboard


def invite_link(family_name: str, url: str) -> View:
    """The message holding a fresh invitation link, to forward to the new member."""
    text = "\n".join(
        [
            _("🔗 Invitation to <b>{family}</b>:").format(family=escape(clip(family_name))),
            escape(url),
            "",
            _(
                "Whoever opens it can join the family and control all its devices. It works "
                "once and expires soon, so send it right away."
            ),
        ]
    )
    invitation = _("Join my home “{family}” on IoT Explorer:").format(family=clip(family_name))
    return text, InlineKeyboardMarkup([[forward_button(url, invitation)]])


def invite_offer(family_name: str, inviter: str, rest: str, buttons: Buttons) -> View:
    """What an invitation link offers, with Join / Decline."""
    if family_name:
        text = _("<b>{name}</b> invites you to join the family “{family}”.").format(
            name=escape(clip(inviter or "?")), family=escape(clip(family_name))
        )
    else:
        text = _("You're invited to join a family.")
    text += "\n" + _("As a member you'll see and control all of its devices.")
    keyboard = InlineKeyboardMarkup(
        [[buttons(_("✅ Join"), "fam.join", rest), buttons(_("✖ Decline"), "fam.decline")]]
    )
    return text, keyboard


def invite_unknown() -> str:
    return _("This invitation is not valid. Ask for a new link.")


def invite_used() -> str:
    return _("This invitation link has already been used. Ask for a new one.")


def already_member(family_name: str) -> str:
    return _("You're already a member of “{family}”. /family shows it.").format(
        family=escape(clip(family_name))
    )


def joined(family_name: str) -> str:
    if not family_name:
        return _("✅ You've joined the family. /family shows it.")
    return _(
        "✅ Welcome to “{family}”! It's now your current family: /devices shows its devices, "
        "/family switches back."
    ).format(family=escape(clip(family_name)))


def ask_family_name(current: str = "") -> str:
    if current:
        return _("Send the new name for “{family}” (1 to 30 characters), or /cancel.").format(
            family=escape(clip(current))
        )
    return _("Send a name for the new family (1 to 30 characters), or /cancel.")


def ask_room_name(current: str = "") -> str:
    if current:
        return _(
            "Send the new name for the room “{room}” (1 to 30 characters), or /cancel."
        ).format(room=escape(clip(current)))
    return _("Send a name for the new room (1 to 30 characters), or /cancel.")


def bad_name() -> str:
    return _("A name must be 1 to 30 characters on one line. Send another, or /cancel.")


def switched(family_name: str) -> str:
    return _("“{family}” is now your current family.").format(family=escape(clip(family_name)))


def created(family_name: str) -> str:
    return _("Family “{family}” created.").format(family=escape(clip(family_name)))


def renamed(family_name: str) -> str:
    return _("The family is now called “{family}”.").format(family=escape(clip(family_name)))


def declined() -> str:
    return _("Declined. Nothing was changed.")


def member_gone() -> str:
    return _("That person is no longer a member.")


def member_removed() -> str:
    return _("Removed. They no longer see this family's devices.")


def left(family_name: str) -> str:
    if not family_name:
        return _("You left the family.")
    return _("You left “{family}”.").format(family=escape(clip(family_name)))


def gone() -> str:
    return _("You're not a member of that family any more. /family shows your families.")


def room_gone() -> str:
    return _("That room no longer exists.")


def room_created(name: str) -> str:
    return _("Room “{room}” created.").format(room=escape(clip(name)))


def room_renamed(name: str) -> str:
    return _("The room is now called “{room}”.").format(room=escape(clip(name)))


def room_deleted(name: str) -> str:
    return _("Room “{room}” deleted.").format(room=escape(clip(name)))


def rooms(
    family: Family, room_list: Sequence[Room], buttons: Buttons, notice: str = "", page: int = 0
) -> View:
    """A family's rooms (a page of them) with their device counts; admins can open each."""
    lines = [_("🚪 <b>Rooms of {family}</b>").format(family=escape(clip(family.name)))]
    shown, page, pages = page_of(room_list, page, ROOMS_PAGE)
    if not room_list:
        lines.append(_("No rooms yet."))
    elif pages > 1:
        lines.append(_("page {page} of {pages}").format(page=page + 1, pages=pages))
    for room in shown:
        count = ngettext("{n} device", "{n} devices", room.device_count).format(n=room.device_count)
        lines.append(f"• {escape(clip(room.name))} — {count}")
    fid = family.family_id
    rows: list[list[InlineKeyboardButton]] = []
    if family.is_owner:
        rows += [[buttons(clip(r.name), "fam.room", fid, r.room_id)] for r in shown]
    if pages > 1:
        rows.append(pager(buttons, page, pages, "fam.rooms", fid))
    if family.is_owner:
        rows.append([buttons(_("➕ New room"), "fam.room_new", fid)])
    rows.append([buttons(_("◀ Back"), "fam.open", fid)])
    return _with_notice(notice, "\n".join(lines)), InlineKeyboardMarkup(rows)


def room_card(family: Family, room: Room, buttons: Buttons) -> View:
    count = ngettext("{n} device", "{n} devices", room.device_count).format(n=room.device_count)
    text = f"🚪 <b>{escape(clip(room.name))}</b> — {count}"
    fid, rid = family.family_id, room.room_id
    keyboard = InlineKeyboardMarkup(
        [
            [
                buttons(_("✏️ Rename"), "fam.room_ren", fid, rid),
                buttons(_("🗑 Delete"), "fam.room_del", fid, rid),
            ],
            [buttons(_("◀ Rooms"), "fam.rooms", fid)],
        ]
    )
    return text, keyboard


def confirm_room_delete(family: Family, room: Room, buttons: Buttons) -> View:
    text = _(
        "Delete the room “{room}”? Its devices stay in the family, in no particular room."
    ).format(room=escape(clip(room.name)))
    fid, rid = family.family_id, room.room_id
    keyboard = InlineKeyboardMarkup(
        [
            [
                buttons(_("Yes, delete"), "fam.room_del_yes", fid, rid),
                buttons(_("Cancel"), "fam.room", fid, rid),
            ]
        ]
    )
    return text, keyboard
