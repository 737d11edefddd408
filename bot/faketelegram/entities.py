"""Telegram's HTML parse mode: markup in, plain text and UTF-16 entities out, or the 400 it gives.

The rules follow the Bot API documentation and the observable behaviour of the server: a fixed
set of tags, four named character references plus numeric ones, errors that name the problem and
its byte offset, and whitespace trimmed from both ends of the result.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, TypeGuard

Entity = dict[str, Any]

_SPACES = " \t\r\n\f\v"
_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
# The MessageEntity types of Bot API 10.0; a bot may send any of them as explicit entities.
ENTITY_TYPES = frozenset(
    {
        "mention",
        "hashtag",
        "cashtag",
        "bot_command",
        "url",
        "email",
        "phone_number",
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "blockquote",
        "expandable_blockquote",
        "code",
        "pre",
        "text_link",
        "text_mention",
        "custom_emoji",
        "date_time",
    }
)
_NAMED_REFERENCES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_UNQUOTED_VALUE = re.compile(r"[A-Za-z0-9.\-]*")
_BOT_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_@])")


class EntityParseError(ValueError):
    """Markup Telegram refuses; the text is what follows "can't parse entities: "."""


@dataclass(frozen=True)
class FormattedText:
    """Text as Telegram stores it: plain characters plus entities with UTF-16 offsets."""

    text: str
    entities: tuple[Entity, ...] = ()


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units, the unit of every Bot API entity offset."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def trimmed(text: str, entities: tuple[Entity, ...] | list[Entity] = ()) -> FormattedText:
    """Drop leading and trailing whitespace as Telegram does, moving entities along."""
    body = text.strip(_SPACES)
    if not body:
        return FormattedText("")
    start = utf16_length(text[: len(text) - len(text.lstrip(_SPACES))])
    end = start + utf16_length(body)
    kept: list[Entity] = []
    for entity in entities:
        first = max(entity["offset"], start)
        last = min(entity["offset"] + entity["length"], end)
        if last > first:
            kept.append({**entity, "offset": first - start, "length": last - first})
    return FormattedText(body, tuple(kept))


def explicit_entities(text: str, entities: Any) -> list[Entity]:
    """Entities sent as JSON with a text: known types, each within the text (in UTF-16 units).

    Telegram cuts or drops an entity that runs past the text without a word; the fake refuses
    it, as it refuses a type it does not know. Raises EntityParseError.
    """
    if not isinstance(entities, list):
        raise EntityParseError("entities must be an Array")
    length = utf16_length(text)
    checked: list[Entity] = []
    for number, entity in enumerate(entities):
        if not isinstance(entity, dict):
            raise EntityParseError(f"entity {number} must be an Object")
        kind, offset, size = entity.get("type"), entity.get("offset"), entity.get("length")
        if kind not in ENTITY_TYPES:
            raise EntityParseError(f"Unsupported entity type {json.dumps(kind)}")
        if not _is_count(offset) or not _is_count(size) or size == 0:
            raise EntityParseError(
                f"entity {number} ({kind}) needs an Integer offset of 0 or more "
                "and an Integer length of 1 or more"
            )
        if offset + size > length:
            raise EntityParseError(
                f"entity {number} ({kind} at offset {offset}, length {size}) runs past the "
                f"end of the text, which is {length} UTF-16 code units long"
            )
        checked.append(dict(entity))
    return checked


def _is_count(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def bot_command_entities(text: str) -> tuple[Entity, ...]:
    """The bot_command entity Telegram adds when a message starts with /command."""
    match = _BOT_COMMAND.match(text)
    if match is None:
        return ()
    return ({"type": "bot_command", "offset": 0, "length": utf16_length(match.group())},)


@dataclass
class _OpenTag:
    name: str
    byte_offset: int
    start: int
    attributes: dict[str, str] = field(default_factory=dict)


class _HtmlParser:
    def __init__(self, markup: str):
        self.markup = markup
        self.pos = 0
        self.out: list[str] = []
        self.length = 0
        self.open: list[_OpenTag] = []
        self.entities: list[Entity] = []

    def byte_offset(self, index: int) -> int:
        return len(self.markup[:index].encode())

    def char(self, index: int) -> str:
        return self.markup[index] if index < len(self.markup) else ""

    def emit(self, text: str) -> None:
        self.out.append(text)
        self.length += utf16_length(text)

    def parse(self) -> FormattedText:
        while self.pos < len(self.markup):
            char = self.markup[self.pos]
            if char == "&":
                self.emit(self.reference())
            elif char != "<":
                self.emit(char)
                self.pos += 1
            elif self.char(self.pos + 1) == "/":
                self.end_tag()
            else:
                self.start_tag()
        if self.open:
            name = self.open[-1].name
            raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{name}"')
        # Outer entities first; an outer one closes later, so ties go to the later-appended one.
        numbered = sorted(
            enumerate(self.entities),
            key=lambda pair: (pair[1]["offset"], -pair[1]["length"], -pair[0]),
        )
        return trimmed("".join(self.out), [entity for _, entity in numbered])

    def reference(self) -> str:
        """Decode a character reference at self.pos; a lone "&" is refused (see module note)."""
        begin = self.pos
        end = begin + 1
        value: str | None = None
        if self.char(end) == "#":
            end += 1
            hexadecimal = self.char(end) in ("x", "X")
            end += hexadecimal
            digits = "0123456789abcdefABCDEF" if hexadecimal else "0123456789"
            first = end
            while self.char(end) and self.char(end) in digits:
                end += 1
            if end > first:
                code = int(self.markup[first:end], 16 if hexadecimal else 10)
                if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
                    value = chr(code)
        else:
            while self.char(end).isascii() and self.char(end).isalpha():
                end += 1
            value = _NAMED_REFERENCES.get(self.markup[begin + 1 : end])
        if value is None:
            raise EntityParseError(
                f'Character "&" must be escaped as "&amp;" at byte offset {self.byte_offset(begin)}'
            )
        self.pos = end + (self.char(end) == ";")
        return value

    def start_tag(self) -> None:
        begin = self.pos
        byte_offset = self.byte_offset(begin)
        end = begin + 1
        while self.char(end) and self.char(end) not in _SPACES and self.char(end) != ">":
            end += 1
        if not self.char(end):
            raise EntityParseError(f"Unclosed start tag at byte offset {byte_offset}")
        name = self.markup[begin + 1 : end].lower()
        if name not in _ENTITY_TYPES:
            raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {byte_offset}')
        self.pos = end
        tag = _OpenTag(name, byte_offset, self.length, self.attributes(name, byte_offset))
        if name == "span" and tag.attributes.get("class") != "tg-spoiler":
            raise EntityParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {byte_offset}'
            )
        self.open.append(tag)

    def attributes(self, tag_name: str, byte_offset: int) -> dict[str, str]:
        found: dict[str, str] = {}
        while True:
            while self.char(self.pos) and self.char(self.pos) in _SPACES:
                self.pos += 1
            if not self.char(self.pos):
                raise EntityParseError(f"Unclosed start tag at byte offset {byte_offset}")
            if self.char(self.pos) == ">":
                self.pos += 1
                return found
            name_begin = self.pos
            while self.char(self.pos) and self.char(self.pos) not in _SPACES + "=>":
                self.pos += 1
            name = self.markup[name_begin : self.pos].lower()
            while self.char(self.pos) and self.char(self.pos) in _SPACES:
                self.pos += 1
            if self.char(self.pos) != "=":
                if tag_name == "blockquote" and name == "expandable":
                    found[name] = ""
                    continue
                raise EntityParseError(
                    f'Expected equal sign in declaration of an attribute of the tag "{tag_name}" '
                    f"at byte offset {byte_offset}"
                )
            self.pos += 1
            while self.char(self.pos) and self.char(self.pos) in _SPACES:
                self.pos += 1
            found[name] = self.attribute_value(byte_offset)

    def attribute_value(self, byte_offset: int) -> str:
        quote = self.char(self.pos)
        if quote not in ("'", '"'):
            match = _UNQUOTED_VALUE.match(self.markup, self.pos)
            assert match is not None  # the pattern accepts the empty string
            self.pos = match.end()
            return match.group()
        self.pos += 1
        value: list[str] = []
        while self.char(self.pos) != quote:
            if not self.char(self.pos):
                raise EntityParseError(f"Unclosed start tag at byte offset {byte_offset}")
            if self.char(self.pos) == "&":
                value.append(self.reference())
            else:
                value.append(self.markup[self.pos])
                self.pos += 1
        self.pos += 1
        return "".join(value)

    def end_tag(self) -> None:
        begin = self.pos
        byte_offset = self.byte_offset(begin)
        end = self.markup.find(">", begin)
        if end < 0:
            raise EntityParseError(f"Unclosed end tag at byte offset {byte_offset}")
        name = self.markup[begin + 2 : end].lower()
        if not self.open:
            raise EntityParseError(f"Unexpected end tag at byte offset {byte_offset}")
        expected = self.open[-1].name
        if name != expected:
            raise EntityParseError(
                f'Unmatched end tag at byte offset {byte_offset}, expected "</{expected}>", '
                f'found "</{name}>"'
            )
        self.pos = end + 1
        self.close(self.open.pop())

    def close(self, tag: _OpenTag) -> None:
        length = self.length - tag.start
        language = tag.attributes.get("class", "")
        inside_code = any(outer.name in ("pre", "code") for outer in self.open)
        if tag.name == "code" and language.startswith("language-") and self.open:
            parent = self.open[-1]
            if parent.name == "pre" and parent.start == tag.start:
                # <pre><code class="language-x"> is one pre entity with a language
                parent.attributes["language"] = language.removeprefix("language-")
                return
        if length == 0 or inside_code:
            return
        entity: Entity = {"type": _ENTITY_TYPES[tag.name], "offset": tag.start, "length": length}
        if tag.name == "a":
            url = tag.attributes.get("href", "")
            if not url:
                return
            entity["url"] = url
        elif tag.name == "pre" and "language" in tag.attributes:
            entity["language"] = tag.attributes["language"]
        elif tag.name == "tg-emoji":
            entity["custom_emoji_id"] = tag.attributes.get("emoji-id", "")
        elif tag.name == "blockquote" and "expandable" in tag.attributes:
            entity["type"] = "expandable_blockquote"
        self.entities.append(entity)


def parse_html(markup: str) -> FormattedText:
    """Parse text sent with parse_mode=HTML; raises EntityParseError as Telegram would refuse it.

    Unlike the real server, an "&" that starts no character reference is refused rather than
    kept: such text is almost always an unescaped name and renders wrongly once it holds "&lt".
    """
    return _HtmlParser(markup).parse()
