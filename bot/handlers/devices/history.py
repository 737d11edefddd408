"""A device's history: charts of its numeric readings, and the events it posted lately."""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.constants import ChatAction
from telegram.error import TelegramError

from bot.handlers.devices.manage import load_device
from bot.i18n import _
from bot.iot.models.devices import Device
from bot.iot.template import DataTemplate, numeric_properties
from bot.telegram.callbacks import Callback
from bot.telegram.context import HomeContext, answer_query
from bot.telegram.routing import Buttons
from bot.telegram.screens import home_for, show, user_id_of
from bot.views.devices import history as views
from bot.views.devices.charts import LineChart, render_png
from bot.views.paging import page_arg

RECENT_EVENTS = 20


async def _template(context: HomeContext, user_id: int, device: Device) -> DataTemplate:
    """The device's DataTemplate (empty when the product is unknown)."""
    services = context.services
    products = await home_for(context, user_id).call(services.iot.get_products, [device.product_id])
    return products[0].template if products else DataTemplate()


async def show_menu(update: Update, context: HomeContext, callback: Callback) -> None:
    """What can be charted (one row per numeric property), and the recent events."""
    user_id = user_id_of(update)
    device = await load_device(context, user_id, callback.args[0])
    template = await _template(context, user_id, device)
    props = numeric_properties(template)
    buttons, page = Buttons(context, user_id), page_arg(callback.args, 1)
    await show(update, views.history_menu(device, props, template, buttons, page))


async def send_chart(update: Update, context: HomeContext, callback: Callback) -> None:
    """A line chart of one property over a period, sent as a photo (or why there is none)."""
    services, user_id, chat = context.services, user_id_of(update), update.effective_chat
    assert chat is not None
    device_id, prop_id, period = (*callback.args, "", "", "")[:3]
    device = await load_device(context, user_id, device_id)
    template = await _template(context, user_id, device)
    prop = next((p for p in numeric_properties(template) if p.id == prop_id), None)
    if prop is None or period not in views.PERIODS:
        await answer_query(
            update, context, _("This reading can't be charted any more. Open the menu again.")
        )
        return
    await answer_query(update, context, _("Drawing the chart…"))
    with contextlib.suppress(TelegramError):
        await context.bot.send_chat_action(chat.id, ChatAction.UPLOAD_PHOTO)
    end_ms = int(time.time() * 1000)
    start_ms = end_ms - views.PERIODS[period]
    points = await home_for(context, user_id).call(
        services.iot.device_history, device_id, prop.id, start_ms, end_ms
    )
    readings = [
        (p.time_ms, number)
        for p in points
        if (number := p.number) is not None and math.isfinite(number)
    ]
    if not readings:
        await context.bot.send_message(chat.id, views.no_readings(device, prop, period))
        return
    timezone = services.store.get_settings(user_id).timezone
    values = [v for _t, v in readings]
    chart = LineChart(
        title=views.chart_title(device, period),
        x_label=views.time_label(period, timezone),
        y_label=views.axis_label(prop),
        times_ms=[t for t, _v in readings],
        values=values,
        start_ms=start_ms,
        end_ms=end_ms,
        tz=ZoneInfo(timezone),
    )
    png = await asyncio.to_thread(render_png, chart)
    caption = views.chart_caption(device, prop, period, views.summarize(values))
    await context.bot.send_photo(
        chat.id, photo=png, caption=caption, filename=f"{prop.id}-{period}.png"
    )


async def show_events(update: Update, context: HomeContext, callback: Callback) -> None:
    """The last events the device posted, newest first, in the user's timezone, a page at a time."""
    services, user_id = context.services, user_id_of(update)
    device = await load_device(context, user_id, callback.args[0])
    template, events = await asyncio.gather(
        _template(context, user_id, device),
        home_for(context, user_id).call(
            services.iot.event_history, device.device_id, max_items=RECENT_EVENTS
        ),
    )
    timezone = services.store.get_settings(user_id).timezone
    buttons, page = Buttons(context, user_id), page_arg(callback.args, 1)
    await show(update, views.events_list(device, template, events, timezone, buttons, page))
