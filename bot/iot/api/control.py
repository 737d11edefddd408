"""Typed app-API methods: setting device properties, calling device actions, raw publishes."""

from __future__ import annotations

import base64
import dataclasses
import json
from collections.abc import Mapping
from typing import Any

from bot.iot.api.base import ApiMixin
from bot.iot.models.control import ActionResult


def device_params(device_id: str) -> dict[str, str]:
    """``ProductId`` and ``DeviceName`` of a DeviceId ("<ProductId>/<DeviceName>")."""
    product_id, sep, device_name = device_id.partition("/")
    if not sep or not product_id or not device_name:
        raise ValueError(f"not a DeviceId (ProductId/DeviceName): {device_id!r}")
    return {"ProductId": product_id, "DeviceName": device_name}


def json_text(values: Mapping[str, Any]) -> str:
    """A JSON-valued parameter as the cloud takes it: compact JSON text, non-ASCII kept."""
    return json.dumps(dict(values), ensure_ascii=False, separators=(",", ":"))


class ControlApi(ApiMixin):
    """Writes that reach a device: property controls, actions and raw topic messages."""

    async def control_device(self, token: str, device_id: str, values: Mapping[str, Any]) -> None:
        """AppControlDeviceData: set properties, ``{property id: value}`` in wire form."""
        params = {**device_params(device_id), "Data": json_text(values)}
        await self.call("AppControlDeviceData", params, token=token)

    async def call_action_sync(
        self,
        token: str,
        device_id: str,
        action_id: str,
        inputs: Mapping[str, Any] | None = None,
    ) -> ActionResult:
        """AppCallDeviceActionSync: run an action and wait for the device's output params."""
        params = _action_params(device_id, action_id, inputs)
        reply = await self.call("AppCallDeviceActionSync", params, token=token)
        result = ActionResult.from_dict(reply)
        return dataclasses.replace(result, action_id=result.action_id or action_id)

    async def call_action_async(
        self,
        token: str,
        device_id: str,
        action_id: str,
        inputs: Mapping[str, Any] | None = None,
    ) -> str:
        """AppCallDeviceActionAsync: the ClientToken the later Action/Report push will carry."""
        params = _action_params(device_id, action_id, inputs)
        reply = await self.call("AppCallDeviceActionAsync", params, token=token)
        return ActionResult.from_dict(reply).client_token

    async def publish_message(
        self, device_id: str, topic: str, payload: bytes | str, *, qos: int = 0
    ) -> None:
        """AppApiPublishMessage (appapi, signed): a raw message to one of the device's topics."""
        # Bytes travel Base64-encoded (PayloadEncoding base64); text goes as it is.
        params: dict[str, Any] = {**device_params(device_id), "Topic": topic, "Qos": qos}
        if isinstance(payload, bytes):
            params["Payload"] = base64.b64encode(payload).decode("ascii")
            params["PayloadEncoding"] = "base64"
        else:
            params["Payload"] = payload
        await self.call("AppApiPublishMessage", params)


def _action_params(
    device_id: str, action_id: str, inputs: Mapping[str, Any] | None
) -> dict[str, Any]:
    return {
        **device_params(device_id),
        "ActionId": action_id,
        "InputParams": json_text(inputs or {}),
    }
