"""The device card: opening it, refreshing it, and keeping track of where it is shown."""

from __future__ import annotations

from telegram import Update

from bot.home.cards import DeviceCard
from bot.home.timezones import user_zone
from bot.i18n import _
from bot.telegram.callbacks import Callback
from bot.telegram.context import HomeContext, answer_query
from bot.telegram.routing import Buttons
from bot.telegram.screens import home_of, show, user_id_of
from bot.views.devices.card import card_view


async def show_card(
    update: Update, context: HomeContext, device_id: str, *, edit: bool = True
) -> None:
    """Show the device's card from fresh cloud data: edit the pressed message, or send it."""
    card = await home_of(update, context).card(device_id)
    await render_card(update, context, card, edit=edit)


async def render_card(
    update: Update, context: HomeContext, card: DeviceCard, *, edit: bool = True, notice: str = ""
) -> None:
    """Show an already loaded card (``notice``, HTML, on top) and note it as open."""
    user_id = user_id_of(update)
    cards = context.services.open_cards
    view = card_view(
        card,
        Buttons(context, user_id),
        user_zone(context.services.store, user_id_of(update)),
        notice,
    )
    query = update.callback_query
    if edit and query is not None and query.message is not None:
        # Noted before the edit, so a report arriving meanwhile already refreshes it.
        cards.opened(query.message.chat.id, query.message.message_id, user_id, card.device_id)
    chat_id, message_id = await show(update, view, edit=edit)
    cards.opened(chat_id, message_id, user_id, card.device_id)


async def open_card(update: Update, context: HomeContext, callback: Callback) -> None:
    """A device button in a list (or another feature's Back) opens the card in place."""
    if not callback.args:
        await answer_query(
            update, context, _("This button no longer works. Please open the menu again.")
        )
        return
    await show_card(update, context, callback.args[0])


async def refresh(update: Update, context: HomeContext, callback: Callback) -> None:
    """🔄 Refresh: read the device again."""
    if not callback.args:
        return
    await show_card(update, context, callback.args[0])
    await answer_query(update, context, _("Updated."))


async def forget_pressed_card(update: Update, context: HomeContext) -> None:
    """Any press on a card's message may turn it into another menu: it is no longer a live card.

    Runs before the button's own handler; a handler that shows the card again re-opens it.
    """
    query = update.callback_query
    if query is not None and query.message is not None:
        context.services.open_cards.closed(query.message.chat.id, query.message.message_id)
