"""Manual scenes end to end: run one, build one in chat, delete one; against the sandbox."""

from __future__ import annotations

import asyncio
import json

import pytest

from bot.faketelegram import Message
from bot.sandbox.actions import scene_runs
from bot.sandbox.demo import DemoHome
from bot.sandbox.server import Sandbox
from tests.e2e.harness import BotHarness


def in_row_of(message: Message, label: str, text: str) -> object:
    """The button ``text`` in the same row as the button labelled ``label``."""
    row = message.button(label).row
    return lambda b: b.row == row and b.text == text


def power(sandbox: Sandbox, device_id: str) -> object:
    return sandbox.control.device_state(device_id)["Properties"]["power_switch"]


async def test_running_good_night_switches_the_light_and_plug_off(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann = bot.tg.user(301, "Ann")
    await bot.link(ann)
    light, plug = demo.devices["light"], demo.devices["plug"]
    sandbox.state.control_device(light, {"power_switch": 1})
    assert power(sandbox, light) == 1 and power(sandbox, plug) == 1
    listing = await bot.say(ann, "/scenes")
    assert {"▶ Good night", "▶ Movie time"} <= {b.text for b in listing.all_buttons()}
    ran = await bot.click(ann, listing, "▶ Good night")
    assert ran.message_id == listing.message_id  # shown in place
    assert "Good night is running." in ran.text
    assert power(sandbox, light) == 0 and power(sandbox, plug) == 0


async def test_a_scene_still_running_is_refused_in_place(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = asyncio.Event()

    async def held(seconds: float) -> None:  # the scene's 1 s delay lasts until we release it
        await gate.wait()

    monkeypatch.setattr(scene_runs, "sleep", held)
    ann = bot.tg.user(302, "Ann")
    await bot.link(ann)
    listing = await bot.say(ann, "/scenes")
    first = await bot.click(ann, listing, "▶ Movie time")
    assert "Movie time is running." in first.text
    light = sandbox.control.device_state(demo.devices["light"])["Properties"]
    assert (light["power_switch"], light["brightness"], light["color"]) == (1, 20, 2)
    again = await bot.click(ann, first, "▶ Movie time")
    assert "This scene is already running." in again.text
    assert again.message_id == listing.message_id
    gate.set()
    scene = sandbox.state.scenes[demo.extra["scenes"]["movie_time"]]
    await scene.run_task
    assert sandbox.control.device_state(demo.devices["speaker"])["Properties"]["volume"] == 20


async def test_building_a_scene_in_chat_checks_every_value(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann = bot.tg.user(303, "Ann")
    await bot.link(ann)
    before = set(sandbox.state.scenes)
    listing = await bot.say(ann, "/scenes")
    asked = await bot.click(ann, listing, "➕ New scene")
    assert "name for the new scene" in asked.text
    too_long = await bot.say(ann, "x" * 65)
    assert "1 to 64 characters" in too_long.text
    draft = await bot.say(ann, "Evening")
    assert "New scene: Evening" in draft.text and "No steps yet" in draft.text
    assert "💾 Save" not in [b.text for b in draft.all_buttons()]

    devices = await bot.click(ann, draft, "➕ Device")
    assert "Bedroom sensor" in [b.text for b in devices.all_buttons()]  # its interval is settable
    assert "Front door" not in [b.text for b in devices.all_buttons()]  # nothing to set there
    props = await bot.click(ann, devices, "Living room light")
    ask = await bot.click(ann, props, "Brightness")
    assert "a number from 0 to 100" in ask.text
    refused = await bot.say(ann, "150")
    assert "between 0 and 100 %" in refused.text
    draft = await bot.say(ann, "40")
    assert "1. Set Living room light's Brightness to 40 %" in draft.text

    delay = await bot.click(ann, draft, "⏱ Delay")
    assert "How many seconds" in delay.text
    assert "whole number of seconds" in (await bot.say(ann, "soon")).text
    draft = await bot.say(ann, "5")
    assert "2. Wait 5 s" in draft.text

    devices = await bot.click(ann, draft, "➕ Device")
    props = await bot.click(ann, devices, "Coffee machine plug")
    values = await bot.click(ann, props, "Power")
    draft = await bot.click(ann, values, "Off")
    assert "3. Turn Coffee machine plug's Power Off" in draft.text
    assert set(sandbox.state.scenes) == before  # nothing saved yet

    saved = await bot.click(ann, draft, "💾 Save")
    assert "Saved the scene Evening" in saved.text
    (new_id,) = set(sandbox.state.scenes) - before
    scene = sandbox.state.scenes[new_id]
    light, plug = demo.devices["light"].split("/"), demo.devices["plug"].split("/")
    assert scene.name == "Evening" and scene.family_id == demo.family_id
    assert [
        (a["ActionType"], a.get("DeviceName"), json.loads(a["Data"])) for a in scene.actions
    ] == [(0, light[1], {"brightness": 40}), (1, None, 5), (0, plug[1], {"power_switch": 0})]
    listing = await bot.click(ann, saved, "◀ Scenes")
    assert "▶ Evening" in [b.text for b in listing.all_buttons()]


async def test_undo_and_cancel_leave_the_cloud_alone(bot: BotHarness, sandbox: Sandbox) -> None:
    ann = bot.tg.user(304, "Ann")
    await bot.link(ann)
    before = set(sandbox.state.scenes)
    listing = await bot.say(ann, "/scenes")
    await bot.click(ann, listing, "➕ New scene")
    draft = await bot.say(ann, "Short")
    await bot.click(ann, draft, "⏱ Delay")
    draft = await bot.say(ann, "3")
    undone = await bot.click(ann, draft, "↩ Remove last step")
    assert "No steps yet" in undone.text
    cancelled = await bot.click(ann, undone, "✖ Cancel")
    assert "was not saved" in cancelled.text
    assert set(sandbox.state.scenes) == before


async def test_deleting_a_scene_asks_first(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    ann = bot.tg.user(305, "Ann")
    await bot.link(ann)
    movie = demo.extra["scenes"]["movie_time"]
    listing = await bot.say(ann, "/scenes")
    ask = await bot.click(ann, listing, in_row_of(listing, "▶ Movie time", "🗑"))
    assert "Delete the scene Movie time?" in ask.text and "3 steps" in ask.text
    kept = await bot.click(ann, ask, "Cancel")
    assert movie in sandbox.state.scenes and "▶ Movie time" in [b.text for b in kept.all_buttons()]
    ask = await bot.click(ann, kept, in_row_of(kept, "▶ Movie time", "🗑"))
    done = await bot.click(ann, ask, "🗑 Delete")
    assert "Deleted the scene Movie time" in done.text
    assert movie not in sandbox.state.scenes
    assert "▶ Movie time" not in [b.text for b in done.all_buttons()]


async def test_scenes_need_a_linked_account(bot: BotHarness) -> None:
    bob = bot.tg.user(306, "Bob")
    reply = await bot.say(bob, "/scenes")
    assert "haven't linked an IoT Explorer account" in reply.text
