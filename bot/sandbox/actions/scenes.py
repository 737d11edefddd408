"""Sandbox actions: scenes."""

from __future__ import annotations
