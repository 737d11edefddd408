"""Sandbox actions: property controls, device actions (sync and async) and raw topic publishes."""

from __future__ import annotations

import asyncio
import base64
import binascii
import functools
import json
import logging
import secrets
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from bot.iot.template import DataTemplate, InvalidValue, ValueSpec
from bot.sandbox.demo import PRODUCTS
from bot.sandbox.registry import Call, CloudError, action
from bot.sandbox.state import Device, SandboxState

if TYPE_CHECKING:
    from bot.sandbox.server import Sandbox

log = logging.getLogger(__name__)

ASYNC_REPLY_DELAY = 0.2  # seconds the simulated device takes to carry out an async action
DEVICE_OFFLINE = "FailedOperation.DeviceOffline"
BAD_VALUE = "InvalidParameterValue"

# The JSON types a value may have on the wire, by template type; range, step, choices and
# length are then the template's own checks. (A bool is never taken for a number.)
_WIRE_TYPES: dict[str, tuple[type, ...]] = {
    "bool": (bool, int),
    "int": (int, float),
    "float": (int, float),
    "enum": (int, float),
    "timestamp": (int,),
    "string": (str,),
    "stringenum": (str,),
    "struct": (dict,),
    "array": (list,),
}

# Async replies still to come, per sandbox (by id: the state is not hashable).
_PENDING: dict[int, set[asyncio.Task[None]]] = {}


def template_of(state: SandboxState, device: Device) -> DataTemplate:
    """The DataTemplate of the device's product (empty when the product is unknown)."""
    product = state.products.get(device.product_id)
    return DataTemplate.parse(product.data_template if product else None)


def wire_value(field_id: str, spec: ValueSpec, value: Any) -> Any:
    """``value`` checked against ``spec`` as a device would take it; CloudError when it won't."""
    kinds = _WIRE_TYPES.get(spec.type)
    if kinds is None or not isinstance(value, kinds):
        raise CloudError(BAD_VALUE, f"{field_id}: {value!r} is not a {spec.raw_type or 'value'}")
    if isinstance(value, bool) and spec.type != "bool":
        raise CloudError(BAD_VALUE, f"{field_id}: {value!r} is not a {spec.raw_type}")
    try:
        return spec.to_wire(value)
    except InvalidValue as err:
        raise CloudError(BAD_VALUE, f"{field_id}: {err.message}") from err


def check_values(state: SandboxState, device: Device, values: Any) -> dict[str, Any]:
    """Control ``values`` checked against the device's template: known, writable, in range."""
    if not isinstance(values, dict) or not values:
        raise CloudError(BAD_VALUE, "Data must be a JSON object of property values")
    template = template_of(state, device)
    checked: dict[str, Any] = {}
    for prop_id, value in values.items():
        prop = template.property(str(prop_id))
        if prop is None:
            raise CloudError(BAD_VALUE, f"{prop_id} is not a property of {device.product_id}")
        if prop.mode != "rw":
            raise CloudError(BAD_VALUE, f"{prop_id} is read-only")
        checked[prop.id] = wire_value(prop.id, prop.spec, value)
    return checked


def ensure_online(state: SandboxState, device: Device) -> None:
    """Refuse a device that cannot hear the cloud: offline, or behind an offline gateway."""
    gateway = state.devices.get(device.gateway_id) if device.gateway_id else None
    if not device.online or (gateway is not None and not gateway.online):
        raise CloudError(DEVICE_OFFLINE, "the device is offline")


@action("AppControlDeviceData")
async def control_device_data(call: Call) -> dict[str, Any]:
    """Set properties: the cloud pushes the control, the device reports its new state."""
    device = call.device()
    values = call.get_json("Data")
    ensure_online(call.state, device)
    call.state.control_device(device.device_id, check_values(call.state, device, values))
    return {"Data": ""}


# -- device actions ---------------------------------------------------------------------------------

Simulator = Callable[[SandboxState, Device, dict[str, Any]], dict[str, Any]]


def _feed(state: SandboxState, device: Device, inputs: dict[str, Any]) -> dict[str, Any]:
    """The pet feeder: each portion takes 10% of the food; it jams when the food runs out."""
    current = device.properties.get("food_level")
    level = int(current.value) if current is not None else 0
    portions = int(inputs["portions"])
    dispensed = min(portions, level // 10)
    if dispensed:
        state.report_properties(
            device.device_id, {"food_level": level - dispensed * 10}, sub_type="Report"
        )
    return {"dispensed": dispensed, "result": 0 if dispensed == portions else 1}


# What the demo devices do when an action reaches them; other actions answer no outputs.
SIMULATORS: dict[tuple[str, str], Simulator] = {
    (PRODUCTS["feeder"].product_id, "feed"): _feed,
}


def _action_request(call: Call) -> tuple[Device, str, dict[str, Any]]:
    """The device, ActionId and checked InputParams of an action call."""
    device = call.device()
    action_id = call.get("ActionId")
    raw = call.get_json("InputParams", {})
    spec = template_of(call.state, device).action(action_id)
    if spec is None:
        raise CloudError(BAD_VALUE, f"{action_id} is not an action of {device.product_id}")
    if not isinstance(raw, dict):
        raise CloudError(BAD_VALUE, "InputParams must be a JSON object")
    unknown = sorted(set(raw) - {p.id for p in spec.inputs})
    if unknown:
        raise CloudError(BAD_VALUE, f"{action_id} has no input {unknown[0]}")
    inputs: dict[str, Any] = {}
    for param in spec.inputs:
        if param.id not in raw:
            raise CloudError(BAD_VALUE, f"{action_id} needs the input {param.id}")
        inputs[param.id] = wire_value(param.id, param.spec, raw[param.id])
    ensure_online(call.state, device)
    return device, action_id, inputs


def _send_action(call: Call, device: Device, action_id: str, inputs: dict[str, Any]) -> str:
    """Push the action down to the device; returns its ClientToken."""
    # The vendor's tokens look like "<number>::<RequestId>".
    token = f"{secrets.randbelow(10**9)}::{call.params.get('RequestId', '')}"
    message = {
        "method": "action",
        "clientToken": token,
        "actionId": action_id,
        "timestamp": call.state.now(),
        "params": inputs,
    }
    call.state.push(device.device_id, "Action", "Push", message)
    return token


def _carry_out(
    state: SandboxState, device: Device, action_id: str, token: str, inputs: dict[str, Any]
) -> dict[str, Any]:
    """Let the device run the action and report its reply; returns the output params."""
    simulate = SIMULATORS.get((device.product_id, action_id))
    outputs = simulate(state, device, inputs) if simulate is not None else {}
    reply = {
        "method": "action_reply",
        "clientToken": token,
        "actionId": action_id,
        "code": 0,
        "status": "succ",
        "response": outputs,
    }
    state.push(device.device_id, "Action", "Report", reply)
    return outputs


@action("AppCallDeviceActionSync")
async def call_action_sync(call: Call) -> dict[str, Any]:
    """Run an action and answer with the device's output params."""
    device, action_id, inputs = _action_request(call)
    token = _send_action(call, device, action_id, inputs)
    outputs = _carry_out(call.state, device, action_id, token, inputs)
    return {"ClientToken": token, "Status": "succ", "OutputParams": json.dumps(outputs)}


@action("AppCallDeviceActionAsync")
async def call_action_async(call: Call) -> dict[str, Any]:
    """Send an action and answer at once; the device's reply comes later as a push."""
    device, action_id, inputs = _action_request(call)
    token = _send_action(call, device, action_id, inputs)
    _track(call.state, _reply_later(call.state, device.device_id, action_id, token, inputs))
    return {"ClientToken": token, "Status": "Sent"}


async def _reply_later(
    state: SandboxState, device_id: str, action_id: str, token: str, inputs: dict[str, Any]
) -> None:
    await asyncio.sleep(ASYNC_REPLY_DELAY)
    device = state.devices.get(device_id)
    if device is None or not device.online:
        return  # a device that went away never answers; the caller's wait times out
    try:
        _carry_out(state, device, action_id, token, inputs)
    except Exception:  # a broken simulation must not take the sandbox down
        log.exception("action %s on %s failed", action_id, device_id)


def _track(state: SandboxState, coro: Coroutine[Any, Any, None]) -> None:
    task = asyncio.get_running_loop().create_task(coro)
    _PENDING.setdefault(id(state), set()).add(task)
    task.add_done_callback(functools.partial(_forget, id(state)))


def _forget(key: int, task: asyncio.Task[None]) -> None:
    tasks = _PENDING.get(key)
    if tasks is not None:
        tasks.discard(task)
        if not tasks:
            del _PENDING[key]


def pending_action_replies(state: SandboxState) -> int:
    """How many async action replies this sandbox still owes."""
    return len(_PENDING.get(id(state), ()))


def cancel_action_replies(state: SandboxState) -> int:
    """Drop the async replies still to come (on shutdown); returns how many there were."""
    tasks = _PENDING.pop(id(state), set())
    for task in tasks:
        task.cancel()
    return len(tasks)


def on_stop(state: SandboxState) -> None:
    """The sandbox stops: the asynchronous action replies still to come are dropped."""
    cancel_action_replies(state)


async def background(sandbox: Sandbox) -> None:
    """Nothing runs on a schedule here; when the sandbox stops, pending replies are dropped."""
    try:
        await asyncio.Event().wait()
    finally:
        cancel_action_replies(sandbox.state)


# -- raw publishes ----------------------------------------------------------------------------------


def _topic_of(device: Device, topic: str) -> str:
    """``topic`` when it is one the app may publish to for ``device`` (a down topic), else error."""
    parts = topic.split("/")
    custom = parts[:2] == [device.product_id, device.device_name] and len(parts) > 2
    thing = parts[:2] == ["$thing", "down"] and parts[3:] == [
        device.product_id,
        device.device_name,
    ]
    if not (custom and all(parts)) and not thing:
        raise CloudError(BAD_VALUE, f"{topic} is not a topic of {device.device_id}")
    return topic


@action("AppApiPublishMessage", api="app")
async def publish_message(call: Call) -> dict[str, Any]:
    """A raw message to a device topic; a data-template control on the property topic applies."""
    device_id = f"{call.get('ProductId')}/{call.get('DeviceName')}"
    device = call.state.devices.get(device_id)
    if device is None:
        raise CloudError("ResourceNotFound.DeviceNotExist", "device does not exist")
    topic = _topic_of(device, call.get("Topic"))
    payload = call.get("Payload")
    if call.get("Qos", int, 0) not in (0, 1):
        raise CloudError(BAD_VALUE, "Qos must be 0 or 1")
    encoding = call.get("PayloadEncoding", str, "")
    if encoding not in ("", "base64"):
        raise CloudError(BAD_VALUE, "PayloadEncoding must be base64 or empty")
    try:
        body = base64.b64decode(payload, validate=True) if encoding else payload.encode()
    except (binascii.Error, ValueError) as err:
        raise CloudError(BAD_VALUE, "Payload is not Base64") from err
    ensure_online(call.state, device)
    if topic.startswith("$thing/down/property/"):
        _apply_raw_control(call.state, device, body)
    return {}


def _apply_raw_control(state: SandboxState, device: Device, body: bytes) -> None:
    """The device acts on a data-template control message; anything else it ignores."""
    try:
        message = json.loads(body)
    except ValueError:
        return
    if isinstance(message, dict) and message.get("method") == "control":
        state.control_device(device.device_id, check_values(state, device, message.get("params")))
