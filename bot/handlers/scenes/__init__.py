"""Manual scenes: /scenes lists the current family's scenes to run or delete."""

from __future__ import annotations

from html import escape

from telegram import Update
from telegram.ext import CommandHandler

from bot.handlers.scenes import builder as scene_builder  # noqa: F401  (registers the New scene routes)
from bot.home.catalogue import all_scenes, family_id
from bot.i18n import N_, _
from bot.iot import errors
from bot.iot.models.scenes import Scene
from bot.telegram import commands
from bot.telegram.callbacks import Callback
from bot.telegram.context import HomeApplication, HomeContext
from bot.telegram.error_texts import describe
from bot.telegram.limits import clip
from bot.telegram.routing import Buttons, on_button
from bot.telegram.screens import View, show
from bot.views import scenes as views
from bot.views.paging import page_arg


async def scene_list(context: HomeContext, user_id: int, notice: str = "", page: int = 0) -> View:
    """A page of the family's scenes, or why there are none to show."""
    family = family_id(context, user_id)
    if family is None:
        return views.no_family(), None
    scenes = await all_scenes(context, user_id, family)
    return views.scene_list(scenes, Buttons(context, user_id), notice, page)


async def scenes_command(update: Update, context: HomeContext) -> None:
    """/scenes: the current family's scenes."""
    user = update.effective_user
    assert user is not None
    await show(update, await scene_list(context, user.id))


@on_button("scn.list")
async def list_again(update: Update, context: HomeContext, callback: Callback) -> None:
    page = page_arg(callback.args, 0)
    await show(update, await scene_list(context, callback.owner_id, page=page))


async def _find(
    context: HomeContext, user_id: int, scene_id: str
) -> tuple[list[Scene], Scene | None]:
    """The family's scenes, and the one with ``scene_id`` if it still exists."""
    family = family_id(context, user_id)
    scenes = await all_scenes(context, user_id, family) if family else []
    return scenes, next((s for s in scenes if s.scene_id == scene_id), None)


def _refused(scene: Scene, err: errors.ApiError) -> str:
    return "⚠ " + escape(clip(scene.name)) + ": " + (describe(err) or "")


@on_button("scn.run")
async def run(update: Update, context: HomeContext, callback: Callback) -> None:
    """Run a scene; its result (running, or why not) shows above the list."""
    user_id, scene_id, page = callback.owner_id, callback.args[0], page_arg(callback.args, 1)
    iot = context.services.iot
    scenes, scene = await _find(context, user_id, scene_id)
    if scene is None:
        notice = _gone()
    else:
        try:
            await context.services.accounts.run(user_id, lambda t: iot.run_scene(t, scene_id))
        except errors.ApiError as err:
            notice = _refused(scene, err)
        else:
            notice = views.running(scene.name)
    await show(update, views.scene_list(scenes, Buttons(context, user_id), notice, page))


@on_button("scn.del")
async def ask_delete(update: Update, context: HomeContext, callback: Callback) -> None:
    """🗑 beside a scene: ask before deleting it."""
    user_id, page = callback.owner_id, page_arg(callback.args, 1)
    scenes, scene = await _find(context, user_id, callback.args[0])
    if scene is None:
        await show(update, views.scene_list(scenes, Buttons(context, user_id), _gone(), page))
        return
    await show(update, views.confirm_delete(scene, Buttons(context, user_id), page))


@on_button("scn.delok")
async def delete(update: Update, context: HomeContext, callback: Callback) -> None:
    """Delete the scene (confirmed); the list shows what happened."""
    user_id, scene_id, page = callback.owner_id, callback.args[0], page_arg(callback.args, 1)
    iot = context.services.iot
    _scenes, scene = await _find(context, user_id, scene_id)
    if scene is None:
        notice = _gone()
    else:
        try:
            await context.services.accounts.run(user_id, lambda t: iot.delete_scene(t, scene_id))
        except errors.ApiError as err:
            notice = _refused(scene, err)
        else:
            notice = _("🗑 Deleted the scene <b>{scene}</b>.").format(scene=escape(clip(scene.name)))
    await show(update, await scene_list(context, user_id, notice, page))


def _gone() -> str:
    return _("That scene no longer exists.")


def register(app: HomeApplication) -> None:
    """Add /scenes; the buttons route through the dispatcher."""
    app.add_handler(CommandHandler("scenes", scenes_command))
    commands.add_command("scenes", N_("Run and manage scenes"), 50)
