"""Plain dataclasses built from the cloud's replies (``from_dict``), re-exported by area."""

from __future__ import annotations

from bot.iot.models.control import *  # noqa: F403
from bot.iot.models.devices import *  # noqa: F403
from bot.iot.models.families import *  # noqa: F403
from bot.iot.models.firmware import *  # noqa: F403
from bot.iot.models.messages import *  # noqa: F403
from bot.iot.models.music import *  # noqa: F403
from bot.iot.models.scenes import *  # noqa: F403
from bot.iot.models.sharing import *  # noqa: F403
from bot.iot.models.timers import *  # noqa: F403
from bot.iot.models.users import *  # noqa: F403
