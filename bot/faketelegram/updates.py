"""Updates waiting for the bot: handed out by getUpdates long polling or POSTed to its webhook."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import logging
import re
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from bot.faketelegram.protocol import ApiError, Params, bad_request

_LOGGER = logging.getLogger(__name__)
# The kinds of Update in Bot API 10.0, the names allowed_updates may list.
UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "guest_message",
        "message_reaction",
        "message_reaction_count",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
        "managed_bot",
    }
)
# Telegram's default when the bot never chose: everything but these three.
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_WEBHOOK_PORTS = frozenset({443, 80, 88, 8443})
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
_RETRY_FIRST, _RETRY_MAX = 0.05, 1.0  # the fake retries failed deliveries quickly


@dataclass
class Webhook:
    """The webhook the bot set, and how delivery to it is going."""

    url: str
    secret_token: str | None = field(default=None, repr=False)  # kept out of failure reports
    max_connections: int = 40
    ip_address: str | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None


def _reserved_address(host: str) -> str | None:
    """The address a webhook host stands for when it is not a public one (loopback, private...)."""
    name = host.lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return "127.0.0.1"
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return None  # a host name; the fake resolves nothing
    return None if address.is_global else str(address)


class UpdateFeed:
    """The queue of updates, shared by both ways Telegram delivers them."""

    def __init__(self, changed: asyncio.Condition, *, allow_local_webhooks: bool = False):
        self._changed = changed
        self._allow_local_webhooks = allow_local_webhooks
        self.pending: list[dict[str, Any]] = []
        self.allowed_updates: list[str] = []
        self.webhook: Webhook | None = None
        self._next_update_id = 1
        self._poll_generation = 0
        self.polls_held = 0  # getUpdates requests waiting for an update right now
        self._closed = False
        self._delivery: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None

    def push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Queue an update of the given kind (e.g. "message"); the caller notifies waiters."""
        update = {"update_id": self._next_update_id, kind: payload}
        self._next_update_id += 1
        self.pending.append(update)
        if self.webhook is not None:
            self._ensure_delivery()
        return update

    def _allowed(self, update: dict[str, Any]) -> bool:
        kind = next(key for key in update if key != "update_id")
        if self.allowed_updates:
            return kind in self.allowed_updates
        return kind not in _OPT_IN_UPDATES

    def _deliverable(self) -> list[dict[str, Any]]:
        # Telegram never keeps updates the bot did not ask for, so drop them rather than skip.
        self.pending = [update for update in self.pending if self._allowed(update)]
        return self.pending

    def _choose_allowed_updates(self, params: Params) -> None:
        allowed = params.json("allowed_updates")
        if allowed is not None:
            if not isinstance(allowed, list):
                raise bad_request("can't parse allowed_updates JSON array")
            for kind in allowed:
                # Telegram drops a name it does not know; a misspelt one would lose those updates
                if kind not in UPDATE_TYPES:
                    raise bad_request(
                        f"unknown update type {json.dumps(kind)} in allowed_updates "
                        "(Telegram would silently ignore it)"
                    )
            self.allowed_updates = [str(kind) for kind in allowed]

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def get_updates(self, params: Params) -> list[dict[str, Any]]:
        """getUpdates: confirm below offset, then answer at once or hold up to `timeout` seconds."""
        if self.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = params.integer("offset") or 0
        limit = min(max(params.integer("limit") or 100, 1), 100)
        timeout = max(params.number("timeout") or 0.0, 0.0)
        self._choose_allowed_updates(params)
        if offset < 0:
            self.pending = self.pending[offset:]
        elif offset > 0:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]
        self._poll_generation += 1
        generation = self._poll_generation
        await self._notify()  # wakes an older long poll, which then ends with 409

        def answer_ready() -> bool:
            superseded = self._poll_generation != generation
            return bool(self._deliverable()) or superseded or self._closed or bool(self.webhook)

        async with self._changed:
            if timeout and not answer_ready():
                self.polls_held += 1
                self._changed.notify_all()  # someone may be waiting for the bot to be polling
                try:
                    async with asyncio.timeout(timeout):
                        await self._changed.wait_for(answer_ready)
                except TimeoutError:
                    pass
                finally:
                    self.polls_held -= 1
        if self._poll_generation != generation:
            raise ApiError(
                409,
                "Conflict: terminated by other getUpdates request; "
                "make sure that only one bot instance is running",
            )
        if self.webhook is not None:
            return []
        return self._deliverable()[:limit]

    async def set_webhook(self, params: Params) -> bool:
        """setWebhook: from now on updates are POSTed to the URL (an empty URL removes it)."""
        url = params.text("url") or ""
        if not url:
            return await self.delete_webhook(params)
        self._check_webhook_url(url, params.text("ip_address"))
        secret = params.text("secret_token")
        if secret is not None and not _SECRET_TOKEN.fullmatch(secret):
            raise bad_request("bad webhook: Secret token contains unallowed characters")
        self._choose_allowed_updates(params)
        if params.boolean("drop_pending_updates"):
            self.pending.clear()
        self.webhook = Webhook(
            url=url,
            secret_token=secret,
            max_connections=params.integer("max_connections") or 40,
            ip_address=params.text("ip_address"),
        )
        self._ensure_delivery()
        return True

    def _check_webhook_url(self, url: str, ip_address: str | None) -> None:
        """Refuse a URL Telegram cannot or will not POST to (a local server takes any URL)."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        local = self._allow_local_webhooks
        if scheme != "https" and not (local and scheme == "http"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        try:
            port = parts.port
        except ValueError:
            raise bad_request("bad webhook: Wrong port number specified in the URL") from None
        if not parts.hostname:
            raise bad_request("bad webhook: Failed to resolve host: Name or service not known")
        if local:
            return
        if (port or 443) not in _WEBHOOK_PORTS:
            raise bad_request(
                "bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443"
            )
        for host in (parts.hostname, ip_address):
            reserved = _reserved_address(host) if host else None
            if reserved is not None:
                raise bad_request(f"bad webhook: IP address {reserved} is reserved")

    async def delete_webhook(self, params: Params) -> bool:
        """deleteWebhook: back to getUpdates."""
        if params.boolean("drop_pending_updates"):
            self.pending.clear()
        self.webhook = None
        return True

    async def webhook_info(self, params: Params) -> dict[str, Any]:
        """getWebhookInfo, in WebhookInfo's shape."""
        info: dict[str, Any] = {
            "url": self.webhook.url if self.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._deliverable()),
        }
        if self.webhook is not None:
            info["max_connections"] = self.webhook.max_connections
            if self.allowed_updates:
                info["allowed_updates"] = self.allowed_updates
            if self.webhook.ip_address:
                info["ip_address"] = self.webhook.ip_address
            if self.webhook.last_error_date is not None:
                info["last_error_date"] = self.webhook.last_error_date
                info["last_error_message"] = self.webhook.last_error_message
        return info

    def _ensure_delivery(self) -> None:
        if self._delivery is None or self._delivery.done():
            self._delivery = asyncio.create_task(self._deliver(), name="faketelegram-webhook")

    async def _deliver(self) -> None:
        """POST pending updates one at a time, in order, retrying a failing webhook."""
        backoff = _RETRY_FIRST
        while self.webhook is not None and not self._closed:
            if not self._deliverable():
                async with self._changed:
                    await self._changed.wait_for(
                        lambda: bool(self._deliverable()) or self.webhook is None or self._closed
                    )
                continue
            webhook, update = self.webhook, self.pending[0]
            error = await self._post(webhook, update)
            if error is None:
                if self.pending and self.pending[0] is update:
                    self.pending.pop(0)
                backoff = _RETRY_FIRST
            else:
                webhook.last_error_date = int(time.time())
                webhook.last_error_message = error
                await asyncio.sleep(backoff)  # the retry pause a real server makes
                backoff = min(backoff * 2, _RETRY_MAX)
            await self._notify()

    async def _post(self, webhook: Webhook, update: dict[str, Any]) -> str | None:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        headers = {}
        if webhook.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = webhook.secret_token
        try:
            async with self._session.post(webhook.url, json=update, headers=headers) as response:
                if 200 <= response.status < 300:
                    return None
                return f"Wrong response from the webhook: {response.status} {response.reason}"
        except (aiohttp.ClientError, TimeoutError) as err:
            _LOGGER.debug("webhook delivery failed: %s", type(err).__name__)
            return f"Connection failed: {type(err).__name__}"

    async def close(self) -> None:
        """Release long polls and stop webhook delivery."""
        self._closed = True
        await self._notify()
        if self._delivery is not None:
            self._delivery.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._delivery
        if self._session is not None:
            await self._session.close()
