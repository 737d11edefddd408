"""``python -m bot sandbox``: run the sandbox cloud standalone and say how to reach it."""

from __future__ import annotations

import asyncio
import contextlib
import signal

from bot.sandbox.demo import DemoHome
from bot.sandbox.server import Sandbox


def describe(sandbox: Sandbox) -> str:
    """The URLs, app credentials and demo logins, as printed at start."""
    lines = [
        "IoT Explorer sandbox cloud is running.",
        f"  appapi     {sandbox.api_url}/appapi",
        f"  tokenapi   {sandbox.api_url}/tokenapi",
        f"  websocket  {sandbox.ws_url}",
        f"  control    {sandbox.control_url}  (see bot/sandbox/control.py)",
        f"  AppKey     {sandbox.state.app_key}",
        f"  AppSecret  {sandbox.state.app_secret}",
        "",
        "To point the bot at it:",
        f"  IOT_API_URL={sandbox.api_url} IOT_WS_URL={sandbox.ws_url} \\",
        f"  IOT_APP_KEY={sandbox.state.app_key} IOT_APP_SECRET={sandbox.state.app_secret}",
    ]
    home: DemoHome | None = sandbox.demo
    if home is not None:
        lines += ["", "Demo users (password sign-in with phone +86 or email):"]
        for user in (home.owner, home.friend):
            lines.append(
                f"  {user.nickname:<6} +{user.country_code} {user.phone}  {user.email}  "
                f"password: {user.password}"
            )
        lines.append(f"  devices: {', '.join(sorted(home.devices.values()))}")
    shown = {"vendor": '{"code", "msg", "data"} (the real cloud\'s)', "response": '{"Response"}'}
    lines += ["", f"Replies are wrapped as {shown[sandbox.server.envelope]} (--envelope)."]
    return "\n".join(lines)


async def serve(
    host: str,
    port: int,
    app_key: str | None,
    app_secret: str | None,
    envelope: str = "vendor",
) -> None:
    """Run until interrupted (Ctrl-C or SIGTERM)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    sandbox_cloud = Sandbox(
        host=host, port=port, app_key=app_key, app_secret=app_secret, envelope=envelope
    )
    async with sandbox_cloud as sandbox:
        print(describe(sandbox), flush=True)
        await stop.wait()
