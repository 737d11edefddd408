"""/family: families (switching, creating, renaming), members, invitation links, leaving."""

from __future__ import annotations

from telegram import Update

from bot.handlers.family import rooms
from bot.handlers.family.rooms import family_of, typed_name
from bot.handlers.sharing.links import explain, link_url, linked_or_say, links
from bot.i18n import N_, _
from bot.iot import errors
from bot.iot.models.families import Family
from bot.storage.secrets import register_secret
from bot.telegram.callbacks import Callback
from bot.telegram.context import HomeApplication, HomeContext, answer_query
from bot.telegram.routing import Buttons, expect_text
from bot.telegram.screens import home_for, pressed, show, user_id_of
from bot.views import family as views
from bot.views.paging import page_arg

KIND = "f"  # /start f<token or key>


async def _families(context: HomeContext, user_id: int) -> list[Family]:
    services = context.services
    return await home_for(context, user_id).call(services.iot.list_all_families)


async def _list_view(
    context: HomeContext, user_id: int, notice: str = "", page: int = 0
) -> views.View:
    families = await _families(context, user_id)
    current = context.services.accounts.account(user_id).family_id
    return views.family_list(families, current, Buttons(context, user_id), notice, page)


async def _card_view(
    context: HomeContext, user_id: int, family_id: str, notice: str = "", page: int = 0
) -> views.View:
    family = await family_of(context, user_id, family_id)
    if family is None:
        return await _list_view(context, user_id, views.gone())
    services = context.services
    members = await home_for(context, user_id).call(
        services.iot.list_all_family_members, family_id=family_id
    )
    account = services.accounts.account(user_id)
    is_current = account.family_id == family_id
    buttons = Buttons(context, user_id)
    return views.family_card(
        family, members, account.iot_user_id, is_current, buttons, notice, page
    )


async def family_command(update: Update, context: HomeContext) -> None:
    """/family: the user's families, the current one marked."""
    user_id, message = user_id_of(update), update.effective_message
    assert message is not None
    text, keyboard = await _list_view(context, user_id)
    await message.reply_text(text, reply_markup=keyboard)


async def show_list(update: Update, context: HomeContext, callback: Callback) -> None:
    user_id = user_id_of(update)
    text, keyboard = await _list_view(context, user_id, page=page_arg(callback.args, 0))
    await show(update, (text, keyboard))


async def show_family(update: Update, context: HomeContext, callback: Callback) -> None:
    user_id = user_id_of(update)
    page = page_arg(callback.args, 1)
    text, keyboard = await _card_view(context, user_id, callback.args[0], page=page)
    await show(update, (text, keyboard))


async def use_family(update: Update, context: HomeContext, callback: Callback) -> None:
    """Make the family the one /devices and the other commands show."""
    user_id = user_id_of(update)
    family = await family_of(context, user_id, callback.args[0])
    if family is None:
        text, keyboard = await _list_view(context, user_id, views.gone())
    else:
        context.services.store.set_family(user_id, family.family_id)
        await answer_query(update, context, _("Switched."))
        notice = views.switched(family.name)
        text, keyboard = await _card_view(context, user_id, family.family_id, notice)
    await show(update, (text, keyboard))


async def ask_new_family(update: Update, context: HomeContext, callback: Callback) -> None:
    _user_id, query = pressed(update)
    assert query.message is not None
    expect_text(context, query.message.chat.id, "fam.new")
    await show(update, (views.ask_family_name(), None))


async def new_family_typed(
    update: Update, context: HomeContext, text: str, args: tuple[str, ...]
) -> None:
    """AppCreateFamily; a user without a current family gets this one as current."""
    user_id, message = user_id_of(update), update.effective_message
    assert message is not None
    name = await typed_name(context, update, text, "fam.new", ())
    if name is None:
        return
    services = context.services
    family_id = await home_for(context, user_id).call(services.iot.create_family, name=name)
    if not services.accounts.account(user_id).family_id:
        services.store.set_family(user_id, family_id)
    reply, keyboard = await _card_view(context, user_id, family_id, views.created(name))
    await message.reply_text(reply, reply_markup=keyboard)


async def ask_family_name(update: Update, context: HomeContext, callback: Callback) -> None:
    user_id, query = pressed(update)
    family = await family_of(context, user_id, callback.args[0])
    if family is None or query.message is None:
        await show(update, (views.gone(), None))
        return
    expect_text(context, query.message.chat.id, "fam.rename", family.family_id)
    await show(update, (views.ask_family_name(family.name), None))


async def family_name_typed(
    update: Update, context: HomeContext, text: str, args: tuple[str, ...]
) -> None:
    """AppModifyFamily with the typed name (the address is kept as it is)."""
    user_id, message = user_id_of(update), update.effective_message
    assert message is not None
    name = await typed_name(context, update, text, "fam.rename", args)
    if name is None:
        return
    family_id, iot = args[0], context.services.iot
    detail = await home_for(context, user_id).call(iot.describe_family, family_id=family_id)
    await home_for(context, user_id).call(
        iot.modify_family, family_id=family_id, name=name, address=detail.address
    )
    reply, keyboard = await _card_view(context, user_id, family_id, views.renamed(name))
    await message.reply_text(reply, reply_markup=keyboard)


async def invite(update: Update, context: HomeContext, callback: Callback) -> None:
    """AppInviteMember, then a message with the deep link to forward."""
    user_id, query = pressed(update)
    family_id = callback.args[0]
    family = await family_of(context, user_id, family_id)
    name = family.name if family else ""
    iot = context.services.iot
    made = await home_for(context, user_id).call(iot.invite_member, family_id=family_id)
    register_secret(made.share_token)
    inviter = context.services.accounts.account(user_id).nickname
    details = {"family_id": family_id, "family": name, "from": inviter}
    url = link_url(context, links(context).payload(KIND, made.share_token, details))
    text, keyboard = views.invite_link(name, url)
    await answer_query(update, context, _("Invitation link created."))
    assert query.message is not None
    await context.bot.send_message(query.message.chat.id, text, reply_markup=keyboard)


async def open_invite(update: Update, context: HomeContext, rest: str) -> None:
    """/start f…: who invites to which family, with Join / Decline."""
    user_id, message = user_id_of(update), update.effective_message
    assert message is not None
    if not await linked_or_say(context, user_id, message, KIND + rest):
        return
    link = links(context).resolve(KIND, rest)
    if not link.details.get("family_id"):
        # Not a link this bot made (every invitation it makes keeps its family), or one pruned
        # long after any invitation expired: there is nothing true to show, and nothing to join.
        await message.reply_text(views.invite_unknown())
        return
    register_secret(link.token)
    family_id = str(link.details.get("family_id", ""))
    mine = {f.family_id: f for f in await _families(context, user_id)}
    if family_id in mine:
        await message.reply_text(views.already_member(mine[family_id].name))
        return
    if link.used_by is not None:
        await message.reply_text(views.invite_used())
        return
    name, inviter = str(link.details.get("family", "")), str(link.details.get("from", ""))
    text, keyboard = views.invite_offer(name, inviter, rest, Buttons(context, user_id))
    await message.reply_text(text, reply_markup=keyboard)


async def join(update: Update, context: HomeContext, callback: Callback) -> None:
    """AppJoinFamily with the link's token; the new family becomes the current one."""
    user_id = user_id_of(update)
    rest = callback.args[0]
    token = links(context).resolve(KIND, rest).token
    before = {f.family_id for f in await _families(context, user_id)}
    iot = context.services.iot
    try:
        await home_for(context, user_id).call(iot.join_family, share_token=token)
    except errors.ApiError as err:
        await explain(update, context, err)
        return
    links(context).mark_used(KIND, rest, user_id)
    new = [f for f in await _families(context, user_id) if f.family_id not in before]
    if new:
        context.services.store.set_family(user_id, new[0].family_id)
    await answer_query(update, context, _("Joined."))
    await show(update, (views.joined(new[0].name if new else ""), None))


async def decline(update: Update, context: HomeContext, callback: Callback) -> None:
    _user_id = user_id_of(update)
    await show(update, (views.declined(), None))


async def confirm_kick(update: Update, context: HomeContext, callback: Callback) -> None:
    user_id = user_id_of(update)
    family_id, member_id = callback.args[0], callback.args[1]
    family = await family_of(context, user_id, family_id)
    iot = context.services.iot
    members = (
        await home_for(context, user_id).call(iot.list_all_family_members, family_id=family_id)
        if family
        else []
    )
    member = next((m for m in members if m.user_id == member_id), None)
    if family is None or member is None:
        text, keyboard = await _card_view(context, user_id, family_id, views.member_gone())
    else:
        text, keyboard = views.confirm_kick(family, member, Buttons(context, user_id))
    await show(update, (text, keyboard))


async def kick(update: Update, context: HomeContext, callback: Callback) -> None:
    """AppDeleteFamilyMember (the cloud refuses anyone but the admin), then the family."""
    user_id = user_id_of(update)
    family_id, member_id = callback.args[0], callback.args[1]
    iot = context.services.iot
    await home_for(context, user_id).call(
        iot.delete_family_member, family_id=family_id, member_id=member_id
    )
    await answer_query(update, context, _("Removed."))
    text, keyboard = await _card_view(context, user_id, family_id, views.member_removed())
    await show(update, (text, keyboard))


async def confirm_leave(update: Update, context: HomeContext, callback: Callback) -> None:
    user_id = user_id_of(update)
    family = await family_of(context, user_id, callback.args[0])
    if family is None:
        text, keyboard = await _list_view(context, user_id, views.gone())
    else:
        text, keyboard = views.confirm_leave(family, Buttons(context, user_id))
    await show(update, (text, keyboard))


async def leave(update: Update, context: HomeContext, callback: Callback) -> None:
    """AppExitFamily; the current family moves to another one if it was this one."""
    user_id = user_id_of(update)
    family_id = callback.args[0]
    family = await family_of(context, user_id, family_id)
    services = context.services
    await home_for(context, user_id).call(services.iot.exit_family, family_id=family_id)
    if services.accounts.account(user_id).family_id == family_id:
        remaining = await _families(context, user_id)
        services.store.set_family(user_id, remaining[0].family_id if remaining else None)
    notice = views.left(family.name if family else "")
    text, keyboard = await _list_view(context, user_id, notice)
    await show(update, (text, keyboard))


def register(app: HomeApplication) -> None:
    """Families: /family, members, invitations (and their deep links), rooms."""
    routes = app.routes
    routes.command("family", family_command, N_("Your families, members and rooms"), 30)
    routes.button("fam.list", show_list)
    routes.button("fam.open", show_family)
    routes.button("fam.use", use_family)
    routes.button("fam.new", ask_new_family)
    routes.text("fam.new", new_family_typed)
    routes.button("fam.rename", ask_family_name)
    routes.text("fam.rename", family_name_typed)
    routes.button("fam.invite", invite)
    routes.deep_link(KIND, open_invite)
    routes.button("fam.join", join)
    routes.button("fam.decline", decline)
    routes.button("fam.kick", confirm_kick)
    routes.button("fam.kick_yes", kick)
    routes.button("fam.leave", confirm_leave)
    routes.button("fam.leave_yes", leave)
    routes.button("fam.rooms", rooms.show_rooms)
    routes.button("fam.room", rooms.show_room)
    routes.button("fam.room_new", rooms.ask_new_room)
    routes.text("fam.room_new", rooms.new_room_typed)
    routes.button("fam.room_ren", rooms.ask_room_name)
    routes.text("fam.room_ren", rooms.room_name_typed)
    routes.button("fam.room_del", rooms.confirm_room_delete)
    routes.button("fam.room_del_yes", rooms.delete_room)
