"""InvalidValue, the one error a DataTemplate value check raises, and the REASONS it can carry."""

from __future__ import annotations

from typing import Any

# Every reason InvalidValue can carry, with the details each one sets. Any reason may also carry
# ``field`` (dotted path of the property, param or struct field) and ``name`` (its display name).
REASONS: tuple[str, ...] = (
    "not_a_number",  # value
    "not_an_integer",  # value
    "out_of_range",  # value, min, max (either may be None), unit
    "off_step",  # value, min, step, unit, lower, upper (nearest valid values, None past an end)
    "not_in_choices",  # value, choices ({key: name})
    "not_a_bool",  # value, choices ({"0": name, "1": name}; may be empty)
    "too_long",  # value, length, max_length (characters)
    "too_short",  # value, length, min_length (characters)
    "bad_time",  # value
    "wrong_type",  # value, expected ("string", "struct" or "array")
    "missing",  # field, name
    "read_only",  # field, name
    "unsupported_type",  # type (as the template spelled it)
)


class InvalidValue(ValueError):
    """A value that does not fit its spec: ``reason`` is one of REASONS, ``details`` explain it."""

    def __init__(self, reason: str, message: str, **details: Any) -> None:
        path = details.get("field")
        super().__init__(f"{path}: {message}" if path else message)
        self.reason = reason
        self.message = message
        self.details: dict[str, Any] = details

    def within(self, field: str, name: str) -> InvalidValue:
        """The same failure, placed inside ``field`` (a property, param, struct field or index)."""
        inner = self.details.get("field")
        details = dict(self.details)
        details["field"] = f"{field}.{inner}" if inner else field
        details["name"] = self.details.get("name") or name
        return InvalidValue(self.reason, self.message, **details)
