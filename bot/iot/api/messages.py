"""Typed app-API methods: messages."""

from __future__ import annotations

from bot.iot.api.base import ApiMixin


class MessagesApi(ApiMixin):
    """messages actions."""
