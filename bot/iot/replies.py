"""Reply shapes in one place: with or without ``Response``, ``Data`` wrapped or flat, JSON as text."""

from __future__ import annotations

import contextlib
import json
from typing import Any

# Reply fields that the cloud sends as JSON text; decoded here so no caller has to.
_JSON_TEXT_FIELDS = ("Data", "InputParams", "OutputParams", "Params", "Actions", "Conditions")


def normalize(body: Any) -> dict[str, Any]:
    """The reply's fields whatever its shape: with or without the ``Response`` wrapper.

    JSON carried as text in the known fields is decoded. Errors are left in place for the caller.
    """
    if not isinstance(body, dict):
        raise ValueError("reply is not a JSON object")
    inner = body.get("Response", body)
    if not isinstance(inner, dict):
        raise ValueError("Response is not a JSON object")
    reply = dict(inner)
    for name in _JSON_TEXT_FIELDS:
        value = reply.get(name)
        if isinstance(value, str) and value[:1] in ("{", "["):
            # A string that merely looks like JSON stays a string.
            with contextlib.suppress(ValueError):
                reply[name] = json.loads(value)
    return reply


def data_of(reply: dict[str, Any]) -> dict[str, Any]:
    """The payload object: ``Data`` when the action wraps its fields in it, else the reply itself."""
    data = reply.get("Data")
    return data if isinstance(data, dict) else reply
