"""Timers: /timers, a device's timers, and the New timer builder."""

from __future__ import annotations

from bot.handlers.timers import builder, listing
from bot.i18n import N_
from bot.telegram.context import HomeApplication


def register(app: HomeApplication) -> None:
    """Timers: /timers, a device's timers (from its card too), the New timer builder."""
    routes = app.routes
    routes.command("timers", listing.timers_command, N_("Timers of your devices"), 52)
    routes.button("tmb.new", builder.new)
    routes.button("tmb.edit", builder.edit)
    routes.button("tmb.step", builder.step)
    routes.button("tmb.prop", builder.pick_value)
    routes.button("tmb.val", builder.value_pressed)
    routes.text("tmb.value", builder.value_typed)
    routes.button("tmb.time", builder.time_pressed)
    routes.text("tmb.timetext", builder.time_typed)
    routes.button("tmb.days", builder.days_chosen)
    routes.button("tmb.pickdays", builder.pick_days)
    routes.button("tmb.day", builder.toggle_day)
    routes.button("tmb.save", builder.save)
    routes.button("tmb.cancel", builder.cancel)
    routes.button("tmr.pick", listing.pick_again)
    routes.button("tmr.list", listing.list_timers)
    routes.button("tmr.tog", listing.toggle)
    routes.button("tmr.del", listing.ask_delete)
    routes.button("tmr.delok", listing.delete)
