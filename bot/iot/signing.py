"""The appapi request signature: sorted ``key=value`` pairs, HMAC-SHA1 with the AppSecret, Base64."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Mapping
from typing import Any


def _text(value: Any) -> str:
    """The raw (not URL-encoded) text of one parameter value as it enters the signed string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def canonical_string(params: Mapping[str, Any]) -> str:
    """The string that is signed: every parameter but Signature, sorted by key, ``k=v`` joined by ``&``.

    Empty strings (and absent values) are left out, and an underscore in a key is written as a dot,
    as the reference says (lines 356 and 395).
    """
    pairs = []
    for key in sorted(params):
        value = params[key]
        if key == "Signature" or value is None or value == "":
            continue
        pairs.append(f"{key.replace('_', '.')}={_text(value)}")
    return "&".join(pairs)


def sign(params: Mapping[str, Any], app_secret: str) -> str:
    """Base64 of the HMAC-SHA1 of the canonical string under ``app_secret``."""
    digest = hmac.new(app_secret.encode(), canonical_string(params).encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def verify(params: Mapping[str, Any], app_secret: str) -> bool:
    """Whether ``params['Signature']`` matches; compared in constant time."""
    given = params.get("Signature")
    if not isinstance(given, str):
        return False
    return hmac.compare_digest(given, sign(params, app_secret))


def signed(params: Mapping[str, Any], app_key: str, app_secret: str) -> dict[str, Any]:
    """A copy of ``params`` with AppKey, Timestamp, a positive random Nonce and the Signature.

    Empty values are left out of the body as well: the reference signs without them (line 395),
    the Android, iOS and Node clients sign every key they send, and a body without them satisfies
    both readings.
    """
    out = {key: value for key, value in params.items() if value is not None and value != ""}
    out["AppKey"] = app_key
    out["Timestamp"] = int(time.time())
    out["Nonce"] = secrets.randbelow(2**31 - 1) + 1
    out["Signature"] = sign(out, app_secret)
    return out
