"""The Bot API's wire protocol: reading parameters however they were sent, and the error shape."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web

# Parameters that may hold a secret; the call log keeps that they were sent, not their value.
SECRET_PARAMETERS = frozenset({"secret_token"})
# Shown decoded in the call log so a test can read them as Python values.
_STRUCTURED = frozenset(
    {"reply_markup", "entities", "caption_entities", "commands", "scope", "menu_button"}
)


class ApiError(Exception):
    """A Bot API failure, answered as {"ok": false, "error_code": ..., "description": ...}."""

    def __init__(self, error_code: int, description: str, *, retry_after: int | None = None):
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after

    def to_json(self) -> dict[str, Any]:
        """The body Telegram sends for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(detail: str) -> ApiError:
    """A 400 with Telegram's "Bad Request: " prefix."""
    return ApiError(400, f"Bad Request: {detail}")


def forbidden(detail: str) -> ApiError:
    """A 403 with Telegram's "Forbidden: " prefix."""
    return ApiError(403, f"Forbidden: {detail}")


def too_many_requests(retry_after: int) -> ApiError:
    """A 429 flood-control answer with parameters.retry_after in whole seconds."""
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)


_BOOLEANS = {"true": True, "false": False, "1": True, "0": False}


def parse_boolean(value: Any) -> bool | None:
    """A Boolean as Telegram takes it: true/false, or 1/0, native or as text; None if not one."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        return _BOOLEANS.get(value.lower())
    return None


def not_boolean(value: Any) -> str:
    """The end of the refusal of a value that is not a Boolean."""
    return f"must be of type Boolean (true or false, 1 or 0), not {json.dumps(value)}"


@dataclass(frozen=True)
class Upload:
    """A file sent as a multipart part."""

    filename: str
    content_type: str
    data: bytes


class Params:
    """One request's parameters, whether sent as JSON, a query string, a form or multipart.

    Form and query values are strings (PTB sends numbers, booleans and nested objects JSON-encoded),
    JSON bodies carry native values; the typed getters accept both.
    """

    def __init__(self, values: Mapping[str, Any], uploads: Mapping[str, Upload] | None = None):
        self._values = dict(values)
        self._uploads = dict(uploads or {})

    @classmethod
    async def from_request(cls, request: web.Request) -> Params:
        """Read the query string and the body of a Bot API request."""
        values: dict[str, Any] = dict(request.query)
        uploads: dict[str, Upload] = {}
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError as err:
                raise bad_request("can't parse JSON encoded request body") from err
            if not isinstance(body, dict):
                raise bad_request("JSON request body must be an object")
            values.update(body)
        elif request.can_read_body:
            form = await request.post()
            for name, value in form.items():
                if isinstance(value, web.FileField):
                    data = value.file.read()
                    uploads[name] = Upload(value.filename, value.content_type, data)
                else:
                    values[name] = value if isinstance(value, str) else value.decode()
        return cls(values, uploads)

    def has(self, name: str) -> bool:
        """Whether the parameter was sent at all."""
        return name in self._values or name in self._uploads

    def names(self) -> list[str]:
        """Every parameter name sent, values and uploaded parts alike."""
        return [*self._values, *(name for name in self._uploads if name not in self._values)]

    def attached(self, name: str) -> bool:
        """Whether `name` is an uploaded part some value refers to as attach://name."""
        reference = f"attach://{name}"
        return name in self._uploads and any(
            isinstance(value, str) and reference in value for value in self._values.values()
        )

    def text(self, name: str) -> str | None:
        """A string parameter; numbers sent in JSON are given back as their text."""
        value = self._values.get(name)
        if value is None:
            return None
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return str(value)
        raise bad_request(f"parameter {name!r} must be a string")

    def integer(self, name: str) -> int | None:
        """An integer parameter; None when absent or not a number (e.g. a "@channel" chat_id)."""
        value = self._values.get(name)
        if isinstance(value, bool) or value is None:
            return None
        if isinstance(value, int):
            return value
        try:
            return int(str(value))
        except ValueError:
            return None

    def number(self, name: str) -> float | None:
        """A numeric parameter that may have a fraction (getUpdates' timeout)."""
        value = self._values.get(name)
        if isinstance(value, bool) or value is None:
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            return None

    def boolean(self, name: str) -> bool:
        """A boolean parameter; absent means false, anything but true/false or 1/0 is refused."""
        value = self._values.get(name)
        if value is None:
            return False
        parsed = parse_boolean(value)
        if parsed is None:
            raise bad_request(f'parameter "{name}" {not_boolean(value)}')
        return parsed

    def json(self, name: str) -> Any:
        """A structured parameter (reply_markup, commands, scope, ...), decoded from its JSON text."""
        value = self._values.get(name)
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError as err:
            raise bad_request(f"can't parse {name} JSON object") from err

    def file(self, name: str) -> Upload | str | None:
        """A file parameter: an uploaded part (directly or via attach://) or a URL/file_id string."""
        if name in self._uploads:
            return self._uploads[name]
        value = self.text(name)
        if value is not None and value.startswith("attach://"):
            attached = self._uploads.get(value.removeprefix("attach://"))
            if attached is None:
                raise bad_request(f"file {value} not found in the request")
            return attached
        return value

    def for_log(self) -> dict[str, Any]:
        """The parameters as recorded in the call log: secrets masked, uploads summarised."""
        logged: dict[str, Any] = {}
        for name, value in self._values.items():
            if name in SECRET_PARAMETERS:
                logged[name] = "***"
                continue
            try:
                logged[name] = self.json(name) if name in _STRUCTURED else value
            except ApiError:
                logged[name] = value
        for name, upload in self._uploads.items():
            logged[name] = f"<upload {upload.filename} ({len(upload.data)} bytes)>"
        return logged
