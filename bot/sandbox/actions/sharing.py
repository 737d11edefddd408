"""Sandbox actions: sharing."""

from __future__ import annotations
