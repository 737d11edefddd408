"""Building a new scene in chat: a name, then device settings and delays in order, then save."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup, Update

from bot.home.catalogue import Catalogue
from bot.i18n import _
from bot.iot import errors
from bot.iot.models.scenes import ActionDelay, ActionDevice, SceneAction
from bot.iot.template import InvalidValue
from bot.telegram.callbacks import Callback
from bot.telegram.context import HomeContext, answer_query
from bot.telegram.error_texts import describe
from bot.telegram.routing import Buttons, cancel_text, expect_text
from bot.telegram.screens import View, home_for, show, user_id_of
from bot.views import scenes as views
from bot.views import setting_picker as picker
from bot.views.automations import HomeBook
from bot.views.paging import page_arg

DRAFT_KEY = "scene_draft"
STEPS_MAX = 32  # the most actions a scene takes


def _draft(context: HomeContext) -> dict[str, Any] | None:
    draft = (context.user_data or {}).get(DRAFT_KEY)
    return draft if isinstance(draft, dict) else None


def _actions(draft: dict[str, Any]) -> list[SceneAction]:
    actions: list[SceneAction] = []
    for step in draft["steps"]:
        if "delay" in step:
            actions.append(ActionDelay(int(step["delay"])))
        else:
            product_id, _sep, device_name = str(step["device"]).partition("/")
            actions.append(ActionDevice(product_id, device_name, dict(step["values"])))
    return actions


async def _draft_view(context: HomeContext, user_id: int, notice: str = "") -> View:
    draft = _draft(context)
    if draft is None:
        return _gone(context, user_id)
    book = HomeBook.of(await home_for(context, user_id).catalogue(draft["family"]))
    return views.draft(draft["name"], _actions(draft), book, Buttons(context, user_id), notice)


def _gone(context: HomeContext, user_id: int) -> View:
    text = _("That new scene is no longer open. Start again from /scenes.")
    return text, InlineKeyboardMarkup([[Buttons(context, user_id)(_("◀ Scenes"), "scn.list")]])


def _back(context: HomeContext, user_id: int, route: str, *args: str) -> Any:
    return Buttons(context, user_id)(_("◀ Back"), route, *args)


async def start(update: Update, context: HomeContext, callback: Callback) -> None:
    """➕ New scene: ask for its name."""
    user_id = callback.owner_id
    family = home_for(context, user_id).family_id()
    chat = update.effective_chat
    assert chat is not None and context.user_data is not None
    if family is None:
        await show(update, (views.no_family(), None))
        return
    context.user_data[DRAFT_KEY] = {"family": family, "name": "", "steps": []}
    expect_text(context, chat.id, "scn.name")
    await show(update, (views.ask_name(), None))


async def named(update: Update, context: HomeContext, text: str, args: tuple[str, ...]) -> None:
    user_id, chat = user_id_of(update), update.effective_chat
    assert chat is not None
    draft = _draft(context)
    if draft is None:
        await show(update, _gone(context, user_id))
        return
    name = text.strip()
    if not 1 <= len(name) <= views.NAME_MAX or not name.isprintable():
        expect_text(context, chat.id, "scn.name")
        await show(update, (views.bad_name(), None))
        return
    draft["name"] = name
    await show(update, await _draft_view(context, user_id))


async def show_draft(update: Update, context: HomeContext, callback: Callback) -> None:
    cancel_text(context)
    await show(update, await _draft_view(context, callback.owner_id))


async def _room_for_a_step(update: Update, context: HomeContext, draft: dict[str, Any]) -> bool:
    if len(draft["steps"]) < STEPS_MAX:
        return True
    text = _("A scene has at most {max} steps.").format(max=STEPS_MAX)
    await answer_query(update, context, text, alert=True)
    return False


async def pick_device(update: Update, context: HomeContext, callback: Callback) -> None:
    user_id = callback.owner_id
    cancel_text(context)
    draft = _draft(context)
    if draft is None:
        await show(update, _gone(context, user_id))
        return
    if not await _room_for_a_step(update, context, draft):
        return
    home = await home_for(context, user_id).catalogue(draft["family"])
    title = _("Which device should the scene set?")
    back = _back(context, user_id, "scb.show")
    buttons, page = Buttons(context, user_id), page_arg(callback.args, 0)
    view = picker.device_menu(
        title, home.with_settings(), buttons, "scb.pick", back, paging=("scb.dev",), page=page
    )
    await show(update, view)


async def pick_property(update: Update, context: HomeContext, callback: Callback) -> None:
    user_id, device_id = callback.owner_id, callback.args[0]
    cancel_text(context)
    draft = _draft(context)
    if draft is None:
        await show(update, _gone(context, user_id))
        return
    home = await home_for(context, user_id).catalogue(draft["family"])
    device = home.devices.get(device_id)
    if device is None:
        await show(update, await _draft_view(context, user_id, _no_device()))
        return
    back = _back(context, user_id, "scb.dev")
    view = picker.property_menu(
        device,
        home.settable(device_id),
        Buttons(context, user_id),
        "scb.prop",
        back,
        paging=("scb.pick", device_id),
        page=page_arg(callback.args, 1),
    )
    await show(update, view)


async def pick_value(update: Update, context: HomeContext, callback: Callback) -> None:
    user_id, (device_id, property_id) = callback.owner_id, callback.args[:2]
    chat = update.effective_chat
    assert chat is not None
    draft = _draft(context)
    if draft is None:
        await show(update, _gone(context, user_id))
        return
    home = await home_for(context, user_id).catalogue(draft["family"])
    device, prop = home.devices.get(device_id), home.prop(device_id, property_id)
    if device is None or prop is None:
        await show(update, await _draft_view(context, user_id, _no_device()))
        return
    if not picker.picks_by_button(prop):
        expect_text(context, chat.id, "scb.value", device_id, property_id)
    back = _back(context, user_id, "scb.pick", device_id)
    view = picker.value_menu(
        device,
        prop,
        Buttons(context, user_id),
        "scb.val",
        back,
        paging=("scb.prop", device_id, property_id),
        page=page_arg(callback.args, 2),
    )
    await show(update, view)


async def value_pressed(update: Update, context: HomeContext, callback: Callback) -> None:
    device_id, property_id, key = callback.args[:3]
    await _add_setting(update, context, callback.owner_id, device_id, property_id, key)


async def value_typed(
    update: Update, context: HomeContext, text: str, args: tuple[str, ...]
) -> None:
    user_id = user_id_of(update)
    await _add_setting(update, context, user_id, args[0], args[1], text)


async def _add_setting(
    update: Update, context: HomeContext, user_id: int, device_id: str, property_id: str, raw: str
) -> None:
    """Check ``raw`` against the property's template and add it as a step; else say why."""
    draft = _draft(context)
    if draft is None:
        await show(update, _gone(context, user_id))
        return
    home: Catalogue = await home_for(context, user_id).catalogue(draft["family"])
    prop = home.prop(device_id, property_id)
    if prop is None:
        await show(update, await _draft_view(context, user_id, _no_device()))
        return
    try:
        value = prop.spec.to_wire(prop.coerce(picker.typed_value(prop.spec, raw)))
    except InvalidValue as err:
        chat = update.effective_chat
        assert chat is not None
        expect_text(context, chat.id, "scb.value", device_id, property_id)
        await show(
            update,
            (picker.translate_invalid(err) + " " + _("Send another value, or /cancel."), None),
        )
        return
    if len(draft["steps"]) >= STEPS_MAX:
        await show(update, await _draft_view(context, user_id))
        return
    draft["steps"].append({"device": device_id, "values": {property_id: value}})
    await show(update, await _draft_view(context, user_id))


async def ask_delay(update: Update, context: HomeContext, callback: Callback) -> None:
    user_id, chat = callback.owner_id, update.effective_chat
    assert chat is not None
    draft = _draft(context)
    if draft is None:
        await show(update, _gone(context, user_id))
        return
    if not await _room_for_a_step(update, context, draft):
        return
    expect_text(context, chat.id, "scb.delaytext")
    back = _back(context, user_id, "scb.show")
    await show(update, (views.ask_delay(), InlineKeyboardMarkup([[back]])))


async def delay_typed(
    update: Update, context: HomeContext, text: str, args: tuple[str, ...]
) -> None:
    user_id, chat = user_id_of(update), update.effective_chat
    assert chat is not None
    draft = _draft(context)
    if draft is None:
        await show(update, _gone(context, user_id))
        return
    seconds = text.strip()
    if not (seconds.isascii() and seconds.isdigit() and 1 <= int(seconds) <= views.DELAY_MAX):
        expect_text(context, chat.id, "scb.delaytext")
        await show(update, (views.bad_delay(), None))
        return
    if len(draft["steps"]) < STEPS_MAX:
        draft["steps"].append({"delay": int(seconds)})
    await show(update, await _draft_view(context, user_id))


async def undo(update: Update, context: HomeContext, callback: Callback) -> None:
    draft = _draft(context)
    if draft is not None and draft["steps"]:
        draft["steps"].pop()
    await show(update, await _draft_view(context, callback.owner_id))


async def save(update: Update, context: HomeContext, callback: Callback) -> None:
    """Create the scene in the cloud; a refusal is shown above the draft, which stays open."""
    user_id = callback.owner_id
    draft = _draft(context)
    if draft is None:
        await show(update, _gone(context, user_id))
        return
    actions = _actions(draft)
    if not actions or not draft["name"]:
        await show(update, await _draft_view(context, user_id, _("Add a step first.")))
        return
    services = context.services
    try:
        await home_for(context, user_id).call(
            services.iot.create_scene, draft["family"], draft["name"], actions
        )
    except errors.ApiError as err:
        await show(update, await _draft_view(context, user_id, "⚠ " + (describe(err) or "")))
        return
    (context.user_data or {}).pop(DRAFT_KEY, None)
    await show(update, views.saved(draft["name"], Buttons(context, user_id)))


async def cancel(update: Update, context: HomeContext, callback: Callback) -> None:
    cancel_text(context)
    (context.user_data or {}).pop(DRAFT_KEY, None)
    await show(update, views.cancelled(Buttons(context, callback.owner_id)))


def _no_device() -> str:
    return _("That device is no longer in this family.")
