"""What a user types to sign in: a phone number or an email address, or an AccessToken."""

from __future__ import annotations

import re

_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}")
_TOKEN = re.compile(r"[A-Za-z0-9_\-.=+/]{8,512}")


def parse_identity(text: str, default_country_code: str) -> tuple[str, str, str] | None:
    """("email", address, "") or ("phone", country code, number) from what the user typed."""
    value = text.strip()
    if "@" in value:
        return ("email", value.lower(), "") if _EMAIL.fullmatch(value) else None
    digits = re.sub(r"[\s\-()]", "", value)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if digits.startswith("+"):
        match = re.fullmatch(r"\+(86|852|853|886|1|[2-9]\d{0,2})(\d{5,14})", digits)
        if match is None:
            return None
        return "phone", match.group(1), match.group(2)
    if re.fullmatch(r"\d{5,15}", digits):
        return "phone", default_country_code, digits
    return None


def masked(identity: tuple[str, str, str]) -> str:
    """What /me shows of the identity: enough to recognise it, not to copy it."""
    kind, first, second = identity
    if kind == "email":
        name, _, domain = first.partition("@")
        return f"{name[:2]}***@{domain}"
    return f"+{first} {second[:3]}****{second[-2:]}"


def looks_like_token(text: str) -> bool:
    """Whether ``text`` could be an AccessToken (checked with the cloud before it is saved)."""
    return _TOKEN.fullmatch(text) is not None
