"""What kind of image some bytes are and how big, read from the header alone.

Telegram takes a photo in PNG, JPEG, GIF or WEBP; this reads the format from the magic bytes
and the width and height from where each format keeps them, without decoding any pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

_PNG = b"\x89PNG\r\n\x1a\n"
# JPEG start-of-frame markers (baseline, progressive, lossless, ...): they carry the size.
_JPEG_FRAMES = frozenset(
    {*range(0xC0, 0xC4), *range(0xC5, 0xC8), *range(0xC9, 0xCC), 0xCD, 0xCE, 0xCF}
)
# Markers that stand alone, with no length after them.
_JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})


@dataclass(frozen=True)
class ImageSize:
    """An image's format ("png", "jpeg", "gif" or "webp") and its size in pixels."""

    format: str
    width: int
    height: int


def image_size(data: bytes) -> ImageSize | None:
    """The format and size of an image; None when the bytes are no image this reads."""
    if data.startswith(_PNG):
        return _png(data)
    if data.startswith(b"\xff\xd8\xff"):
        return _jpeg(data)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return ImageSize("gif", _le(data, 6, 2), _le(data, 8, 2))
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp(data)
    return None


def _be(data: bytes, at: int, size: int) -> int:
    return int.from_bytes(data[at : at + size], "big")


def _le(data: bytes, at: int, size: int) -> int:
    return int.from_bytes(data[at : at + size], "little")


def _png(data: bytes) -> ImageSize | None:
    # The first chunk is IHDR: length, type, then width and height as 32-bit big-endian.
    if len(data) < 24 or data[12:16] != b"IHDR":
        return None
    return ImageSize("png", _be(data, 16, 4), _be(data, 20, 4))


def _jpeg(data: bytes) -> ImageSize | None:
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in _JPEG_STANDALONE:
            at += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image, or the pixels start: no frame header came
            return None
        if marker in _JPEG_FRAMES:
            # length (2), sample precision (1), height (2), width (2)
            if at + 9 > len(data):
                return None
            return ImageSize("jpeg", _be(data, at + 7, 2), _be(data, at + 5, 2))
        at += 2 + _be(data, at + 2, 2)
    return None


def _webp(data: bytes) -> ImageSize | None:
    chunk = data[12:16]
    if chunk == b"VP8X" and len(data) >= 30:  # extended: canvas size minus one, 24 bits each
        return ImageSize("webp", _le(data, 24, 3) + 1, _le(data, 27, 3) + 1)
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":  # lossy
        return ImageSize("webp", _le(data, 26, 2) & 0x3FFF, _le(data, 28, 2) & 0x3FFF)
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:  # lossless: 14 bits each
        bits = _le(data, 21, 4)
        return ImageSize("webp", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
    return None
