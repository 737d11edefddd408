"""/family end to end: invitation links, members, leaving, renaming, creating, rooms."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.faketelegram import TestUser
from bot.i18n import translator, use
from bot.iot import errors
from bot.sandbox.actions import family_members
from bot.sandbox.demo import DemoHome
from bot.sandbox.server import Sandbox
from bot.telegram.error_texts import describe
from bot.telegram.routing import Buttons
from tests.e2e.harness import BotHarness
from tests.e2e.test_sharing import payload_of


async def invite_link(bot: BotHarness, ann: TestUser) -> str:
    """Create an invitation link to My Home through /family and return its payload."""
    families = await bot.say(ann, "/family")
    card = await bot.click(ann, families, "✓ My Home")
    link = await bot.click(ann, card, "🔗 Invite by link")
    assert "Invitation to My Home" in link.text
    return payload_of(link)


def current_family(bot: BotHarness, user: TestUser) -> str | None:
    assert bot.app is not None
    account = bot.app.services.store.get_account(user.id)
    assert account is not None
    return account.family_id


async def test_invite_by_link_join_see_devices_and_get_removed(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann, ben = bot.tg.user(201, "Ann"), bot.tg.user(202, "Ben")
    await bot.link(ann, "owner")
    await bot.link(ben, "friend")
    payload = await invite_link(bot, ann)
    assert payload.startswith("f") and len(payload) <= 64

    offer = await bot.say(ben, f"/start {payload}")
    assert "Alex invites you to join the family “My Home”" in offer.text
    joined = await bot.click(ben, offer, "✅ Join")
    assert "Welcome to “My Home”" in joined.text
    assert sandbox.state.role_in(demo.family_id, demo.friend.user_id) == 0
    assert current_family(bot, ben) == demo.family_id
    devices = await bot.say(ben, "/devices")
    assert "Living room light" in devices.text

    card = await bot.click(ben, await bot.say(ben, "/family"), "✓ My Home")
    assert "You are its member" in card.text
    labels = [b.text for b in card.all_buttons()]
    assert "🔗 Invite by link" not in labels and "✏️ Rename" not in labels
    assert "Leave this family" in labels

    card = await bot.click(ann, await bot.say(ann, "/family"), "✓ My Home")
    assert "Sam — member" in card.text and "Alex (you) — admin" in card.text
    confirm = await bot.click(ann, card, "✖ Remove Sam")
    assert "Remove Sam from “My Home”?" in confirm.text
    removed = await bot.click(ann, confirm, "Yes, remove")
    assert "Removed" in removed.text and "Sam" not in removed.text
    assert sandbox.state.role_in(demo.family_id, demo.friend.user_id) is None

    again = await bot.say(ben, f"/start {payload}")
    assert "This invitation link has already been used" in again.text and not again.buttons
    assert sandbox.state.role_in(demo.family_id, demo.friend.user_id) is None


async def test_expired_invitation_link_tells_why_and_changes_nothing(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann, ben = bot.tg.user(201, "Ann"), bot.tg.user(202, "Ben")
    await bot.link(ann, "owner")
    await bot.link(ben, "friend")
    payload = await invite_link(bot, ann)
    start = sandbox.state.now()
    sandbox.state.clock = lambda: start + family_members.INVITE_LIFETIME + 1
    offer = await bot.say(ben, f"/start {payload}")
    refused = await bot.click(ben, offer, "✅ Join")
    expired = errors.from_response(
        "ResourceNotFound.ShareTokenExpired", "", request_id="", action="AppJoinFamily"
    )
    with use(translator("en")):
        explained = describe(expired)
    assert explained and refused.text.startswith(explained)
    assert not refused.buttons
    assert sandbox.state.role_in(demo.family_id, demo.friend.user_id) is None
    assert current_family(bot, ben) == demo.friend_family_id


async def test_member_leaves_after_confirming(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann, ben = bot.tg.user(201, "Ann"), bot.tg.user(202, "Ben")
    await bot.link(ann, "owner")
    await bot.link(ben, "friend")
    await bot.click(ben, await bot.say(ben, f"/start {await invite_link(bot, ann)}"), "✅ Join")
    card = await bot.click(ben, await bot.say(ben, "/family"), "✓ My Home")
    confirm = await bot.click(ben, card, "Leave this family")
    kept = await bot.click(ben, confirm, "Cancel")
    assert "My Home" in kept.text
    assert sandbox.state.role_in(demo.family_id, demo.friend.user_id) == 0
    confirm = await bot.click(ben, kept, "Leave this family")
    left = await bot.click(ben, confirm, "Yes, leave")
    assert "You left “My Home”" in left.text
    assert [b.text for b in left.all_buttons()] == ["✓ Sam's flat", "➕ New family"]
    assert sandbox.state.role_in(demo.family_id, demo.friend.user_id) is None
    assert current_family(bot, ben) == demo.friend_family_id


async def test_an_old_admin_button_shows_the_clouds_refusal(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann, ben = bot.tg.user(201, "Ann"), bot.tg.user(202, "Ben")
    await bot.link(ann, "owner")
    await bot.link(ben, "friend")
    await bot.click(ben, await bot.say(ben, f"/start {await invite_link(bot, ann)}"), "✅ Join")
    assert bot.app is not None
    # A menu from when Ben could manage the family, pressed after he no longer can.
    stale = Buttons(bot.app.services, ben.id)("Remove Alex", "fam.kick_yes", demo.family_id, "x")
    await bot.app.bot.send_message(ben.id, "old menu", reply_markup=InlineKeyboardMarkup([[stale]]))
    old = await bot.tg.next_message(ben)
    query = await bot.tg.press(ben, old, "Remove Alex")
    answer = await bot.tg.wait_answer(query)
    assert answer.show_alert and "You don't have permission to do that" in (answer.text or "")
    assert sandbox.state.role_in(demo.family_id, demo.owner.user_id) == 1


async def test_rename_create_and_switch_families(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann = bot.tg.user(201, "Ann")
    await bot.link(ann, "owner")
    card = await bot.click(ann, await bot.say(ann, "/family"), "✓ My Home")
    ask = await bot.click(ann, card, "✏️ Rename")
    assert "new name for “My Home”" in ask.text
    too_long = await bot.say(ann, "x" * 31)
    assert "1 to 30 characters" in too_long.text
    assert sandbox.state.families[demo.family_id].name == "My Home"
    renamed = await bot.say(ann, "Alex & Co")
    assert "🏠 <b>Alex &amp; Co</b>" in (renamed.html or "") and "now called" in renamed.text
    assert sandbox.state.families[demo.family_id].name == "Alex & Co"

    listing = await bot.click(ann, renamed, "◀ Families")
    await bot.click(ann, listing, "➕ New family")
    created = await bot.say(ann, "Beach house")
    assert "Family “Beach house” created" in created.text
    assert current_family(bot, ann) == demo.family_id
    switched = await bot.click(ann, created, "✓ Make it my current family")
    assert "This is your current family" in switched.text
    beach = [f for f in sandbox.state.families.values() if f.name == "Beach house"]
    assert len(beach) == 1 and current_family(bot, ann) == beach[0].family_id
    listing = await bot.click(ann, switched, "◀ Families")
    assert "✓ Beach house" in [b.text for b in listing.all_buttons()]


async def test_rooms_create_rename_delete(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann = bot.tg.user(201, "Ann")
    await bot.link(ann, "owner")
    card = await bot.click(ann, await bot.say(ann, "/family"), "✓ My Home")
    rooms = await bot.click(ann, card, "🚪 Rooms")
    assert "Living room — 3 devices" in rooms.text
    await bot.click(ann, rooms, "➕ New room")
    assert "1 to 30 characters" in (await bot.say(ann, "   ")).text
    rooms = await bot.say(ann, "Garage")
    assert "Room “Garage” created" in rooms.text and "Garage — 0 devices" in rooms.text
    room = await bot.click(ann, rooms, "Garage")
    await bot.click(ann, room, "✏️ Rename")
    rooms = await bot.say(ann, "Workshop")
    assert "Workshop — 0 devices" in rooms.text and "Garage" not in rooms.text
    room = await bot.click(ann, rooms, "Workshop")
    confirm = await bot.click(ann, room, "🗑 Delete")
    assert "Delete the room “Workshop”?" in confirm.text
    rooms = await bot.click(ann, confirm, "Yes, delete")
    assert "Room “Workshop” deleted" in rooms.text
    names = {r.name for r in sandbox.state.rooms.values() if r.family_id == demo.family_id}
    assert names == {"Living room", "Bedroom", "Kitchen"}


async def test_members_see_rooms_without_admin_buttons(bot: BotHarness, demo: DemoHome) -> None:
    ann, ben = bot.tg.user(201, "Ann"), bot.tg.user(202, "Ben")
    await bot.link(ann, "owner")
    await bot.link(ben, "friend")
    await bot.click(ben, await bot.say(ben, f"/start {await invite_link(bot, ann)}"), "✅ Join")
    card = await bot.click(ben, await bot.say(ben, "/family"), "✓ My Home")
    rooms = await bot.click(ben, card, "🚪 Rooms")
    assert "Kitchen" in rooms.text
    assert [b.text for b in rooms.all_buttons()] == ["◀ Back"]


async def test_a_made_up_invitation_link_offers_nothing_to_join(bot: BotHarness) -> None:
    ben = bot.tg.user(231, "Ben")
    await bot.link(ben, "friend")
    for junk in ("fXq9-not-an-invitation_2", "f" + "Z" * 63):
        reply = await bot.say(ben, f"/start {junk}")
        assert "This invitation is not valid. Ask for a new link." in (reply.text or "")
        assert reply.all_buttons() == []  # no Join button for a family nobody named
