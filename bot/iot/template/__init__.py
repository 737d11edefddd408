"""The DataTemplate (物模型) of a product: its properties, events and actions, read forgivingly."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

from bot.iot.template.coerce import coerce_fields
from bot.iot.template.errors import REASONS, InvalidValue
from bot.iot.template.format import NO_VALUE, raw_text
from bot.iot.template.numbers import NUMERIC_TYPES
from bot.iot.template.values import KNOWN_TYPES, ParamSpec, ValueSpec, read_params

__all__ = [
    "KNOWN_TYPES",
    "NO_VALUE",
    "REASONS",
    "SEVERITIES",
    "ActionSpec",
    "DataTemplate",
    "EventSpec",
    "InvalidValue",
    "ParamSpec",
    "PropertySpec",
    "ValueSpec",
    "numeric_properties",
]

log = logging.getLogger(__name__)

SEVERITIES = ("info", "alert", "fault")


@dataclass(frozen=True)
class PropertySpec:
    """A property of a device: ``mode`` is "r" (reported only) or "rw" (settable from the app)."""

    id: str
    name: str
    desc: str
    mode: str
    required: bool
    spec: ValueSpec

    @property
    def writable(self) -> bool:
        """Whether the app may set it: mode rw and a value type this bot can check."""
        return self.mode == "rw" and self.spec.supported

    def coerce(self, raw: Any, *, tz: tzinfo | None = None) -> Any:
        """The value to send for ``raw``; InvalidValue (read_only, ...) names this property.

        An ``rw`` property of a type this bot cannot check fails with ``unsupported_type``.
        """
        if self.mode != "rw":
            raise InvalidValue(
                "read_only", f"{self.name} is read-only", field=self.id, name=self.name
            )
        try:
            return self.spec.coerce(raw, tz=tz)
        except InvalidValue as err:
            raise err.within(self.id, self.name) from err

    def format(self, value: Any, *, tz: tzinfo | None = None) -> str:
        """The property's value for people (see ValueSpec.format)."""
        return self.spec.format(value, tz=tz)


@dataclass(frozen=True)
class EventSpec:
    """An event a device posts; its ``type`` (info, alert or fault) is how serious it is."""

    id: str
    name: str
    desc: str
    type: str
    params: tuple[ParamSpec, ...]
    required: bool = False

    @property
    def severity(self) -> str:
        """One of SEVERITIES; an unknown type counts as "info"."""
        return self.type if self.type in SEVERITIES else "info"

    def param(self, param_id: str) -> ParamSpec | None:
        """The param with this id, or None."""
        return next((p for p in self.params if p.id == param_id), None)

    def format_params(
        self, params: Mapping[str, Any], tz: tzinfo | None = None
    ) -> list[tuple[str, str]]:
        """(name, formatted value) of each param posted, in template order; unknown ones raw, last."""
        return _format_params(self.params, params, tz)


@dataclass(frozen=True)
class ActionSpec:
    """An action the app can call on a device, with input params and the output it replies."""

    id: str
    name: str
    desc: str
    inputs: tuple[ParamSpec, ...]
    outputs: tuple[ParamSpec, ...]
    required: bool = False

    def coerce_inputs(
        self, values: Mapping[str, Any], *, tz: tzinfo | None = None
    ) -> dict[str, Any]:
        """Every input checked (all are required); raises InvalidValue naming the param."""
        return coerce_fields(self.inputs, values, tz)

    def wire_inputs(self, values: Mapping[str, Any], *, tz: tzinfo | None = None) -> dict[str, Any]:
        """The checked inputs as they go into the ``InputParams`` JSON."""
        coerced = self.coerce_inputs(values, tz=tz)
        return {p.id: p.spec.to_wire(coerced[p.id]) for p in self.inputs}

    def format_outputs(
        self, values: Mapping[str, Any], tz: tzinfo | None = None
    ) -> list[tuple[str, str]]:
        """(name, formatted value) of each output, in template order; unknown ones raw, last."""
        return _format_params(self.outputs, values, tz)


@dataclass(frozen=True)
class DataTemplate:
    """A product's DataTemplate; ``parse`` never fails, it skips (and logs) what it cannot read."""

    properties: tuple[PropertySpec, ...] = ()
    events: tuple[EventSpec, ...] = ()
    actions: tuple[ActionSpec, ...] = ()
    version: str = ""
    product_id: str = ""
    category_id: str = ""

    @classmethod
    def parse(cls, raw: str | Mapping[str, Any] | None) -> DataTemplate:
        """The template from AppGetProducts' ``DataTemplate`` (a JSON string or an object)."""
        data: Any = raw
        if isinstance(raw, (str, bytes)):
            try:
                data = json.loads(raw) if raw.strip() else None
            except ValueError:
                log.warning("DataTemplate: not JSON; using an empty template")
                data = None
        if data is None:
            return cls()
        if not isinstance(data, Mapping):
            log.warning(
                "DataTemplate: not an object (%s); using an empty template", type(data).__name__
            )
            return cls()
        profile = data.get("profile")
        if not isinstance(profile, Mapping):
            profile = {}
        return cls(
            properties=tuple(
                _read_property(item) for item in _entries(data, profile, "properties")
            ),
            events=tuple(_read_event(item) for item in _entries(data, profile, "events")),
            actions=tuple(_read_action(item) for item in _entries(data, profile, "actions")),
            version=str(data.get("version") or ""),
            product_id=str(profile.get("ProductId") or ""),
            category_id=str(profile.get("CategoryId") or ""),
        )

    @property
    def writable_properties(self) -> tuple[PropertySpec, ...]:
        """The properties the app may set, in template order."""
        return tuple(p for p in self.properties if p.writable)

    def property(self, property_id: str) -> PropertySpec | None:
        """The property with this id, or None."""
        return next((p for p in self.properties if p.id == property_id), None)

    def event(self, event_id: str) -> EventSpec | None:
        """The event with this id, or None."""
        return next((e for e in self.events if e.id == event_id), None)

    def action(self, action_id: str) -> ActionSpec | None:
        """The action with this id, or None."""
        return next((a for a in self.actions if a.id == action_id), None)


def numeric_properties(template: DataTemplate) -> tuple[PropertySpec, ...]:
    """The int and float properties: what a history chart can plot."""
    return tuple(p for p in template.properties if p.spec.type in NUMERIC_TYPES)


def _format_params(
    specs: Sequence[ParamSpec], values: Mapping[str, Any], tz: tzinfo | None
) -> list[tuple[str, str]]:
    if not isinstance(values, Mapping):
        return []
    shown = [(p.name, p.format(values[p.id], tz=tz)) for p in specs if p.id in values]
    known = {p.id for p in specs}
    shown += [(str(key), raw_text(value)) for key, value in values.items() if key not in known]
    return shown


def _entries(
    data: Mapping[str, Any], profile: Mapping[str, Any], kind: str
) -> Iterator[Mapping[str, Any]]:
    """The well-formed, first-seen-id entries of one list; the vendor's own example nests them in profile."""
    items = data.get(kind)
    if not isinstance(items, list):
        items = profile.get(kind)
    if items is None:
        return
    if not isinstance(items, list):
        log.warning("DataTemplate: %s is not a list; skipped", kind)
        return
    seen: set[str] = set()
    for item in items:
        if not isinstance(item, Mapping) or not isinstance(item.get("id"), str) or not item["id"]:
            log.warning("DataTemplate: skipping one of %s without an id: %r", kind, item)
        elif item["id"] in seen:
            log.warning("DataTemplate: skipping a second %s entry %r", kind, item["id"])
        else:
            seen.add(item["id"])
            yield item


def _flag(raw: Any) -> bool:
    if isinstance(raw, str):
        return raw.strip().lower() in ("true", "1", "yes")
    return bool(raw)


def _text(item: Mapping[str, Any], key: str) -> str:
    return str(item.get(key) or "")


def _read_property(item: Mapping[str, Any]) -> PropertySpec:
    return PropertySpec(
        id=item["id"],
        name=_text(item, "name") or item["id"],
        desc=_text(item, "desc"),
        mode="rw" if "w" in _text(item, "mode").lower() else "r",
        required=_flag(item.get("required")),
        spec=ValueSpec.from_define(item.get("define")),
    )


def _read_event(item: Mapping[str, Any]) -> EventSpec:
    return EventSpec(
        id=item["id"],
        name=_text(item, "name") or item["id"],
        desc=_text(item, "desc"),
        type=_text(item, "type").strip().lower(),
        params=read_params(item.get("params")),
        required=_flag(item.get("required")),
    )


def _read_action(item: Mapping[str, Any]) -> ActionSpec:
    return ActionSpec(
        id=item["id"],
        name=_text(item, "name") or item["id"],
        desc=_text(item, "desc"),
        inputs=read_params(item.get("input")),
        outputs=read_params(item.get("output")),
        required=_flag(item.get("required")),
    )
