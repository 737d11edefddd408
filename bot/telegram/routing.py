"""Button presses and typed replies, routed by name to the feature that made them.

Every inline button's data is encoded by :mod:`bot.telegram.callbacks` as (owner, route, args). One
CallbackQueryHandler decodes it, refuses presses by anyone but the owner, and calls the
function registered for the route. A feature that needs typed input (a new name, an exact
value) calls :func:`expect_text`; the user's next text message in that chat goes to the
route's text handler. Every route is named by its feature's ``register(app)`` in the app's
:class:`Routes`. Both survive a restart: the routes are code, the
buttons' payloads and the pending input live in the database (user_data is persisted).
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.error import BadRequest
from telegram.ext import Application, CommandHandler, filters

from bot.i18n import _
from bot.telegram.callbacks import Callback, CallbackError
from bot.telegram.commands import MenuCommand
from bot.telegram.context import HomeContext, Services, answer_query

log = logging.getLogger(__name__)

ButtonHandler = Callable[[Update, HomeContext, Callback], Awaitable[None]]
TextHandler = Callable[[Update, HomeContext, str, tuple[str, ...]], Awaitable[None]]
DeepLinkHandler = Callable[[Update, HomeContext, str], Awaitable[None]]

# Typed text that no open question took: the features' guesses (a device's name), then the
# last word (a hint, in private chats). The sign-in conversation and the answers to questions
# are in the default group 0, before both.
TYPED = filters.TEXT & ~filters.COMMAND
TEXT_GUESSES = 1
LAST_WORD = 2

PENDING_KEY = "pending_input"
PENDING_TTL = 15 * 60  # seconds a question stays open


class Routes:
    """Where every command, button, typed answer and deep link goes, as the features named them.

    Made by build_application before the features' ``register(app)`` fill it; nothing adds a
    route by being imported. Buttons carry their route in their callback data (bot.telegram.
    callbacks) and go through :func:`dispatch_button`; a question asked with
    :func:`expect_text` gets its answer through :func:`dispatch_text`.
    """

    def __init__(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        self._app = app
        self.buttons: dict[str, ButtonHandler] = {}
        self.texts: dict[str, TextHandler] = {}
        self.deep_links: dict[str, DeepLinkHandler] = {}
        self.menu: list[MenuCommand] = []

    def command(
        self,
        name: str,
        callback: Callable[[Update, HomeContext], Coroutine[Any, Any, Any]],
        menu: str | None = None,
        order: int = 50,
    ) -> None:
        """``/name`` calls ``callback``; with ``menu`` (an N_() message) it is in the menu too."""
        self._app.add_handler(CommandHandler(name, callback))
        if menu is not None:
            self.in_menu(name, menu, order)

    def in_menu(self, name: str, description: str, order: int) -> None:
        """Put ``/name`` in the command menu (``description`` N_() marked); lower orders first."""
        if all(c.name != name for c in self.menu):
            self.menu.append(MenuCommand(name, description, order))

    def button(self, route: str, handler: ButtonHandler) -> None:
        """Buttons made with ``route`` call ``handler``."""
        if route in self.buttons:
            raise RuntimeError(f"button route {route} registered twice")
        self.buttons[route] = handler

    def text(self, route: str, handler: TextHandler) -> None:
        """Answers to questions asked with ``expect_text(route)`` go to ``handler``."""
        if route in self.texts:
            raise RuntimeError(f"text route {route} registered twice")
        self.texts[route] = handler

    def deep_link(self, prefix: str, handler: DeepLinkHandler) -> None:
        """``/start <prefix><rest>`` links (share and invite links) go to ``handler``."""
        if prefix in self.deep_links:
            raise RuntimeError(f"deep link {prefix} registered twice")
        self.deep_links[prefix] = handler

    def link_for(self, payload: str) -> tuple[DeepLinkHandler, str] | None:
        """The handler for a /start payload and the rest of the payload after its prefix."""
        for prefix, handler in self.deep_links.items():
            if payload.startswith(prefix) and len(payload) > len(prefix):
                return handler, payload[len(prefix) :]
        return None


def button(context: HomeContext, owner_id: int, route: str, *args: str | int) -> str:
    """Callback data for a button that calls ``route`` with ``args`` for ``owner_id``."""
    return context.services.codec.encode(owner_id, route, *args)


@dataclass(frozen=True)
class Pending:
    route: str
    args: tuple[str, ...]
    chat_id: int
    expires: float


def expect_text(context: HomeContext, chat_id: int, route: str, *args: str | int) -> None:
    """Send the user's next text message in ``chat_id`` to the ``route`` text handler."""
    assert context.user_data is not None
    context.user_data[PENDING_KEY] = {
        "route": route,
        "args": [str(a) for a in args],
        "chat_id": chat_id,
        "expires": time.time() + PENDING_TTL,
    }


def cancel_text(context: HomeContext) -> bool:
    """Forget an open question; True if there was one."""
    if context.user_data is None:
        return False
    return context.user_data.pop(PENDING_KEY, None) is not None


def pending(context: HomeContext, chat_id: int) -> Pending | None:
    """The open question in this chat, if any and not expired."""
    raw: Any = (context.user_data or {}).get(PENDING_KEY)
    if not isinstance(raw, dict) or raw.get("chat_id") != chat_id:
        return None
    if float(raw.get("expires", 0)) < time.time():
        cancel_text(context)
        return None
    return Pending(str(raw["route"]), tuple(raw.get("args", ())), chat_id, float(raw["expires"]))


async def dispatch_button(update: Update, context: HomeContext) -> None:
    """The one CallbackQueryHandler: decode, check the owner, call the route, answer the query."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    try:
        callback = context.services.codec.decode(query.data)
        callback.ensure_owner(query.from_user.id)
        handler = context.routes.buttons.get(callback.route)
        if handler is None:
            raise KeyError(callback.route)
    except CallbackError as err:
        await answer_query(update, context, _(err.user_message))
        return
    except KeyError:
        log.warning("button for an unknown route pressed")
        await answer_query(
            update, context, _("This button no longer works. Please open the menu again.")
        )
        return
    await handler(update, context, callback)
    # Answered only after success: when the handler raises, the error handler answers the
    # query with the reason instead. A query too old to answer stops its spinner on its own.
    with contextlib.suppress(BadRequest):
        await answer_query(update, context)


async def dispatch_text(update: Update, context: HomeContext) -> bool:
    """Give a typed message to the question waiting for it; False when nothing was waiting."""
    message = update.effective_message
    if message is None or message.text is None:
        return False
    question = pending(context, message.chat_id)
    if question is None:
        return False
    handler = context.routes.texts.get(question.route)
    cancel_text(context)
    if handler is None:
        return False
    await handler(update, context, message.text, question.args)
    return True


class Buttons:
    """Makes inline buttons for one user: views get this instead of the codec.

    Built from a handler's context, or from the services where there is no update (a push
    refreshing a message, a job).
    """

    def __init__(self, source: HomeContext | Services, owner_id: int) -> None:
        services = source if isinstance(source, Services) else source.services
        self._codec = services.codec
        self.owner_id = owner_id

    def data(self, route: str, *args: str | int) -> str:
        return self._codec.encode(self.owner_id, route, *args)

    def __call__(self, text: str, route: str, *args: str | int) -> InlineKeyboardButton:
        """A button labelled ``text`` that calls ``route`` with ``args``."""
        return InlineKeyboardButton(text, callback_data=self.data(route, *args))


def route_is(route: str) -> Callable[[object], bool]:
    """A CallbackQueryHandler pattern matching buttons of ``route`` that carry no long payload.

    For handlers that must sit inside a ConversationHandler (its states need their own
    CallbackQueryHandlers); everything else goes through :func:`dispatch_button`.
    """
    prefix_parts = 2

    def matches(data: object) -> bool:
        if not isinstance(data, str) or not data.startswith("i"):
            return False
        parts = data.split("|", prefix_parts)
        return len(parts) >= prefix_parts and parts[1] == route

    return matches
