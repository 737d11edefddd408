"""Command line: ``python -m bot run | sandbox | try | i18n``."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="run the bot (polling or webhook, from the environment)")
    sandbox = sub.add_parser("sandbox", help="run the sandbox IoT Explorer cloud standalone")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8780)
    sandbox.add_argument("--app-key", default=None)
    sandbox.add_argument("--app-secret", default=None)
    sandbox.add_argument(
        "--envelope",
        choices=("vendor", "response"),
        default="vendor",
        help="reply envelope: the real cloud's {code, msg, data} (default) or the reference's"
        " {Response: ...}",
    )
    sub.add_parser("try", help="chat with the bot in this terminal: no Telegram token needed")
    sub.add_parser("i18n", help="extract messages and update the translation catalogs")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script and of ``python -m bot``."""
    args = _parser().parse_args(argv)
    from bot.ops import logs

    logs.configure(logging.INFO)
    if args.command == "sandbox":
        from bot.sandbox.cli import serve

        asyncio.run(serve(args.host, args.port, args.app_key, args.app_secret, args.envelope))
        return 0
    if args.command == "run":
        from bot.runner import run

        return run()
    if args.command == "try":
        from bot.tryout import main as try_main

        return try_main()
    if args.command == "i18n":
        from bot.i18n import update_catalogs

        update_catalogs()
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
