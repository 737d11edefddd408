"""Sandbox actions: music."""

from __future__ import annotations
