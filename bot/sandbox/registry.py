"""How sandbox actions are declared (a decorator, the call context, the cloud's error), and the
list of the modules that declare them."""

from __future__ import annotations

import importlib
import json
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Literal

from bot.sandbox.state import Device, Family, SandboxState, User

Api = Literal["app", "token"]
_MISSING = object()


class CloudError(Exception):
    """An error answer: ``{"Response": {"Error": {"Code", "Message"}}}``."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.message = message or code


@dataclass
class Call:
    """One request as an action handler sees it."""

    state: SandboxState
    action: str
    params: dict[str, Any]
    user: User | None = None  # the caller, on tokenapi
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def me(self) -> User:
        """The signed-in caller (tokenapi actions only)."""
        assert self.user is not None, "appapi actions have no signed-in user"
        return self.user

    def get(self, name: str, kind: type | tuple[type, ...] = str, default: Any = _MISSING) -> Any:
        """A parameter of the expected type; absent -> ``default`` or ErrorRequiredParamNotFound."""
        value = self.params.get(name, _MISSING)
        if value is _MISSING or value is None:
            if default is _MISSING:
                raise CloudError("ErrorRequiredParamNotFound", f"missing parameter {name}")
            return default
        if kind is int and isinstance(value, str) and value.lstrip("-").isdigit():
            value = int(value)  # the real cloud takes numbers written as strings too
        if (kind is int and isinstance(value, bool)) or not isinstance(value, kind):
            raise CloudError("InvalidParameterValue", f"{name} has the wrong type")
        return value

    def get_json(self, name: str, default: Any = _MISSING) -> Any:
        """A JSON-valued parameter, sent as a JSON string (or, leniently, as the object itself)."""
        value = self.params.get(name, _MISSING)
        if value is _MISSING or value is None or value == "":
            if default is _MISSING:
                raise CloudError("ErrorRequiredParamNotFound", f"missing parameter {name}")
            return default
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError as err:
                raise CloudError(
                    "InvalidParameterValue.InvalidJSON", f"{name} is not JSON"
                ) from err
        return value

    def page(self, default_limit: int = 20, max_limit: int = 50) -> tuple[int, int]:
        """Offset and Limit, clamped as the cloud does."""
        offset = max(0, self.get("Offset", int, 0))
        limit = self.get("Limit", int, default_limit) or default_limit
        return offset, max(1, min(limit, max_limit))

    # -- lookups that also enforce permissions --------------------------------------------------------

    def family(self, family_id: str, *, admin: bool = False) -> Family:
        """A family the caller belongs to (as owner when ``admin``)."""
        family = self.state.families.get(family_id)
        if family is None:
            raise CloudError("ResourceNotFound.StudioFamilyNotExist", "family does not exist")
        role = family.members.get(self.me.user_id)
        if role is None:
            raise CloudError("UnauthorizedOperation.NoPermissionToFamily", "not a member")
        if admin and role != 1:
            raise CloudError("InvalidParameterValue.NoPermission", "only the family's admin may")
        return family

    def device(self, device_id: str | None = None, *, shared_ok: bool = True) -> Device:
        """A device the caller may see: by DeviceId, or by the ProductId + DeviceName params."""
        if device_id is None:
            device_id = self.params.get("DeviceId") or (
                f"{self.get('ProductId')}/{self.get('DeviceName')}"
            )
        device = self.state.devices.get(str(device_id))
        if device is None:
            raise CloudError("ResourceNotFound.DeviceNotExist", "device does not exist")
        user_id = self.me.user_id
        if self.state.role_in(device.family_id, user_id) is not None:
            return device
        if shared_ok and (device.device_id, user_id) in self.state.shares:
            return device
        raise CloudError("InvalidParameterValue.NoPermission", "no permission for this device")


Handler = Callable[[Call], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class ActionSpec:
    name: str
    api: Api
    handler: Handler


ACTIONS: dict[str, ActionSpec] = {}


def action(name: str, *, api: Api = "token") -> Callable[[Handler], Handler]:
    """Register an async handler for ``name`` on the appapi (``app``) or tokenapi (``token``)."""

    def register(handler: Handler) -> Handler:
        if name in ACTIONS:
            raise RuntimeError(f"action {name} registered twice")
        ACTIONS[name] = ActionSpec(name, api, handler)
        return handler

    return register


# Every module of bot/sandbox/actions/ that declares actions (@action), in the order their
# seed_demo(state, home) build the demo home, their background(sandbox) loops start and their
# on_stop(state) run: automations after scenes (they name the demo scenes).
ACTION_MODULES = (
    "users",
    "families",
    "family_members",
    "devices",
    "device_manage",
    "device_history",
    "control",
    "sharing",
    "timers",
    "scenes",
    "automations",
    "messages",
    "firmware",
    "music",
)


def action_modules() -> Iterator[ModuleType]:
    """The action modules, imported (which declares their actions), in ACTION_MODULES order."""
    for name in ACTION_MODULES:
        yield importlib.import_module(f"bot.sandbox.actions.{name}")


def load_actions() -> None:
    """Import every action module once, so ACTIONS is complete."""
    for _module in action_modules():
        pass
