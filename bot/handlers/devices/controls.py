"""Setting a device's properties from its card: toggles, choices, −/+ steps and typed values.

Every control re-reads the device first (is it online, what is the value now), checks the new
value against the template, sends it, then reads the device again to show the confirmed state.
Nothing reaches the cloud for an offline device or a value the template refuses.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from telegram import Update

from bot.handlers.devices.card import render_card
from bot.home.cards import DeviceCard
from bot.home.lookup import Home
from bot.home.timezones import user_zone
from bot.i18n import _
from bot.iot.template import InvalidValue, PropertySpec
from bot.telegram.callbacks import Callback
from bot.telegram.context import HomeContext, answer_query
from bot.telegram.routing import Buttons, expect_text
from bot.telegram.screens import home_of, reply, show, user_id_of
from bot.views.devices import card as views
from bot.views.devices.controls import choice_menu, controls_menu, current_key
from bot.views.paging import page_arg
from bot.views.values import translate_invalid, typed_value

ChooseValue = Callable[[PropertySpec, Any], Any]


class Unchanged(Exception):
    """The control would not change anything; the message says why (plain text)."""


async def alert(update: Update, context: HomeContext, text: str) -> None:
    """Answer the press with an alert (plain text, Telegram's 200-character limit)."""
    await answer_query(update, context, html.unescape(text)[:200], alert=True)


async def usable_property(
    update: Update, context: HomeContext, card: DeviceCard, prop_id: str
) -> PropertySpec | None:
    """The writable property of an online device; else the card is re-shown with the reason."""
    prop = card.template.property(prop_id)
    if prop is None or not prop.writable:
        await render_card(update, context, card)
        await alert(update, context, _("This control is no longer available."))
        return None
    if not card.online:
        await render_card(update, context, card)
        await alert(update, context, views.offline_refusal(card))
        return None
    return prop


async def send_value(home: Home, card: DeviceCard, prop: PropertySpec, value: Any) -> DeviceCard:
    """Send one property value and return the card with the values read back."""
    wire = prop.spec.to_wire(value)
    await home.call(home.iot.control_device, card.device_id, {prop.id: wire})
    return card.with_readings(await home.readings(card.device_id))


async def _control(
    update: Update, context: HomeContext, callback: Callback, choose: ChooseValue
) -> None:
    if len(callback.args) < 2:
        await alert(update, context, _("This button no longer works. Please open the menu again."))
        return
    device_id, prop_id = callback.args[0], callback.args[1]
    home = home_of(update, context)
    card = await home.card(device_id)
    prop = await usable_property(update, context, card, prop_id)
    if prop is None:
        return
    tz = user_zone(context.services.store, user_id_of(update))
    try:
        value = choose(prop, card.value(prop.id))
    except Unchanged as reason:
        await answer_query(update, context, str(reason))
        await render_card(update, context, card)
        return
    except InvalidValue as err:
        await render_card(update, context, card)
        await alert(update, context, translate_invalid(err))
        return
    card = await send_value(home, card, prop, value)
    await answer_query(update, context, views.set_toast(prop, card.value(prop.id), tz))
    await render_card(update, context, card)


async def toggle(update: Update, context: HomeContext, callback: Callback) -> None:
    """A bool property's button: switch it to the other state."""

    def flipped(prop: PropertySpec, current: Any) -> bool:
        return current_key(prop, current) != "1"

    await _control(update, context, callback, flipped)


async def set_choice(update: Update, context: HomeContext, callback: Callback) -> None:
    """A choice of an enum property (on the card or in its sub-menu)."""
    key = callback.args[2] if len(callback.args) > 2 else ""

    def chosen(prop: PropertySpec, current: Any) -> Any:
        value = prop.spec.coerce(key)
        if current_key(prop, current) == str(value):
            raise Unchanged(
                _("{property} is already {value}.").format(
                    property=prop.name, value=prop.format(value)
                )
            )
        return value

    await _control(update, context, callback, chosen)


async def step(update: Update, context: HomeContext, callback: Callback) -> None:
    """− / +: one step of a number property, kept inside its range."""
    direction = -1 if len(callback.args) > 2 and callback.args[2].startswith("-") else 1

    def stepped(prop: PropertySpec, current: Any) -> Any:
        value = prop.spec.step_value(current, direction)
        if _same_number(current, value):
            if direction > 0:
                raise Unchanged(
                    _("{property} is already at its highest.").format(property=prop.name)
                )
            raise Unchanged(_("{property} is already at its lowest.").format(property=prop.name))
        return value

    await _control(update, context, callback, stepped)


def _same_number(current: Any, value: Any) -> bool:
    try:
        return current is not None and float(current) == float(value)
    except (TypeError, ValueError):
        return False


async def choices_menu(update: Update, context: HomeContext, callback: Callback) -> None:
    """The sub-menu of a property with many choices (a page of them)."""
    if len(callback.args) < 2:
        return
    card = await home_of(update, context).card(callback.args[0])
    prop = await usable_property(update, context, card, callback.args[1])
    if prop is None:
        return
    buttons, page = Buttons(context, user_id_of(update)), page_arg(callback.args, 2)
    await show(update, choice_menu(card, prop, buttons, page))


async def all_controls(update: Update, context: HomeContext, callback: Callback) -> None:
    """More controls than a card holds: all of them, a page at a time."""
    if not callback.args:
        return
    card = await home_of(update, context).card(callback.args[0])
    buttons, page = Buttons(context, user_id_of(update)), page_arg(callback.args, 1)
    await show(update, controls_menu(card, buttons, page))


async def ask_value(update: Update, context: HomeContext, callback: Callback) -> None:
    """✏️: ask for an exact value (numbers, text, times...) as the next message."""
    chat = update.effective_chat
    if len(callback.args) < 2 or chat is None:
        return
    card = await home_of(update, context).card(callback.args[0])
    prop = await usable_property(update, context, card, callback.args[1])
    if prop is None:
        return
    expect_text(context, chat.id, "dev.value", card.device_id, prop.id)
    await answer_query(update, context)
    await reply(
        update,
        context,
        views.ask_value(card, prop, user_zone(context.services.store, user_id_of(update))),
    )


async def value_typed(
    update: Update, context: HomeContext, text: str, args: tuple[str, ...]
) -> None:
    """The typed answer: checked against the template, sent, and the new card shown."""
    chat = update.effective_chat
    if len(args) < 2 or chat is None:
        return
    device_id, prop_id = args[0], args[1]
    home = home_of(update, context)
    card = await home.card(device_id)
    prop = card.template.property(prop_id)
    if prop is None or not prop.writable:
        await reply(update, context, _("This control is no longer available."))
        return
    if not card.online:
        await reply(update, context, html.escape(views.offline_refusal(card)))
        return
    tz = user_zone(context.services.store, user_id_of(update))
    try:
        value = prop.coerce(typed_value(prop.spec, text), tz=tz)
    except InvalidValue as err:
        expect_text(context, chat.id, "dev.value", device_id, prop_id)
        await reply(update, context, views.try_again(translate_invalid(err)))
        return
    card = await send_value(home, card, prop, value)
    notice = views.set_notice(prop, card.value(prop.id), tz)
    await render_card(update, context, card, edit=False, notice=notice)
