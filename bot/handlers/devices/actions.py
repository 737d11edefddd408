"""Running a device's actions from its card, asking for each input param in turn."""

from __future__ import annotations

import html
import json
from datetime import tzinfo
from typing import Any

from telegram import Update

from bot.handlers.devices.card import render_card
from bot.handlers.devices.controls import alert
from bot.home.cards import DeviceCard
from bot.home.lookup import Home
from bot.home.timezones import user_zone
from bot.i18n import N_, _
from bot.iot.template import ActionSpec, DataTemplate, InvalidValue
from bot.telegram.callbacks import Callback
from bot.telegram.context import HomeContext, answer_query
from bot.telegram.routing import expect_text
from bot.telegram.screens import home_of, reply, user_id_of
from bot.views.devices import card as views
from bot.views.values import translate_invalid, typed_value

GONE = N_("This action is no longer available. Please open the device again.")


async def run_action(
    home: Home, card: DeviceCard, action: ActionSpec, inputs: dict[str, Any], tz: tzinfo
) -> tuple[DeviceCard, str]:
    """Call the action and wait for the device; returns the re-read card and the outcome."""
    wire = action.wire_inputs(inputs, tz=tz)
    result = await home.call(home.iot.call_action_sync, card.device_id, action.id, wire)
    card = card.with_readings(await home.readings(card.device_id))
    return card, views.action_notice(action, result, tz)


async def action_pressed(update: Update, context: HomeContext, callback: Callback) -> None:
    """▶ an action: run it now, or start asking for its inputs."""
    chat = update.effective_chat
    if len(callback.args) < 2 or chat is None:
        await alert(update, context, _("This button no longer works. Please open the menu again."))
        return
    home = home_of(update, context)
    card = await home.card(callback.args[0])
    action = card.template.action(callback.args[1])
    if action is None:
        await render_card(update, context, card)
        await alert(update, context, _(GONE))
        return
    if not card.online:
        await render_card(update, context, card)
        await alert(update, context, views.offline_refusal(card))
        return
    tz = user_zone(context.services.store, user_id_of(update))
    if not action.inputs:
        await answer_query(update, context, _("Sent to {device}…").format(device=card.name))
        card, notice = await run_action(home, card, action, {}, tz)
        await render_card(update, context, card, notice=notice)
        return
    expect_text(context, chat.id, "dev.actin", card.device_id, action.id, "{}")
    await answer_query(update, context)
    await reply(update, context, views.ask_param(action, 0, action.inputs))


async def _template(home: Home, device_id: str) -> DataTemplate:
    product_id = device_id.partition("/")[0]
    product = (await home.products([product_id])).get(product_id)
    return product.template if product else DataTemplate()


def _collected(raw: str) -> dict[str, Any]:
    try:
        values = json.loads(raw)
    except ValueError:
        return {}
    return values if isinstance(values, dict) else {}


async def param_typed(
    update: Update, context: HomeContext, text: str, args: tuple[str, ...]
) -> None:
    """One input of an action: checked, kept, and the next asked; after the last, the call."""
    chat = update.effective_chat
    if len(args) < 3 or chat is None:
        return
    device_id, action_id, values = args[0], args[1], _collected(args[2])
    home = home_of(update, context)
    action = (await _template(home, device_id)).action(action_id)
    if action is None or len(values) >= len(action.inputs):
        await reply(update, context, _(GONE))
        return
    param = action.inputs[len(values)]
    tz = user_zone(context.services.store, user_id_of(update))
    try:
        values[param.id] = param.spec.coerce(typed_value(param.spec, text), tz=tz)
    except InvalidValue as err:
        expect_text(context, chat.id, "dev.actin", device_id, action_id, json.dumps(values))
        await reply(update, context, views.try_again(translate_invalid(err)))
        return
    if len(values) < len(action.inputs):
        expect_text(context, chat.id, "dev.actin", device_id, action_id, json.dumps(values))
        await reply(update, context, views.ask_param(action, len(values), action.inputs))
        return
    card = await home.card(device_id)
    if not card.online:
        await reply(update, context, html.escape(views.offline_refusal(card)))
        return
    card, notice = await run_action(home, card, action, values, tz)
    await render_card(update, context, card, edit=False, notice=notice)
