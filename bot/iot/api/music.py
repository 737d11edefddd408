"""Typed app-API methods: music."""

from __future__ import annotations

from bot.iot.api.base import ApiMixin


class MusicApi(ApiMixin):
    """music actions."""
