"""Typed app-API methods: devices."""

from __future__ import annotations

from bot.iot.api.base import ApiMixin


class DevicesApi(ApiMixin):
    """devices actions."""
