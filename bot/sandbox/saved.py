"""The embedded sandbox's world in a file, so a restarted bot finds its demo home as it left it.

Without it every restart of ``python -m bot run`` on the sandbox would seed a new home with new
ids and forget the sessions it issued: every linked chat would be told to sign in again, and
its mutes, renamed devices and timers would be gone. The file sits next to the bot's database
in the data directory (0600, written atomically) and is read only by the process that wrote it:
the same trust as the database and the key file beside it. Only the bot's embedded sandbox keeps
one; the test fixtures and ``python -m bot sandbox`` start fresh each time.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.sandbox.state import SandboxState

log = logging.getLogger(__name__)

FORMAT = 1  # bumped when a change to the state's classes makes old files unreadable


@dataclass
class Saved:
    state: SandboxState
    demo: Any  # the DemoHome seeded the first time (users, credentials, device roles)


def load(path: Path) -> Saved | None:
    """The world saved at ``path``, or None (no file yet, or one this version cannot read)."""
    try:
        with path.open("rb") as file:
            version, state, demo = pickle.load(file)
    except FileNotFoundError:
        return None
    except Exception as err:  # truncated, from another version, not ours: start afresh
        log.warning("ignoring the saved sandbox cloud in %s (%s); seeding a new one", path, err)
        return None
    if version != FORMAT or not isinstance(state, SandboxState):
        log.warning("the saved sandbox cloud in %s is of another version; seeding a new one", path)
        return None
    return Saved(state, demo)


def save(path: Path, state: SandboxState, demo: Any) -> None:
    """Write the world to ``path`` atomically (a crash mid-write leaves the previous file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as file:
            pickle.dump((FORMAT, state, demo), file, protocol=pickle.HIGHEST_PROTOCOL)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        raise
