"""Typed app-API methods: sharing."""

from __future__ import annotations

from bot.iot.api.base import ApiMixin


class SharingApi(ApiMixin):
    """sharing actions."""
