"""Sharing a device by link, end to end: the sharer's menu, the recipient's link, /shared."""

from __future__ import annotations

import re

import pytest

from bot.faketelegram import Message, TestUser
from bot.iot import errors
from bot.sandbox.actions import sharing as sandbox_sharing
from bot.sandbox.demo import DemoHome
from bot.sandbox.server import Sandbox
from bot.storage.share_links import PAYLOAD_MAX, ShareLinks
from tests.e2e.harness import BotHarness

LIGHT = "Living room light"


def payload_of(message: Message) -> str:
    """The /start payload of the deep link in a bot message."""
    match = re.search(r"https://t\.me/iot_home_bot\?start=([A-Za-z0-9_-]+)", message.text or "")
    assert match, message.text
    return match.group(1)


async def share_link(bot: BotHarness, user: TestUser, device: str = LIGHT) -> str:
    """Create a share link through /share and return its payload."""
    picker = await bot.say(user, "/share")
    menu = await bot.click(user, picker, device)
    assert f"Share {device}" in menu.text
    link = await bot.click(user, menu, "🔗 Create share link")
    assert f"Share link for {device}" in link.text and "Valid until" in link.text
    return payload_of(link)


async def link_stranger(bot: BotHarness, sandbox: Sandbox, user: TestUser, nickname: str) -> None:
    """Link ``user`` to a fresh cloud account that is in no family of the demo home."""
    assert bot.app is not None
    user_id = sandbox.control.create_user(nickname)
    token = sandbox.state.issue_token(user_id).token
    await bot.app.services.accounts.link(user.id, method="token", token=token, expire_at=None)
    await bot.say(user, "/help")


async def control(bot: BotHarness, user: TestUser, device_id: str, values: dict) -> None:
    assert bot.app is not None
    services = bot.app.services
    await services.accounts.run(
        user.id, lambda token: services.iot.control_device(token, device_id, values)
    )


def move_clock(sandbox: Sandbox, seconds: float) -> None:
    now = sandbox.state.clock()
    sandbox.state.clock = lambda: now + seconds


async def test_share_by_link_accept_control_and_revoke(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann, ben = bot.tg.user(201, "Ann"), bot.tg.user(202, "Ben")
    await bot.link(ann, "owner")
    await bot.link(ben, "friend")
    light = demo.devices["light"]
    payload = await share_link(bot, ann)
    assert payload.startswith("s") and len(payload) <= 64

    offer = await bot.say(ben, f"/start {payload}")
    assert f"Alex wants to share {LIGHT} with you" in offer.text
    done = await bot.click(ben, offer, "✅ Accept")
    assert f"{LIGHT} is now shared with you" in done.text
    await control(bot, ben, light, {"power_switch": 1})
    assert sandbox.state.devices[light].properties["power_switch"].value == 1
    shared = await bot.say(ben, "/shared")
    assert LIGHT in shared.text

    picker = await bot.say(ann, "/share")
    menu = await bot.click(ann, picker, LIGHT)
    users = await bot.click(ann, menu, "👥 Who has access")
    assert "shared with:" in users.text and "Sam" in users.text
    confirm = await bot.click(ann, users, "✖ Revoke Sam")
    assert "Take Living room light back from Sam?" in confirm.text
    after = await bot.click(ann, confirm, "Yes, revoke")
    assert f"{LIGHT} isn't shared with anyone" in after.text
    with pytest.raises(errors.NoPermission):
        await control(bot, ben, light, {"power_switch": 0})
    assert sandbox.state.devices[light].properties["power_switch"].value == 1


async def test_used_and_expired_links_tell_why_and_change_nothing(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann, ben, cleo = bot.tg.user(201, "Ann"), bot.tg.user(202, "Ben"), bot.tg.user(203, "Cleo")
    await bot.link(ann, "owner")
    await bot.link(ben, "friend")
    await link_stranger(bot, sandbox, cleo, "Cleo")
    used = await share_link(bot, ann)
    offer = await bot.say(cleo, f"/start {used}")
    await bot.click(cleo, offer, "✅ Accept")

    refused = await bot.say(ben, f"/start {used}")
    assert "This share link has already been used" in refused.text
    assert not refused.buttons
    assert (demo.devices["light"], demo.friend.user_id) not in sandbox.state.shares

    expiring = await share_link(bot, ann, "Coffee machine plug")
    offer = await bot.say(ben, f"/start {expiring}")
    move_clock(sandbox, sandbox_sharing.SHARE_TOKEN_LIFETIME + 60)
    late = await bot.click(ben, offer, "✅ Accept")
    assert "This share link is not valid any more" in late.text
    again = await bot.say(ben, f"/start {expiring}")
    assert "This share link is not valid any more" in again.text
    assert not any(grant.user_id == demo.friend.user_id for grant in sandbox.state.shares.values())


async def test_own_link_and_a_recipient_who_must_link_first(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann, dora = bot.tg.user(201, "Ann"), bot.tg.user(204, "Dora")
    await bot.link(ann, "owner")
    payload = await share_link(bot, ann)
    own = await bot.say(ann, f"/start {payload}")
    assert "This is your own share link" in own.text and not own.buttons

    first = await bot.say(dora, f"/start {payload}")
    assert "link your IoT Explorer account first" in first.text
    assert first.button("Open the link again").url == f"https://t.me/iot_home_bot?start={payload}"
    await bot.link(dora, "friend")
    offer = await bot.say(dora, f"/start {payload}")
    done = await bot.click(dora, offer, "✅ Accept")
    assert "is now shared with you" in done.text
    assert (demo.devices["light"], demo.friend.user_id) in sandbox.state.shares


async def test_already_shared_and_declined(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann, ben = bot.tg.user(201, "Ann"), bot.tg.user(202, "Ben")
    await bot.link(ann, "owner")
    await bot.link(ben, "friend")
    first = await share_link(bot, ann)
    await bot.click(ben, await bot.say(ben, f"/start {first}"), "✅ Accept")
    second = await share_link(bot, ann)
    offer = await bot.say(ben, f"/start {second}")
    refused = await bot.click(ben, offer, "✅ Accept")
    assert "already shared with you" in refused.text

    third = await share_link(bot, ann, "Bedroom sensor")
    offer = await bot.say(ben, f"/start {third}")
    declined = await bot.click(ben, offer, "✖ Decline")
    assert "Declined" in declined.text
    assert (demo.devices["sensor"], demo.friend.user_id) not in sandbox.state.shares


async def test_recipient_removes_a_shared_device_after_confirming(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann, ben = bot.tg.user(201, "Ann"), bot.tg.user(202, "Ben")
    await bot.link(ann, "owner")
    await bot.link(ben, "friend")
    payload = await share_link(bot, ann)
    await bot.click(ben, await bot.say(ben, f"/start {payload}"), "✅ Accept")
    listing = await bot.say(ben, "/shared")
    confirm = await bot.click(ben, listing, f"✖ Remove {LIGHT}")
    kept = await bot.click(ben, confirm, "Cancel")
    assert LIGHT in kept.text
    assert (demo.devices["light"], demo.friend.user_id) in sandbox.state.shares
    confirm = await bot.click(ben, kept, f"✖ Remove {LIGHT}")
    gone = await bot.click(ben, confirm, "Yes, remove")
    assert "Nobody has shared a device with you" in gone.text
    assert (demo.devices["light"], demo.friend.user_id) not in sandbox.state.shares


async def test_invite_by_user_id_checks_the_id(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann = bot.tg.user(201, "Ann")
    await bot.link(ann, "owner")
    picker = await bot.say(ann, "/share")
    menu = await bot.click(ann, picker, "Bedroom sensor")
    ask = await bot.click(ann, menu, "✉️ Invite by user id")
    assert "user id" in ask.text
    bad = await bot.say(ann, "not an id!")
    assert "doesn't look like an IoT Explorer user id" in bad.text
    unknown = await bot.say(ann, "u_nobody")
    assert "Send another user id" in unknown.text
    sent = await bot.say(ann, demo.friend.user_id)
    assert "Invitation to Bedroom sensor sent" in sent.text
    invites = [
        m
        for m in sandbox.state.messages.values()
        if m.user_id == demo.friend.user_id and m.device_id == demo.devices["sensor"]
    ]
    assert len(invites) == 1 and invites[0].attachments["ShareToken"]


async def test_long_tokens_travel_as_short_keys(bot: BotHarness) -> None:
    assert bot.app is not None
    store = bot.app.services.store
    links = ShareLinks(store)
    for token in ("x" * 80, "abc+/=def"):
        payload = links.payload("s", token)
        assert len(payload) <= PAYLOAD_MAX and re.fullmatch(r"s[A-Za-z0-9_-]+", payload)
        assert token not in payload
        assert links.resolve("s", payload[1:]).token == token
    stored = "".join(str(row) for row in store.rows("SELECT * FROM share_links"))
    assert "x" * 80 not in stored


async def test_the_device_cards_share_button_opens_the_share_menu(bot: BotHarness) -> None:
    ann = bot.tg.user(201, "Ann")
    await bot.link(ann, "owner")
    devices = await bot.say(ann, "/devices")
    card = await bot.click(ann, devices, lambda button: LIGHT in button.text)
    menu = await bot.click(ann, card, "🔗 Share")
    assert f"Share {LIGHT}" in menu.text
    back = await bot.click(ann, menu, "◀ Device")
    assert back.button("🔗 Share")
