"""Linked accounts: which AccessToken acts for a Telegram user, and what happens when it fails.

A token rejected by the cloud is handled here, once for every feature: an account linked with
"Continue with Telegram" signs in again silently and the call is retried once; a password or
pasted-token account cannot, so the user must /login again and is told so only once.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TypeVar

from bot.iot import errors
from bot.iot.client import IotClient
from bot.storage.secrets import register_secret
from bot.storage.store import Account, Store

log = logging.getLogger(__name__)
T = TypeVar("T")


class NotLinked(Exception):
    """The Telegram user has no linked IoT Explorer account."""


class SessionExpired(Exception):
    """The account's token no longer works and cannot be renewed without the user.

    ``first_notice`` is True the first time, so the user is told only once.
    """

    def __init__(self, telegram_user_id: int, *, first_notice: bool) -> None:
        super().__init__(f"token of Telegram user {telegram_user_id} was rejected")
        self.telegram_user_id = telegram_user_id
        self.first_notice = first_notice


class AccountManager:
    """Runs cloud calls with a user's token, renewing or retiring it as needed."""

    def __init__(self, store: Store, iot: IotClient, *, region: str) -> None:
        self.store = store
        self.iot = iot
        self.region = region
        self._on_change: list[Callable[[int], None]] = []

    def on_change(self, listener: Callable[[int], None]) -> None:
        """Call ``listener(telegram_user_id)`` whenever an account is linked, renewed or removed."""
        self._on_change.append(listener)

    def _changed(self, telegram_user_id: int) -> None:
        for listener in self._on_change:
            try:
                listener(telegram_user_id)
            except Exception:
                log.exception("account change listener failed")

    def third_party_id(self, telegram_user_id: int) -> str:
        """The stable id the bot's app signs a Telegram user in with (AppGetTokenByWeiXin).

        Derived from the AppKey and the Telegram user id, so it survives a change of the bot's
        own secret key; knowing it is useless without the app's AppSecret.
        """
        digest = hashlib.sha256(f"{self.iot.app_key}:telegram:{telegram_user_id}".encode())
        return "tg_" + digest.hexdigest()[:40]

    def account(self, telegram_user_id: int) -> Account:
        account = self.store.get_account(telegram_user_id)
        if account is None or not account.token:
            raise NotLinked(str(telegram_user_id))
        return account

    async def link(
        self,
        telegram_user_id: int,
        *,
        method: str,
        token: str,
        expire_at: int | None,
        identity: str = "",
        default_family: str = "",
    ) -> Account:
        """Check ``token`` with a cheap call and save the account it belongs to.

        A user with no family yet gets one named ``default_family`` (when given), as the
        vendor's apps do on first sign-in, so there is a home to add devices to.
        """
        register_secret(token)
        user = await self.iot.get_user(token)
        families = await self.iot.list_all_families(token)
        if not families and default_family:
            await self.iot.create_family(token, default_family)
            families = await self.iot.list_all_families(token)
        account = Account(
            telegram_user_id=telegram_user_id,
            region=self.region,
            login_method=method,  # type: ignore[arg-type]
            token=token,
            expire_at=expire_at,
            iot_user_id=user.user_id,
            nickname=user.nickname,
            family_id=families[0].family_id if families else None,
            login_identity=identity,
        )
        self.store.save_account(account)
        self._changed(telegram_user_id)
        return account

    async def sign_in_with_telegram(
        self, telegram_user_id: int, nickname: str, *, default_family: str = ""
    ) -> Account:
        """Sign in (registering on first use) with the id derived from the Telegram user."""
        login = await self.iot.login_third_party(
            self.third_party_id(telegram_user_id), _nickname(nickname, telegram_user_id)
        )
        return await self.link(
            telegram_user_id,
            method="telegram",
            token=login.token,
            expire_at=login.expire_at,
            default_family=default_family,
        )

    async def unlink(self, telegram_user_id: int) -> bool:
        """Log out at the cloud (best effort) and forget the token; True if there was one."""
        account = self.store.get_account(telegram_user_id)
        if account is None:
            return False
        try:
            await self.iot.logout(account.token)
        except errors.IotError as err:
            # The token may already be dead; forgetting it locally is what matters.
            log.info(
                "logout at the cloud failed (%s); forgetting the token anyway", type(err).__name__
            )
        self.store.delete_account(telegram_user_id)
        self._changed(telegram_user_id)
        return True

    async def run(self, telegram_user_id: int, call: Callable[[str], Awaitable[T]]) -> T:
        """``await call(token)`` for the user, renewing a rejected token when the account can."""
        account = self.account(telegram_user_id)
        try:
            return await call(account.token)
        except errors.InvalidToken:
            renewed = await self._renew(account)
        return await call(renewed.token)

    async def _renew(self, account: Account) -> Account:
        if account.login_method == "telegram":
            try:
                login = await self.iot.login_third_party(
                    self.third_party_id(account.telegram_user_id),
                    _nickname(account.nickname, account.telegram_user_id),
                )
            except errors.ApiError as err:
                log.warning("silent sign-in failed: %s", err.code)
            else:
                self.store.update_token(account.telegram_user_id, login.token, login.expire_at)
                log.info("renewed the token of a Telegram-linked account")
                self._changed(account.telegram_user_id)
                return replace(account, token=login.token, expire_at=login.expire_at)
        first = self.store.mark_token_problem_notified(account.telegram_user_id)
        raise SessionExpired(account.telegram_user_id, first_notice=first)


def _nickname(name: str, telegram_user_id: int) -> str:
    """A nickname the cloud accepts (1-64 characters)."""
    cleaned = " ".join(name.split())[:64]
    return cleaned or f"Telegram {telegram_user_id}"
