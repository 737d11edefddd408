"""Typed app-API methods: control."""

from __future__ import annotations

from bot.iot.api.base import ApiMixin


class ControlApi(ApiMixin):
    """control actions."""
