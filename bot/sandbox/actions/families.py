"""Sandbox actions: families."""

from __future__ import annotations
