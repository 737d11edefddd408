"""Store (accounts, settings, migrations) and secrets (token encryption, log redaction)."""

from __future__ import annotations

import logging
import secrets
from dataclasses import replace
from pathlib import Path

import pytest

import bot.storage.secrets
from bot.storage.migrations import MIGRATIONS, SchemaTooNew
from bot.storage.secrets import (
    KEY_FILE_NAME,
    SecretRegistry,
    TokenCipher,
    WrongSecretKey,
    install_log_redaction,
    redact,
    register_secret,
)
from bot.storage.store import Account, Store, UserSettings


def _token() -> str:
    return "tok_" + secrets.token_hex(16)


def _account(user_id: int = 7, token: str | None = None) -> Account:
    return Account(
        telegram_user_id=user_id,
        region="ap-guangzhou",
        login_method="password",
        token=token or _token(),
        expire_at=1_900_000_000,
        iot_user_id="u-1",
        nickname="Ann",
        family_id="f_1",
        login_identity="+86 138****0000",
        linked_at=1_700_000_000,
    )


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "bot.sqlite3"


@pytest.fixture
def store(db_path: Path):
    store = Store(db_path, default_timezone="Asia/Shanghai")
    yield store
    store.close()


def _file_bytes(db_path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in db_path.parent.glob(db_path.name + "*"))


def test_account_survives_reopening_the_file(store: Store, db_path: Path) -> None:
    account = _account()
    store.save_account(account)
    store.close()

    reopened = Store(db_path)
    assert reopened.get_account(7) == account
    assert reopened.list_accounts() == [account]
    reopened.close()


def test_token_is_encrypted_at_rest_and_hidden_from_repr(store: Store, db_path: Path) -> None:
    account = _account()
    store.save_account(account)

    assert account.token.encode() not in _file_bytes(db_path)
    assert account.token not in repr(store.get_account(7))
    assert account.token not in str(account)


def test_wrong_key_is_a_clear_error_that_never_shows_the_token(db_path: Path) -> None:
    token = _token()
    first = Store(db_path, cipher=TokenCipher("first key"))
    first.save_account(_account(token=token))
    first.close()

    second = Store(db_path, cipher=TokenCipher("another key"))
    with pytest.raises(WrongSecretKey) as caught:
        second.get_account(7)
    assert "BOT_SECRET_KEY" in str(caught.value)
    assert token not in str(caught.value) and caught.value.__cause__ is None
    second.close()


def test_generated_key_file_is_private_and_reused(tmp_path: Path) -> None:
    first = TokenCipher.from_config(tmp_path)
    key_file = tmp_path / KEY_FILE_NAME
    assert key_file.stat().st_mode & 0o777 == 0o600

    ciphertext = first.encrypt("secret token")
    assert TokenCipher.from_config(tmp_path).decrypt(ciphertext) == "secret token"
    # An operator can move the generated key into BOT_SECRET_KEY and keep every token.
    configured = TokenCipher.from_config(tmp_path / "elsewhere", key_file.read_text().strip())
    assert configured.decrypt(ciphertext) == "secret token"


def test_configured_key_needs_no_key_file(tmp_path: Path) -> None:
    cipher = TokenCipher.from_config(tmp_path, "from the environment")
    assert not (tmp_path / KEY_FILE_NAME).exists()
    with pytest.raises(WrongSecretKey):
        TokenCipher.from_config(tmp_path, "a different one").decrypt(cipher.encrypt("x"))


def test_migrations_apply_once(store: Store, db_path: Path) -> None:
    store.save_account(_account())
    store.close()

    again = Store(db_path)
    versions = [row["version"] for row in again.rows("SELECT version FROM schema_version")]
    assert versions == list(range(1, len(MIGRATIONS) + 1))
    assert again.get_account(7) is not None
    again.close()


def test_database_from_a_newer_bot_is_refused(store: Store, db_path: Path) -> None:
    store.execute("INSERT INTO schema_version (version, applied_at) VALUES (999, 0)")
    store.close()
    with pytest.raises(SchemaTooNew, match="999"):
        Store(db_path)


def test_delete_account_keeps_settings(store: Store) -> None:
    store.save_account(_account())
    store.update_settings(7, language="zh_Hans")

    assert store.delete_account(7) is True
    assert store.get_account(7) is None
    assert store.delete_account(7) is False
    assert store.get_settings(7).language == "zh_Hans"


def test_login_again_notice_is_given_once_per_token(store: Store) -> None:
    store.save_account(_account())
    assert store.mark_token_problem_notified(7) is True
    assert store.mark_token_problem_notified(7) is False

    new_token = _token()
    assert store.update_token(7, new_token, 2_000_000_000) is True
    account = store.get_account(7)
    assert account is not None and account.token == new_token
    assert account.expire_at == 2_000_000_000 and not account.token_problem_notified
    assert store.mark_token_problem_notified(7) is True


def test_set_family_and_save_replace(store: Store) -> None:
    account = _account()
    store.save_account(account)
    store.set_family(7, "f_2")
    assert store.get_account(7) == replace(account, family_id="f_2")

    store.save_account(replace(account, nickname="Bo"))
    assert store.get_account(7) == replace(account, nickname="Bo")


def test_token_expiry() -> None:
    account = _account()
    assert account.token_expired(now=2_000_000_000)
    assert not account.token_expired(now=1_800_000_000)
    assert not replace(account, expire_at=None).token_expired()


def test_settings_default_then_persist_and_reset(store: Store, db_path: Path) -> None:
    assert store.get_settings(5) == UserSettings(timezone="Asia/Shanghai")

    changed = store.update_settings(
        5, language="zh_Hans", timezone="Europe/Berlin", alert_kinds=("alert", "fault")
    )
    assert changed.language == "zh_Hans" and changed.alert_kinds == ("alert", "fault")
    store.close()

    reopened = Store(db_path, default_timezone="UTC")
    assert reopened.get_settings(5) == changed
    reset = reopened.update_settings(5, timezone=None, language=None)
    assert reset.timezone == "UTC" and reset.language is None
    assert reset.alert_kinds == ("alert", "fault")
    assert reopened.get_settings(6) == UserSettings(timezone="UTC")
    reopened.close()


def test_unknown_setting_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="colour"):
        store.update_settings(5, colour="red")


def test_settings_written_by_a_newer_bot_are_ignored(store: Store) -> None:
    store.execute("INSERT INTO settings VALUES (5, 'future_setting', '1')")
    assert store.get_settings(5) == UserSettings(timezone="Asia/Shanghai")


def test_redact_masks_registered_secrets() -> None:
    token = _token()
    register_secret(token)
    assert redact(f"calling with {token}!") == "calling with ***!"
    register_secret("")  # ignored: masking empty strings would mangle every message
    register_secret("abc")
    assert redact("abc def") == "abc def"


def test_redact_masks_known_shapes_without_registration() -> None:
    assert "ABCDEF" not in redact(
        "POST https://api.telegram.org/bot123456:ABCDEFghijklmnop_qrstuvwxyz0123456/getMe"
    )
    assert redact('{"AccessToken": "zz-99", "Action": "AppGetFamilyList"}') == (
        '{"AccessToken": "***", "Action": "AppGetFamilyList"}'
    )
    assert redact("password=hunter2&user=ann") == "password=***&user=ann"
    assert redact("ShareToken='st-1' token_problem_notified=0") == (
        "ShareToken='***' token_problem_notified=0"
    )


def test_log_filter_masks_messages_args_and_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    password = "pw-" + secrets.token_hex(8)
    store_token = _token()
    register_secret(password)
    register_secret(store_token)
    uninstall = install_log_redaction()
    try:
        log = logging.getLogger("bot.test")
        with caplog.at_level(logging.INFO):
            log.info("login with %s", password)
            try:
                raise RuntimeError(f"cloud said no to {store_token}")
            except RuntimeError:
                log.exception("call failed")
    finally:
        uninstall()
    assert password not in caplog.text and store_token not in caplog.text
    assert "login with ***" in caplog.text and "cloud said no to ***" in caplog.text


def test_tokens_passing_through_the_store_are_masked(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = _token()
    store.save_account(_account(token=token))
    assert redact(token) == "***"

    monkeypatch.setattr(bot.storage.secrets, "_registry", SecretRegistry())  # as after a restart
    assert redact(token) == token
    store.list_accounts()
    assert redact(token) == "***"


def test_database_files_are_private_to_the_bot(tmp_path: Path) -> None:
    path = tmp_path / "data" / "bot.sqlite3"
    store = Store(path)
    store.update_settings(1, timezone="Europe/Berlin")  # a write, so the WAL file exists
    files = [p for p in path.parent.iterdir() if p.name.startswith("bot.sqlite3")]
    assert files and all(p.stat().st_mode & 0o077 == 0 for p in files)
    store.close()
