"""Screens of a big home through the fake Telegram (which refuses what Telegram refuses): pages
that fit, their buttons leading on, and actions that bring the user back to the page they were on.
"""

from __future__ import annotations

from bot.sandbox.demo import DemoHome
from bot.sandbox.server import Sandbox
from bot.sandbox.state import Scene
from tests.e2e.harness import BotHarness

LONG = ("🏠客厅灯😀" * 20)[:100]  # 100 characters, 140 UTF-16 units


def _fits(text: str | None) -> str:
    assert text is not None
    assert len(text.encode("utf-16-le")) // 2 <= 4096
    return text


async def test_fifty_five_scenes_page_and_running_one_keeps_its_page(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    state = sandbox.state
    for n in range(55):
        scene = Scene(f"bulk{n}", demo.family_id, f"{n:02d} {LONG}", "", [], 0, 0)
        state.scenes[scene.scene_id] = scene
    ann = bot.tg.user(311, "Ann")
    await bot.link(ann)
    first = await bot.say(ann, "/scenes")
    assert "page 1 of 3" in _fits(first.text)
    assert len(first.all_buttons()) <= 100
    assert any(b.text == "▶ Good night" for b in first.all_buttons())  # the family's first ones
    second = await bot.click(ann, first, "▶")
    third = await bot.click(ann, second, "▶")
    assert "page 3 of 3" in _fits(third.text)
    last = next(b for b in third.all_buttons() if b.text.startswith("▶ 54 "))
    ran = await bot.click(ann, third, last.text)
    assert "is running." in _fits(ran.text) and "page 3 of 3" in ran.text
    assert any(b.text.startswith("▶ 54 ") for b in ran.all_buttons())


async def test_a_hundred_and_ten_devices_page_in_the_timers_picker(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    for n in range(110):
        sandbox.control.create_device(demo.family_id, "DEMOPLUG01", f"bulk{n}", f"{n:03d} {LONG}")
    ann = bot.tg.user(312, "Ann")
    await bot.link(ann)
    page = await bot.say(ann, "/timers")
    assert len(page.all_buttons()) == 22 and page.button("1/6")
    while not any(b.text.startswith("109 ") for b in page.all_buttons()):
        assert len(page.all_buttons()) <= 23
        page = await bot.click(ann, page, "▶")
    plug = next(b for b in page.all_buttons() if b.text.startswith("109 "))
    timers = await bot.click(ann, page, plug.text)
    assert "Timers of 109 🏠" in _fits(timers.text)


async def test_a_toast_naming_a_long_home_name_is_cut_to_what_telegram_takes(
    bot: BotHarness, sandbox: Sandbox, demo: DemoHome
) -> None:
    sandbox.control.create_family(demo.owner.user_id, LONG * 3)
    ann = bot.tg.user(313, "Ann")
    await bot.link(ann)
    listing = await bot.say(ann, "/devices")
    homes = await bot.click(ann, listing, "🏘 Switch home")
    chosen = next(b for b in homes.all_buttons() if b.text.startswith("🏠客厅灯"))
    query = await bot.tg.press(ann, homes, chosen.text)
    shown = await bot.tg.next_message(ann)
    assert _fits(shown.text).startswith("🏠客厅灯")  # the new home's device list
    answer = bot.tg.callback_answer(query)
    assert answer is not None and answer.text is not None
    assert answer.text.startswith("Showing 🏠客厅灯") and answer.text.endswith("…")
    assert len(answer.text.encode("utf-16-le")) // 2 <= 200
