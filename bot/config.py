"""Every setting in one place, read from the environment (and an optional ``.env`` file).

=========================  ====================================================================
variable                   meaning
=========================  ====================================================================
TELEGRAM_BOT_TOKEN         the bot's token from @BotFather (required for ``run``)
TELEGRAM_API_URL           Bot API server base, default ``https://api.telegram.org`` (a local
                           Bot API server or the tests' fake)
IOT_REGION                 ``cn`` (default) or ``overseas``: IoT Explorer's public endpoints
IOT_API_URL, IOT_WS_URL    explicit app-API base (``.../api/exploreropen``) and websocket URL;
                           override IOT_REGION
IOT_APP_KEY                the AppKey of your IoT Explorer application
IOT_APP_SECRET             its AppSecret; with no key and secret the embedded sandbox is used
IOT_TIMEOUT                seconds to wait for IoT Explorer before giving up on a request (10)
IOT_SANDBOX_ENVELOPE       how the embedded sandbox wraps its replies: ``vendor`` (default,
                           ``{code, msg, data}`` as the real cloud) or ``response`` (the
                           reference's ``{"Response": ...}``)
BOT_DATA_DIR               where the SQLite file and the generated secret key live (``./data``)
BOT_SECRET_KEY             key that encrypts AccessTokens at rest (generated into the data dir
                           when unset)
BOT_ALLOWED_USERS          comma-separated Telegram user ids allowed to use the bot (empty:
                           anyone)
BOT_DEFAULT_TIMEZONE       IANA timezone for users who have not chosen one (``Asia/Shanghai``)
BOT_DEFAULT_COUNTRY_CODE   country calling code assumed for phone numbers typed without one
                           (``86``)
WEBHOOK_URL                public HTTPS URL Telegram posts updates to; set = webhook mode.
                           Telegram takes https on port 443, 80, 88 or 8443 only; with a
                           non-default TELEGRAM_API_URL (a local Bot API server) http and any
                           port are accepted too
WEBHOOK_SECRET             secret token Telegram sends back with every update (required with
                           WEBHOOK_URL)
WEBHOOK_LISTEN, _PORT      address and port the webhook server binds (``0.0.0.0``, ``8443``)
WEBHOOK_PATH               path that server takes updates on; the reverse proxy forwards
                           WEBHOOK_URL there (``/telegram``)
HEALTH_PORT                port of a /healthz and /metrics server (unset: none); in webhook
                           mode both are on WEBHOOK_PORT as well
HEALTH_LISTEN              address the health server binds (``0.0.0.0``)
BOT_PUSH                   ``0`` runs without the push listener: no alerts, no live cards (``1``)
LOG_LEVEL                  ``INFO`` by default
=========================  ====================================================================
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.iot.endpoints import Endpoints

OFFICIAL_API_URL = "https://api.telegram.org"
# setWebhook on Telegram's own server takes only these (a local Bot API server takes any).
WEBHOOK_PORTS = (443, 80, 88, 8443)
_WEBHOOK_EXAMPLE = "write it like https://bot.example.com/telegram"


class ConfigError(ValueError):
    """A setting is missing or malformed; the message says which and how to fix it."""


@dataclass(frozen=True)
class Settings:
    """The bot's configuration. Build it with :func:`load`."""

    telegram_token: str = field(default="", repr=False)
    telegram_api_url: str = OFFICIAL_API_URL
    iot_region: str = "cn"
    iot_api_url: str = ""
    iot_ws_url: str = ""
    iot_app_key: str = ""
    iot_app_secret: str = field(default="", repr=False)
    iot_timeout: float = 10.0
    sandbox_envelope: str = "vendor"
    data_dir: Path = Path("data")
    secret_key: str = field(default="", repr=False)
    allowed_users: frozenset[int] = frozenset()
    default_timezone: str = "Asia/Shanghai"
    default_country_code: str = "86"
    webhook_url: str = ""
    webhook_secret: str = field(default="", repr=False)
    webhook_listen: str = "0.0.0.0"  # a container listens on every interface
    webhook_port: int = 8443
    webhook_path: str = "/telegram"
    health_port: int | None = None  # 0 binds a free port (tests)
    health_listen: str = "0.0.0.0"
    log_level: str = "INFO"
    push: bool = True  # listen to device pushes and deliver alerts

    @property
    def use_sandbox(self) -> bool:
        """No IoT Explorer credentials: run against the embedded sandbox cloud."""
        return not (self.iot_app_key and self.iot_app_secret)

    @property
    def webhook_mode(self) -> bool:
        return bool(self.webhook_url)

    @property
    def database_path(self) -> Path:
        return self.data_dir / "bot.sqlite3"

    def endpoints(self) -> Endpoints:
        """The IoT Explorer endpoints these settings point at."""
        if self.iot_api_url:
            return Endpoints.custom(self.iot_api_url, self.iot_ws_url or _ws_from(self.iot_api_url))
        return Endpoints.for_region(self.iot_region)

    def is_allowed(self, telegram_user_id: int) -> bool:
        return not self.allowed_users or telegram_user_id in self.allowed_users


def _ws_from(api_url: str) -> str:
    base = re.sub(r"^http", "ws", api_url.rstrip("/"))
    return re.sub(r"/api/exploreropen$", "", base) + "/iotstudio_v2_weapp_1"


def read_env_file(path: Path) -> dict[str, str]:
    """``KEY=value`` lines of a ``.env`` file (comments and blank lines skipped, quotes removed)."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        values[key.strip()] = value.strip().strip("'\"")
    return values


def load(
    environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")
) -> Settings:
    """Settings from ``environ`` (default: the process environment) over an optional ``.env``."""
    env = dict(read_env_file(env_file)) if env_file else {}
    env.update(os.environ if environ is None else environ)

    def get(name: str, default: str = "") -> str:
        return env.get(name, default).strip()

    region = get("IOT_REGION", "cn").lower()
    if region not in ("cn", "overseas"):
        raise ConfigError(f"IOT_REGION must be 'cn' or 'overseas', not {region!r}")
    if bool(get("IOT_APP_KEY")) != bool(get("IOT_APP_SECRET")):
        raise ConfigError("set both IOT_APP_KEY and IOT_APP_SECRET, or neither (sandbox)")
    envelope = get("IOT_SANDBOX_ENVELOPE", "vendor").lower()
    if envelope not in ("vendor", "response"):
        raise ConfigError(f"IOT_SANDBOX_ENVELOPE must be 'vendor' or 'response', not {envelope!r}")
    timezone = get("BOT_DEFAULT_TIMEZONE", "Asia/Shanghai")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise ConfigError(f"BOT_DEFAULT_TIMEZONE {timezone!r} is not an IANA timezone") from err
    api_url = get("TELEGRAM_API_URL", OFFICIAL_API_URL).rstrip("/")
    webhook_url, webhook_secret = get("WEBHOOK_URL"), get("WEBHOOK_SECRET")
    if webhook_url:
        check_webhook_url(webhook_url, local_server=not is_official_api(api_url))
    if webhook_url and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", webhook_secret):
        raise ConfigError(
            "WEBHOOK_SECRET is required with WEBHOOK_URL: 1-256 characters of A-Z, a-z, 0-9, _ and -"
        )
    return Settings(
        telegram_token=get("TELEGRAM_BOT_TOKEN"),
        telegram_api_url=api_url,
        iot_region=region,
        iot_api_url=get("IOT_API_URL"),
        iot_ws_url=get("IOT_WS_URL"),
        iot_app_key=get("IOT_APP_KEY"),
        iot_app_secret=get("IOT_APP_SECRET"),
        iot_timeout=_seconds("IOT_TIMEOUT", get("IOT_TIMEOUT", "10")),
        sandbox_envelope=envelope,
        data_dir=Path(get("BOT_DATA_DIR", "data")),
        secret_key=get("BOT_SECRET_KEY"),
        allowed_users=_user_ids(get("BOT_ALLOWED_USERS")),
        default_timezone=timezone,
        default_country_code=get("BOT_DEFAULT_COUNTRY_CODE", "86").lstrip("+"),
        webhook_url=webhook_url,
        webhook_secret=webhook_secret,
        webhook_listen=get("WEBHOOK_LISTEN", "0.0.0.0"),
        webhook_port=_integer("WEBHOOK_PORT", get("WEBHOOK_PORT", "8443")),
        webhook_path=_url_path("WEBHOOK_PATH", get("WEBHOOK_PATH", "/telegram")),
        health_port=_port("HEALTH_PORT", get("HEALTH_PORT")) if get("HEALTH_PORT") else None,
        health_listen=get("HEALTH_LISTEN", "0.0.0.0"),
        log_level=get("LOG_LEVEL", "INFO").upper(),
        push=_flag("BOT_PUSH", get("BOT_PUSH", "1")),
    )


def is_official_api(api_url: str) -> bool:
    """Whether TELEGRAM_API_URL is Telegram's own Bot API server (not a local one or a fake)."""
    return urlsplit(api_url).hostname == urlsplit(OFFICIAL_API_URL).hostname


def check_webhook_url(url: str, *, local_server: bool = False) -> None:
    """Raise ConfigError unless setWebhook would take ``url``.

    Telegram's server takes https URLs on ports 443, 80, 88 and 8443; a local Bot API server
    (``local_server``) also http and any port. The message names the part that is wrong, never
    the whole URL: its path may hold a secret.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is None or not parts.scheme or "://" not in url:
        raise ConfigError(f"WEBHOOK_URL is not a URL: {_WEBHOOK_EXAMPLE}")
    try:
        port = parts.port
    except ValueError:
        raise ConfigError("WEBHOOK_URL has a port that is not a number from 1 to 65535") from None
    schemes = ("https", "http") if local_server else ("https",)
    if parts.scheme.lower() not in schemes:
        if local_server:
            raise ConfigError(
                f"WEBHOOK_URL must start with https:// or http://, not {parts.scheme}://"
            )
        raise ConfigError(
            f"WEBHOOK_URL must start with https://, not {parts.scheme}://: Telegram only "
            "delivers webhooks over HTTPS (http works only with a local Bot API server in "
            "TELEGRAM_API_URL)"
        )
    if not parts.hostname:
        raise ConfigError(f"WEBHOOK_URL has no host name: {_WEBHOOK_EXAMPLE}")
    if port is not None and port not in WEBHOOK_PORTS and not local_server:
        allowed = ", ".join(map(str, WEBHOOK_PORTS[:-1])) + f" and {WEBHOOK_PORTS[-1]}"
        raise ConfigError(
            f"WEBHOOK_URL uses port {port}, but Telegram only delivers webhooks to ports {allowed}"
        )


def _user_ids(text: str) -> frozenset[int]:
    ids = set()
    for part in re.split(r"[,\s]+", text):
        if not part:
            continue
        if not part.lstrip("-").isdigit():
            raise ConfigError(f"BOT_ALLOWED_USERS: {part!r} is not a Telegram user id")
        ids.add(int(part))
    return frozenset(ids)


def _integer(name: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {text!r}") from None


def _port(name: str, text: str) -> int:
    port = _integer(name, text)
    if not 1 <= port <= 65535:
        raise ConfigError(f"{name} must be a port number from 1 to 65535, not {port}")
    return port


def _url_path(name: str, text: str) -> str:
    path = "/" + text.lstrip("/")
    if not re.fullmatch(r"/[A-Za-z0-9._~/-]*", path) or path in ("/healthz", "/metrics"):
        raise ConfigError(f"{name} must be a URL path like /telegram, not {text!r}")
    return path


def _seconds(name: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ConfigError(f"{name} must be a number of seconds, not {text!r}") from None
    if not 0 < value <= 300:
        raise ConfigError(f"{name} must be between 0 and 300 seconds")
    return value


def _flag(name: str, text: str) -> bool:
    if text.lower() in ("1", "true", "yes", "on"):
        return True
    if text.lower() in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be 1 or 0, not {text!r}")
