"""The push listener against the sandbox's real websocket (and a scripted fake cloud) on loopback."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from websockets.asyncio.server import ServerConnection, serve

from bot.iot import errors
from bot.iot.client import IotClient
from bot.iot.endpoints import Endpoints
from bot.iot.push.dispatch import Dispatcher, SeenFrames, parse_device_change
from bot.iot.push.events import DeviceEvent, Kind
from bot.iot.push.listener import PushListener, PushSettings, Subscription, fetch_subscription
from bot.iot.push.listener import token_provider as for_token
from bot.iot.push.missed import ProductsWithEvents
from bot.iot.push.transport import reconnect_delay
from bot.sandbox.demo import DemoHome
from bot.sandbox.server import WS_PATHS, Sandbox
from bot.sandbox.state import ShareGrant

FAST = PushSettings(
    heartbeat_interval=30.0,
    reply_timeout=2.0,
    connect_timeout=2.0,
    close_timeout=0.5,
    reconnect_initial=0.01,
    reconnect_max=0.05,
    outage_threshold=60.0,
)


class Recorder:
    """A subscriber that queues events; next() waits for one with a timeout, never a sleep."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[DeviceEvent] = asyncio.Queue()
        self.seen: list[DeviceEvent] = []

    def __call__(self, event: DeviceEvent) -> None:
        self.queue.put_nowait(event)

    async def next(self, kind: Kind | None = None) -> DeviceEvent:
        """The next event (of ``kind``, skipping others into ``seen``), within 5 seconds."""
        async with asyncio.timeout(5):
            while True:
                event = await self.queue.get()
                self.seen.append(event)
                if kind is None or event.kind == kind:
                    return event

    def drain(self) -> list[DeviceEvent]:
        events = []
        while not self.queue.empty():
            events.append(self.queue.get_nowait())
        return events


Listen = Callable[..., tuple[PushListener, Recorder]]


@pytest.fixture
async def listen(client: IotClient) -> AsyncIterator[Listen]:
    """Start listeners with fast settings; every one is stopped after the test."""
    made: list[PushListener] = []

    def make(provider: Any, **options: Any) -> tuple[PushListener, Recorder]:
        options.setdefault("settings", FAST)
        listener = PushListener(client, provider, label="test", **options)
        recorder = Recorder()
        listener.subscribe(recorder)
        listener.start()
        made.append(listener)
        return listener, recorder

    yield make
    for listener in made:
        await listener.stop()


class Gate:
    """A TCP relay in front of the sandbox that the test can shut: sockets cut, new ones refused."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.is_open = True
        self.writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> Gate:
        self.server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    def shut(self) -> None:
        self.is_open = False
        for writer in self.writers:
            writer.transport.abort()

    async def close(self) -> None:
        self.shut()
        self.server.close()
        await self.server.wait_closed()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.is_open:
            writer.transport.abort()
            return
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        self.writers |= {writer, up_writer}
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.transport.abort()


def change(device_id: str, type_: str, sub_type: str, payload: Any, seq: Any = 1) -> str:
    """A DeviceChange frame; a dict payload is Base64-encoded as the cloud does."""
    if isinstance(payload, dict):
        payload = base64.b64encode(json.dumps(payload).encode()).decode()
    params = {"Type": type_, "SubType": sub_type, "Payload": payload, "DeviceId": device_id}
    if seq is not None:
        params["Seq"] = seq
    params["Time"] = "2023-07-13T14:19:48+08:00"
    return json.dumps({"action": "DeviceChange", "push": True, "params": params})


async def fake_cloud(frames: list[str | bytes]) -> Any:
    """A websocket server that grants every ActivePush, then sends ``frames``."""

    async def handler(ws: ServerConnection) -> None:
        async for text in ws:
            request = json.loads(text)
            if request["action"] == "ActivePush":
                data: dict[str, Any] = {"deviceIds": request["params"]["DeviceIds"]}
            else:
                data = {"Response": {"RequestId": "hb"}}
            await ws.send(json.dumps({"error": "", "data": data, "reqId": request["reqId"]}))
            if request["action"] == "ActivePush":
                for frame in frames:
                    await ws.send(frame)

    return await serve(handler, "127.0.0.1", 0)


async def test_control_and_report_yield_control_and_property(
    listen: Listen, client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str
) -> None:
    light = demo.devices["light"]
    listener, events = listen(for_token(client, owner_token))
    await events.next(Kind.CONNECTED)
    assert listener.connected
    await client.control_device(owner_token, light, {"power_switch": 1, "brightness": 85})
    control = await events.next()
    assert control.kind is Kind.CONTROL and control.device_id == light
    assert control.params == {"power_switch": 1, "brightness": 85}
    report = await events.next()
    assert report.kind is Kind.PROPERTY and report.device_id == light
    assert report.params == {"power_switch": 1, "brightness": 85}
    assert report.seq > control.seq and report.time_ms > 0 and not report.missed
    sandbox.control.report(demo.devices["sensor"], {"temperature": 25.5})
    sensor = await events.next()
    assert (sensor.kind, sensor.device_id, sensor.params) == (
        Kind.PROPERTY,
        demo.devices["sensor"],
        {"temperature": 25.5},
    )


async def test_event_online_offline_and_action_reply(
    listen: Listen, client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str
) -> None:
    sensor, feeder = demo.devices["sensor"], demo.devices["feeder"]
    _, events = listen(for_token(client, owner_token))
    await events.next(Kind.CONNECTED)
    sandbox.control.trigger_event(sensor, "low_voltage", {"voltage": 2.1})
    event = await events.next()
    assert (event.kind, event.device_id, event.event_id) == (Kind.EVENT, sensor, "low_voltage")
    # No type in the push, as in the reference: the severity is the template's (docs/protocol.md).
    assert event.params == {"voltage": 2.1} and event.event_type == ""
    sandbox.control.set_online(sensor, False)
    sandbox.control.set_online(sensor, True)
    assert [
        (e.kind, e.device_id, e.missed) for e in (await events.next(), await events.next())
    ] == [
        (Kind.OFFLINE, sensor, False),
        (Kind.ONLINE, sensor, False),
    ]
    client_token = await client.call_action_async(
        owner_token, feeder, "feed", {"portions": 1, "note": ""}
    )
    reply = await events.next(Kind.ACTION_REPLY)
    assert (reply.device_id, reply.client_token, reply.action_id) == (feeder, client_token, "feed")
    assert reply.code == 0 and reply.params["dispensed"] == 1


async def test_devices_of_other_users_are_never_delivered(
    listen: Listen,
    client: IotClient,
    sandbox: Sandbox,
    demo: DemoHome,
    owner_token: str,
    friend_token: str,
) -> None:
    light = demo.devices["light"]
    friends_lamp = sandbox.control.create_device(demo.friend_family_id, "DEMOLIGHT1", "sams_lamp")
    _, owner_events = listen(for_token(client, owner_token))

    async def greedy() -> Subscription:  # a provider listing a device the friend cannot see
        return Subscription(friend_token, (friends_lamp, light))

    _, friend_events = listen(greedy)
    await owner_events.next(Kind.CONNECTED)
    await friend_events.next(Kind.CONNECTED)
    sandbox.control.report(friends_lamp, {"brightness": 10})
    sandbox.control.report(light, {"brightness": 20})
    assert (await owner_events.next()).device_id == light  # frames keep order: lamp never came
    assert (await friend_events.next()).device_id == friends_lamp
    sandbox.control.report(friends_lamp, {"brightness": 30})
    assert (await friend_events.next()).params == {"brightness": 30}  # the light never came


async def test_provider_lists_family_and_shared_devices(
    client: IotClient, sandbox: Sandbox, demo: DemoHome, friend_token: str, owner_token: str
) -> None:
    plug = demo.devices["plug"]
    sandbox.state.shares[(plug, demo.friend.user_id)] = ShareGrant(
        plug, demo.friend.user_id, demo.owner.user_id, 0
    )
    assert (await fetch_subscription(client, friend_token)).device_ids == (plug,)
    owner = await fetch_subscription(client, owner_token)
    assert set(owner.device_ids) == set(demo.devices.values())
    assert owner_token not in repr(owner)


async def test_heartbeats_are_sent_with_the_device_ids(
    listen: Listen, client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str
) -> None:
    hub = sandbox.server.hub
    beats: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    answer = hub._yun_api

    def counting(sub: Any, req_id: str, params: dict[str, Any]) -> dict[str, Any]:
        reply = answer(sub, req_id, params)
        beats.put_nowait(params)
        return reply

    hub._yun_api = counting  # type: ignore[method-assign]
    listen(for_token(client, owner_token), settings=PushSettings(heartbeat_interval=0.02))
    async with asyncio.timeout(5):
        for _ in range(3):
            params = await beats.get()
    assert params["Action"] == "AppDeviceTraceHeartBeat"
    assert set(params["ActionParams"]["DeviceIds"]) == set(demo.devices.values())
    assert [s.heartbeats for s in hub.subscribers] >= [3]


async def test_dropped_socket_reconnects_and_subscribes_again(
    listen: Listen, client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str
) -> None:
    listener, events = listen(for_token(client, owner_token))
    await events.next(Kind.CONNECTED)
    assert await sandbox.control.drop_sockets() == 1
    await events.next(Kind.DISCONNECTED)
    await events.next(Kind.CONNECTED)
    assert [len(s.device_ids) for s in sandbox.server.hub.subscribers] == [len(demo.devices)]
    sandbox.control.report(demo.devices["light"], {"brightness": 33})
    assert (await events.next()).params == {"brightness": 33}
    assert listener.connected and not any(e.missed for e in events.seen)


async def test_events_posted_while_the_socket_was_down_are_read_back_once(
    listen: Listen, client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str
) -> None:
    sensor = demo.devices["sensor"]
    gate = await Gate(sandbox.port).start()
    _, events = listen(
        for_token(client, owner_token), url=f"ws://127.0.0.1:{gate.port}{WS_PATHS[0]}"
    )
    try:
        await events.next(Kind.CONNECTED)
        sandbox.control.trigger_event(sensor, "low_voltage", {"voltage": 2.9})
        assert (await events.next(Kind.EVENT)).missed is False  # live, before the outage
        gate.shut()
        await events.next(Kind.DISCONNECTED)
        sandbox.control.trigger_event(sensor, "low_voltage", {"voltage": 2.1})  # nobody listens
        sandbox.control.trigger_event(sensor, "low_voltage", {"voltage": 2.1})  # twice, really
        posted = sandbox.state.events[sensor][-1].time_ms
        gate.is_open = True
        await events.next(Kind.CONNECTED)  # read back before CONNECTED
        sandbox.control.trigger_event(sensor, "low_voltage", {"voltage": 2.0})  # live again
        await events.next(Kind.EVENT)
        handed_on = [e for e in events.seen if e.kind is Kind.EVENT]
        assert [(e.params["voltage"], e.missed) for e in handed_on] == [
            (2.9, False),
            (2.1, True),
            (2.1, True),
            (2.0, False),
        ]
        assert handed_on[1].time_ms == posted // 1000 * 1000  # when it happened, not when read
        assert handed_on[1].event_type == "alert" and handed_on[1].event_id == "low_voltage"
    finally:
        await gate.close()


async def test_only_devices_whose_product_posts_events_are_read_back(
    listen: Listen, client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str
) -> None:
    state = sandbox.state
    eventful = {
        device_id
        for device_id, device in state.devices.items()
        if device.family_id == demo.family_id
        and state.products[device.product_id].data_template.get("events")
    }
    assert demo.devices["sensor"] in eventful and demo.devices["gateway"] not in eventful
    products = ProductsWithEvents(client)
    _, events = listen(for_token(client, owner_token), products=products)
    await events.next(Kind.CONNECTED)
    reads = len(sandbox.server.requests)
    assert await sandbox.control.drop_sockets() == 1
    sandbox.control.trigger_event(demo.devices["sensor"], "low_voltage", {"voltage": 2.6})
    assert (await events.next(Kind.EVENT)).missed
    history = [a for a, _ in sandbox.server.requests[reads:] if a == "AppListEventHistory"]
    assert len(history) == len(eventful) < len(listener_devices(sandbox))
    # A second outage asks no product again: they are known for an hour.
    reads = len(sandbox.server.requests)
    await events.next(Kind.CONNECTED)
    assert await sandbox.control.drop_sockets() == 1
    await events.next(Kind.CONNECTED)
    assert ("AppGetProducts", "") not in sandbox.server.requests[reads:]


def listener_devices(sandbox: Sandbox) -> list[str]:
    return [d for s in sandbox.server.hub.subscribers for d in s.device_ids]


async def test_an_event_both_pushed_and_read_back_is_handed_on_once(
    listen: Listen, client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str
) -> None:
    sensor = demo.devices["sensor"]
    listener, events = listen(for_token(client, owner_token))
    await events.next(Kind.CONNECTED)
    sandbox.control.trigger_event(sensor, "low_voltage", {"voltage": 2.5})
    await events.next(Kind.EVENT)
    # The socket drops right after that push: the read-back finds it in the history too.
    assert await sandbox.control.drop_sockets() == 1
    await events.next(Kind.DISCONNECTED)
    await events.next(Kind.CONNECTED)
    assert listener.connected
    sandbox.control.trigger_event(sensor, "low_voltage", {"voltage": 2.4})
    await events.next(Kind.EVENT)
    assert [e.params["voltage"] for e in events.seen if e.kind is Kind.EVENT] == [2.5, 2.4]


@pytest.mark.parametrize(("outage", "missed"), [(120.0, True), (5.0, False)])
async def test_long_outage_reports_what_changed_unseen(
    listen: Listen,
    client: IotClient,
    sandbox: Sandbox,
    demo: DemoHome,
    owner_token: str,
    outage: float,
    missed: bool,
) -> None:
    plug = demo.devices["plug"]
    gate = await Gate(sandbox.port).start()
    now = [1000.0]
    _, events = listen(
        for_token(client, owner_token),
        url=f"ws://127.0.0.1:{gate.port}{WS_PATHS[0]}",
        clock=lambda: now[0],
    )
    try:
        await events.next(Kind.CONNECTED)
        gate.shut()
        await events.next(Kind.DISCONNECTED)
        now[0] += outage
        sandbox.control.set_online(plug, False)  # nobody is listening now
        reads = len(sandbox.server.requests)
        gate.is_open = True
        await events.next(Kind.CONNECTED)  # catch-up happens before CONNECTED
        found = [e for e in events.seen if e.kind is Kind.OFFLINE]
        assert [(e.device_id, e.missed) for e in found] == ([(plug, True)] if missed else [])
        statuses_read = ("AppGetDeviceStatuses", "") in sandbox.server.requests[reads:]
        assert statuses_read is missed
    finally:
        await gate.close()


async def test_duplicate_seq_is_dropped(
    listen: Listen, client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str
) -> None:
    light = demo.devices["light"]
    _, events = listen(for_token(client, owner_token))
    await events.next(Kind.CONNECTED)
    pushed = sandbox.state.push(
        light, "Property", "Report", {"method": "report", "params": {"a": 1}}
    )
    sandbox.server.hub._on_event(pushed)  # the same frame, Seq and all, a second time
    sandbox.control.report(light, {"brightness": 7})
    assert (await events.next()).seq == pushed.seq
    assert (await events.next()).params == {"brightness": 7}


async def test_malformed_frames_are_dropped_and_the_socket_lives(
    listen: Listen, owner_token: str, caplog: pytest.LogCaptureFixture
) -> None:
    dev = "PROD/dev1"
    report = {"method": "report", "params": {"brightness": 1}}
    frames: list[str | bytes] = [
        "not json",
        "[1, 2]",
        b"\x00binary",
        json.dumps({"action": "DeviceChange", "push": True, "params": "{broken"}),
        change(dev, "Property", "Report", "!!not base64!!"),
        change(dev, "Property", "Report", base64.b64encode(b"not json").decode()),
        change(dev, "Property", "Report", base64.b64encode(b"[1]").decode()),
        change("", "Property", "Report", report),
        change(dev, "Property", "Report", report, seq=None),
        change(dev, "Event", "Report", {"method": "event_post", "params": {}}),
        change("OTHER/dev", "Property", "Report", report, seq=5),
        change(dev, "Property", "Report", report, seq=1),
        change(dev, "Property", "Report", report, seq=1),
        change(dev, "Property", "Report", {"method": "report", "params": {"b": 2}}, seq=2),
    ]
    server = await fake_cloud(frames)
    port = server.sockets[0].getsockname()[1]

    async def provider() -> Subscription:
        return Subscription(owner_token, (dev,))

    caplog.set_level(logging.DEBUG)
    try:
        listener, events = listen(provider, url=f"ws://127.0.0.1:{port}")
        first = await events.next(Kind.PROPERTY)
        second = await events.next(Kind.PROPERTY)
        assert [(first.seq, first.params), (second.seq, second.params)] == [
            (1, {"brightness": 1}),
            (2, {"b": 2}),
        ]
        assert listener.running and Kind.DISCONNECTED not in [e.kind for e in events.seen]
        assert caplog.text.count("malformed push") == 7
        # websockets logs frames at DEBUG, eliding their middle: no piece of the token shows.
        ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("bot."))
        assert owner_token[:8] not in ours and owner_token[-8:] not in ours
    finally:
        server.close()
        await server.wait_closed()


async def test_expired_token_rejected_once_and_listener_stops(
    listen: Listen, client: IotClient, sandbox: Sandbox, owner_token: str
) -> None:
    settings = PushSettings(heartbeat_interval=0.02, reconnect_initial=0.01)
    listener, events = listen(for_token(client, owner_token), settings=settings)
    await events.next(Kind.CONNECTED)
    sandbox.control.expire_tokens(token=owner_token)
    await events.next(Kind.TOKEN_REJECTED)
    async with asyncio.timeout(5):
        await listener.wait()
    assert not listener.running  # it stopped for good: the TOKEN_REJECTED above says why
    assert events.drain() == []


async def test_empty_active_push_with_a_dead_token_is_a_rejection(
    listen: Listen, sandbox: Sandbox, demo: DemoHome, owner_token: str
) -> None:
    calls = []

    async def provider() -> Subscription:
        calls.append(1)
        if len(calls) > 1:
            raise errors.InvalidToken("InvalidParameterValue.InvalidAccessToken")
        return Subscription(owner_token, (demo.devices["light"],))

    sandbox.control.expire_tokens(token=owner_token)  # the socket will grant nothing
    listener, events = listen(provider)
    await events.next(Kind.TOKEN_REJECTED)
    async with asyncio.timeout(5):
        await listener.wait()
    assert len(calls) == 2 and Kind.CONNECTED not in [e.kind for e in events.seen]


async def test_resubscribe_reads_the_device_set_again(
    listen: Listen, sandbox: Sandbox, demo: DemoHome, owner_token: str
) -> None:
    light, plug = demo.devices["light"], demo.devices["plug"]
    devices = [light]

    async def provider() -> Subscription:
        return Subscription(owner_token, tuple(devices))

    hub = sandbox.server.hub
    granted: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    answer = hub._active_push

    def recording(sub: Any, req_id: str, params: dict[str, Any]) -> dict[str, Any]:
        reply = answer(sub, req_id, params)
        granted.put_nowait(reply["data"])
        return reply

    hub._active_push = recording  # type: ignore[method-assign]
    listener, events = listen(provider)
    await events.next(Kind.CONNECTED)
    sandbox.control.report(plug, {"power_switch": 0})  # not listened to yet
    devices.append(plug)
    listener.resubscribe()
    async with asyncio.timeout(5):
        assert (await granted.get())["deviceIds"] == [light]
        assert (await granted.get())["deviceIds"] == [light, plug]
    sandbox.control.report(plug, {"power_switch": 1})
    assert (await events.next()).params == {"power_switch": 1}
    assert listener.connected


async def test_stop_is_fast_and_leaves_no_tasks(
    client: IotClient, sandbox: Sandbox, owner_token: str
) -> None:
    listener = PushListener(client, for_token(client, owner_token), settings=FAST)
    events = Recorder()
    listener.subscribe(events)
    listener.start()
    await events.next(Kind.CONNECTED)
    async with asyncio.timeout(2):
        await listener.stop()
    assert not listener.running and not listener.connected
    assert not [t for t in asyncio.all_tasks() if t.get_name().startswith("push-")]


async def test_unreachable_cloud_is_retried_until_stopped(client: IotClient) -> None:
    async def provider() -> Subscription:
        return Subscription("t", ("P/d",))

    listener = PushListener(client, provider, settings=FAST, url="ws://127.0.0.1:9")
    listener.start()
    assert listener.running
    async with asyncio.timeout(2):
        await listener.stop()
    assert not listener.running


def test_reconnect_delay_doubles_to_the_cap_with_jitter() -> None:
    settings = PushSettings(reconnect_initial=1.0, reconnect_max=60.0)
    for failures, base in [(1, 1.0), (2, 2.0), (3, 4.0), (7, 60.0), (50, 60.0)]:
        delays = {reconnect_delay(settings, failures) for _ in range(50)}
        assert all(base / 2 <= d <= base for d in delays) and len(delays) > 1


def test_seen_frames_is_bounded() -> None:
    seen = SeenFrames(3)
    assert not any(seen.seen("P/d", n) for n in range(5))
    assert len(seen) == 3 and seen.seen("P/d", 4) and not seen.seen("P/d", 0)
    assert not seen.seen("P/e", 4)


async def test_dispatcher_isolates_failing_subscribers() -> None:
    dispatcher = Dispatcher("t")
    got: list[str] = []

    def broken(event: DeviceEvent) -> None:
        raise RuntimeError("boom")

    async def later(event: DeviceEvent) -> None:
        got.append(f"async {event.kind}")

    dispatcher.subscribe(broken)
    dispatcher.subscribe(later)
    unsubscribe = dispatcher.subscribe(lambda e: got.append(f"sync {e.kind}"))
    await dispatcher.emit(DeviceEvent(Kind.CONNECTED))
    unsubscribe()
    unsubscribe()
    await dispatcher.emit(DeviceEvent(Kind.DISCONNECTED))
    assert got == ["async connected", "sync connected", "async disconnected"]


def _frame(type_: str, sub_type: str, payload: Any, device_id: str = "P/d") -> dict[str, Any]:
    return json.loads(change(device_id, type_, sub_type, payload, seq=9))


@pytest.mark.parametrize(
    ("frame", "expected"),
    [
        # The reference's property example nests the device message inside params.
        (
            _frame(
                "Property",
                "Report",
                {
                    "method": "report",
                    "params": {"timestamp": 0, "params": {"brightness": 59}, "method": "report"},
                },
            ),
            {"kind": Kind.PROPERTY, "params": {"brightness": 59}},
        ),
        (
            _frame(
                "Template",
                "Push",
                {"method": "control", "clientToken": "c1", "params": {"switch": 0}},
            ),
            {"kind": Kind.CONTROL, "params": {"switch": 0}, "client_token": "c1"},
        ),
        (
            _frame("Shadow", "Report", {"type": "update", "state": {"reported": {"x": 1}}}),
            {"kind": Kind.PROPERTY, "params": {"x": 1}},
        ),
        (
            _frame(
                "Action",
                "Report",
                {
                    "method": "action_reply",
                    "clientToken": "136::req_1",
                    "code": 0,
                    "status": "succ",
                    "response": {"result": 1},
                },
            ),
            {"kind": Kind.ACTION_REPLY, "client_token": "136::req_1", "params": {"result": 1}},
        ),
        (
            _frame(
                "Event",
                "Report",
                {"method": "event_post", "eventId": "low_voltage", "params": {"voltage": 2.278081}},
            ),
            {"kind": Kind.EVENT, "event_id": "low_voltage", "params": {"voltage": 2.278081}},
        ),
        (_frame("StatusChange", "Online", ""), {"kind": Kind.ONLINE}),
        (_frame("StatusChange", "Bind", ""), {"kind": Kind.DEVICES_CHANGED}),
        (_frame("Gateway", "unbind", ""), {"kind": Kind.DEVICES_CHANGED}),
        # The old shadow protocol's control, which every vendor client still reads.
        (
            _frame("Template", "Push", {"type": "delta", "payload": {"state": {"power": 1}}}),
            {"kind": Kind.CONTROL, "params": {"power": 1}},
        ),
        (_frame("Template", "Report", {"method": "control_reply", "code": 0}), None),
        (_frame("Action", "Push", {"method": "action", "actionId": "a", "params": {}}), None),
        (_frame("UserDefined", "Report", "eyJ9"), None),
    ],
)
def test_parse_device_change(frame: dict[str, Any], expected: dict[str, Any] | None) -> None:
    event = parse_device_change(frame)
    if expected is None:
        assert event is None
        return
    assert event is not None
    assert (event.device_id, event.seq, event.time_ms) == ("P/d", 9, 1689229188000)
    assert {k: getattr(event, k) for k in expected} == expected


async def test_nul_padded_payloads_are_parsed(listen: Listen, owner_token: str) -> None:
    dev = "PROD/dev1"
    # Devices pad the message; the mini-program SDK strips the NULs before parsing.
    padded = json.dumps({"method": "report", "params": {"brightness": 7}}).encode() + b"\0" * 5
    event = {"method": "event_post", "eventId": "fault", "params": {"code": 3}}
    frames: list[str | bytes] = [
        change(dev, "Property", "Report", base64.b64encode(padded).decode(), seq=1),
        change(
            dev,
            "Event",
            "Report",
            base64.b64encode(json.dumps(event).encode() + b"\0").decode(),
            seq=2,
        ),
    ]
    server = await fake_cloud(frames)
    port = server.sockets[0].getsockname()[1]

    async def provider() -> Subscription:
        return Subscription(owner_token, (dev,))

    try:
        _, events = listen(provider, url=f"ws://127.0.0.1:{port}")
        assert (await events.next(Kind.PROPERTY)).params == {"brightness": 7}
        posted = await events.next(Kind.EVENT)
        assert (posted.event_id, posted.params) == ("fault", {"code": 3})
    finally:
        server.close()
        await server.wait_closed()


async def only_on(path: str, frames: list[str | bytes]) -> Any:
    """Like :func:`fake_cloud`, but the upgrade is refused (404) on every other path."""

    def refuse_others(connection: ServerConnection, request: Any) -> Any:
        if request.path.split("?")[0] != path:
            return connection.respond(404, "no socket here\n")
        return None

    async def answer(ws: ServerConnection) -> None:
        async for text in ws:
            request = json.loads(text)
            data = {"deviceIds": request["params"].get("DeviceIds", [])}
            await ws.send(json.dumps({"error": "", "data": data, "reqId": request["reqId"]}))
            if request["action"] == "ActivePush":
                for frame in frames:
                    await ws.send(frame)

    return await serve(answer, "127.0.0.1", 0, process_request=refuse_others)


@pytest.mark.parametrize(
    ("configured", "served"),
    [("/iotstudio_v2_weapp_1", "/ws/explorer"), ("/ws/explorer", "/iotstudio_v2_weapp_1")],
)
async def test_a_refused_socket_path_falls_back_to_the_other(
    listen: Listen, owner_token: str, caplog: pytest.LogCaptureFixture, configured: str, served: str
) -> None:
    dev = "PROD/dev1"
    report = change(dev, "Property", "Report", {"method": "report", "params": {"b": 1}})
    server = await only_on(served, [report])
    port = server.sockets[0].getsockname()[1]

    async def provider() -> Subscription:
        return Subscription(owner_token, (dev,))

    caplog.set_level(logging.INFO, logger="bot.iot.push.transport")
    try:
        listener, events = listen(provider, url=f"ws://127.0.0.1:{port}{configured}")
        assert (await events.next(Kind.PROPERTY)).params == {"b": 1}
        assert f"using ws://127.0.0.1:{port}{served}" in caplog.text
        assert "refused the upgrade (HTTP 404)" in caplog.text
        assert listener.url == f"ws://127.0.0.1:{port}{configured}"  # the setting is unchanged
    finally:
        server.close()
        await server.wait_closed()


async def test_a_sandbox_on_one_socket_path_is_found_from_the_other() -> None:
    async with Sandbox(background=False, ws_paths=("/ws/explorer",)) as lone:
        endpoints = Endpoints.custom(
            lone.api_url, f"ws://127.0.0.1:{lone.port}/iotstudio_v2_weapp_1"
        )
        async with IotClient(endpoints, lone.state.app_key, lone.state.app_secret) as iot:
            login = await iot.login_email(lone.demo.owner.email, lone.demo.owner.password)
            listener = PushListener(iot, for_token(iot, login.token), settings=FAST)
            recorder = Recorder()
            listener.subscribe(recorder)
            listener.start()
            try:
                await recorder.next(Kind.CONNECTED)
                assert [sub.device_ids != set() for sub in lone.server.hub.subscribers] == [True]
            finally:
                await listener.stop()


async def test_a_device_bound_in_another_app_is_heard_without_a_restart(
    listen: Listen, client: IotClient, sandbox: Sandbox, demo: DemoHome, owner_token: str
) -> None:
    _, events = listen(for_token(client, owner_token))
    await events.next(Kind.CONNECTED)
    lamp = sandbox.control.create_device(demo.family_id, "DEMOLIGHT1", "new_lamp")
    bound = await events.next(Kind.DEVICES_CHANGED)
    assert bound.device_id == lamp
    async with asyncio.timeout(5):
        await sandbox.server.hub.wait_listening(lamp)  # the listener sent ActivePush again
    sandbox.control.report(lamp, {"brightness": 12})
    heard = await events.next(Kind.PROPERTY)
    assert (heard.device_id, heard.params) == (lamp, {"brightness": 12})


def test_payloads_with_line_breaks_and_no_padding_are_read() -> None:
    message = json.dumps({"method": "report", "params": {"brightness": 5}}).encode()
    encoded = base64.b64encode(message).decode().rstrip("=")
    wrapped = "\n    ".join(encoded[i : i + 20] for i in range(0, len(encoded), 20))
    event = parse_device_change(_frame("Property", "Report", wrapped))
    assert event is not None and event.params == {"brightness": 5}
