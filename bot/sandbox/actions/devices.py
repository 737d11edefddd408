"""Sandbox actions: devices."""

from __future__ import annotations
