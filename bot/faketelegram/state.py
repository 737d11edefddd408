"""What the fake Telegram remembers: users, chats, messages, calls, callback queries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from bot.faketelegram.keyboards import Button, Keyboard, keyboard_json

# How a test names a button: its text, (row, col), its number in render_message, or a predicate.
ButtonSpec = str | tuple[int, int] | int | Callable[[Button], bool]


@dataclass
class TestUser:
    """A Telegram user the test acts as."""

    __test__: ClassVar[bool] = False  # not a pytest test class

    id: int
    first_name: str = "Ann"
    language_code: str | None = "en"
    username: str | None = None
    last_name: str | None = None
    blocked: bool = False  # the user blocked the bot
    started: bool = False  # the user has written to the bot, so the bot may write back

    def to_json(self) -> dict[str, Any]:
        """The User object Telegram sends."""
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for name in ("last_name", "username", "language_code"):
            if getattr(self, name) is not None:
                user[name] = getattr(self, name)
        return user


@dataclass
class TestChat:
    """A private chat (id = the user's id) or a group the bot is in."""

    __test__: ClassVar[bool] = False

    id: int
    type: str
    title: str | None = None
    user: TestUser | None = None  # the other side of a private chat
    members: dict[int, str] = field(default_factory=dict)  # user id -> ChatMember status
    bot_status: str = "member"  # "administrator" lets the bot delete users' group messages
    messages: list[Message] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)  # sendChatAction values, in order
    menu_button: dict[str, Any] | None = None

    @property
    def is_group(self) -> bool:
        """Whether group flood limits and group permissions apply."""
        return self.type in ("group", "supergroup")

    def to_json(self) -> dict[str, Any]:
        """The Chat object embedded in messages."""
        chat: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.user is not None:
            chat.update(
                {k: v for k, v in self.user.to_json().items() if k in ("first_name", "username")}
            )
        if self.title is not None:
            chat["title"] = self.title
        return chat


@dataclass(frozen=True)
class Media:
    """A photo, audio or document the bot sent: the uploaded bytes, or the URL it gave."""

    kind: str
    file_id: str
    file_unique_id: str
    data: bytes | None = None
    url: str | None = None
    filename: str | None = None
    mime_type: str | None = None
    duration: int = 0
    title: str | None = None
    performer: str | None = None
    width: int | None = None  # of an uploaded photo, read from its header
    height: int | None = None

    def to_json(self) -> Any:
        """The PhotoSize list, Audio or Document object of a Message."""
        base: dict[str, Any] = {"file_id": self.file_id, "file_unique_id": self.file_unique_id}
        if self.data is not None:
            base["file_size"] = len(self.data)
        if self.kind == "photo":
            return [{**base, "width": self.width or 800, "height": self.height or 600}]
        for name in ("mime_type", "title", "performer"):
            if getattr(self, name) is not None:
                base[name] = getattr(self, name)
        if self.filename is not None:
            base["file_name"] = self.filename
        if self.kind == "audio":
            base["duration"] = self.duration
        return base


@dataclass
class Message:
    """One message in a chat, as it currently stands (deleted ones stay, flagged)."""

    chat_id: int
    message_id: int
    from_user: dict[str, Any]
    date: int
    text: str | None = None  # plain text, after entity parsing
    html: str | None = None  # the text as the bot sent it (HTML source when parse_mode=HTML)
    entities: tuple[dict[str, Any], ...] = ()
    buttons: Keyboard = ()
    reply_keyboard: dict[str, Any] | None = None  # a reply keyboard / remove / force_reply
    media: Media | None = None
    caption: str | None = None
    caption_html: str | None = None
    caption_entities: tuple[dict[str, Any], ...] = ()
    reply_to_message_id: int | None = None
    deleted: bool = False
    edit_count: int = 0
    edit_date: int | None = None

    @property
    def from_bot(self) -> bool:
        """Whether the bot sent this message."""
        return bool(self.from_user.get("is_bot"))

    @property
    def photo(self) -> Media | None:
        """The photo, if this is a photo message."""
        return self.media if self.media and self.media.kind == "photo" else None

    @property
    def audio(self) -> Media | None:
        """The audio file, if this is an audio message."""
        return self.media if self.media and self.media.kind == "audio" else None

    @property
    def document(self) -> Media | None:
        """The document, if this is a document message."""
        return self.media if self.media and self.media.kind == "document" else None

    def all_buttons(self) -> list[Button]:
        """Inline buttons in reading order (the numbering render_message shows)."""
        return [button for row in self.buttons for button in row]

    def button(self, spec: ButtonSpec) -> Button:
        """Find a button by text, (row, col), 1-based number, or predicate; LookupError if none."""
        buttons = self.all_buttons()
        found: list[Button]
        if isinstance(spec, str):
            found = [b for b in buttons if b.text == spec]
        elif isinstance(spec, tuple):
            found = [b for b in buttons if (b.row, b.col) == spec]
        elif isinstance(spec, int):
            found = buttons[spec - 1 : spec] if spec >= 1 else []
        else:
            found = [b for b in buttons if spec(b)]
        if not found:
            texts = ", ".join(repr(b.text) for b in buttons) or "none"
            raise LookupError(f"no button {spec!r} in message {self.message_id}; buttons: {texts}")
        return found[0]

    def to_json(self, chat: dict[str, Any], reply_to: Message | None = None) -> dict[str, Any]:
        """The Message object Telegram returns and puts in updates."""
        message: dict[str, Any] = {
            "message_id": self.message_id,
            "from": self.from_user,
            "chat": chat,
            "date": self.date,
        }
        if self.text is not None:
            message["text"] = self.text
        if self.entities:
            message["entities"] = list(self.entities)
        if self.media is not None:
            message[self.media.kind] = self.media.to_json()
        if self.caption:
            message["caption"] = self.caption
        if self.caption_entities:
            message["caption_entities"] = list(self.caption_entities)
        if self.buttons:
            message["reply_markup"] = keyboard_json(self.buttons)
        if self.edit_date is not None:
            message["edit_date"] = self.edit_date
        if reply_to is not None:
            message["reply_to_message"] = reply_to.to_json(chat)
        return message


@dataclass(frozen=True)
class ApiCall:
    """One request the bot made, and how the fake answered it."""

    method: str
    params: dict[str, Any]
    ok: bool
    result: Any = None
    error_code: int | None = None
    description: str | None = None


@dataclass
class CallbackAnswer:
    """What the bot said in answerCallbackQuery."""

    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int


@dataclass
class CallbackQuery:
    """A button press waiting for (or having received) its answer."""

    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    answer: CallbackAnswer | None = None
