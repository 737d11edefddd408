"""Manual scenes: /scenes lists the current family's scenes to run or delete."""

from __future__ import annotations

from html import escape

from telegram import Update

from bot.handlers.scenes import automations, builder
from bot.i18n import N_, _
from bot.iot import errors
from bot.iot.models.scenes import Scene
from bot.telegram.callbacks import Callback
from bot.telegram.context import HomeApplication, HomeContext
from bot.telegram.error_texts import describe
from bot.telegram.limits import clip
from bot.telegram.routing import Buttons
from bot.telegram.screens import View, home_for, show, user_id_of
from bot.views import scenes as views
from bot.views.paging import page_arg


async def scene_list(context: HomeContext, user_id: int, notice: str = "", page: int = 0) -> View:
    """A page of the family's scenes, or why there are none to show."""
    family = home_for(context, user_id).family_id()
    if family is None:
        return views.no_family(), None
    scenes = await home_for(context, user_id).all_scenes(family)
    return views.scene_list(scenes, Buttons(context, user_id), notice, page)


async def scenes_command(update: Update, context: HomeContext) -> None:
    """/scenes: the current family's scenes."""
    user_id = user_id_of(update)
    await show(update, await scene_list(context, user_id))


async def list_again(update: Update, context: HomeContext, callback: Callback) -> None:
    page = page_arg(callback.args, 0)
    await show(update, await scene_list(context, callback.owner_id, page=page))


async def _find(
    context: HomeContext, user_id: int, scene_id: str
) -> tuple[list[Scene], Scene | None]:
    """The family's scenes, and the one with ``scene_id`` if it still exists."""
    family = home_for(context, user_id).family_id()
    scenes = await home_for(context, user_id).all_scenes(family) if family else []
    return scenes, next((s for s in scenes if s.scene_id == scene_id), None)


def _refused(scene: Scene, err: errors.ApiError) -> str:
    return "⚠ " + escape(clip(scene.name)) + ": " + (describe(err) or "")


async def run(update: Update, context: HomeContext, callback: Callback) -> None:
    """Run a scene; its result (running, or why not) shows above the list."""
    user_id, scene_id, page = callback.owner_id, callback.args[0], page_arg(callback.args, 1)
    iot = context.services.iot
    scenes, scene = await _find(context, user_id, scene_id)
    if scene is None:
        notice = _gone()
    else:
        try:
            await home_for(context, user_id).call(iot.run_scene, scene_id)
        except errors.ApiError as err:
            notice = _refused(scene, err)
        else:
            notice = views.running(scene.name)
    await show(update, views.scene_list(scenes, Buttons(context, user_id), notice, page))


async def ask_delete(update: Update, context: HomeContext, callback: Callback) -> None:
    """🗑 beside a scene: ask before deleting it."""
    user_id, page = callback.owner_id, page_arg(callback.args, 1)
    scenes, scene = await _find(context, user_id, callback.args[0])
    if scene is None:
        await show(update, views.scene_list(scenes, Buttons(context, user_id), _gone(), page))
        return
    await show(update, views.confirm_delete(scene, Buttons(context, user_id), page))


async def delete(update: Update, context: HomeContext, callback: Callback) -> None:
    """Delete the scene (confirmed); the list shows what happened."""
    user_id, scene_id, page = callback.owner_id, callback.args[0], page_arg(callback.args, 1)
    iot = context.services.iot
    _scenes, scene = await _find(context, user_id, scene_id)
    if scene is None:
        notice = _gone()
    else:
        try:
            await home_for(context, user_id).call(iot.delete_scene, scene_id)
        except errors.ApiError as err:
            notice = _refused(scene, err)
        else:
            notice = _("🗑 Deleted the scene <b>{scene}</b>.").format(scene=escape(clip(scene.name)))
    await show(update, await scene_list(context, user_id, notice, page))


def _gone() -> str:
    return _("That scene no longer exists.")


def register(app: HomeApplication) -> None:
    """Scenes and automations: /scenes, /automations, running, switching, the New scene builder."""
    routes = app.routes
    routes.command("scenes", scenes_command, N_("Run and manage scenes"), 50)
    routes.command(
        "automations",
        automations.automations_command,
        N_("Automations: what triggers them, on/off"),
        51,
    )
    routes.button("scn.list", list_again)
    routes.button("scn.run", run)
    routes.button("scn.del", ask_delete)
    routes.button("scn.delok", delete)
    routes.button("aut.list", automations.list_again)
    routes.button("aut.open", automations.open_details)
    routes.button("aut.tog", automations.toggle)
    routes.button("scn.new", builder.start)
    routes.text("scn.name", builder.named)
    routes.button("scb.show", builder.show_draft)
    routes.button("scb.dev", builder.pick_device)
    routes.button("scb.pick", builder.pick_property)
    routes.button("scb.prop", builder.pick_value)
    routes.button("scb.val", builder.value_pressed)
    routes.text("scb.value", builder.value_typed)
    routes.button("scb.delay", builder.ask_delay)
    routes.text("scb.delaytext", builder.delay_typed)
    routes.button("scb.undo", builder.undo)
    routes.button("scb.save", builder.save)
    routes.button("scb.cancel", builder.cancel)
