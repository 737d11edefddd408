"""Settings from the environment: the webhook URL is checked at start, as setWebhook would."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import runner
from bot.config import ConfigError, load

SECRET = "hook-secret-1"


def _webhook(url: str, **more: str) -> dict[str, str]:
    return {"WEBHOOK_URL": url, "WEBHOOK_SECRET": SECRET, **more}


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("bot.example.com/telegram", "WEBHOOK_URL is not a URL: write it like https://"),
        ("https//bot.example.com/telegram", "WEBHOOK_URL is not a URL"),
        ("http://bot.example.com/telegram", "WEBHOOK_URL must start with https://, not http://"),
        ("ftp://bot.example.com/telegram", "WEBHOOK_URL must start with https://, not ftp://"),
        ("https://bot.example.com:8080/telegram", "ports 443, 80, 88 and 8443"),
        ("https://bot.example.com:99999/telegram", "port that is not a number from 1 to 65535"),
        ("https:///telegram", "WEBHOOK_URL has no host name"),
        ("https://:8443/telegram", "WEBHOOK_URL has no host name"),
    ],
)
def test_a_webhook_url_telegram_would_refuse_is_refused_at_start(url: str, says: str) -> None:
    with pytest.raises(ConfigError) as refused:
        load(_webhook(url), env_file=None)
    assert str(refused.value).startswith("WEBHOOK_URL") and says in str(refused.value)
    assert "\n" not in str(refused.value)


def test_the_port_refusal_names_the_port_and_what_is_allowed() -> None:
    with pytest.raises(ConfigError) as refused:
        load(_webhook("https://bot.example.com:8080/telegram"), env_file=None)
    assert str(refused.value) == (
        "WEBHOOK_URL uses port 8080, but Telegram only delivers webhooks to ports "
        "443, 80, 88 and 8443"
    )


def test_the_refusal_never_repeats_the_url_whose_path_may_be_secret() -> None:
    for url in ("http://bot.example.com/SeCrEtPaTh", "https://bot.example.com:1/SeCrEtPaTh"):
        with pytest.raises(ConfigError) as refused:
            load(_webhook(url), env_file=None)
        assert "SeCrEtPaTh" not in str(refused.value)


@pytest.mark.parametrize(
    "url",
    [
        "https://bot.example.com/telegram",
        "https://bot.example.com:443/telegram",
        "https://bot.example.com:80/telegram",
        "https://bot.example.com:88/telegram",
        "https://bot.example.com:8443/telegram",
        "HTTPS://bot.example.com/telegram",
        "https://203.0.113.7:8443/",
    ],
)
def test_urls_telegram_takes_are_kept(url: str) -> None:
    settings = load(_webhook(url), env_file=None)
    assert settings.webhook_url == url and settings.webhook_mode


def test_the_official_api_url_written_out_is_still_the_official_server() -> None:
    env = _webhook("http://bot.example.com/telegram", TELEGRAM_API_URL="https://api.telegram.org/")
    with pytest.raises(ConfigError, match="must start with https://"):
        load(env, env_file=None)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8081/telegram",
        "http://bot.internal:3000/telegram",
        "https://localhost:9443/telegram",
    ],
)
def test_a_local_bot_api_server_takes_http_and_any_port(url: str) -> None:
    env = _webhook(url, TELEGRAM_API_URL="http://127.0.0.1:8081")
    assert load(env, env_file=None).webhook_url == url


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("127.0.0.1:8081/telegram", "WEBHOOK_URL is not a URL"),
        ("ws://127.0.0.1:8081/telegram", "must start with https:// or http://, not ws://"),
        ("http://:8081/telegram", "WEBHOOK_URL has no host name"),
    ],
)
def test_a_local_bot_api_server_still_needs_an_http_url_with_a_host(url: str, says: str) -> None:
    env = _webhook(url, TELEGRAM_API_URL="http://127.0.0.1:8081")
    with pytest.raises(ConfigError, match=says):
        load(env, env_file=None)


def test_polling_needs_no_webhook_url() -> None:
    settings = load({}, env_file=None)
    assert settings.webhook_url == "" and not settings.webhook_mode


def test_run_says_what_is_wrong_in_one_line_and_stops(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    monkeypatch.delenv("TELEGRAM_API_URL", raising=False)
    for name, value in _webhook("http://bot.example.com:8080/telegram").items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:abc")
    assert runner.run() == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "Configuration error: WEBHOOK_URL must start with https://, not http://: Telegram only "
        "delivers webhooks over HTTPS (http works only with a local Bot API server in "
        "TELEGRAM_API_URL)"
    ]
    assert "Traceback" not in err
