"""Dataclasses for the messages part of the app-API."""

from __future__ import annotations

__all__: list[str] = []
