"""Texts and keyboards of linking, /me and /help."""

from __future__ import annotations

from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup

from bot.i18n import _
from bot.storage.store import Account
from bot.telegram.limits import clip
from bot.telegram.routing import Buttons

View = tuple[str, InlineKeyboardMarkup | None]


def welcome(first_name: str, buttons: Buttons) -> View:
    """The /start greeting for a user who is not linked yet, with the three ways in."""
    text = _(
        "Hi {name}! I'm your smart home in Telegram.\n\n"
        "Link your IoT Explorer account and I can show and control your devices, run scenes, "
        "set timers, share devices with family and friends, play music on your speakers, and "
        "tell you the moment a device raises an alert."
    ).format(name=escape(first_name))
    return text + "\n\n" + _("How would you like to sign in?"), login_methods(buttons)


def login_methods(buttons: Buttons) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [buttons(_("Continue with Telegram"), "login.tg")],
            [buttons(_("Phone or email and password"), "login.pw")],
            [buttons(_("Paste an AccessToken"), "login.token")],
            [buttons(_("Cancel"), "login.cancel")],
        ]
    )


def choose_method() -> str:
    return _("How would you like to sign in?")


def ask_identity(default_country_code: str) -> str:
    return _(
        "Send the phone number or email address of your account.\n"
        "A phone number without a country code is taken as +{code}. /cancel stops."
    ).format(code=escape(default_country_code))


def ask_password(identity: str) -> str:
    return _(
        "Now send the password of <b>{identity}</b>.\n"
        "I'll delete your message as soon as I've read it, and never store the password."
    ).format(identity=escape(clip(identity)))


def ask_token() -> str:
    return _(
        "Paste your AccessToken. I'll check it, delete your message, and keep the token "
        "encrypted. /cancel stops."
    )


def confirm_switch(account: Account, buttons: Buttons) -> View:
    text = _("You're signed in as <b>{nickname}</b>. Sign in with another account?").format(
        nickname=escape(clip(account.nickname or account.iot_user_id))
    )
    keyboard = InlineKeyboardMarkup(
        [[buttons(_("Switch account"), "login.switch"), buttons(_("Keep"), "login.cancel")]]
    )
    return text, keyboard


def linked(account: Account) -> str:
    return _(
        "Done! You're signed in as <b>{nickname}</b>.\n\n"
        "Try /devices to see your home, or /help for everything I can do."
    ).format(nickname=escape(clip(account.nickname or account.iot_user_id)))


def welcome_back(first_name: str, account: Account) -> str:
    """/start from someone already linked: who they are signed in as, and where to go."""
    return _(
        "Welcome back, {name}! You're signed in as <b>{nickname}</b>.\n\n"
        "/devices shows your home, /scenes runs a scene, /help lists everything else. "
        "/login signs in with another account."
    ).format(
        name=escape(first_name), nickname=escape(clip(account.nickname or account.iot_user_id))
    )


def method_name(method: str) -> str:
    return {
        "telegram": _("Continue with Telegram"),
        "password": _("phone or email and password"),
        "token": _("pasted AccessToken"),
    }.get(method, method)


def me(account: Account, family_name: str | None, timezone: str) -> str:
    """What /me shows: who is linked, how, and until when."""
    lines = [
        _("<b>{nickname}</b>").format(nickname=escape(clip(account.nickname or "—"))),
        _("IoT Explorer user id: <code>{user_id}</code>").format(
            user_id=escape(account.iot_user_id)
        ),
        _("Signed in with: {method}").format(method=escape(method_name(account.login_method))),
    ]
    if account.login_identity:
        identity = escape(clip(account.login_identity))
        lines.append(_("Account: {identity}").format(identity=identity))
    if family_name:
        lines.append(_("Current family: {family}").format(family=escape(clip(family_name))))
    if account.expire_at:
        when = datetime.fromtimestamp(account.expire_at, ZoneInfo(timezone))
        lines.append(
            _("Session valid until {when}").format(when=when.strftime("%Y-%m-%d %H:%M %Z"))
        )
    return "\n".join(lines)
