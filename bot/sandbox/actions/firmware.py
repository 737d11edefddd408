"""Sandbox actions: firmware."""

from __future__ import annotations
