"""Turning what a user typed (or an already typed value) into a DataTemplate value, or saying why not."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, tzinfo
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from bot.iot.template.errors import InvalidValue
from bot.iot.template.numbers import bounds, fold, number_text, to_decimal, typed_number

if TYPE_CHECKING:
    from bot.iot.template.values import ParamSpec, ValueSpec

# Words a user may type for a bool, besides the template's own mapping names.
_TRUE_WORDS = frozenset({"1", "on", "true", "yes", "y", "开", "開", "打开", "是"})
_FALSE_WORDS = frozenset({"0", "off", "false", "no", "n", "关", "關", "关闭", "否"})
# A float within this fraction of a step from the grid is on it (typing 0.1 + 0.2 is not an error).
_STEP_TOLERANCE = Decimal("1e-6")
# Past this, a number is milliseconds, not seconds (1e11 s is the year 5138).
_MILLISECONDS_FROM = 100_000_000_000
_LAST_SECOND = 253_402_300_799  # 9999-12-31 23:59:59 UTC
_TIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%Y/%m/%d %H:%M", "%Y/%m/%d")
_PAIR = re.compile(r"\s*([^=:：]+?)\s*[=:：]\s*(.*?)\s*", re.S)


def coerce_value(spec: ValueSpec, raw: Any, tz: tzinfo | None) -> Any:
    """The value to send for ``raw``, checked against ``spec``; raises InvalidValue."""
    if raw is None:
        raise InvalidValue("missing", "a value is needed")
    coerce = _COERCERS.get(spec.type)
    if coerce is None:
        raise InvalidValue(
            "unsupported_type",
            f"values of type {spec.raw_type!r} cannot be set",
            type=spec.raw_type,
        )
    return coerce(spec, raw, tz)


def coerce_fields(
    fields: Sequence[ParamSpec], values: Mapping[str, Any], tz: tzinfo | None
) -> dict[str, Any]:
    """Each of ``fields`` coerced from ``values`` (keyed by id, or loosely by id or name); all required."""
    by_id = {f.id: f for f in fields}
    loose = {fold(key): f for f in fields for key in (f.name, f.id)}
    given: dict[str, Any] = {}
    for key, value in values.items():
        found = by_id.get(str(key)) or loose.get(fold(str(key)))
        if found is None:
            choices = {f.id: f.name for f in fields}
            raise InvalidValue(
                "not_in_choices",
                f"{key!r} is not one of {list(choices)}",
                value=key,
                choices=choices,
            )
        given[found.id] = value
    out: dict[str, Any] = {}
    for f in fields:
        if f.id not in given or given[f.id] is None:
            raise InvalidValue("missing", f"{f.name} is missing", field=f.id, name=f.name)
        try:
            out[f.id] = f.spec.coerce(given[f.id], tz=tz)
        except InvalidValue as err:
            raise err.within(f.id, f.name) from err
    return out


def _coerce_number(spec: ValueSpec, raw: Any, tz: tzinfo | None) -> int | float:
    d = to_decimal(raw, spec.unit)
    if spec.type == "int" and d != d.to_integral_value():
        raise InvalidValue("not_an_integer", f"{raw!r} is not a whole number", value=raw)
    lo, hi, step = bounds(spec)
    if (lo is not None and d < lo) or (hi is not None and d > hi):
        raise InvalidValue(
            "out_of_range",
            f"{raw} is outside {_shown(lo)}..{_shown(hi)}",
            value=raw,
            min=spec.min,
            max=spec.max,
            unit=spec.unit,
        )
    if step is not None:
        base = lo if lo is not None else Decimal(0)
        k = (d - base) / step
        nearest = k.to_integral_value(ROUND_HALF_UP)
        exact = spec.type == "int"
        if (exact and k != nearest) or abs(k - nearest) > _STEP_TOLERANCE:
            lower = base + k.to_integral_value(ROUND_FLOOR) * step
            upper = base + k.to_integral_value(ROUND_CEILING) * step
            raise InvalidValue(
                "off_step",
                f"{raw} is not a multiple of {_shown(step)} from {_shown(lo or Decimal(0))}",
                value=raw,
                min=spec.min,
                step=spec.step,
                unit=spec.unit,
                lower=typed_number(spec, lower) if lo is None or lower >= lo else None,
                upper=typed_number(spec, upper) if hi is None or upper <= hi else None,
            )
        d = base + nearest * step
    return typed_number(spec, d)


def _shown(number: Decimal | None) -> str:
    return "" if number is None else number_text(number, None)


def _coerce_bool(spec: ValueSpec, raw: Any, tz: tzinfo | None) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, (int, float)) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str):
        text = fold(raw)
        for key, name in spec.mapping.items():
            if key in ("0", "1") and fold(name) == text:
                return key == "1"
        if text in _TRUE_WORDS or text in _FALSE_WORDS:
            return text in _TRUE_WORDS
    choices = {k: v for k, v in spec.mapping.items() if k in ("0", "1")}
    raise InvalidValue("not_a_bool", f"{raw!r} is neither on nor off", value=raw, choices=choices)


def _coerce_enum(spec: ValueSpec, raw: Any, tz: tzinfo | None) -> int:
    key = _choice_key(spec, raw)
    try:
        number = int(to_decimal(key))
    except InvalidValue:
        number = None
    if number is not None and (str(number) in spec.mapping or not spec.mapping):
        return number
    raise _not_in_choices(spec, raw)


def _coerce_stringenum(spec: ValueSpec, raw: Any, tz: tzinfo | None) -> str:
    key = _choice_key(spec, raw)
    if key in spec.mapping:
        return key
    raise _not_in_choices(spec, raw)


def _choice_key(spec: ValueSpec, raw: Any) -> str:
    """The mapping key ``raw`` stands for: the key itself, or a key or name typed loosely."""
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        raise _not_in_choices(spec, raw)
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw)
    if text in spec.mapping:
        return text
    folded = fold(text)
    for match in (lambda k, n: fold(k) == folded, lambda k, n: fold(n) == folded):
        for key, name in spec.mapping.items():
            if match(key, name):
                return key
    return text


def _not_in_choices(spec: ValueSpec, raw: Any) -> InvalidValue:
    names = ", ".join(spec.mapping.values())
    return InvalidValue(
        "not_in_choices", f"{raw!r} is not one of: {names}", value=raw, choices=dict(spec.mapping)
    )


def _coerce_string(spec: ValueSpec, raw: Any, tz: tzinfo | None) -> str:
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        raise InvalidValue("wrong_type", "expected text", value=raw, expected="string")
    text = raw if isinstance(raw, str) else str(raw)
    if spec.max_length is not None and len(text) > spec.max_length:
        raise InvalidValue(
            "too_long",
            f"text is {len(text)} characters, at most {spec.max_length} allowed",
            value=text,
            length=len(text),
            max_length=spec.max_length,
        )
    if spec.min_length is not None and len(text) < spec.min_length:
        raise InvalidValue(
            "too_short",
            f"text is {len(text)} characters, at least {spec.min_length} needed",
            value=text,
            length=len(text),
            min_length=spec.min_length,
        )
    return text


def _coerce_timestamp(spec: ValueSpec, raw: Any, tz: tzinfo | None) -> int:
    seconds: Decimal | None = None
    from_number = False  # only a bare number can be milliseconds; a date typed out never is
    if isinstance(raw, datetime):
        seconds = Decimal(int(_aware(raw, tz).timestamp()))
    elif isinstance(raw, str):
        text = unicodedata.normalize("NFKC", raw).strip()
        if text.isascii() and text.isdigit():
            seconds, from_number = Decimal(text), True
        else:
            moment = _parse_time(text)
            seconds = None if moment is None else Decimal(int(_aware(moment, tz).timestamp()))
    elif isinstance(raw, (int, float)) and not isinstance(raw, bool):
        try:
            seconds, from_number = to_decimal(raw), True
        except InvalidValue:
            seconds = None
    if from_number and seconds is not None and seconds > _MILLISECONDS_FROM:
        seconds /= 1000
    if seconds is None or not 0 <= seconds <= _LAST_SECOND:
        raise InvalidValue(
            "bad_time", f"{raw!r} is not a time (YYYY-MM-DD HH:MM or Unix seconds)", value=raw
        )
    return int(seconds)


def _parse_time(text: str) -> datetime | None:
    for pattern in _TIME_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            pass
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _aware(moment: datetime, tz: tzinfo | None) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=tz or UTC)


def _coerce_struct(spec: ValueSpec, raw: Any, tz: tzinfo | None) -> dict[str, Any]:
    values = _struct_values(raw)
    if values is None:
        fields = {f.id: f.name for f in spec.fields}
        raise InvalidValue(
            "wrong_type",
            "expected fields like a=1, b=2",
            value=raw,
            expected="struct",
            fields=fields,
        )
    return coerce_fields(spec.fields, values, tz)


def _struct_values(raw: Any) -> Mapping[str, Any] | None:
    """The field values of a struct given as a mapping, as JSON text or as ``a=1, b=2`` text."""
    if isinstance(raw, Mapping):
        return raw
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    if text.startswith("{"):
        try:
            loaded = json.loads(text)
        except ValueError:
            return None
        return loaded if isinstance(loaded, dict) else None
    values: dict[str, Any] = {}
    for part in re.split(r"[,;，；\n]", text):
        if not part.strip():
            continue
        pair = _PAIR.fullmatch(part)
        if pair is None:
            return None
        values[pair.group(1)] = pair.group(2)
    return values or None


def _coerce_array(spec: ValueSpec, raw: Any, tz: tzinfo | None) -> list[Any]:
    items: Any = raw
    if isinstance(raw, str):
        text = raw.strip()
        try:
            items = json.loads(text) if text.startswith("[") else _split_items(text)
        except ValueError:
            items = None
    if not isinstance(items, (list, tuple)):
        raise InvalidValue("wrong_type", "expected a list", value=raw, expected="array")
    if spec.element is None:
        raise InvalidValue("unsupported_type", "array of unknown items", type=spec.raw_type)
    out = []
    for index, item in enumerate(items):
        try:
            out.append(spec.element.coerce(item, tz=tz))
        except InvalidValue as err:
            raise err.within(str(index), f"#{index + 1}") from err
    return out


def _split_items(text: str) -> list[str]:
    return [item.strip() for item in re.split(r"[,;，；]", text) if item.strip()]


_COERCERS: dict[str, Callable[[ValueSpec, Any, tzinfo | None], Any]] = {
    "bool": _coerce_bool,
    "int": _coerce_number,
    "float": _coerce_number,
    "enum": _coerce_enum,
    "stringenum": _coerce_stringenum,
    "string": _coerce_string,
    "timestamp": _coerce_timestamp,
    "struct": _coerce_struct,
    "array": _coerce_array,
}
