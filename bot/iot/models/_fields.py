"""Lenient readers for reply fields: the cloud sends numbers as strings and omits empty fields."""

from __future__ import annotations

import json
from typing import Any


def text(data: dict[str, Any], *names: str, default: str = "") -> str:
    """The first present field among ``names`` as a string."""
    for name in names:
        value = data.get(name)
        if value is not None:
            return str(value)
    return default


def integer(data: dict[str, Any], *names: str, default: int = 0) -> int:
    """The first present field among ``names`` as an int (numbers written as text accepted)."""
    for name in names:
        value = data.get(name)
        if value is None or value == "":
            continue
        try:
            return int(float(value))
        except (TypeError, ValueError):
            continue
    return default


def number(data: dict[str, Any], *names: str, default: float = 0.0) -> float:
    for name in names:
        value = data.get(name)
        if value is None or value == "":
            continue
        try:
            return float(value)
        except (TypeError, ValueError):
            continue
    return default


def flag(data: dict[str, Any], *names: str, default: bool = False) -> bool:
    """A 0/1, "0"/"1" or true/false field as a bool."""
    for name in names:
        value = data.get(name)
        if value is None or value == "":
            continue
        if isinstance(value, str):
            return value.strip().lower() in ("1", "true", "yes")
        return bool(value)
    return default


def records(data: dict[str, Any], *names: str) -> list[dict[str, Any]]:
    """A list-of-objects field (possibly sent as JSON text); non-objects are dropped."""
    for name in names:
        value = data.get(name)
        if isinstance(value, str) and value[:1] == "[":
            try:
                value = json.loads(value)
            except ValueError:
                continue
        if isinstance(value, list):
            return [item for item in value if isinstance(item, dict)]
    return []


def mapping(data: dict[str, Any], *names: str) -> dict[str, Any]:
    """An object field (possibly sent as JSON text)."""
    for name in names:
        value = data.get(name)
        if isinstance(value, str) and value[:1] == "{":
            try:
                value = json.loads(value)
            except ValueError:
                continue
        if isinstance(value, dict):
            return value
    return {}
