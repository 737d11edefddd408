"""Typed app-API methods: firmware."""

from __future__ import annotations

from bot.iot.api.base import ApiMixin


class FirmwareApi(ApiMixin):
    """firmware actions."""
