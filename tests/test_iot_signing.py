"""The appapi signature, checked against values computed independently in the test."""

from __future__ import annotations

import base64
import hashlib
import hmac

from bot.iot import signing


def _independent_signature(text: str, secret: str) -> str:
    return base64.b64encode(
        hmac.new(secret.encode(), text.encode(), hashlib.sha1).digest()
    ).decode()


def test_reference_example_string_and_signature() -> None:
    params = {
        "Action": "AppCreateCellphoneUser",
        "AppKey": "ahPxdKWywfNTGrejd",
        "CountryCode": "86",
        "Nonce": 71087795,
        "Password": "My!P@ssword",
        "PhoneNumber": "13900000000",
        "RequestId": "8b8d499bbba1ac28b6da21b4",
        "Timestamp": 1546315200,
        "VerificationCode": "123456",
    }
    expected_text = (
        "Action=AppCreateCellphoneUser&AppKey=ahPxdKWywfNTGrejd&CountryCode=86&Nonce=71087795"
        "&Password=My!P@ssword&PhoneNumber=13900000000&RequestId=8b8d499bbba1ac28b6da21b4"
        "&Timestamp=1546315200&VerificationCode=123456"
    )
    assert signing.canonical_string(params) == expected_text
    secret = "NcbHqkKiZdRTCGbKnQH"
    assert signing.sign(params, secret) == _independent_signature(expected_text, secret)


def test_empty_values_dropped_underscores_dotted_signature_ignored() -> None:
    params = {"b_key": "x y", "A": "", "Signature": "old", "c": 5, "Z": "raw&=value"}
    # Plain code-point order: upper case before lower case; raw values, not URL-encoded.
    assert signing.canonical_string(params) == "Z=raw&=value&b.key=x y&c=5"


def test_signed_adds_public_parameters_and_verifies() -> None:
    out = signing.signed({"Action": "AppGetTokenByWeiXin", "NickName": "Ann"}, "key1", "secret1")
    assert out["AppKey"] == "key1"
    assert isinstance(out["Timestamp"], int) and out["Nonce"] > 0
    assert signing.verify(out, "secret1")
    assert not signing.verify(out, "another-secret")
    tampered = {**out, "NickName": "Eve"}
    assert not signing.verify(tampered, "secret1")


def test_empty_values_are_not_sent_so_both_signing_readings_agree() -> None:
    out = signing.signed(
        {"Action": "AppGetTokenByWeiXin", "WxOpenID": "tg-1", "Avatar": "", "NickName": "Ann"},
        "key1",
        "secret1",
    )
    assert "Avatar" not in out  # a client that signs every key it sends signs the same string
    every_key = "&".join(f"{k}={out[k]}" for k in sorted(out) if k != "Signature")
    assert every_key == signing.canonical_string(out)
    assert signing.verify(out, "secret1")
