"""Making or changing a timer in chat: what to set, the time (the user's own), the days, confirm."""

from __future__ import annotations

from html import escape
from typing import Any

from telegram import InlineKeyboardMarkup, Update

from bot.handlers.timers.listing import FROM_CARD, timer_list
from bot.home.catalogue import Catalogue, now
from bot.home.timer_time import Schedule, parse_clock, to_cloud, to_local
from bot.home.timezones import user_zone
from bot.i18n import _
from bot.iot import errors
from bot.iot.models.timers import NO_DAYS, days_from_weekdays, weekdays_of
from bot.iot.template import InvalidValue
from bot.telegram.callbacks import Callback
from bot.telegram.context import HomeContext, answer_query
from bot.telegram.error_texts import describe
from bot.telegram.routing import Buttons, cancel_text, expect_text
from bot.telegram.screens import View, home_for, show, user_id_of
from bot.views import setting_picker as picker
from bot.views import timers as views
from bot.views.paging import page_arg

DRAFT_KEY = "timer_draft"
ONCE = "once"
STEPS = ("values", "time", "days")  # what a timer needs, in the order they are asked


def _draft(context: HomeContext) -> dict[str, Any] | None:
    draft = (context.user_data or {}).get(DRAFT_KEY)
    return draft if isinstance(draft, dict) else None


def _open(context: HomeContext, device_id: str, origin: str, **known: Any) -> None:
    """Start a draft for ``device_id``; ``known`` fills what an existing timer already has."""
    assert context.user_data is not None
    draft = {"device": device_id, "timer": "", "name": "", "origin": origin, "values": {}}
    context.user_data[DRAFT_KEY] = {**draft, "time": "", "days": "", "repeat": True, **known}


def _gone(context: HomeContext, user_id: int) -> View:
    text = _("That timer is no longer being edited. Open the device's timers again.")
    return text, InlineKeyboardMarkup([[Buttons(context, user_id)(_("⏰ Timers"), "tmr.pick")]])


async def _home(context: HomeContext, user_id: int) -> Catalogue | None:
    family = context.services.accounts.account(user_id).family_id
    return await home_for(context, user_id).catalogue(family) if family else None


def _setting(home: Catalogue, draft: dict[str, Any]) -> str:
    device = home.devices[draft["device"]]
    template = home.templates.get(device.product_id)
    return ", ".join(
        picker.setting_text(template.property(k) if template else None, k, v)
        for k, v in draft["values"].items()
    )


async def _next(
    update: Update, context: HomeContext, user_id: int, step: str = "", page: int = 0
) -> None:
    """Show ``step`` (at ``page`` of its menu), or the first one still missing, or the review."""
    cancel_text(context)
    draft = _draft(context)
    home = await _home(context, user_id)
    if draft is None or home is None:
        await show(update, _gone(context, user_id))
        return
    device = home.devices.get(draft["device"])
    if device is None:
        await show(update, (_("That device is no longer in this family."), None))
        return
    buttons, zone_name, moment = (
        Buttons(context, user_id),
        user_zone(context.services.store, user_id).key,
        now(),
    )
    step = step or next((s for s in STEPS if not draft[s]), "review")
    if step == "values":
        complete = all(draft[s] for s in STEPS)
        back = (
            buttons(_("◀ Back"), "tmb.step") if complete else buttons(_("✖ Cancel"), "tmb.cancel")
        )
        props = home.settable(device.device_id)
        view = picker.property_menu(
            device, props, buttons, "tmb.prop", back, paging=("tmb.step", "values"), page=page
        )
        await show(update, view)
    elif step == "time":
        chat = update.effective_chat
        assert chat is not None
        expect_text(context, chat.id, "tmb.timetext")
        await show(
            update, views.time_menu(device.name, _setting(home, draft), zone_name, moment, buttons)
        )
    elif step == "days":
        await show(update, views.days_menu(draft["time"], zone_name, moment, buttons))
    else:
        local = Schedule(draft["time"], draft["days"])
        setting = _setting(home, draft)
        view = views.review(
            device.name, setting, local, draft["repeat"], zone_name, moment, buttons
        )
        await show(update, view)


async def new(update: Update, context: HomeContext, callback: Callback) -> None:
    """➕ New timer for a device: start with what it should set."""
    device_id = callback.args[0]
    origin = callback.args[1] if len(callback.args) > 1 else FROM_CARD
    _open(context, device_id, origin)
    await _next(update, context, callback.owner_id)


async def edit(update: Update, context: HomeContext, callback: Callback) -> None:
    """✏️ on a timer: its settings in the review, each one changeable."""
    user_id, (device_id, timer_id) = callback.owner_id, callback.args[:2]
    origin = callback.args[2] if len(callback.args) > 2 else FROM_CARD
    iot = context.services.iot
    timers = await home_for(context, user_id).call(iot.list_timers, device_id)
    timer = next((t for t in timers if t.timer_id == timer_id), None)
    if timer is None:
        notice = _("That timer no longer exists.")
        await show(update, await timer_list(context, user_id, device_id, origin, notice))
        return
    local = to_local(
        timer.time_point, timer.days, user_zone(context.services.store, user_id), now()
    )
    known: dict[str, Any] = {"timer": timer_id, "name": timer.name, "values": dict(timer.data)}
    known.update(time=local.time_point, days=local.days, repeat=timer.repeat)
    _open(context, device_id, origin, **known)
    await _next(update, context, user_id)


async def step(update: Update, context: HomeContext, callback: Callback) -> None:
    """Go to a step: the review, or change the setting, the time or the days."""
    wanted = callback.args[0] if callback.args else ""
    step = wanted if wanted in STEPS else ""
    await _next(update, context, callback.owner_id, step, page_arg(callback.args, 1))


async def pick_value(update: Update, context: HomeContext, callback: Callback) -> None:
    user_id, (device_id, property_id) = callback.owner_id, callback.args[:2]
    home = await _home(context, user_id)
    prop = home.prop(device_id, property_id) if home else None
    if home is None or prop is None or _draft(context) is None:
        await show(update, _gone(context, user_id))
        return
    if not picker.picks_by_button(prop):
        chat = update.effective_chat
        assert chat is not None
        expect_text(context, chat.id, "tmb.value", device_id, property_id)
    back = Buttons(context, user_id)(_("◀ Back"), "tmb.step", "values")
    device = home.devices[device_id]
    view = picker.value_menu(
        device,
        prop,
        Buttons(context, user_id),
        "tmb.val",
        back,
        paging=("tmb.prop", device_id, property_id),
        page=page_arg(callback.args, 2),
    )
    await show(update, view)


async def value_pressed(update: Update, context: HomeContext, callback: Callback) -> None:
    device_id, property_id, key = callback.args[:3]
    await _set_value(update, context, callback.owner_id, device_id, property_id, key)


async def value_typed(
    update: Update, context: HomeContext, text: str, args: tuple[str, ...]
) -> None:
    user_id = user_id_of(update)
    await _set_value(update, context, user_id, args[0], args[1], text)


async def _set_value(
    update: Update, context: HomeContext, user_id: int, device_id: str, property_id: str, raw: str
) -> None:
    """Check ``raw`` against the template; keep it as the timer's setting, or say why not."""
    draft, home = _draft(context), await _home(context, user_id)
    prop = home.prop(device_id, property_id) if home else None
    if draft is None or prop is None or draft["device"] != device_id:
        await show(update, _gone(context, user_id))
        return
    try:
        value = prop.spec.to_wire(prop.coerce(picker.typed_value(prop.spec, raw)))
    except InvalidValue as err:
        chat = update.effective_chat
        assert chat is not None
        expect_text(context, chat.id, "tmb.value", device_id, property_id)
        retry = _("Send another value, or /cancel.")
        await show(update, (picker.translate_invalid(err) + " " + retry, None))
        return
    draft["values"] = {property_id: value}
    if not draft["timer"]:
        draft["name"] = f"{prop.name} {prop.format(value)}"[:64]
    await _next(update, context, user_id)


async def time_pressed(update: Update, context: HomeContext, callback: Callback) -> None:
    await _set_time(update, context, callback.owner_id, callback.args[0])


async def time_typed(
    update: Update, context: HomeContext, text: str, args: tuple[str, ...]
) -> None:
    user_id = user_id_of(update)
    await _set_time(update, context, user_id, text)


async def _set_time(update: Update, context: HomeContext, user_id: int, text: str) -> None:
    draft = _draft(context)
    if draft is None:
        await show(update, _gone(context, user_id))
        return
    time_point = parse_clock(text)
    if time_point is None:
        chat = update.effective_chat
        assert chat is not None
        expect_text(context, chat.id, "tmb.timetext")
        message = _("That's not a time of day. Send it as HH:MM, like 07:30 or 21:05, or /cancel.")
        await show(update, (message, None))
        return
    draft["time"] = time_point
    await _next(update, context, user_id)


async def days_chosen(update: Update, context: HomeContext, callback: Callback) -> None:
    """Once, every day, weekdays, weekends, or the days ticked (Done)."""
    draft, choice = _draft(context), callback.args[0]
    if draft is None:
        await show(update, _gone(context, callback.owner_id))
        return
    if choice != ONCE and (len(choice) != 7 or set(choice) - {"0", "1"} or choice == NO_DAYS):
        await answer_query(update, context, _("Choose at least one day."), alert=True)
        return
    draft["days"], draft["repeat"] = (NO_DAYS, False) if choice == ONCE else (choice, True)
    await _next(update, context, callback.owner_id)


async def pick_days(update: Update, context: HomeContext, callback: Callback) -> None:
    draft = _draft(context)
    if draft is None:
        await show(update, _gone(context, callback.owner_id))
        return
    draft["picking"] = draft["days"] if draft["repeat"] and draft["days"] else NO_DAYS
    await show(update, views.day_toggles(draft["picking"], Buttons(context, callback.owner_id)))


async def toggle_day(update: Update, context: HomeContext, callback: Callback) -> None:
    """Tick or untick one weekday (Python numbering, Monday 0)."""
    draft = _draft(context)
    if draft is None or not callback.args[0].isdigit():
        await show(update, _gone(context, callback.owner_id))
        return
    chosen = set(weekdays_of(draft.get("picking", NO_DAYS)))
    chosen ^= {int(callback.args[0]) % 7}
    draft["picking"] = days_from_weekdays(chosen)
    await show(update, views.day_toggles(draft["picking"], Buttons(context, callback.owner_id)))


async def save(update: Update, context: HomeContext, callback: Callback) -> None:
    """Create or modify the timer with the time and days converted to China time."""
    user_id, draft = callback.owner_id, _draft(context)
    if draft is None or not all(draft[s] for s in STEPS):
        await show(update, _gone(context, user_id))
        return
    cloud = to_cloud(
        draft["time"], draft["days"], user_zone(context.services.store, user_id), now()
    )
    iot, device_id, repeat = context.services.iot, draft["device"], bool(draft["repeat"])
    args = (device_id, draft["name"] or _("Timer"), cloud.days, cloud.time_point, draft["values"])
    try:
        if draft["timer"]:
            timer_id = draft["timer"]
            await home_for(context, user_id).call(
                iot.modify_timer, args[0], timer_id, *args[1:], repeat=repeat
            )
        else:
            await home_for(context, user_id).call(iot.create_timer, *args, repeat=repeat)
    except errors.ApiError as err:
        await answer_query(update, context, describe(err), alert=True)
        return
    (context.user_data or {}).pop(DRAFT_KEY, None)
    notice = _("💾 Saved the timer <b>{name}</b>.").format(name=escape(args[1]))
    await show(update, await timer_list(context, user_id, device_id, draft["origin"], notice))


async def cancel(update: Update, context: HomeContext, callback: Callback) -> None:
    cancel_text(context)
    draft = (context.user_data or {}).pop(DRAFT_KEY, None)
    if not isinstance(draft, dict):
        await show(update, _gone(context, callback.owner_id))
        return
    notice = _("Nothing was saved.")
    await show(
        update,
        await timer_list(context, callback.owner_id, draft["device"], draft["origin"], notice),
    )
