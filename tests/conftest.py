"""Shared fixtures: a sandbox cloud on loopback and a client talking to it over real HTTP."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest

from bot.iot.client import IotClient
from bot.iot.endpoints import Endpoints
from bot.sandbox.demo import DemoHome
from bot.sandbox.server import ENVELOPE_VARIABLE, ENVELOPES, Sandbox

# The whole suite runs on the envelope IOT_SANDBOX_ENVELOPE names (vendor by default, what the
# real cloud sends); the client-vs-sandbox tests (test_iot_*) run under both every time.
DEFAULT_ENVELOPE = os.environ.get(ENVELOPE_VARIABLE, "vendor")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "sandbox" in metafunc.fixturenames and metafunc.module.__name__.startswith(
        "tests.test_iot_"
    ):
        metafunc.parametrize("sandbox", ENVELOPES, indirect=True)


@pytest.fixture
async def sandbox(request: pytest.FixtureRequest) -> AsyncIterator[Sandbox]:
    """A freshly seeded sandbox (demo home, no background loops: tests drive time themselves)."""
    envelope = getattr(request, "param", DEFAULT_ENVELOPE)
    async with Sandbox(background=False, envelope=envelope) as sb:
        yield sb


@pytest.fixture
def demo(sandbox: Sandbox) -> DemoHome:
    home: DemoHome = sandbox.demo
    return home


@pytest.fixture
async def client(sandbox: Sandbox) -> AsyncIterator[IotClient]:
    """A client with the sandbox's AppKey/AppSecret and fast retries."""
    endpoints = Endpoints.custom(sandbox.api_url, sandbox.ws_url)
    async with IotClient(
        endpoints, sandbox.state.app_key, sandbox.state.app_secret, timeout=2.0, retry_delay=0.01
    ) as iot:
        yield iot


@pytest.fixture
async def owner_token(client: IotClient, demo: DemoHome) -> str:
    """An AccessToken of the demo home's owner, obtained by a real password sign-in."""
    login = await client.login_email(demo.owner.email, demo.owner.password)
    return login.token


@pytest.fixture
async def friend_token(client: IotClient, demo: DemoHome) -> str:
    """An AccessToken of the second demo user (owner of another family)."""
    login = await client.login_email(demo.friend.email, demo.friend.password)
    return login.token
