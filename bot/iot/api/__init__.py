"""The typed methods of the app-API, one mixin per area; IotClient inherits them all."""

from __future__ import annotations

from bot.iot.api.control import ControlApi
from bot.iot.api.devices import DevicesApi
from bot.iot.api.families import FamiliesApi
from bot.iot.api.firmware import FirmwareApi
from bot.iot.api.messages import MessagesApi
from bot.iot.api.music import MusicApi
from bot.iot.api.scenes import ScenesApi
from bot.iot.api.sharing import SharingApi
from bot.iot.api.timers import TimersApi
from bot.iot.api.users import UsersApi


class AllApis(
    UsersApi,
    FamiliesApi,
    DevicesApi,
    ControlApi,
    SharingApi,
    TimersApi,
    ScenesApi,
    MessagesApi,
    FirmwareApi,
    MusicApi,
):
    """Every typed method of the client."""
