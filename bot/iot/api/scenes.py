"""Typed app-API methods: scenes."""

from __future__ import annotations

from bot.iot.api.base import ApiMixin


class ScenesApi(ApiMixin):
    """scenes actions."""
