"""Dataclasses for the music part of the app-API."""

from __future__ import annotations

__all__: list[str] = []
