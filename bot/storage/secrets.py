"""Secrets at rest and in logs: token encryption (Fernet, HKDF-derived key) and log redaction."""

from __future__ import annotations

import base64
import logging
import os
import re
import secrets as _random
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

log = logging.getLogger(__name__)

KEY_FILE_NAME = "secret.key"
MASK = "***"
# Changing either constant makes every stored token unreadable: they are part of the key.
_HKDF_SALT = b"iotexplorer-telegram-bot"
_HKDF_INFO = b"access-token encryption v1"


class SecretKeyError(Exception):
    """The secret key is missing, unreadable, or not the one the data was encrypted with."""


class WrongSecretKey(SecretKeyError):
    """A stored value cannot be decrypted with the configured key."""

    def __init__(self) -> None:
        super().__init__(
            "a stored secret cannot be decrypted: BOT_SECRET_KEY (or the data directory's "
            f"{KEY_FILE_NAME}) is not the key it was encrypted with, or the value is corrupt"
        )


class TokenCipher:
    """Encrypts AccessTokens (and other small secrets) with a key derived from the bot's secret."""

    __slots__ = ("_fernet",)

    def __init__(self, secret_key: str) -> None:
        if not secret_key.strip():
            raise SecretKeyError("the secret key is empty")
        register_secret(secret_key)
        derived = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=_HKDF_SALT, info=_HKDF_INFO
        ).derive(secret_key.encode("utf-8"))
        self._fernet = Fernet(base64.urlsafe_b64encode(derived))

    @classmethod
    def from_config(cls, data_dir: str | Path, secret_key: str | None = None) -> TokenCipher:
        """Use BOT_SECRET_KEY when set, else the data directory's key file (created once)."""
        if secret_key:
            return cls(secret_key)
        return cls(load_or_create_key_file(Path(data_dir) / KEY_FILE_NAME))

    def __repr__(self) -> str:
        return "TokenCipher(<hidden>)"

    def encrypt(self, plaintext: str) -> str:
        """Encrypt text; the result is ASCII, safe for a TEXT column."""
        return self._fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt(self, ciphertext: str) -> str:
        """Decrypt what encrypt() made; raises WrongSecretKey (never echoing the value)."""
        return self.decrypt_bytes(ciphertext.encode("ascii")).decode("utf-8")

    def encrypt_bytes(self, plaintext: bytes) -> bytes:
        """Encrypt a blob (e.g. pickled conversation data)."""
        return self._fernet.encrypt(plaintext)

    def decrypt_bytes(self, ciphertext: bytes) -> bytes:
        """Decrypt a blob from encrypt_bytes(); raises WrongSecretKey."""
        try:
            return self._fernet.decrypt(ciphertext)
        except (InvalidToken, ValueError):
            # `from None`: the original exception may carry the ciphertext in its args.
            raise WrongSecretKey() from None


def load_or_create_key_file(path: Path) -> str:
    """Read the generated secret key at `path`, creating it (mode 0600) on first use."""
    try:
        return _read_key_file(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = _random.token_urlsafe(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process won the race: use its key
        return _read_key_file(path)
    with os.fdopen(fd, "w", encoding="ascii") as file:
        file.write(key + "\n")
    log.info("generated a new secret key in %s; back it up with the database", path)
    return key


def _read_key_file(path: Path) -> str:
    key = path.read_text(encoding="ascii").strip()
    if not key:
        raise SecretKeyError(f"{path} is empty; delete it to generate a new key")
    if path.stat().st_mode & 0o077:
        log.warning("%s was readable by others; restricting it to its owner", path)
        path.chmod(0o600)
    return key


class SecretRegistry:
    """Remembers secret values seen at runtime so they can be masked out of any text."""

    # Tokens are re-issued on every login, so the registry would grow forever; the oldest
    # (long expired) values are the ones dropped when it is full.
    def __init__(self, limit: int = 10_000) -> None:
        self._values: OrderedDict[str, None] = OrderedDict()
        self._limit = limit
        self._pattern: re.Pattern[str] | None = None
        self._lock = threading.Lock()

    def add(self, value: str | None) -> None:
        """Register one secret value; values under 4 characters are ignored (too common)."""
        if value is None or len(value.strip()) < 4:
            return
        with self._lock:
            self._values[value] = None
            self._values.move_to_end(value)
            while len(self._values) > self._limit:
                self._values.popitem(last=False)
            self._pattern = None

    def redact(self, text: str) -> str:
        """Mask every registered value in `text`."""
        pattern = self._compiled()
        return text if pattern is None else pattern.sub(MASK, text)

    def _compiled(self) -> re.Pattern[str] | None:
        with self._lock:
            if self._pattern is None and self._values:
                # Longest first, so a secret containing another is masked whole.
                ordered = sorted(self._values, key=len, reverse=True)
                self._pattern = re.compile("|".join(map(re.escape, ordered)))
            return self._pattern


# Shapes that are secret even if nobody registered them: a Telegram bot token (httpx logs the
# Bot API URL, ".../bot<token>/getMe") and the value of a field whose name ends like a
# credential (AccessToken, ShareToken, Password, AppSecret, secret_key, ...).
_BOT_TOKEN = re.compile(r"(?<![0-9])[0-9]{5,}:[A-Za-z0-9_-]{30,}")
_CREDENTIAL_FIELD = re.compile(
    r"""(?i)(\b\w*(?:token|password|passwd|secret|secret_?key)\b["']?\s*[:=]\s*["']?)"""
    r"""[^\s"',;&}]+"""
)

_registry = SecretRegistry()


def register_secret(value: str | None) -> None:
    """Remember a token, AppSecret or password so redact() and the log filter mask it."""
    _registry.add(value)


def redact(text: str) -> str:
    """Mask registered secrets, bot tokens and credential-named fields in `text`."""
    text = _registry.redact(text)
    text = _BOT_TOKEN.sub(MASK, text)
    return _CREDENTIAL_FIELD.sub(lambda match: match.group(1) + MASK, text)


class RedactingFilter(logging.Filter):
    """A handler filter that rewrites each record's message and traceback through redact()."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not turn logging into a crash
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_filter = RedactingFilter()


def install_log_redaction(logger: logging.Logger | None = None) -> Callable[[], None]:
    """Add the redacting filter to every handler of `logger` (root); returns an uninstaller.

    Handler filters (unlike logger filters) also see records propagated from child loggers,
    so call this after logging is configured.
    """
    handlers = list((logger or logging.getLogger()).handlers)
    for handler in handlers:
        if _filter not in handler.filters:
            handler.addFilter(_filter)

    def uninstall() -> None:
        for handler in handlers:
            handler.removeFilter(_filter)

    return uninstall
