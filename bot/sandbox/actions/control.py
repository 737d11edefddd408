"""Sandbox actions: control."""

from __future__ import annotations
