"""Reply shapes in one place: the envelope the cloud sends, and JSON carried as text.

The vendor's clients (Node SDK ``requestAppApi``, the mini-program SDK's ``requestTokenApi``,
Android ``BaseResponse``, iOS ``TIoTCoreRequestObject``) all read ``{"code", "msg", "data"}``,
where ``data`` holds what the reference's examples show inside ``Response``. An error is a
non-zero ``code`` (``-1000`` in the apps) with ``msg``, and/or ``data.Error``. The reference's
own examples show ``{"Response": {...}}``; both are read here, and ``data.Response`` too.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

# Reply fields that the cloud sends as JSON text; decoded here so no caller has to.
_JSON_TEXT_FIELDS = ("Data", "InputParams", "OutputParams", "Params", "Actions", "Conditions")


class ReplyShapeError(ValueError):
    """The body is none of the envelopes the cloud sends; ``shape`` describes it, values left out."""

    def __init__(self, reason: str, body: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.shape = shape_of(body)


def unwrap(body: Any) -> dict[str, Any]:
    """The reply's fields, whichever envelope carries them; an error becomes ``Error``.

    The result is what the reference shows inside ``Response``: ``RequestId``, ``Data``, the
    lists, ``Total``, and ``Error`` = ``{Code, Message}`` for an error in any of its forms.
    JSON carried as text in the known fields is decoded. Raises :class:`ReplyShapeError`.
    """
    if not isinstance(body, dict):
        raise ReplyShapeError("the reply is not a JSON object", body)
    if "code" in body:
        return _vendor(body)
    if "Response" in body:
        return _fields(_object(body["Response"], "Response", body))
    raise ReplyShapeError("the reply has neither code/data nor Response", body)


def _vendor(body: dict[str, Any]) -> dict[str, Any]:
    code = body.get("code")
    data = body.get("data")
    if data is None:
        data = {}
    if isinstance(data, dict) and isinstance(data.get("Response"), dict):
        data = data["Response"]  # a gateway that passes the inner reply through unchanged
    if _failed(code):
        inner = dict(data) if isinstance(data, dict) else {}
        error = inner.get("Error")
        if not isinstance(error, dict) or not error.get("Code"):
            # Only code and msg: the code is then all that names the error.
            inner["Error"] = {"Code": str(code), "Message": str(body.get("msg") or "")}
        return inner
    if not isinstance(code, int | str) or isinstance(code, bool):
        raise ReplyShapeError("the reply's code is not a number", body)
    return _fields(_object(data, "data", body))


def _failed(code: Any) -> bool:
    """A non-zero code: the apps compare with 0, the SDKs test truthiness; "0" is success too."""
    if isinstance(code, bool) or code is None:
        return False
    if isinstance(code, int):
        return code != 0
    if isinstance(code, str):
        return code.strip() not in ("", "0")
    return False


def _object(value: Any, name: str, body: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ReplyShapeError(f"{name} is not a JSON object", body)
    return value


def _fields(inner: dict[str, Any]) -> dict[str, Any]:
    reply = dict(inner)
    for name in _JSON_TEXT_FIELDS:
        value = reply.get(name)
        if isinstance(value, str) and value[:1] in ("{", "["):
            # A string that merely looks like JSON stays a string.
            with contextlib.suppress(ValueError):
                reply[name] = json.loads(value)
    return reply


def shape_of(value: Any, depth: int = 3) -> str:
    """``value`` as keys and type names only, for a log line: no value (nor secret) shows."""
    if isinstance(value, dict):
        if depth <= 0:
            return "{...}"
        items = list(value.items())
        inner = ", ".join(f"{key!s:.40}: {shape_of(item, depth - 1)}" for key, item in items[:12])
        more = ", ..." if len(items) > 12 else ""
        return "{" + inner + more + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        return f"[{shape_of(value[0], depth - 1)} x{len(value)}]"
    return "null" if value is None else type(value).__name__


def data_of(reply: dict[str, Any]) -> dict[str, Any]:
    """The payload object: ``Data`` when the action wraps its fields in it, else the reply itself."""
    data = reply.get("Data")
    return data if isinstance(data, dict) else reply
