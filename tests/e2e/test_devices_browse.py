"""Finding devices: homes, pages, shared devices, typed names, and live cards."""

from __future__ import annotations

from bot.notify.live_cards import open_cards, refresh_card
from bot.notify.wiring import start_push, stop_push
from bot.sandbox.demo import DemoHome
from bot.sandbox.server import Sandbox
from tests.e2e.harness import BotHarness

HTML_NAME = '<b>Tom & "Jerry\'s"</b>'


async def test_a_big_home_pages_ten_at_a_time(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    family_id = sandbox.control.create_family(demo.owner.user_id, "Big House", ["Hall"])
    for number in range(1, 121):
        sandbox.control.create_device(
            family_id, "DEMOPLUG01", f"plug_{number:03}", f"Plug {number:03}"
        )
    ann = bot.tg.user(301, "Ann")
    await bot.link(ann, "owner")
    listing = await bot.say(ann, "/devices")
    assert "My Home" in listing.text  # the family chosen at sign-in
    homes = await bot.click(ann, listing, "🏘 Switch home")
    assert "Which home?" in homes.text
    assert [b.text for b in homes.all_buttons()] == ["✓ My Home", "Big House"]
    page = await bot.click(ann, homes, "Big House")
    assert "Big House · All rooms" in page.text and "120 devices" in page.text
    seen: list[str] = []
    for number in range(1, 13):
        assert f"page {number} of 12" in page.text
        names = [b.text for b in page.all_buttons() if b.text.startswith("🟢 Plug")]
        assert len(names) == 10
        seen += names
        if number < 12:
            page = await bot.click(ann, page, "▶")
    assert seen == [f"🟢 Plug {n:03}" for n in range(1, 121)]
    assert "▶" not in [b.text for b in page.all_buttons()]
    back = await bot.click(ann, page, "◀")
    assert "page 11 of 12" in back.text
    again = await bot.say(ann, "/devices")
    assert "Big House · All rooms" in again.text  # the choice is remembered


async def test_several_homes_without_a_choice_ask_first(bot: BotHarness, demo: DemoHome) -> None:
    ann = bot.tg.user(302, "Ann")
    await bot.link(ann, "owner")
    bot.sandbox.control.create_family(demo.owner.user_id, "Cabin")
    bot.app.services.store.set_family(302, None)  # type: ignore[union-attr]
    asked = await bot.say(ann, "/devices")
    assert "Which home?" in asked.text
    cabin = await bot.click(ann, asked, "Cabin")
    assert "Cabin · All rooms" in cabin.text and "No devices in this home yet" in cabin.text
    account = bot.app.services.store.get_account(302)  # type: ignore[union-attr]
    assert account is not None and account.family_id != demo.family_id


async def test_html_in_a_device_name_shows_intact(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    sandbox.control.create_device(demo.family_id, "DEMOPLUG01", "html_plug", HTML_NAME)
    ann = bot.tg.user(303, "Ann")
    await bot.link(ann, "owner")
    listing = await bot.say(ann, "/devices")
    assert f"🟢 {HTML_NAME} · " not in listing.text  # in no room: no room shown
    assert f"🟢 {HTML_NAME}" in listing.text
    card = await bot.click(ann, listing, f"🟢 {HTML_NAME}")
    assert card.text.splitlines()[0] == HTML_NAME


async def test_typing_a_name_opens_its_card(bot: BotHarness) -> None:
    ann = bot.tg.user(304, "Ann")
    await bot.link(ann, "owner")
    card = await bot.say(ann, "living room lite")
    assert card.text.startswith("Living room light") and "Brightness: 60 %" in card.text
    exact = await bot.say(ann, "CAT FEEDER")
    assert exact.text.startswith("Cat feeder")


async def test_an_ambiguous_name_offers_candidates(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    sandbox.control.create_device(demo.family_id, "DEMOLIGHT1", "desk_light", "Desk light")
    ann = bot.tg.user(305, "Ann")
    await bot.link(ann, "owner")
    choice = await bot.say(ann, "light")
    assert "Several devices match “light”" in choice.text
    assert [b.text for b in choice.all_buttons()] == ["Living room light", "Desk light"]
    card = await bot.click(ann, choice, "Desk light")
    assert card.text.startswith("Desk light") and card.message_id == choice.message_id
    hint = await bot.say(ann, "what's the weather like")
    assert "didn't catch that" in hint.text


async def test_names_are_not_guessed_for_unlinked_users(bot: BotHarness) -> None:
    ann = bot.tg.user(306, "Ann")
    hint = await bot.say(ann, "living room light")
    assert "didn't catch that" in hint.text
    refused = await bot.say(ann, "/devices")
    assert "haven't linked" in refused.text


async def test_devices_shared_with_me(bot: BotHarness, sandbox: Sandbox, demo: DemoHome) -> None:
    iot = bot.app.services.iot  # type: ignore[union-attr]
    friend = await iot.login_email(demo.friend.email, demo.friend.password)
    invite = demo.extra["sharing"]["invite_token"]
    await iot.bind_shared_device(friend.token, invite, demo.devices["light"])
    sam = bot.tg.user(307, "Sam")
    await bot.link(sam, "friend")
    listing = await bot.say(sam, "/devices")
    assert "Sam's flat" in listing.text
    shared = await bot.click(sam, listing, "🤝 Shared with me (1)")
    assert "Shared with me" in shared.text and "Living room light" in shared.text
    card = await bot.click(sam, shared, "🟢 Living room light")
    assert "🤝 Shared with you" in card.text
    texts = [b.text for b in card.all_buttons()]
    assert "🔗 Share" not in texts and "⚙ Manage" in texts
    toggled = await bot.click(sam, card, "⚪ Power: Off")
    assert "Power: On" in toggled.text
    assert sandbox.control.device_state(demo.devices["light"])["Properties"]["power_switch"] == 1
    back = await bot.click(sam, toggled, "◀ Back")
    assert "Shared with me" in back.text
    typed = await bot.say(sam, "living room light")
    assert "🤝 Shared with you" in typed.text


async def test_an_open_card_follows_its_device(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann = bot.tg.user(308, "Ann")
    await bot.link(ann, "owner")
    listing = await bot.say(ann, "/devices")
    card = await bot.click(ann, listing, "🟢 Bedroom sensor")
    assert "Temperature: 21.5 ℃" in card.text
    app = bot.app
    assert app is not None
    cards = open_cards(app.services).for_device(demo.devices["sensor"])
    assert [(c.chat_id, c.message_id, c.user_id) for c in cards] == [(308, card.message_id, 308)]
    sandbox.control.report(demo.devices["sensor"], {"temperature": 23.4})
    assert await refresh_card(app, cards[0])
    live = await bot.tg.next_message(ann)
    assert live.message_id == card.message_id and "Temperature: 23.4 ℃" in live.text
    await bot.click(ann, live, "◀ Back")
    assert open_cards(app.services).for_device(demo.devices["sensor"]) == []


async def test_a_pushed_report_updates_the_open_card_by_itself(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    app = bot.app
    assert app is not None
    await start_push(app)  # a no-op once post_init starts it
    try:
        ann = bot.tg.user(309, "Ann")
        await bot.link(ann, "owner")
        listing = await bot.say(ann, "/devices")
        card = await bot.click(ann, listing, "🟢 Bedroom sensor")
        assert "Humidity: 45 %" in card.text
        sensor, hub = demo.devices["sensor"], sandbox.server.hub
        account = app.services.store.get_account(309)
        assert account is not None

        def listening() -> bool:
            return any(s.token == account.token and sensor in s.device_ids for s in hub.subscribers)

        await bot.tg.wait_for(listening, timeout=10)
        sandbox.control.report(sensor, {"humidity": 52})
        live = await bot.tg.next_message(ann, timeout=10)
        assert live.message_id == card.message_id and "Humidity: 52 %" in live.text
    finally:
        await stop_push(app)
