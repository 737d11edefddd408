"""/inbox end to end: categories, cursor paging, deleting, accepting invitations."""

from __future__ import annotations

from bot.sandbox.actions import messages as sandbox_messages
from bot.sandbox.demo import DemoHome
from bot.sandbox.server import Sandbox
from tests.e2e.harness import BotHarness


async def test_accepting_the_seeded_share_invitation_shares_the_light(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ben = bot.tg.user(202, "Ben")
    await bot.link(ben, "friend")
    inbox = await bot.say(ben, "/inbox")
    assert "Inbox — Devices" in inbox.text
    assert "Device share invitation" in inbox.text and "Living room light" in inbox.text
    accepted = await bot.click(ben, inbox, "✅ Accept #1")
    assert "Accepted: Living room light is now shared with you" in accepted.text
    assert (demo.devices["light"], demo.friend.user_id) in sandbox.state.shares
    assert demo.extra["sharing"]["invite_message"] not in sandbox.state.messages
    assert "✅ Accept #1" not in [b.text for b in accepted.all_buttons()]
    shared = await bot.say(ben, "/shared")
    assert "Living room light" in shared.text


async def test_a_used_invitation_explains_itself(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ben = bot.tg.user(202, "Ben")
    await bot.link(ben, "friend")
    sandbox.state.share_tokens[demo.extra["sharing"]["invite_token"]].used = True
    inbox = await bot.say(ben, "/inbox")
    refused = await bot.click(ben, inbox, "✅ Accept #1")
    assert "This share link has already been used" in refused.text
    assert (demo.devices["light"], demo.friend.user_id) not in sandbox.state.shares


async def test_family_invitation_from_the_inbox(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann, ben = bot.tg.user(201, "Ann"), bot.tg.user(202, "Ben")
    await bot.link(ann, "owner")
    await bot.link(ben, "friend")
    assert bot.app is not None
    services = bot.app.services
    await services.accounts.run(
        ann.id,
        lambda t: services.iot.send_family_invite(t, demo.family_id, demo.friend.user_id),
    )
    inbox = await bot.say(ben, "/inbox")
    family_tab = await bot.click(ben, inbox, "Family")
    assert "Inbox — Family" in family_tab.text and "Family invitation" in family_tab.text
    joined = await bot.click(ben, family_tab, "✅ Accept #1")
    assert "you're now a member of “My Home”" in joined.text
    assert sandbox.state.role_in(demo.family_id, demo.friend.user_id) == 0


async def test_categories_paging_and_delete(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann = bot.tg.user(201, "Ann")
    await bot.link(ann, "owner")
    now_ms = sandbox.state.now_ms()
    for n in range(7):
        sandbox_messages.post_message(
            sandbox.state,
            demo.owner.user_id,
            sandbox_messages.CATEGORY_DEVICE,
            sandbox_messages.TYPE_DEVICE_ALERT,
            f"Alert {n}",
            f"Door opened ({n})",
            device_id=demo.devices["door"],
            timestamp_ms=now_ms - (7 - n) * 60_000,
        )
    first = await bot.say(ann, "/inbox")
    assert "Alert 6" in first.text and "Alert 2" in first.text and "Alert 1" not in first.text
    labels = [b.text for b in first.all_buttons()]
    assert "▶" in labels and "◀" not in labels and "✅ Accept #1" not in labels
    second = await bot.click(ann, first, "▶")
    assert "Alert 1" in second.text and "Alert 0" in second.text and "Low battery" in second.text
    assert "Alert 6" not in second.text
    assert "▶" not in [b.text for b in second.all_buttons()]
    back = await bot.click(ann, second, "◀")
    assert "Alert 6" in back.text and "Alert 1" not in back.text

    deleted = await bot.click(ann, back, "🗑 Delete #1")
    assert "Message deleted" in deleted.text and "Alert 6" not in deleted.text
    assert "Alert 1" in deleted.text  # the page closes up
    assert not any(m.title == "Alert 6" for m in sandbox.state.messages.values())

    family = await bot.click(ann, deleted, "Family")
    assert "Member added" in family.text
    notices = await bot.click(ann, family, "Notifications")
    assert "No messages here" in notices.text
