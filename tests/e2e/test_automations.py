"""Automations end to end: the list, switching one on and off, and what triggers it in words."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from bot.iot.models.scenes import (
    MATCH_ANY,
    ActionDelay,
    ActionDevice,
    ActionNotify,
    ActionScene,
    AutomationSpec,
    ConditionDevice,
    ConditionTimer,
)
from bot.sandbox.demo import DemoHome
from bot.sandbox.server import Sandbox
from tests.e2e.harness import BotHarness


def in_row_of(message, label: str):
    row = message.button(label).row
    return lambda b: b.row == row and b.text != label


async def test_too_hot_is_switched_in_the_sandbox_and_reads_right(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann = bot.tg.user(401, "Ann")
    await bot.link(ann)
    too_hot = sandbox.state.automations[demo.extra["automations"]["too_hot"]]
    assert too_hot.status == 1
    listing = await bot.say(ann, "/automations")
    assert listing.button(in_row_of(listing, "Too hot")).text == "✅ On"
    off = await bot.click(ann, listing, in_row_of(listing, "Too hot"))
    assert off.message_id == listing.message_id and "Too hot is off." in off.text
    assert too_hot.status == 0
    assert off.button(in_row_of(off, "Too hot")).text == "⏸ Off"

    details = await bot.click(ann, off, "Too hot")
    assert "Too hot — ⏸ off" in details.text
    assert (
        "When Bedroom sensor's Temperature is above 28 ℃ (all of these), at any time: "
        "turn Coffee machine plug's Power Off, then notify “It is over 28 °C in the bedroom: "
        "the coffee machine plug is off.”." in details.text
    )
    on = await bot.click(ann, details, "▶ Turn on")
    assert "Too hot is on." in on.text and "Too hot — ✅ on" in on.text
    assert too_hot.status == 1
    back = await bot.click(ann, on, "◀ Automations")
    assert back.button(in_row_of(back, "Too hot")).text == "✅ On"


async def test_every_kind_of_condition_and_action_is_told(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann = bot.tg.user(402, "Ann")
    await bot.link(ann)
    bot.app.services.store.update_settings(ann.id, timezone="Europe/Berlin")  # type: ignore[union-attr]
    light = demo.devices["light"].split("/")
    spec = AutomationSpec(
        name="Weekend <mornings>",
        conditions=(
            ConditionDevice(light[0], light[1], "color", "eq", 2),
            ConditionTimer("1000001", "07:00"),
        ),
        actions=(
            ActionDevice(light[0], light[1], {"brightness": 20, "color": 0}),
            ActionDelay(90),
            ActionScene(demo.extra["scenes"]["good_night"]),
            ActionNotify("Bedtime & sleep"),
        ),
        match_type=MATCH_ANY,
        effective_days="0111110",
        effective_begin="08:00",
        effective_end="22:00",
    )
    account = bot.app.services.store.get_account(ann.id)  # type: ignore[union-attr]
    await bot.app.services.iot.create_automation(account.token, demo.family_id, spec)  # type: ignore[union-attr]

    listing = await bot.say(ann, "/scenes")
    listing = await bot.click(ann, listing, "⚙️ Automations")
    details = await bot.click(ann, listing, "Weekend <mornings>")
    today = datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).date()
    local = datetime.combine(today, time(7), ZoneInfo("Asia/Shanghai")).astimezone(
        ZoneInfo("Europe/Berlin")
    )
    assert local.date() == today  # 07:00 in China is the same morning in Berlin
    expected = (
        "When Living room light's Color is Blue or it is 07:00 (China time, UTC+8) · Sat and Sun "
        f"(your time: {local:%H:%M} · Sat and Sun) (any of these), "
        "on Mon–Fri between 08:00 and 22:00 (China time): "
        "set Living room light's Brightness to 20 %, Color to Red, then wait 1 min 30 s, "
        "then run the scene “Good night”, then notify “Bedtime & sleep”."
    )
    assert expected in details.text
    assert "Weekend <mornings> — ✅ on" in details.text  # names are escaped, not markup


async def test_automations_need_a_family(bot: BotHarness, sandbox: Sandbox) -> None:
    bob = bot.tg.user(403, "Bob")
    await bot.link(bob)
    bot.app.services.store.set_family(bob.id, None)  # type: ignore[union-attr]
    reply = await bot.say(bob, "/automations")
    assert "not in a family yet" in reply.text
