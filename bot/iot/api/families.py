"""Typed app-API methods: families."""

from __future__ import annotations

from bot.iot.api.base import ApiMixin


class FamiliesApi(ApiMixin):
    """families actions."""
