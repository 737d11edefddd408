"""Numbers of a DataTemplate: reading them forgivingly, the min/max/step grid, clamping and -/+ steps."""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from bot.iot.template.errors import InvalidValue

if TYPE_CHECKING:
    from bot.iot.template.values import ValueSpec

NUMERIC_TYPES = frozenset({"int", "float"})
_NUMBER_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
# Off-grid by less than this fraction of a step counts as on it (float noise from devices).
_GRID_TOLERANCE = Decimal("1e-6")
# Shown when a value is finer than its step says: enough for any sensor, never 21.500000.
_MAX_DECIMALS = 6


def fold(text: str) -> str:
    """``text`` made comparable loosely: full-width forms folded, trimmed, case-insensitive."""
    return unicodedata.normalize("NFKC", text).strip().casefold()


def to_decimal(raw: Any, unit: str = "") -> Decimal:
    """A finite Decimal from a number or from text like "42", "21,5" or "42 %"; else not_a_number."""
    number: Decimal | None = None
    if isinstance(raw, bool):
        number = None
    elif isinstance(raw, Decimal):
        number = raw
    elif isinstance(raw, int):
        number = Decimal(raw)
    elif isinstance(raw, float):
        # repr is the shortest text that reads back the same float: 0.1, not 0.1000000000000000055...
        number = Decimal(repr(raw))
    elif isinstance(raw, str):
        number = _number_from_text(raw, unit)
    if number is None or not number.is_finite():
        raise InvalidValue("not_a_number", f"{raw!r} is not a number", value=raw)
    return number


def _number_from_text(raw: str, unit: str) -> Decimal | None:
    text = unicodedata.normalize("NFKC", raw).strip()
    suffix = unicodedata.normalize("NFKC", unit).strip()
    if suffix and text.endswith(suffix):
        text = text[: -len(suffix)].rstrip()
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")  # a decimal comma, as many keyboards type it
    if not _NUMBER_TEXT.fullmatch(text):
        return None
    return Decimal(text)


def as_decimal(value: float | None) -> Decimal | None:
    """A spec's number (min, max, step, start) as an exact Decimal."""
    if value is None:
        return None
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def places(number: Decimal) -> int:
    """How many decimals ``number`` is written with once trailing zeros go: 0.50 -> 1, 5 -> 0."""
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def bounds(spec: ValueSpec) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """The spec's min, max and step as Decimals (each None when the template gives none)."""
    return as_decimal(spec.min), as_decimal(spec.max), as_decimal(spec.step)


def typed_number(spec: ValueSpec, number: Decimal) -> int | float:
    """``number`` as the spec's Python type: an int, or a float rounded to the step's decimals."""
    if spec.type == "int":
        return int(number.to_integral_value(ROUND_HALF_UP))
    if spec.decimals is not None:
        number = number.quantize(Decimal(1).scaleb(-spec.decimals), ROUND_HALF_UP)
    return float(number)


def number_text(number: Decimal, decimals: int | None) -> str:
    """``number`` written with the step's decimals, or more if the value really has them."""
    try:
        if decimals is not None:
            rounded = number.quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
            if abs(rounded - number) <= Decimal("1e-9") * max(Decimal(1), abs(number)):
                return f"{rounded + 0:f}"  # + 0 turns -0 into 0
        finest = number.quantize(Decimal(1).scaleb(-_MAX_DECIMALS), ROUND_HALF_UP)
        return f"{finest.normalize() + 0:f}"
    except InvalidOperation:  # too many digits to quantize: show it as it came
        return str(number)


def clamp_decimal(spec: ValueSpec, number: Decimal) -> Decimal:
    """The valid value nearest to ``number``: inside min..max and on the step grid from min."""
    lo, hi, step = bounds(spec)
    if lo is not None:
        number = max(number, lo)
    if hi is not None:
        number = min(number, hi)
    if step is None:
        return number
    base = lo if lo is not None else Decimal(0)
    aligned = base + ((number - base) / step).to_integral_value(ROUND_HALF_UP) * step
    if hi is not None and aligned > hi:
        aligned -= step
    return aligned


def clamp_value(spec: ValueSpec, value: Any) -> Any:
    """A number brought inside min..max and onto the step; values of other types are unchanged."""
    if spec.type not in NUMERIC_TYPES:
        return value
    return typed_number(spec, clamp_decimal(spec, to_decimal(value, spec.unit)))


def step_value(spec: ValueSpec, current: Any, direction: int) -> Any:
    """The value ``direction`` steps from ``current`` (None: the start), clamped and on the grid."""
    if spec.type in NUMERIC_TYPES:
        return _step_number(spec, current, direction)
    if spec.type == "bool":
        if direction:
            return direction > 0
        return False if current is None else spec.coerce(current)
    if spec.type in ("enum", "stringenum") and spec.mapping:
        return _step_choice(spec, current, direction)
    raise InvalidValue(
        "unsupported_type", f"values of type {spec.raw_type!r} have no steps", type=spec.raw_type
    )


def _step_number(spec: ValueSpec, current: Any, direction: int) -> int | float:
    lo, _, step = bounds(spec)
    if current is None:
        start = as_decimal(spec.start if spec.start is not None else spec.min)
        return typed_number(spec, clamp_decimal(spec, start if start is not None else Decimal(0)))
    number = to_decimal(current, spec.unit)
    size = step if step is not None else Decimal(1)
    base = lo if lo is not None else Decimal(0)
    k = (number - base) / size
    nearest = k.to_integral_value(ROUND_HALF_UP)
    if abs(k - nearest) <= _GRID_TOLERANCE:
        k = nearest
    # Off the grid, one step up lands on the next grid value, not on current + step.
    if direction > 0:
        k = k.to_integral_value(ROUND_FLOOR) + direction
    elif direction < 0:
        k = k.to_integral_value(ROUND_CEILING) + direction
    else:
        k = nearest
    return typed_number(spec, clamp_decimal(spec, base + k * size))


def _step_choice(spec: ValueSpec, current: Any, direction: int) -> int | str:
    keys = list(spec.mapping)
    index = 0
    try:
        found = keys.index(str(spec.coerce(current)))
    except (InvalidValue, ValueError):  # unknown or no current choice: start from the first
        found = None
    if found is not None:
        index = min(max(found + direction, 0), len(keys) - 1)
    key = keys[index]
    return int(key) if spec.type == "enum" else key
