"""DataTemplate values for people (names, units, local times) and for the cloud (AppControlDeviceData)."""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, Any

from bot.iot.template.numbers import number_text, to_decimal

if TYPE_CHECKING:
    from bot.iot.template.values import ValueSpec

log = logging.getLogger(__name__)

NO_VALUE = "—"  # what a value the device never reported looks like, in any language
_MILLISECONDS_FROM = 100_000_000_000  # 1e11 s is the year 5138: larger stamps are milliseconds


def format_value(spec: ValueSpec, value: Any, tz: tzinfo | None) -> str:
    """``value`` as a person reads it; a value that does not fit ``spec`` is shown raw."""
    if value is None:
        return NO_VALUE
    formatter = _FORMATTERS.get(spec.type, _format_raw)
    try:
        return formatter(spec, value, tz)
    except Exception:  # a view must render whatever a device reports, so nothing escapes here
        log.debug("showing %r raw: it does not fit a %s spec", value, spec.type, exc_info=True)
        return raw_text(value)


def raw_text(value: Any) -> str:
    """A value shown as it came: text as is, JSON for lists and objects."""
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, float) and math.isfinite(value):
        return number_text(to_decimal(value), None)
    return str(value)


def _format_raw(spec: ValueSpec, value: Any, tz: tzinfo | None) -> str:
    return raw_text(value)


def _format_bool(spec: ValueSpec, value: Any, tz: tzinfo | None) -> str:
    key = "1" if spec.coerce(value) else "0"
    return spec.mapping.get(key, key)


def _format_choice(spec: ValueSpec, value: Any, tz: tzinfo | None) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return spec.mapping.get(str(value), raw_text(value))


def _format_number(spec: ValueSpec, value: Any, tz: tzinfo | None) -> str:
    text = number_text(to_decimal(value), spec.decimals)
    return f"{text} {spec.unit}" if spec.unit else text


def _format_timestamp(spec: ValueSpec, value: Any, tz: tzinfo | None) -> str:
    seconds = to_decimal(value)
    if seconds > _MILLISECONDS_FROM:
        seconds /= 1000
    moment = datetime.fromtimestamp(int(seconds), tz or UTC)
    return moment.strftime("%Y-%m-%d %H:%M")


def _format_struct(spec: ValueSpec, value: Any, tz: tzinfo | None) -> str:
    values = json.loads(value) if isinstance(value, str) else value
    if not isinstance(values, Mapping):
        return raw_text(value)
    parts = [
        f"{f.name}: {f.spec.format(values[f.id], tz=tz)}" for f in spec.fields if f.id in values
    ]
    known = {f.id for f in spec.fields}
    parts += [f"{key}: {raw_text(item)}" for key, item in values.items() if key not in known]
    return ", ".join(parts)


def _format_array(spec: ValueSpec, value: Any, tz: tzinfo | None) -> str:
    element = spec.element
    if element is None or not isinstance(value, (list, tuple)):
        return raw_text(value)
    return ", ".join(element.format(item, tz=tz) for item in value)


_FORMATTERS: dict[str, Callable[[ValueSpec, Any, tzinfo | None], str]] = {
    "bool": _format_bool,
    "enum": _format_choice,
    "stringenum": _format_choice,
    "int": _format_number,
    "float": _format_number,
    "timestamp": _format_timestamp,
    "struct": _format_struct,
    "array": _format_array,
}


def wire_value(spec: ValueSpec, coerced: Any) -> Any:
    """A coerced value as the cloud wants it in ``Data``: 0/1 for bools, dicts of wire values."""
    if spec.type == "bool":
        return int(coerced)
    if spec.type == "struct":
        return {f.id: wire_value(f.spec, coerced[f.id]) for f in spec.fields if f.id in coerced}
    if spec.type == "array" and spec.element is not None:
        return [wire_value(spec.element, item) for item in coerced]
    return coerced
