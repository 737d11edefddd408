"""Devices: /devices, the device card and its controls, and opening a card by typing a name."""

from __future__ import annotations

from telegram.ext import CallbackQueryHandler, MessageHandler

from bot.handlers.devices import actions, card, controls, firmware, history, listing, manage, search
from bot.handlers.devices.card import show_card
from bot.i18n import N_
from bot.telegram.context import HomeApplication
from bot.telegram.routing import TEXT_GUESSES, TYPED

__all__ = ["register", "show_card"]

CARD_TRACKING_GROUP = -3


def register(app: HomeApplication) -> None:
    """Devices: /devices, the card, its controls and actions, management, history, firmware, search."""
    routes = app.routes
    # Before every other handler (the guard is -2): a pressed card stops following its device.
    app.add_handler(CallbackQueryHandler(card.forget_pressed_card), group=CARD_TRACKING_GROUP)
    routes.command("devices", listing.devices_command, N_("Your devices and their controls"), 10)
    routes.button("dev.act", actions.action_pressed)
    routes.text("dev.actin", actions.param_typed)
    routes.button("dev.open", card.open_card)
    routes.button("dev.refresh", card.refresh)
    routes.button("dev.tog", controls.toggle)
    routes.button("dev.set", controls.set_choice)
    routes.button("dev.step", controls.step)
    routes.button("dev.menu", controls.choices_menu)
    routes.button("dev.ctls", controls.all_controls)
    routes.button("dev.ask", controls.ask_value)
    routes.text("dev.value", controls.value_typed)
    routes.button("fw.check", firmware.check)
    routes.button("fw.ask", firmware.ask)
    routes.button("fw.go", firmware.start)
    routes.button("fw.status", firmware.refresh)
    routes.button("dh.menu", history.show_menu)
    routes.button("dh.chart", history.send_chart)
    routes.button("dh.events", history.show_events)
    routes.button("dev.list", listing.list_page)
    routes.button("dev.home", listing.back_to_list)
    routes.button("dev.back", listing.back_from_card)
    routes.button("dev.fam", listing.choose_family)
    routes.button("dev.famset", listing.family_chosen)
    routes.button("dev.rooms", listing.choose_room)
    routes.button("dev.shared", listing.shared_page)
    routes.button("dmg.menu", manage.show_menu)
    routes.button("dmg.back", manage.stop_renaming)
    routes.button("dmg.rename", manage.ask_name)
    routes.text("dmg.rename", manage.name_typed)
    routes.button("dmg.move", manage.pick_room)
    routes.button("dmg.room", manage.move_to_room)
    routes.button("dmg.remove", manage.confirm_remove)
    routes.button("dmg.rm", manage.remove)
    routes.button("dmg.subs", manage.show_sub_devices)
    routes.button("dmg.info", manage.show_details)
    # Typing a device's name opens its card, when no question was waiting for the text.
    app.add_handler(MessageHandler(TYPED, search.name_typed), group=TEXT_GUESSES)
