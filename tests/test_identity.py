"""Parsing what a user types to sign in."""

from __future__ import annotations

import pytest

from bot.home.identity import looks_like_token, masked, parse_identity


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("+86 138 0000 0000", ("phone", "86", "13800000000")),
        ("+8613800000000", ("phone", "86", "13800000000")),
        ("0086-138-0000-0000", ("phone", "86", "13800000000")),
        ("13800000000", ("phone", "86", "13800000000")),  # no country code: the default
        ("+1 (415) 555-0100", ("phone", "1", "4155550100")),
        ("Name@Example.COM ", ("email", "name@example.com", "")),
    ],
)
def test_accepted_forms(typed: str, expected: tuple[str, str, str]) -> None:
    assert parse_identity(typed, "86") == expected


@pytest.mark.parametrize("typed", ["call me", "+86", "123", "a@b", "@example.com", "+86 abc", ""])
def test_refused_forms(typed: str) -> None:
    assert parse_identity(typed, "86") is None


def test_masking_keeps_enough_to_recognise() -> None:
    assert masked(("phone", "86", "13800000000")) == "+86 138****00"
    assert masked(("email", "demo@example.com", "")) == "de***@example.com"


def test_token_shape() -> None:
    assert looks_like_token("a" * 32)
    assert not looks_like_token("short")
    assert not looks_like_token("has spaces in it and more")
