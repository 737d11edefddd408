"""Typed values in the user's words: what to send for a property or param, and why a value was refused."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from html import escape
from typing import Any

from bot.i18n import _
from bot.iot.template import InvalidValue, ValueSpec
from bot.telegram.limits import clip, fit_joined

EMPTY_TEXT = "-"  # what to send for an empty text value (Telegram has no empty messages)
_SHOWN_INPUT = 40  # characters of a refused input quoted back
_NAMES_SHOWN = 800  # UTF-16 units of a list of choices or fields in a hint


def number(value: Any) -> str:
    """A template number as people write it: 5, 0.5, 3500 (never 5.0 or 3.5e+03)."""
    if value is None:
        return ""
    try:
        exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return escape(str(value))
    return f"{exact.normalize() + 0:f}"


def _unit(details: Mapping[str, Any]) -> str:
    unit = str(details.get("unit") or "")
    return f" {escape(unit)}" if unit else ""


def _quoted(value: Any) -> str:
    text = value if isinstance(value, str) else str(value)
    if len(text) > _SHOWN_INPUT:
        text = text[: _SHOWN_INPUT - 1] + "…"
    return escape(text)


def _names(choices: Any) -> str:
    if not isinstance(choices, Mapping):
        return ""
    return fit_joined([escape(clip(str(name))) for name in choices.values()], _NAMES_SHOWN)


def _out_of_range(d: Mapping[str, Any]) -> str:
    low, high, unit = d.get("min"), d.get("max"), _unit(d)
    if low is not None and high is not None:
        return _("Choose a value between {min} and {max}{unit}.").format(
            min=number(low), max=number(high), unit=unit
        )
    if low is not None:
        return _("Choose a value of at least {min}{unit}.").format(min=number(low), unit=unit)
    return _("Choose a value of at most {max}{unit}.").format(max=number(high), unit=unit)


def _off_step(d: Mapping[str, Any]) -> str:
    text = _("Values go in steps of {step}{unit}.").format(
        step=number(d.get("step")), unit=_unit(d)
    )
    near = [number(v) for v in (d.get("lower"), d.get("upper")) if v is not None]
    if len(near) == 2 and near[0] != near[1]:
        text += " " + _("Try {lower} or {upper}.").format(lower=near[0], upper=near[1])
    elif near:
        text += " " + _("Try {value}.").format(value=near[0])
    return text


def _not_a_bool(d: Mapping[str, Any]) -> str:
    choices = d.get("choices") or {}
    if isinstance(choices, Mapping) and "0" in choices and "1" in choices:
        return _("Send “{on}” or “{off}”.").format(
            on=escape(str(choices["1"])), off=escape(str(choices["0"]))
        )
    return _("Send “on” or “off”.")


def _wrong_type(d: Mapping[str, Any]) -> str:
    expected = d.get("expected")
    if expected == "struct":
        fields = d.get("fields") or {}
        example = fit_joined([f"{escape(clip(str(key)))}=…" for key in fields], _NAMES_SHOWN)
        return _("Send the fields like this: {example}").format(example=example or "a=1, b=2")
    if expected == "array":
        return _("Send the items separated by commas, like 1, 2, 3.")
    return _("Send it as text.")


_EXPLAIN: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "not_a_number": lambda d: _("“{value}” is not a number.").format(value=_quoted(d.get("value"))),
    "not_an_integer": lambda d: _("“{value}” is not a whole number.").format(
        value=_quoted(d.get("value"))
    ),
    "out_of_range": _out_of_range,
    "off_step": _off_step,
    "not_in_choices": lambda d: _("“{value}” is not one of: {choices}.").format(
        value=_quoted(d.get("value")), choices=_names(d.get("choices"))
    ),
    "not_a_bool": _not_a_bool,
    "too_long": lambda d: _("That is {length} characters; at most {max} fit.").format(
        length=d.get("length"), max=d.get("max_length")
    ),
    "too_short": lambda d: _("That is {length} characters; at least {min} are needed.").format(
        length=d.get("length"), min=d.get("min_length")
    ),
    "bad_time": lambda d: _(
        "“{value}” is not a time I understand. Write it like 2025-06-01 18:30."
    ).format(value=_quoted(d.get("value"))),
    "wrong_type": _wrong_type,
    "missing": lambda d: _("{name} is missing.").format(name=escape(str(d.get("name") or "?"))),
    "read_only": lambda d: _("{name} can only be read, not changed.").format(
        name=escape(str(d.get("name") or "?"))
    ),
    "unsupported_type": lambda d: _("I can't set values of this kind ({type}).").format(
        type=escape(str(d.get("type") or "?"))
    ),
}


def translate_invalid(err: InvalidValue) -> str:
    """Why a value was refused, in the user's language (HTML); nested fields are named first."""
    explain = _EXPLAIN.get(err.reason)
    text = explain(err.details) if explain else _("That value doesn't fit.")
    field = str(err.details.get("field") or "")
    name = err.details.get("name")
    if "." in field and name and err.reason not in ("missing", "read_only"):
        text = f"{escape(str(name))}: {text}"
    return text


def _range_hint(spec: ValueSpec) -> str:
    unit = f" {escape(spec.unit)}" if spec.unit else ""
    if spec.min is not None and spec.max is not None:
        text = _("a number from {min} to {max}{unit}").format(
            min=number(spec.min), max=number(spec.max), unit=unit
        )
    elif spec.min is not None:
        text = _("a number of at least {min}{unit}").format(min=number(spec.min), unit=unit)
    elif spec.max is not None:
        text = _("a number of at most {max}{unit}").format(max=number(spec.max), unit=unit)
    else:
        text = _("a number")
    if spec.step is not None and spec.step != 1:
        text += " " + _("(in steps of {step})").format(step=number(spec.step))
    return text


def _text_hint(spec: ValueSpec) -> str:
    if spec.max_length is not None:
        text = _("text of at most {max} characters").format(max=spec.max_length)
    else:
        text = _("some text")
    if not spec.min_length:
        text += " " + _("(send {empty} to leave it empty)").format(empty=EMPTY_TEXT)
    return text


_HINTS: dict[str, Callable[[ValueSpec], str]] = {
    "int": _range_hint,
    "float": _range_hint,
    "string": _text_hint,
    "bool": lambda spec: _("“{on}” or “{off}”").format(
        on=escape(spec.mapping.get("1", "on")), off=escape(spec.mapping.get("0", "off"))
    ),
    "enum": lambda spec: _("one of: {choices}").format(choices=_names(spec.mapping)),
    "stringenum": lambda spec: _("one of: {choices}").format(choices=_names(spec.mapping)),
    "timestamp": lambda spec: _("a date and time like 2025-06-01 18:30"),
    "struct": lambda spec: _("the fields like this: {example}").format(
        example=fit_joined([f"{escape(clip(f.name))}=…" for f in spec.fields], _NAMES_SHOWN)
    ),
    "array": lambda spec: _("items separated by commas"),
}


def value_hint(spec: ValueSpec) -> str:
    """What a user may send for a value of ``spec`` (HTML)."""
    hint = _HINTS.get(spec.type)
    return hint(spec) if hint else _("a value")


def typed_value(spec: ValueSpec, text: str) -> str:
    """What the user typed, with the empty-text sign read as empty text for text values."""
    stripped = text.strip()
    if spec.type == "string" and stripped == EMPTY_TEXT:
        return ""
    return text if spec.type == "string" else stripped
