"""Texts and keyboards of manual scenes: the list with Run buttons, deleting, and building one."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import _, ngettext
from bot.iot.models.scenes import Scene, SceneAction
from bot.telegram.limits import clip, fit_lines, fitted
from bot.telegram.routing import Buttons
from bot.views.automations import HomeBook, action_text
from bot.views.paging import on_page, page_of, pager

View = tuple[str, InlineKeyboardMarkup]
NAME_MAX = 64
DELAY_MAX = 24 * 3600
SCENES_PAGE = 20  # scenes per page of the list (two buttons each)


def scene_list(scenes: Sequence[Scene], buttons: Buttons, notice: str = "", page: int = 0) -> View:
    """A page of the family's scenes, each with ▶ Run and 🗑; the way to new ones and automations."""
    lines = [_("<b>🎬 Scenes</b>")]
    if notice:
        lines.append(notice)
    shown, page, pages = page_of(scenes, page, SCENES_PAGE)
    if scenes:
        lines.append(_("Tap ▶ to run a scene."))
    else:
        lines.append(_("This family has no scenes yet."))
    if pages > 1:
        lines.append(_("page {page} of {pages}").format(page=page + 1, pages=pages))
    rows: list[list[InlineKeyboardButton]] = []
    for scene in shown:
        label = "▶ " + clip(scene.name) + (" ⚠" if scene.device_missing else "")
        rows.append(
            [
                buttons(label, "scn.run", scene.scene_id, *on_page(page)),
                buttons("🗑", "scn.del", scene.scene_id, *on_page(page)),
            ]
        )
    if any(s.device_missing for s in shown):
        lines.append(_("⚠ A device of this scene is no longer in the family."))
    if pages > 1:
        rows.append(pager(buttons, page, pages, "scn.list"))
    rows.append([buttons(_("➕ New scene"), "scn.new"), buttons(_("⚙️ Automations"), "aut.list")])
    return fitted("\n".join(lines)), InlineKeyboardMarkup(rows)


def no_family() -> str:
    """Why there is nothing to show: the account is in no family."""
    return _(
        "You're not in a family yet. Create one in the IoT Explorer app, or join one with an "
        "invitation link."
    )


def running(name: str) -> str:
    """The notice after a scene was started."""
    return _("▶ <b>{scene}</b> is running.").format(scene=escape(clip(name)))


def confirm_delete(scene: Scene, buttons: Buttons, page: int = 0) -> View:
    """Ask before deleting a scene (Cancel goes back to the list's ``page``)."""
    count = len(scene.actions)
    text = _("Delete the scene <b>{scene}</b>?").format(scene=escape(clip(scene.name)))
    text += " " + ngettext("It has {n} step.", "It has {n} steps.", count).format(n=count)
    text += " " + _("This can't be undone.")
    keyboard = InlineKeyboardMarkup(
        [
            [
                buttons(_("🗑 Delete"), "scn.delok", scene.scene_id, *on_page(page)),
                buttons(_("Cancel"), "scn.list", *on_page(page)),
            ]
        ]
    )
    return text, keyboard


def ask_name() -> str:
    """Ask for the new scene's name."""
    return _("Send a name for the new scene (1 to {max} characters), or /cancel.").format(
        max=NAME_MAX
    )


def bad_name() -> str:
    """Why a typed scene name was refused."""
    return _(
        "A scene name has 1 to {max} characters on one line. Send another, or /cancel."
    ).format(max=NAME_MAX)


def ask_delay() -> str:
    """Ask how long a delay step waits."""
    return _("How many seconds should the scene wait here? Send a number from 1 to {max}.").format(
        max=DELAY_MAX
    )


def bad_delay() -> str:
    """Why a typed delay was refused."""
    return _(
        "A delay is a whole number of seconds from 1 to {max}. Send another, or /cancel."
    ).format(max=DELAY_MAX)


def draft(
    name: str, steps: Sequence[SceneAction], book: HomeBook, buttons: Buttons, notice: str = ""
) -> View:
    """The scene being built: its steps so far (the first ones that fit), and what can be added."""
    head = [_("<b>New scene: {scene}</b>").format(scene=escape(clip(name)))]
    if notice:
        head.append(notice)
    listed = [f"{i}. {step_text(step, book)}" for i, step in enumerate(steps, 1)]
    if not steps:
        head.append(_("No steps yet: add what the scene should do, in order."))
    lines = fit_lines(listed, head=head)
    rows = [
        [buttons(_("➕ Device"), "scb.dev"), buttons(_("⏱ Delay"), "scb.delay")],
    ]
    if steps:
        rows.append([buttons(_("↩ Remove last step"), "scb.undo")])
        rows.append([buttons(_("💾 Save"), "scb.save")])
    rows.append([buttons(_("✖ Cancel"), "scb.cancel")])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def step_text(step: SceneAction, book: HomeBook) -> str:
    """A step of a scene in words, starting with a capital like a list item."""
    text = action_text(step, book)
    return text[:1].upper() + text[1:]


def saved(name: str, buttons: Buttons) -> View:
    """The scene was created."""
    text = _("Saved the scene <b>{scene}</b>.").format(scene=escape(clip(name)))
    return text, InlineKeyboardMarkup([[buttons(_("◀ Scenes"), "scn.list")]])


def cancelled(buttons: Buttons) -> View:
    """The new scene was dropped."""
    text = _("The new scene was not saved.")
    return text, InlineKeyboardMarkup([[buttons(_("◀ Scenes"), "scn.list")]])
