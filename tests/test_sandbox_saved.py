"""The embedded sandbox keeps its world in a file: sessions and changes survive a restart."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest

from bot.iot import errors
from bot.iot.client import IotClient
from bot.iot.endpoints import Endpoints
from bot.sandbox.server import Sandbox


def client_for(sandbox: Sandbox) -> IotClient:
    endpoints = Endpoints.custom(sandbox.api_url, sandbox.ws_url)
    return IotClient(endpoints, sandbox.state.app_key, sandbox.state.app_secret)


async def test_a_restarted_sandbox_keeps_sessions_ids_and_changes(tmp_path: Path) -> None:
    world = tmp_path / "sandbox-cloud.pickle"
    async with Sandbox(background=False, state_file=world) as first:
        owner, light = first.demo.owner, first.demo.devices["light"]
        async with client_for(first) as client:
            token = (await client.login_email(owner.email, owner.password)).token
            await client.rename_device(token, light, "Reading lamp")
        app_key = first.state.app_key
    assert stat.S_IMODE(world.stat().st_mode) == 0o600

    async with Sandbox(background=False, state_file=world) as second:
        assert second.state.app_key == app_key and second.demo.devices["light"] == light
        async with client_for(second) as client:
            page = await client.list_devices(token, second.demo.family_id)  # an old session
        assert "Reading lamp" in {device.alias for device in page.devices}
        # The push counter goes on: a socket never sees a Seq it already had from this cloud.
        assert second.state.push(light, "Template", "Report", {}).seq > 1


async def test_an_unreadable_file_seeds_a_new_world_and_is_replaced(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    world = tmp_path / "sandbox-cloud.pickle"
    world.write_bytes(b"not a saved world")
    with caplog.at_level(logging.WARNING, logger="bot.sandbox.saved"):
        async with Sandbox(background=False, state_file=world) as sandbox:
            owner = sandbox.demo.owner
            async with client_for(sandbox) as client:
                assert (await client.login_email(owner.email, owner.password)).token
    assert "seeding a new one" in caplog.text
    async with Sandbox(background=False, state_file=world) as again:
        assert again.demo.owner.user_id == owner.user_id  # what the first run wrote is read


async def test_a_sandbox_without_a_file_starts_afresh_every_time() -> None:
    async with Sandbox(background=False) as one, Sandbox(background=False) as two:
        assert one.demo.owner.user_id != two.demo.owner.user_id
        async with client_for(one) as client:
            token = (await client.login_email(one.demo.owner.email, "demo-pass-1234")).token
        async with client_for(two) as client:
            with pytest.raises(errors.InvalidToken):
                await client.list_all_families(token)


async def test_the_world_is_saved_while_a_scene_with_a_delay_runs(tmp_path: Path) -> None:
    world = tmp_path / "sandbox-cloud.pickle"
    async with Sandbox(background=False, state_file=world) as first:
        owner, movie = first.demo.owner, first.demo.extra["scenes"]["movie_time"]
        async with client_for(first) as client:
            token = (await client.login_email(owner.email, owner.password)).token
            await client.run_scene(token, movie)  # its steps wait 1 s between them
            assert first.state.scenes[movie].run_task is not None
            await client.rename_device(token, first.demo.devices["plug"], "Kettle plug")
        first.save()  # what the every-minute saver does, mid-run
        saved_at = world.stat().st_mtime_ns
    assert saved_at > 0
    async with Sandbox(background=False, state_file=world) as second:
        async with client_for(second) as client:
            devices = await client.list_all_devices(token, second.demo.family_id)
        assert "Kettle plug" in {device.alias for device in devices}
        assert second.state.scenes[movie].run_task is None  # a run does not outlive its process
