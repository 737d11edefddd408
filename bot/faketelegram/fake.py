"""FakeTelegram: the fake Bot API plus the handles a test drives it and inspects it by."""

# The waits take timeout= (the brief's API) so running out raises an AssertionError with a report.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from bot.faketelegram import botinfo
from bot.faketelegram.people import (
    ChatRef,
    add_group,
    add_user,
    find_chat,
    press_button,
    user_edit,
    user_message,
)
from bot.faketelegram.ratelimit import RateLimits
from bot.faketelegram.render import render_message
from bot.faketelegram.server import BotApiServer
from bot.faketelegram.state import ApiCall, ButtonSpec, CallbackAnswer, Message, TestChat, TestUser
from bot.faketelegram.updates import Webhook

_T = TypeVar("_T")


class FakeTelegram(BotApiServer):
    """Telegram for one bot: users who write and press buttons, and a record of what the bot did."""

    def __init__(
        self,
        token: str = "123456:TEST",
        bot_username: str = "iot_home_bot",
        limits: RateLimits | None = None,
        *,
        bot_name: str = "IoT Home",
        allow_local_webhooks: bool = False,
    ):
        super().__init__(
            token,
            bot_username,
            limits,
            bot_name=bot_name,
            allow_local_webhooks=allow_local_webhooks,
        )
        self._read: dict[int, int] = {}  # per chat: how many bot events next_message returned

    # -- users and what they do ------------------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str = "Ann",
        language_code: str | None = "en",
        username: str | None = None,
    ) -> TestUser:
        """A user with a private chat (id = user id); the bot may write once they have written."""
        return add_user(self._world, user_id, first_name, language_code, username)

    def group(
        self,
        chat_id: int,
        title: str,
        *,
        members: Iterable[TestUser] = (),
        admins: Iterable[TestUser] = (),
        bot_is_admin: bool = False,
    ) -> TestChat:
        """A group chat with the bot in it (use a negative id, as Telegram does)."""
        return add_group(self._world, chat_id, title, members, admins, bot_is_admin=bot_is_admin)

    def block(self, user: TestUser) -> None:
        """The user blocks the bot: its messages to them now fail with 403."""
        user.blocked = True

    def unblock(self, user: TestUser) -> None:
        """The user unblocks the bot."""
        user.blocked = False

    async def send(self, user: TestUser, text: str, chat: ChatRef | None = None) -> Message:
        """The user sends a text message (a leading /command gets its bot_command entity)."""
        message = user_message(self._world, user, text, chat)
        await self._world.notify()
        return message

    async def edit(self, user: TestUser, message: Message, text: str) -> Message:
        """The user edits a message they sent (the bot gets an edited_message update)."""
        edited = user_edit(self._world, user, message, text)
        await self._world.notify()
        return edited

    async def press(self, user: TestUser, message: Message | int, button: ButtonSpec) -> str:
        """The user presses an inline button; returns the callback query id."""
        query_id = press_button(self._world, user, message, button)
        await self._world.notify()
        return query_id

    # -- what the bot did ------------------------------------------------------------------

    def messages(self, chat: ChatRef, *, include_deleted: bool = True) -> list[Message]:
        """The chat's messages in order, as they stand now (deleted ones flagged)."""
        stored = find_chat(self._world, chat).messages
        return [m for m in stored if include_deleted or not m.deleted]

    def last_message(self, chat: ChatRef) -> Message | None:
        """The bot's latest message in the chat that is not deleted."""
        mine = [m for m in self.messages(chat, include_deleted=False) if m.from_bot]
        return mine[-1] if mine else None

    def calls(self, method: str | None = None) -> list[ApiCall]:
        """Every API call the bot made (or only those of one method), oldest first."""
        return [
            c for c in self._world.calls if method is None or c.method.lower() == method.lower()
        ]

    def callback_answer(self, query_id: str) -> CallbackAnswer | None:
        """What the bot answered to a press, or None while unanswered."""
        return self._world.queries[query_id].answer

    def commands(
        self, scope: Mapping[str, Any] | str | None = None, language_code: str = ""
    ) -> list[tuple[str, str]]:
        """(command, description) pairs set for exactly this scope and language."""
        return list(self._world.commands.get(botinfo.command_key(scope, language_code), []))

    def menu_button(self, chat: ChatRef | None = None) -> dict[str, Any] | None:
        """The menu button set for a chat, or the default one when chat is None."""
        if chat is None:
            return self._world.default_menu_button
        return find_chat(self._world, chat).menu_button

    def chat_actions(self, chat: ChatRef) -> list[str]:
        """sendChatAction values the bot sent to the chat, in order."""
        return list(find_chat(self._world, chat).actions)

    @property
    def webhook(self) -> Webhook | None:
        """The webhook the bot set, if any."""
        return self._world.updates.webhook

    @property
    def polling(self) -> bool:
        """Whether the bot has a getUpdates long poll open right now, waiting for an update."""
        return self._world.updates.polls_held > 0

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by getUpdates or delivered to the webhook."""
        return list(self._world.updates.pending)

    # -- waiting ---------------------------------------------------------------------------

    async def wait_for(
        self,
        predicate: Callable[[], _T],
        timeout: float = 5.0,
        *,
        chat: ChatRef | None = None,
    ) -> _T:
        """Wait until predicate() is truthy (checked after every request); AssertionError if not."""
        changed = self._world.changed
        async with changed:
            try:
                async with asyncio.timeout(timeout):
                    return await changed.wait_for(predicate)
            except TimeoutError:
                report = self.describe(chat)
                raise AssertionError(f"condition not met within {timeout}s\n{report}") from None

    async def next_message(self, chat: ChatRef, timeout: float = 5.0) -> Message:
        """The bot's next send or edit in the chat not yet returned here, as it was then."""
        chat_id = find_chat(self._world, chat).id
        cursor = self._read.get(chat_id, 0)

        def arrived() -> bool:
            return len(self._world.bot_events.get(chat_id, [])) > cursor

        await self.wait_for(arrived, timeout, chat=chat_id)
        self._read[chat_id] = cursor + 1
        return self._world.bot_events[chat_id][cursor]

    def drain_messages(self, chat: ChatRef) -> list[Message]:
        """All bot sends and edits next_message has not returned yet; they count as returned."""
        chat_id = find_chat(self._world, chat).id
        events = self._world.bot_events.get(chat_id, [])
        cursor, self._read[chat_id] = self._read.get(chat_id, 0), len(events)
        return events[cursor:]

    async def wait_answer(self, query_id: str, timeout: float = 5.0) -> CallbackAnswer:
        """Wait for the bot's answerCallbackQuery to a press."""
        query = self._world.queries[query_id]
        chat_id = query.chat_id
        answer = await self.wait_for(lambda: query.answer, timeout, chat=chat_id)
        assert answer is not None
        return answer

    async def wait_idle(self, timeout: float = 5.0, quiet: float = 0.05) -> None:
        """Best effort: every update was taken, no call is running and none came for `quiet` s.

        The fake cannot see a handler that is still busy elsewhere (a cloud call, a job), so a
        test should prefer wait_for/next_message on the effect it expects.
        """
        world = self._world

        def idle() -> bool:
            return not self._busy and not world.updates.pending

        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            try:
                async with world.changed, asyncio.timeout(max(deadline - loop.time(), 0.0)):
                    await world.changed.wait_for(idle)
                answered = self._answered
                await asyncio.sleep(quiet)  # a quiet period is what "idle" means here
                if answered == self._answered and idle():
                    return
                if loop.time() >= deadline:
                    raise TimeoutError
            except TimeoutError:
                state = (
                    f"{len(world.updates.pending)} updates not taken, {self._busy} calls running"
                )
                report = self.describe()
                raise AssertionError(
                    f"the bot was not idle within {timeout}s ({state})\n{report}"
                ) from None

    def describe(self, chat: ChatRef | None = None) -> str:
        """The last messages of one chat (or every chat) and the last API calls, for reports."""
        chats = [find_chat(self._world, chat)] if chat is not None else self._world.chats.values()
        lines: list[str] = []
        for each in chats:
            if each.messages or chat is not None:
                lines.append(f"--- chat {each.id} ({each.type}), last messages:")
                lines.extend(render_message(m) for m in each.messages[-5:])
        lines.append("--- last API calls:")
        for call in self._world.calls[-8:]:
            outcome = "ok" if call.ok else f"{call.error_code} {call.description}"
            lines.append(f"{call.method}: {outcome}")
        return "\n".join(lines)
