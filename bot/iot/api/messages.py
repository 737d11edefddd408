"""Typed app-API methods: the message center."""

from __future__ import annotations

from typing import Any

from bot.iot.api.base import ApiMixin
from bot.iot.models.messages import MessageCategory, MessageCursor, MessagePage
from bot.iot.replies import data_of

MAX_MESSAGES_PER_PAGE = 100  # AppGetMessages: Limit "最大不超过100"


class MessagesApi(ApiMixin):
    """Reading and deleting the signed-in user's messages."""

    async def get_messages(
        self,
        token: str,
        category: MessageCategory | int,
        *,
        limit: int = 20,
        after: MessageCursor | None = None,
    ) -> MessagePage:
        """AppGetMessages: one page of a category, newest first; ``after`` continues a listing."""
        params: dict[str, Any] = {
            "Category": int(category),
            "Limit": max(1, min(limit, MAX_MESSAGES_PER_PAGE)),
        }
        if after is not None:
            # The table says MsgTimeStamp; the example and the vendor's clients send MsgTimestamp.
            params["MsgID"] = after.msg_id
            params["MsgTimestamp"] = after.timestamp
        reply = await self.call("AppGetMessages", params, token=token, read=True)
        return MessagePage.from_dict(data_of(reply))

    async def delete_message(self, token: str, msg_id: str) -> None:
        """AppDeleteMessage: remove one of my messages."""
        await self.call("AppDeleteMessage", {"MsgID": msg_id}, token=token)
