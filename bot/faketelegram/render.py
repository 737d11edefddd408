"""Messages as plain text for a terminal chat and for failure reports: text, then numbered buttons."""

from __future__ import annotations

from bot.faketelegram.keyboards import Button
from bot.faketelegram.state import Message


def render_message(message: Message) -> str:
    """The message's text (or media line and caption), then its buttons as [1] [2] ... rows."""
    lines: list[str] = []
    who = "bot" if message.from_bot else message.from_user.get("first_name", "user")
    flags = [flag for flag, on in (("deleted", message.deleted),) if on]
    if message.edit_count:
        flags.append(f"edited x{message.edit_count}")
    header = f"#{message.message_id} {who}" + (f" ({', '.join(flags)})" if flags else "")
    lines.append(header + ":")
    if message.media is not None:
        media = message.media
        source = f"{len(media.data)} bytes" if media.data is not None else media.url
        name = f" {media.filename}" if media.filename else ""
        lines.append(f"[{media.kind}{name}: {source}]")
    body = message.text if message.text is not None else message.caption
    if body:
        lines.append(body)
    number = 0
    for row in message.buttons:
        cells = []
        for button in row:
            number += 1
            cells.append(f"[{number}] {_label(button)}")
        lines.append("  ".join(cells))
    if message.reply_keyboard and message.reply_keyboard.get("keyboard"):
        for row in message.reply_keyboard["keyboard"]:
            texts = [cell["text"] if isinstance(cell, dict) else str(cell) for cell in row]
            lines.append("  ".join(f"<{text}>" for text in texts))
    return "\n".join(lines)


def _label(button: Button) -> str:
    if button.url is not None:
        return f"{button.text} ({button.url})"
    if button.callback_data is None:
        return f"{button.text} ({button.action})"
    return button.text


def button_by_number(message: Message, number: int) -> Button:
    """The button shown as [number] by render_message; LookupError if there is none."""
    return message.button(number)
