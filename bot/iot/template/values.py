"""One value type of a DataTemplate (its ``define``), read forgivingly, with its checks and formats."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import tzinfo
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any

from bot.iot.template.coerce import coerce_value
from bot.iot.template.format import format_value, wire_value
from bot.iot.template.numbers import NUMERIC_TYPES, clamp_value, places, step_value

log = logging.getLogger(__name__)

KNOWN_TYPES = frozenset(
    {"bool", "int", "float", "enum", "stringenum", "string", "timestamp", "struct", "array"}
)
# Structs of arrays of structs... deeper than this is a broken template, not a real device.
_MAX_DEPTH = 8
# Template numbers past this are typos; they would turn into float infinities.
_LARGEST = Decimal(10) ** 18


@dataclass(frozen=True)
class ValueSpec:
    """What values a property, param or field takes: ``type`` is one of KNOWN_TYPES or "unknown"."""

    type: str
    mapping: Mapping[str, str] = field(default_factory=dict, hash=False)
    min: float | None = None
    max: float | None = None
    step: float | None = None
    start: float | None = None
    unit: str = ""
    min_length: int | None = None
    max_length: int | None = None
    fields: tuple[ParamSpec, ...] = ()
    element: ValueSpec | None = None
    decimals: int | None = None  # float decimals the step implies; None when there is no step
    raw_type: str = ""  # the type as the template spelled it

    @classmethod
    def from_define(cls, define: Any, *, depth: int = 0) -> ValueSpec:
        """The spec of a template ``define`` (or struct ``dataType``); "unknown" when unreadable."""
        if not isinstance(define, Mapping):
            log.warning("DataTemplate: a define is not an object: %r", define)
            return cls(type="unknown", raw_type="")
        raw_type = str(define.get("type") or "").strip()
        kind = raw_type.lower()
        if kind not in KNOWN_TYPES or depth > _MAX_DEPTH:
            log.warning(
                "DataTemplate: type %r is not supported; its values are shown raw", raw_type
            )
            return cls(type="unknown", raw_type=raw_type)
        unit = str(define.get("unit") or "").strip()
        mapping = _read_mapping(define.get("mapping"), kind)
        if kind in NUMERIC_TYPES:
            return _numeric_spec(define, kind, unit, raw_type)
        if kind == "string":
            lo, hi = _range(define, "string", integral=True)
            min_length = int(lo) if lo is not None and lo > 0 else None
            return cls(
                type=kind,
                raw_type=raw_type,
                min_length=min_length,
                max_length=None if hi is None else int(hi),
            )
        if kind == "struct":
            fields = read_params(define.get("specs"), depth + 1)
            return cls(type=kind, raw_type=raw_type, fields=fields)
        if kind == "array":
            element = cls.from_define(define.get("arrayInfo"), depth=depth + 1)
            return cls(type=kind, raw_type=raw_type, element=element)
        return cls(type=kind, raw_type=raw_type, mapping=mapping, unit=unit)

    @property
    def supported(self) -> bool:
        """Whether values of this spec can be checked and sent (unknown parts never are)."""
        if self.type == "struct":
            return bool(self.fields) and all(f.spec.supported for f in self.fields)
        if self.type == "array":
            return self.element is not None and self.element.supported
        return self.type in KNOWN_TYPES

    def coerce(self, raw: Any, *, tz: tzinfo | None = None) -> Any:
        """The value to send for ``raw`` (chat text or a typed value); raises InvalidValue.

        ``tz`` reads times typed without a zone (UTC when None).
        """
        return coerce_value(self, raw, tz)

    def clamp(self, value: Any) -> Any:
        """A number brought inside min..max and onto the step; other values unchanged."""
        return clamp_value(self, value)

    def step_value(self, current: Any, direction: int) -> Any:
        """``direction`` steps (-1, +1) from ``current`` for -/+ buttons; None starts at start or min."""
        return step_value(self, current, direction)

    def format(self, value: Any, *, tz: tzinfo | None = None) -> str:
        """``value`` for people: mapping names, units, times in ``tz`` (UTC when None). Never raises."""
        return format_value(self, value, tz)

    def to_wire(self, value: Any) -> Any:
        """``value`` checked and as it goes into AppControlDeviceData ``Data``; raises InvalidValue."""
        return wire_value(self, self.coerce(value))


@dataclass(frozen=True)
class ParamSpec:
    """A named value of an event, an action or a struct."""

    id: str
    name: str
    desc: str
    spec: ValueSpec

    @classmethod
    def from_dict(cls, raw: Any, *, depth: int = 0) -> ParamSpec | None:
        """A param from its template object (``define`` or struct ``dataType``); None without an id."""
        if not isinstance(raw, Mapping) or not isinstance(raw.get("id"), str) or not raw["id"]:
            log.warning("DataTemplate: skipping a param or field without an id: %r", raw)
            return None
        define = raw.get("define") if "define" in raw else raw.get("dataType")
        return cls(
            id=raw["id"],
            name=str(raw.get("name") or raw["id"]),
            desc=str(raw.get("desc") or ""),
            spec=ValueSpec.from_define(define, depth=depth),
        )

    def format(self, value: Any, *, tz: tzinfo | None = None) -> str:
        """``value`` of this param for people (see ValueSpec.format)."""
        return self.spec.format(value, tz=tz)


def read_params(raw: Any, depth: int = 0) -> tuple[ParamSpec, ...]:
    """The params (or struct fields) of a template list, first of each id; bad entries skipped."""
    params: dict[str, ParamSpec] = {}
    for item in raw if isinstance(raw, list) else []:
        param = ParamSpec.from_dict(item, depth=depth)
        if param is not None and param.id not in params:
            params[param.id] = param
    return tuple(params.values())


def _read_mapping(raw: Any, kind: str) -> Mapping[str, str]:
    if raw is None:
        return MappingProxyType({})
    if not isinstance(raw, Mapping):
        log.warning("DataTemplate: a mapping is not an object: %r", raw)
        return MappingProxyType({})
    mapping = {str(key).strip(): str(name) for key, name in raw.items()}
    if kind in ("enum", "bool"):
        # enum keys are numbers on the wire: keep the ones that are, in numeric order
        numbered = {}
        for key, name in mapping.items():
            try:
                numbered[int(key)] = name
            except ValueError:
                log.warning("DataTemplate: enum key %r is not a number; dropped", key)
        mapping = {str(key): numbered[key] for key in sorted(numbered)}
    return MappingProxyType(mapping)


def _template_number(raw: Any, what: str) -> Decimal | None:
    if raw is None or raw == "" or isinstance(raw, bool):
        return None
    try:
        number = Decimal(raw.strip()) if isinstance(raw, str) else Decimal(repr(raw))
    except (InvalidOperation, TypeError):
        number = None
    if number is None or not number.is_finite() or abs(number) > _LARGEST:
        log.warning("DataTemplate: %s %r is not a usable number; ignored", what, raw)
        return None
    return number


def _range(
    define: Mapping[str, Any], kind: str, *, integral: bool
) -> tuple[Decimal | None, Decimal | None]:
    lo = _template_number(define.get("min"), "min")
    hi = _template_number(define.get("max"), "max")
    if integral:
        lo = None if lo is None else lo.to_integral_value(ROUND_CEILING)
        hi = None if hi is None else hi.to_integral_value(ROUND_FLOOR)
    if lo is not None and hi is not None and lo > hi:
        log.warning("DataTemplate: %s min %s is above max %s; swapped", kind, lo, hi)
        lo, hi = hi, lo
    return lo, hi


def _numeric_spec(define: Mapping[str, Any], kind: str, unit: str, raw_type: str) -> ValueSpec:
    lo, hi = _range(define, kind, integral=kind == "int")
    step = _template_number(define.get("step"), "step")
    if step is not None and (step <= 0 or (kind == "int" and step != step.to_integral_value())):
        log.warning("DataTemplate: step %s does not fit a %s; ignored", step, kind)
        step = None
    start = _template_number(define.get("start"), "start")
    decimals = None
    if kind == "float" and step is not None:
        decimals = max(places(step), places(lo) if lo is not None else 0)

    def public(number: Decimal | None) -> float | None:
        if number is None:
            return None
        if kind == "int" and number == number.to_integral_value():
            return int(number)
        return float(number)

    return ValueSpec(
        type=kind,
        raw_type=raw_type,
        min=public(lo),
        max=public(hi),
        step=public(step),
        start=public(start),
        unit=unit,
        decimals=decimals,
    )
