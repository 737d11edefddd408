"""Sandbox actions: timers."""

from __future__ import annotations
