"""Bot API methods for files: sendPhoto, sendAudio, sendDocument and getFile."""

from __future__ import annotations

import dataclasses
import posixpath
from typing import Any
from urllib.parse import urlsplit

from bot.faketelegram.images import ImageSize, image_size
from bot.faketelegram.keyboards import parse_reply_markup
from bot.faketelegram.messages import MAX_CAPTION, reply_target
from bot.faketelegram.protocol import Params, Upload, bad_request
from bot.faketelegram.state import Media
from bot.faketelegram.world import Handler, World, formatted

# Telegram's limits for a photo (a bigger or odder image must go as a document).
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTO_SIDES = 10_000  # width + height
MAX_PHOTO_RATIO = 20  # the long side over the short one


def _photo_size(data: bytes) -> ImageSize:
    """The size of an uploaded photo, refusing one Telegram takes only as a document."""
    if len(data) > MAX_PHOTO_BYTES:
        raise bad_request("PHOTO_SAVE_FILE_INVALID")
    size = image_size(data)
    if size is None:
        raise bad_request("IMAGE_PROCESS_FAILED")
    short, long = sorted((size.width, size.height))
    if short < 1 or short + long > MAX_PHOTO_SIDES or long > MAX_PHOTO_RATIO * short:
        raise bad_request("PHOTO_INVALID_DIMENSIONS")
    return size


def _media(world: World, kind: str, source: Upload | str, params: Params) -> Media:
    extras: dict[str, Any] = {}
    if kind == "audio":
        extras = {
            "duration": params.integer("duration") or 0,
            "title": params.text("title"),
            "performer": params.text("performer"),
        }
    if isinstance(source, Upload):
        if not source.data:
            raise bad_request("file must be non-empty")
        if kind == "photo":
            size = _photo_size(source.data)
            extras = {"width": size.width, "height": size.height}
        file_id, unique_id = world.new_file_ids(kind)
        return Media(
            kind,
            file_id,
            unique_id,
            data=source.data,
            filename=source.filename,
            mime_type=source.content_type,
            **extras,
        )
    known = world.files.get(source)
    if known is not None:
        if known.kind != kind:
            raise bad_request("type of file mismatch")
        return dataclasses.replace(known, **extras) if extras else known
    if source.startswith(("http://", "https://")):
        file_id, unique_id = world.new_file_ids(kind)
        name = posixpath.basename(urlsplit(source).path) or None
        return Media(kind, file_id, unique_id, url=source, filename=name, **extras)
    raise bad_request("wrong file identifier/HTTP URL specified")


async def _send_media(world: World, params: Params, kind: str) -> dict[str, Any]:
    chat = world.chat_for_bot(params)
    source = params.file(kind)
    if source is None or source == "":
        raise bad_request(f"there is no {kind} in the request")
    caption, caption_source = formatted(
        params,
        "caption",
        "caption_entities",
        limit=MAX_CAPTION,
        too_long="message caption is too long",
    )
    markup = parse_reply_markup(params.json("reply_markup"))
    reply_to = reply_target(world, chat, params)
    media = _media(world, kind, source, params)
    world.admit(chat)
    world.files[media.file_id] = media
    message = world.add_message(
        chat,
        world.bot_json(),
        media=media,
        caption=caption.text or None,
        caption_html=caption_source,
        caption_entities=caption.entities,
        buttons=markup.inline or (),
        reply_keyboard=markup.other,
        reply_to_message_id=reply_to,
    )
    return world.message_json(message)


async def send_photo(world: World, params: Params) -> dict[str, Any]:
    """sendPhoto: an upload, a URL or a known file_id."""
    return await _send_media(world, params, "photo")


async def send_audio(world: World, params: Params) -> dict[str, Any]:
    """sendAudio."""
    return await _send_media(world, params, "audio")


async def send_document(world: World, params: Params) -> dict[str, Any]:
    """sendDocument."""
    return await _send_media(world, params, "document")


def file_path(media: Media) -> str:
    """Where a file is served under /file/bot<token>/ (the last segment is its file_id)."""
    return f"{media.kind}s/{media.file_id}"


async def get_file(world: World, params: Params) -> dict[str, Any]:
    """getFile: a path the bot downloads the uploaded bytes from."""
    media = world.files.get(params.text("file_id") or "")
    if media is None:
        raise bad_request("invalid file_id")
    result: dict[str, Any] = {"file_id": media.file_id, "file_unique_id": media.file_unique_id}
    if media.data is not None:
        result["file_size"] = len(media.data)
        result["file_path"] = file_path(media)
    return result


METHODS: dict[str, Handler] = {
    "sendPhoto": send_photo,
    "sendAudio": send_audio,
    "sendDocument": send_document,
    "getFile": get_file,
}
