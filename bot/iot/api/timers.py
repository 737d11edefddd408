"""Typed app-API methods: the timers of a device."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.iot.api.base import ApiMixin
from bot.iot.api.control import device_params, json_text
from bot.iot.api.paging import walk_pages
from bot.iot.models._fields import integer, records, text
from bot.iot.models.timers import Timer
from bot.iot.replies import data_of

TIMER_PAGE = 50  # the most AppGetTimerList returns at once


class TimersApi(ApiMixin):
    """Create, change, switch, delete and list a device's timers (TimePoint in TIMER_TIMEZONE)."""

    async def create_timer(
        self,
        token: str,
        device_id: str,
        name: str,
        days: str,
        time_point: str,
        data: Mapping[str, Any],
        *,
        repeat: bool = True,
    ) -> str:
        """AppCreateTimer: the new timer's id; it starts enabled."""
        params = _timer_params(device_id, name, days, time_point, data, repeat)
        reply = await self.call("AppCreateTimer", params, token=token)
        # The table answers TimerId flat; the reference's example wraps it in Data.
        return text(data_of(reply), "TimerId")

    async def modify_timer(
        self,
        token: str,
        device_id: str,
        timer_id: str,
        name: str,
        days: str,
        time_point: str,
        data: Mapping[str, Any],
        *,
        repeat: bool = True,
    ) -> None:
        """AppModifyTimer: replace every setting of a timer (its on/off status is kept)."""
        params = _timer_params(device_id, name, days, time_point, data, repeat)
        await self.call("AppModifyTimer", {**params, "TimerId": timer_id}, token=token)

    async def set_timer_enabled(
        self, token: str, device_id: str, timer_id: str, enabled: bool
    ) -> None:
        """AppModifyTimerStatus: switch a timer on or off."""
        params = {**device_params(device_id), "TimerId": timer_id, "Status": int(enabled)}
        await self.call("AppModifyTimerStatus", params, token=token)

    async def delete_timer(self, token: str, device_id: str, timer_id: str) -> None:
        """AppDeleteTimer."""
        params = {**device_params(device_id), "TimerId": timer_id}
        await self.call("AppDeleteTimer", params, token=token)

    async def list_timers(self, token: str, device_id: str) -> list[Timer]:
        """AppGetTimerList, every page: all of the device's timers."""

        async def fetch(offset: int) -> tuple[list[Timer], int | None]:
            params = {**device_params(device_id), "Offset": offset, "Limit": TIMER_PAGE}
            reply = data_of(await self.call("AppGetTimerList", params, token=token, read=True))
            total = integer(reply, "Total")
            page = [Timer.from_dict(item) for item in records(reply, "TimerList")]
            return page, total or None  # a reply without Total ends at its first short page

        return await walk_pages(fetch, page_size=TIMER_PAGE, key=lambda t: t.timer_id)


def _timer_params(
    device_id: str,
    name: str,
    days: str,
    time_point: str,
    data: Mapping[str, Any],
    repeat: bool,
) -> dict[str, Any]:
    return {
        **device_params(device_id),
        "TimerName": name,
        "Days": days,
        "TimePoint": time_point,
        "Repeat": int(repeat),
        "Data": json_text(data),
    }
