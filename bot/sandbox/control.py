"""The sandbox's control API, for tests, benchmarks and demos. It exists only in the sandbox.

HTTP (JSON bodies) under ``/sandbox``:

=======  ==================================  ==============================================
method   path                                what it does
=======  ==================================  ==============================================
GET      /sandbox/demo                       demo users, credentials, family and device ids
POST     /sandbox/users                      create a user {nickname, country_code, phone,
                                             email, password} -> {user_id}
POST     /sandbox/families                   create a family {user_id, name, rooms: [..]}
POST     /sandbox/devices                    create a device {family_id, product_id,
                                             device_name, alias, room_id, values}
GET      /sandbox/devices/{pid}/{name}       a device's state (online, properties)
POST     /sandbox/devices/{pid}/{name}/online   {online: true|false}
POST     /sandbox/devices/{pid}/{name}/report   {params: {...}} a property report
POST     /sandbox/devices/{pid}/{name}/event    {event_id, params: {...}}
POST     /sandbox/tokens/expire              {token} or {user_id}: expire AccessTokens
POST     /sandbox/faults                     {action, latency, http_status, error_code,
                                             count} inject a fault
DELETE   /sandbox/faults                     clear every fault
POST     /sandbox/sockets/drop               close every push websocket
=======  ==================================  ==============================================
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.sandbox.demo import PRODUCTS, add_device, add_family, add_user
from bot.sandbox.faults import Fault

if TYPE_CHECKING:
    from bot.sandbox.server import SandboxServer

DEMO_HOME: web.AppKey[Any] = web.AppKey("demo_home")  # the seeded demo home, when there is one


class SandboxControl:
    """The same operations as the HTTP control API, for in-process callers."""

    def __init__(self, server: SandboxServer) -> None:
        self.server = server
        self.state = server.state

    def create_user(self, nickname: str, **contacts: str) -> str:
        return add_user(self.state, nickname, **contacts).user_id

    def create_family(self, user_id: str, name: str, rooms: list[str] | None = None) -> str:
        user = self.state.users[user_id]
        return add_family(self.state, user, name, rooms or []).family_id

    def create_device(
        self,
        family_id: str,
        product_id: str,
        device_name: str,
        alias: str = "",
        room_id: str = "0",
        values: dict[str, Any] | None = None,
    ) -> str:
        product = self.state.products.get(product_id) or next(
            p for p in PRODUCTS.values() if p.product_id == product_id
        )
        family = self.state.families[family_id]
        device = add_device(
            self.state, product, device_name, alias or device_name, family, room_id, values=values
        )
        self.state.announce_binding(device.device_id, bound=True)  # as if bound in another app
        return device.device_id

    def device_state(self, device_id: str) -> dict[str, Any]:
        device = self.state.devices[device_id]
        return {
            "DeviceId": device_id,
            "AliasName": device.alias,
            "RoomId": device.room_id,
            "FamilyId": device.family_id,
            "Online": device.online,
            "Properties": {k: v.value for k, v in device.properties.items()},
        }

    def set_online(self, device_id: str, online: bool) -> None:
        self.state.set_online(device_id, online)

    def report(self, device_id: str, params: dict[str, Any]) -> None:
        self.state.report_properties(device_id, params, sub_type="Report")

    def trigger_event(self, device_id: str, event_id: str, params: dict[str, Any]) -> None:
        self.state.post_event(device_id, event_id, params)

    def expire_tokens(self, *, token: str = "", user_id: str = "") -> int:
        count = 0
        for record in self.state.tokens.values():
            if record.token == token or (user_id and record.user_id == user_id):
                record.expire_at = self.state.now() - 1
                count += 1
        return count

    def inject(self, **fault: Any) -> Fault:
        return self.server.faults.add(Fault(**fault))

    def clear_faults(self) -> None:
        self.server.faults.clear()

    async def drop_sockets(self) -> int:
        return await self.server.hub.drop_all()


def add_control_routes(app: web.Application, server: SandboxServer) -> SandboxControl:
    """Mount the HTTP control API on ``app``; returns the in-process control object."""
    control = SandboxControl(server)

    async def body(request: web.Request) -> dict[str, Any]:
        try:
            data = await request.json()
        except ValueError as err:
            raise web.HTTPBadRequest(text="body must be JSON") from err
        if not isinstance(data, dict):
            raise web.HTTPBadRequest(text="body must be a JSON object")
        return data

    def device_id(request: web.Request) -> str:
        did = f"{request.match_info['pid']}/{request.match_info['name']}"
        if did not in server.state.devices:
            raise web.HTTPNotFound(text=f"no device {did}")
        return did

    async def demo(request: web.Request) -> web.Response:
        home = request.app.get(DEMO_HOME)
        if home is None:
            raise web.HTTPNotFound(text="the sandbox runs without the demo home")
        return web.json_response(dataclasses.asdict(home))

    async def users(request: web.Request) -> web.Response:
        data = await body(request)
        nickname = str(data.pop("nickname", "user"))
        contacts = {k: str(v) for k, v in data.items() if k in _CONTACT_FIELDS}
        return web.json_response({"user_id": control.create_user(nickname, **contacts)})

    async def families(request: web.Request) -> web.Response:
        data = await body(request)
        family_id = control.create_family(
            str(data["user_id"]), str(data["name"]), data.get("rooms")
        )
        return web.json_response({"family_id": family_id})

    async def devices(request: web.Request) -> web.Response:
        data = await body(request)
        fields = ("family_id", "product_id", "device_name", "alias", "room_id", "values")
        did = control.create_device(**{k: data[k] for k in fields if k in data})
        return web.json_response({"device_id": did})

    async def get_device(request: web.Request) -> web.Response:
        return web.json_response(control.device_state(device_id(request)))

    async def online(request: web.Request) -> web.Response:
        control.set_online(device_id(request), bool((await body(request))["online"]))
        return web.json_response({"ok": True})

    async def report(request: web.Request) -> web.Response:
        control.report(device_id(request), dict((await body(request))["params"]))
        return web.json_response({"ok": True})

    async def event(request: web.Request) -> web.Response:
        data = await body(request)
        control.trigger_event(
            device_id(request), str(data["event_id"]), dict(data.get("params", {}))
        )
        return web.json_response({"ok": True})

    async def expire(request: web.Request) -> web.Response:
        data = await body(request)
        count = control.expire_tokens(
            token=str(data.get("token", "")), user_id=str(data.get("user_id", ""))
        )
        return web.json_response({"expired": count})

    async def faults(request: web.Request) -> web.Response:
        data = await body(request)
        allowed = {f.name for f in dataclasses.fields(Fault)}
        control.inject(**{k: v for k, v in data.items() if k in allowed})
        return web.json_response({"ok": True})

    async def clear(request: web.Request) -> web.Response:
        control.clear_faults()
        return web.json_response({"ok": True})

    async def drop(request: web.Request) -> web.Response:
        return web.json_response({"dropped": await control.drop_sockets()})

    r = app.router
    r.add_get("/sandbox/demo", demo)
    r.add_post("/sandbox/users", users)
    r.add_post("/sandbox/families", families)
    r.add_post("/sandbox/devices", devices)
    r.add_get("/sandbox/devices/{pid}/{name}", get_device)
    r.add_post("/sandbox/devices/{pid}/{name}/online", online)
    r.add_post("/sandbox/devices/{pid}/{name}/report", report)
    r.add_post("/sandbox/devices/{pid}/{name}/event", event)
    r.add_post("/sandbox/tokens/expire", expire)
    r.add_post("/sandbox/faults", faults)
    r.add_delete("/sandbox/faults", clear)
    r.add_post("/sandbox/sockets/drop", drop)
    return control


_CONTACT_FIELDS = ("country_code", "phone", "email", "password", "wx_open_id")
