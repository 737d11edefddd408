"""Typed app-API methods: timers."""

from __future__ import annotations

from bot.iot.api.base import ApiMixin


class TimersApi(ApiMixin):
    """timers actions."""
