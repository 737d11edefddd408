"""Dataclasses for the timers part of the app-API."""

from __future__ import annotations

__all__: list[str] = []
