"""Which of a user's devices can play Kugou music, found by asking each one.

The client cannot tell a speaker from a product's description, so every device is probed with
one cheap Kugou command (awesome_everyday). A device that answers (even with a Kugou error) is
a speaker; one the cloud refuses (UnsupportedOperation, not found, no permission, invalid) is
not. Both answers are remembered per device for PROBE_TTL seconds, in memory, so /music costs
the device lists plus probes of devices not seen lately. A probe that failed for a passing
reason (timeout, offline, cloud trouble) is not remembered and is retried next time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.iot import errors
from bot.iot.client import IotClient
from bot.iot.models.music import KugouError

PROBE_TTL = 60 * 60  # seconds a device's answer (speaker or not) is trusted
PROBES_AT_ONCE = 8
SHARED_PAGE = 10
# The cloud's way of saying "this device has no Kugou": remembered as "not a speaker".
_NOT_A_SPEAKER = (
    errors.UnsupportedOperation,
    errors.InvalidParameter,
    errors.NotFound,
    errors.NoPermission,
)


@dataclass(frozen=True)
class Speaker:
    """A device that answers Kugou commands, and what to call it."""

    device_id: str
    name: str
    place: str = ""  # the family it is in, or who shared it


@dataclass
class MusicMemory:
    """What the music feature remembers between updates (in memory only)."""

    probes: dict[str, tuple[bool, float]] = field(default_factory=dict)  # id -> (speaker, when)
    names: dict[str, str] = field(default_factory=dict)  # device id -> name, for headings
    playlists: dict[str, str] = field(default_factory=dict)  # playlist id -> name
    clock: Callable[[], float] = time.monotonic

    def known(self, device_id: str) -> bool | None:
        """The remembered answer for a device, or None when never asked or too long ago."""
        entry = self.probes.get(device_id)
        if entry is None or self.clock() - entry[1] > PROBE_TTL:
            return None
        return entry[0]

    def remember(self, device_id: str, is_speaker: bool) -> None:
        """Note whether the device answered Kugou, as of now."""
        self.probes[device_id] = (is_speaker, self.clock())

    def forget(self, device_id: str) -> None:
        """Drop what is known of a device (it failed as a speaker)."""
        self.probes.pop(device_id, None)

    def speaker_name(self, device_id: str) -> str:
        """The speaker's name as last seen, or its device name."""
        return self.names.get(device_id) or device_id.partition("/")[2] or device_id


async def find_speakers(
    iot: IotClient, token: str, remembered: MusicMemory, keep: str | None = None
) -> list[Speaker]:
    """The user's devices (families and shares) answering Kugou commands, sorted by name."""
    # ``keep``, the speaker in use, stays one when its probe failed for a passing reason.
    candidates = await _devices(iot, token)
    for candidate in candidates:
        remembered.names[candidate.device_id] = candidate.name
    unknown = [c for c in candidates if remembered.known(c.device_id) is None]
    limit = asyncio.Semaphore(PROBES_AT_ONCE)

    async def probe(device_id: str) -> BaseException | None:
        async with limit:
            return await _probe(iot, token, device_id, remembered)

    failures = await asyncio.gather(*(probe(c.device_id) for c in unknown))
    unsure = {c.device_id for c, failure in zip(unknown, failures, strict=True) if failure}
    speakers = [
        c
        for c in candidates
        if remembered.known(c.device_id) or (c.device_id == keep and c.device_id in unsure)
    ]
    passing = next((f for f in failures if f is not None), None)
    if not speakers and passing is not None:
        raise passing  # "can't reach the cloud" says more than "you have no speakers"
    return sorted(speakers, key=lambda s: (s.name.casefold(), s.place.casefold()))


async def _probe(
    iot: IotClient, token: str, device_id: str, remembered: MusicMemory
) -> BaseException | None:
    """Ask one device; returns the error of a probe that failed for a passing reason."""
    try:
        await iot.get_daily_songs(token, device_id)
    except KugouError:
        remembered.remember(device_id, True)  # Kugou itself answered
    except errors.InvalidToken:
        raise  # the account manager renews the token and runs the search again
    except _NOT_A_SPEAKER:
        remembered.remember(device_id, False)
    except errors.IotError as err:
        return err
    else:
        remembered.remember(device_id, True)
    return None


async def _devices(iot: IotClient, token: str) -> list[Speaker]:
    """Every device the user can use: in each family, then shared with them."""
    found: dict[str, Speaker] = {}
    for family in await iot.list_all_families(token):
        for device in await iot.list_all_devices(token, family.family_id):
            found.setdefault(device.device_id, Speaker(device.device_id, device.name, family.name))
    offset = 0
    while True:
        page = await iot.list_shared_devices(token, offset=offset, limit=SHARED_PAGE)
        for shared in page.devices:
            name = shared.alias or shared.device_name
            found.setdefault(shared.device_id, Speaker(shared.device_id, name))
        offset += len(page.devices)
        if not page.devices or offset >= page.total:
            return list(found.values())
