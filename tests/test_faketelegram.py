"""The fake Telegram, driven by a real python-telegram-bot Bot and Application over loopback HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import datetime as dtm
import html
import io
import json
import socket
import struct
import zlib
from collections.abc import AsyncIterator
from urllib.parse import quote

import httpx
import pytest
from matplotlib.figure import Figure
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    LinkPreviewOptions,
    MessageEntity,
    Update,
)
from telegram import InlineKeyboardMarkup as Markup
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    ExtBot,
)

from bot.faketelegram import FakeTelegram, RateLimits, TestUser, button_by_number, render_message
from bot.faketelegram.entities import EntityParseError, parse_html


def _bot(fake: FakeTelegram) -> Bot:
    return Bot(fake.token, base_url=f"{fake.url}/bot", base_file_url=f"{fake.url}/file/bot")


@pytest.fixture
async def fake(request: pytest.FixtureRequest) -> AsyncIterator[FakeTelegram]:
    # a test passes FakeTelegram options with @pytest.mark.parametrize("fake", [...], indirect=True)
    async with FakeTelegram(**getattr(request, "param", {})) as server:
        yield server


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    async with _bot(fake) as client:
        yield client


@pytest.fixture
async def ann(fake: FakeTelegram) -> TestUser:
    user = fake.user(42, "Ann")
    await fake.send(user, "/start")  # a bot may only write to users who wrote first
    return user


def _keyboard(*buttons: InlineKeyboardButton) -> Markup:
    return Markup([list(buttons)])


@pytest.fixture
def timedelta_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    # PTB 22 deprecates int retry_after; opting in to timedelta keeps the tests warning-free.
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


def _seconds(error: RetryAfter) -> float:
    value = error.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else value


# -- messages -------------------------------------------------------------------------------


async def test_send_edit_delete_are_recorded_as_the_chat_shows_them(fake, bot, ann):
    sent = await bot.send_message(
        42,
        "Lamp is <b>on</b>",
        parse_mode="HTML",
        reply_markup=_keyboard(
            InlineKeyboardButton("Off", callback_data="lamp:off"),
            InlineKeyboardButton("Docs", url="https://example.org/lamp"),
        ),
    )
    assert sent.text == "Lamp is on" and sent.entities[0].type == "bold"
    edited = await bot.edit_message_text("Lamp is off", 42, sent.message_id)
    assert edited.text == "Lamp is off"

    stored = fake.messages(42)[-1]
    assert stored.from_bot and stored.edit_count == 1 and stored.text == "Lamp is off"
    assert stored.buttons == ()  # an edit without reply_markup drops the keyboard, as on Telegram
    assert await bot.delete_message(42, sent.message_id)
    assert fake.messages(42)[-1].deleted
    assert fake.last_message(42) is None
    assert [c.method for c in fake.calls()][-3:] == [
        "sendMessage",
        "editMessageText",
        "deleteMessage",
    ]


async def test_next_message_returns_each_send_and_edit_once_as_it_was(fake, bot, ann):
    sent = await bot.send_message(42, "Hello")
    await bot.edit_message_text("Hello again", 42, sent.message_id)
    first, second = await fake.next_message(ann), await fake.next_message(ann)
    assert (first.text, second.text) == ("Hello", "Hello again")
    assert fake.drain_messages(ann) == []


async def test_user_messages_can_be_deleted_in_private_chats_but_not_edited(fake, bot, ann):
    password = await fake.send(ann, "hunter2")
    with pytest.raises(BadRequest, match="Message can't be edited"):
        await bot.edit_message_text("x", 42, password.message_id)
    assert await bot.delete_message(42, password.message_id)
    assert fake.messages(42)[password.message_id - 1].deleted
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(42, password.message_id)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", 42, 999)


async def test_unchanged_edit_raises_message_is_not_modified(bot, ann):
    markup = _keyboard(InlineKeyboardButton("On", callback_data="on"))
    sent = await bot.send_message(42, "<i>Scene</i>", parse_mode="HTML", reply_markup=markup)
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text(
            "<em>Scene</em>", 42, sent.message_id, parse_mode="HTML", reply_markup=markup
        )
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_reply_markup(42, sent.message_id, reply_markup=markup)


# -- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markup", "text", "entities"),
    [
        ("<b>Hi</b> &lt;3 &amp; &#128512;", "Hi <3 & 😀", [("bold", 0, 2)]),
        ("😀 <i>x</i>", "😀 x", [("italic", 3, 1)]),  # offsets in UTF-16 code units
        ("<b><u>both</u></b>", "both", [("bold", 0, 4), ("underline", 0, 4)]),
        (
            '<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>',
            "st",
            [("spoiler", 0, 1), ("spoiler", 1, 1)],
        ),
        ("  <code>x</code>\n", "x", [("code", 0, 1)]),  # trimmed like Telegram
    ],
)
def test_html_gives_plain_text_and_entities(markup, text, entities):
    parsed = parse_html(markup)
    assert parsed.text == text
    assert [(e["type"], e["offset"], e["length"]) for e in parsed.entities] == entities


def test_html_links_languages_and_expandable_quotes_keep_their_attributes():
    parsed = parse_html(
        '<a href="https://x.org/?a=1&amp;b=2">l</a><pre><code class="language-py">p</code></pre>'
        "<blockquote expandable>q</blockquote>"
    )
    assert list(parsed.entities) == [
        {"type": "text_link", "offset": 0, "length": 1, "url": "https://x.org/?a=1&b=2"},
        {"type": "pre", "offset": 1, "length": 1, "language": "py"},
        {"type": "expandable_blockquote", "offset": 2, "length": 1},
    ]


@pytest.mark.parametrize(
    ("markup", "error"),
    [
        ("Hello <foo>x</foo>", 'Unsupported start tag "foo" at byte offset 6'),
        ("é <br>", 'Unsupported start tag "br" at byte offset 3'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("Tom & Jerry", 'Character "&" must be escaped as "&amp;" at byte offset 4'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
    ],
)
def test_bad_html_is_refused_with_telegrams_wording(markup, error):
    with pytest.raises(EntityParseError) as caught:
        parse_html(markup)
    assert str(caught.value) == error


async def test_bad_html_and_bad_lengths_raise_bad_request(bot, ann):
    with pytest.raises(
        BadRequest, match=r'(?i)can.t parse entities: unsupported start tag "foo" at byte offset 0'
    ):
        await bot.send_message(42, "<foo>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(42, "<b> </b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(42, "x" * 4097)
    with pytest.raises(BadRequest, match="Unsupported parse_mode"):
        await bot.send_message(42, "*x*", parse_mode="MarkdownV2")
    long_markup = "<b>" + "x" * 4096 + "</b>"  # the limit is on the text after parsing
    assert len((await bot.send_message(42, long_markup, parse_mode="HTML")).text) == 4096
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_photo(42, "https://example.org/p.jpg", caption="c" * 1025)


async def test_explicit_entities_must_be_known_types_within_the_text(fake, bot, ann):
    bold = MessageEntity("bold", 3, 4)  # "😀 " is 3 UTF-16 code units
    sent = await bot.send_message(42, "😀 bold", entities=[bold])
    assert sent.entities == (bold,)
    date = {"type": "date_time", "offset": 0, "length": 2, "unix_time": 1767225600}
    status, _ = await _call(
        fake, "sendMessage", {"chat_id": 42, "text": "1 Jan", "entities": [date]}
    )
    assert status == 200
    refused = [
        ({"type": "bolt", "offset": 0, "length": 1}, 'Unsupported entity type "bolt"'),
        (
            {"type": "bold", "offset": 3, "length": 5},
            "entity 0 (bold at offset 3, length 5) runs past the end of the text, "
            "which is 7 UTF-16 code units long",
        ),
        (
            {"type": "italic", "offset": -1, "length": 2},
            "entity 0 (italic) needs an Integer offset of 0 or more and an Integer length of 1 "
            "or more",
        ),
        (
            {"type": "code", "offset": 0, "length": 0},
            "entity 0 (code) needs an Integer offset of 0 or more and an Integer length of 1 "
            "or more",
        ),
    ]
    for entity, error in refused:
        for method, params in (
            ("sendMessage", {"chat_id": 42, "text": "😀 bold", "entities": [entity]}),
            (
                "sendPhoto",
                {
                    "chat_id": 42,
                    "photo": "https://example.org/p.png",
                    "caption": "😀 bold",
                    "caption_entities": [entity],
                },
            ),
        ):
            assert await _call(fake, method, params) == _refused(
                f"can't parse entities: {error}"
            ), (method, entity)


async def test_inline_keyboards_are_checked_like_telegram(bot, ann):
    accepted = await bot.send_message(
        42, "ok", reply_markup=_keyboard(InlineKeyboardButton("b", callback_data="d" * 64))
    )
    assert accepted.reply_markup.inline_keyboard[0][0].callback_data == "d" * 64
    with pytest.raises(BadRequest, match="Button_data_invalid"):  # 33 × 2 bytes > 64 bytes
        await bot.send_message(
            42, "x", reply_markup=_keyboard(InlineKeyboardButton("b", callback_data="ж" * 33))
        )
    with pytest.raises(BadRequest, match="Button_url_invalid"):
        await bot.send_message(
            42, "x", reply_markup=_keyboard(InlineKeyboardButton("b", url="ftp://example.org"))
        )
    too_many = Markup([[InlineKeyboardButton(str(i), callback_data=str(i))] for i in range(101)])
    with pytest.raises(BadRequest, match="too long"):
        await bot.send_message(42, "x", reply_markup=too_many)


async def _call(fake: FakeTelegram, method: str, params: dict) -> tuple[int, dict]:
    """POST a request as JSON, the way any client may, and return the status and the body."""
    async with httpx.AsyncClient() as http:
        reply = await http.post(f"{fake.url}/bot{fake.token}/{method}", json=params)
    return reply.status_code, reply.json()


def _refused(description: str) -> tuple[int, dict]:
    """Telegram's answer to a bad request."""
    return 400, {"ok": False, "error_code": 400, "description": f"Bad Request: {description}"}


def _plus(params: dict, path: tuple, name: str) -> dict:
    """A deep copy of params with one more field, `name`, in the object found along `path`."""
    changed = copy.deepcopy(params)
    target = changed
    for step in path:
        target = target[step]
    target[name] = True
    return changed


_BUTTON = {"text": "b", "callback_data": "d", "icon_custom_emoji_id": "5368324170671202286"}


@pytest.mark.parametrize(
    ("method", "params", "path", "where"),
    [
        ("sendMessage", {"chat_id": 42, "text": "x"}, (), "of sendMessage"),
        ("getUpdates", {"timeout": 0}, (), "of getUpdates"),
        (
            "sendMessage",
            {"chat_id": 42, "text": "x", "reply_markup": {"inline_keyboard": [[_BUTTON]]}},
            ("reply_markup", "inline_keyboard", 0, 0),
            "in reply_markup.inline_keyboard[0][0] (InlineKeyboardButton;",
        ),
        (
            "sendMessage",
            {
                "chat_id": 42,
                "text": "x",
                "reply_markup": {"inline_keyboard": [[{"text": "b", "login_url": {"url": "x"}}]]},
            },
            ("reply_markup", "inline_keyboard", 0, 0, "login_url"),
            "in reply_markup.inline_keyboard[0][0].login_url (LoginUrl;",
        ),
        (
            "sendMessage",
            {
                "chat_id": 42,
                "text": "x",
                "reply_markup": {"keyboard": [[{"text": "Yes", "request_contact": True}]]},
            },
            ("reply_markup", "keyboard", 0, 0),
            "in reply_markup.keyboard[0][0] (KeyboardButton;",
        ),
        (
            "sendMessage",
            {"chat_id": 42, "text": "x", "link_preview_options": {"show_above_text": True}},
            ("link_preview_options",),
            "in link_preview_options (LinkPreviewOptions;",
        ),
        (
            "sendMessage",
            {"chat_id": 42, "text": "x", "reply_parameters": {"message_id": 1, "quote": "/start"}},
            ("reply_parameters",),
            "in reply_parameters (ReplyParameters;",
        ),
        (
            "sendMessage",
            {"chat_id": 42, "text": "xy", "entities": [{"type": "bold", "offset": 0, "length": 1}]},
            ("entities", 0),
            "in entities[0] (MessageEntity;",
        ),
        (
            "setMyCommands",
            {"commands": [{"command": "help", "description": "Help"}]},
            ("commands", 0),
            "in commands[0] (BotCommand;",
        ),
        (
            "setMyCommands",
            {"commands": [], "scope": {"type": "chat_member", "chat_id": 42, "user_id": 42}},
            ("scope",),
            "in scope (BotCommandScopeChatMember;",
        ),
        (
            "setChatMenuButton",
            {"chat_id": 42, "menu_button": {"type": "commands"}},
            ("menu_button",),
            "in menu_button (MenuButtonCommands;",
        ),
    ],
)
async def test_unknown_parameters_and_fields_are_refused_not_ignored(
    fake, ann, method, params, path, where
):
    status, body = await _call(fake, method, params)
    assert (status, body["ok"]) == (200, True)
    kind, sep = ("field", " ") if path else ("parameter", " (")
    assert await _call(fake, method, _plus(params, path, "colour")) == _refused(
        f'unknown {kind} "colour" {where}{sep}Telegram would silently ignore it)'
    )


async def test_what_python_telegram_bot_adds_from_its_defaults_is_not_unknown(fake, ann):
    defaults = Defaults(
        parse_mode="HTML", link_preview_options=LinkPreviewOptions(is_disabled=True)
    )
    markup = _keyboard(InlineKeyboardButton("On", callback_data="on"))
    async with ExtBot(fake.token, base_url=f"{fake.url}/bot", defaults=defaults) as bot:
        sent = await bot.send_message(42, "<b>x</b>", reply_to_message_id=1)
        await bot.edit_message_reply_markup(42, sent.message_id, reply_markup=markup)
    edit = fake.calls("editMessageReplyMarkup")[-1]
    assert edit.ok and edit.params["parse_mode"] == "HTML"  # not an editMessageReplyMarkup one
    assert "reply_parameters" in fake.calls("sendMessage")[-1].params


async def test_booleans_are_true_false_or_one_zero_and_nothing_else(fake, bot, ann):
    for value in (True, False, "true", "False", 1, 0, "1", "0"):
        status, _ = await _call(
            fake, "sendMessage", {"chat_id": 42, "text": "x", "protect_content": value}
        )
        assert status == 200, value
    assert (await bot.send_message(42, "x", disable_notification=True)).text == "x"  # as PTB sends
    for value in ("yes", "", "on", 2):
        params = {"chat_id": 42, "text": "x", "disable_notification": value}
        assert await _call(fake, "sendMessage", params) == _refused(
            f'parameter "disable_notification" must be of type Boolean (true or false, 1 or 0), '
            f"not {json.dumps(value)}"
        )
    preview = {"chat_id": 42, "text": "x", "link_preview_options": {"is_disabled": "yes"}}
    assert await _call(fake, "sendMessage", preview) == _refused(
        'field "is_disabled" in link_preview_options must be of type Boolean '
        '(true or false, 1 or 0), not "yes"'
    )


async def test_allowed_updates_must_name_kinds_of_update(fake, bot):
    assert await bot.get_updates(timeout=0, allowed_updates=Update.ALL_TYPES) == ()
    hook = {"url": "https://example.org/hook", "allowed_updates": ["message"]}
    assert await _call(fake, "setWebhook", hook) == (200, {"ok": True, "result": True})
    assert await bot.delete_webhook()
    for method, params in (("getUpdates", {}), ("setWebhook", hook)):
        params = {**params, "allowed_updates": ["message", "callback_querry"]}
        assert await _call(fake, method, params) == _refused(
            'unknown update type "callback_querry" in allowed_updates '
            "(Telegram would silently ignore it)"
        )


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("http://example.org/hook", "An HTTPS URL must be provided for webhook"),
        (
            "https://example.org:8080/hook",
            "Webhook can be set up only on ports 80, 88, 443 or 8443",
        ),
        ("https://127.0.0.1/hook", "IP address 127.0.0.1 is reserved"),
        ("https://192.168.1.20:8443/hook", "IP address 192.168.1.20 is reserved"),
        ("https://[::1]:88/hook", "IP address ::1 is reserved"),
        ("https://localhost/hook", "IP address 127.0.0.1 is reserved"),
    ],
)
async def test_webhooks_need_a_public_https_url_unless_local_ones_are_allowed(fake, url, error):
    for good in (
        "https://example.org/hook",
        "https://bot.example.org:8443/t",
        "https://1.1.1.1:88/",
    ):
        assert await _call(fake, "setWebhook", {"url": good}) == (200, {"ok": True, "result": True})
    assert await _call(fake, "setWebhook", {"url": url}) == _refused(f"bad webhook: {error}")
    assert fake.webhook is not None and fake.webhook.url == "https://1.1.1.1:88/"
    private_ip = {"url": "https://example.org/hook", "ip_address": "10.0.0.7"}
    assert await _call(fake, "setWebhook", private_ip) == _refused(
        "bad webhook: IP address 10.0.0.7 is reserved"
    )
    async with FakeTelegram(allow_local_webhooks=True) as local:  # like a --local Bot API server
        assert await _call(local, "setWebhook", {"url": url}) == (200, {"ok": True, "result": True})
        assert local.webhook is not None and local.webhook.url == url


async def test_t_me_links_must_carry_start_payloads_a_client_passes_on(fake, bot, ann):
    fine = "A" * 32 + "z_-0" * 8  # 64 characters
    await bot.send_message(
        42,
        f'Open t.me/iot_home_bot?start={fine}. Or <a href="https://t.me/x_bot?startgroup=home">'
        "add me</a> (see chat.me/x?start=?? and https://t.me/share/url?url=a%20b)",
        parse_mode="HTML",
        reply_markup=_keyboard(
            InlineKeyboardButton("Go", url=f"https://t.me/iot_home_bot?start={fine}")
        ),
    )
    await bot.send_photo(42, _png(10, 10), caption="https://telegram.me/iot_home_bot?start=ok")
    bad = [
        ("start", "x" * 65, "https://t.me/iot_home_bot?start=" + "x" * 65),
        ("start", "a b", "https://t.me/iot_home_bot?start=a+b"),
        ("startgroup", "héllo", "https://t.me/iot_home_bot?startgroup=h%C3%A9llo"),
        ("start", "", "https://t.me/iot_home_bot?start="),
    ]
    for name, payload, url in bad:
        expected = (
            f'{name} parameter "{payload}" of t.me link "{url}" is not 1-64 characters of '
            "A-Z, a-z, 0-9, _ and - (a Telegram client would silently drop it)"
        )
        button = {"inline_keyboard": [[{"text": "Go", "url": url}]]}
        sends = [
            ("sendMessage", {"chat_id": 42, "text": "Go", "reply_markup": button}),
            ("sendMessage", {"chat_id": 42, "text": f"Open {url}, now"}),
            (
                "sendMessage",
                {
                    "chat_id": 42,
                    "text": f'<a href="{html.escape(url)}">Open</a>',
                    "parse_mode": "HTML",
                },
            ),
            ("sendPhoto", {"chat_id": 42, "photo": "https://example.org/p.png", "caption": url}),
        ]
        for method, params in sends:
            assert await _call(fake, method, params) == _refused(expected), (method, params)
    shared = "https://t.me/iot_home_bot?start=no!"
    forward = {"text": "Send", "url": f"https://t.me/share/url?url={quote(shared, safe='')}"}
    assert await _call(
        fake,
        "sendMessage",
        {"chat_id": 42, "text": "x", "reply_markup": {"inline_keyboard": [[forward]]}},
    ) == _refused(
        f'start parameter "no!" of t.me link "{shared}" is not 1-64 characters of '
        "A-Z, a-z, 0-9, _ and - (a Telegram client would silently drop it)"
    )


async def test_inline_keyboards_take_8_buttons_a_row_and_100_in_all(fake, bot, ann):
    def rows(*widths: int) -> Markup:
        return Markup(
            [
                [InlineKeyboardButton(f"{r}.{c}", callback_data=f"{r}.{c}") for c in range(w)]
                for r, w in enumerate(widths)
            ]
        )

    sent = await bot.send_message(42, "full", reply_markup=rows(*[8] * 12, 4))  # 100 buttons
    assert len(fake.messages(42)[-1].all_buttons()) == 100 and sent.reply_markup is not None
    with pytest.raises(BadRequest, match="Reply markup is too long"):
        await bot.send_message(42, "wide", reply_markup=rows(2, 9))
    assert fake.calls()[-1].description == (
        "Bad Request: reply markup is too long: row 2 of the inline keyboard has 9 buttons, "
        "at most 8 fit in a row"
    )
    with pytest.raises(BadRequest, match="Reply markup is too long"):
        await bot.send_message(42, "many", reply_markup=rows(*[8] * 12, 5))  # 101 buttons
    assert fake.calls()[-1].description == "Bad Request: reply markup is too long"


async def test_lengths_count_utf16_code_units_after_parsing(fake, bot, ann):
    emoji = "😀"  # outside the BMP: 2 UTF-16 code units
    assert (await bot.send_message(42, emoji * 2048)).text == emoji * 2048  # 4096 units
    html_text = f"<b>{emoji * 2048}</b>"  # the tags are not counted
    assert (await bot.send_message(42, html_text, parse_mode="HTML")).text == emoji * 2048
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(42, emoji * 2048 + "x")  # 2049 characters, 4097 units
    photo = "https://example.org/p.png"
    assert (await bot.send_photo(42, photo, caption=emoji * 512)).caption == emoji * 512
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_photo(42, photo, caption=emoji * 512 + "x")
    await bot.send_message(
        42, "x", reply_markup=_keyboard(InlineKeyboardButton("Go", callback_data="go"))
    )
    query_id = await fake.press(ann, fake.messages(42)[-1], "Go")
    with pytest.raises(BadRequest, match="Message_too_long"):
        await bot.answer_callback_query(query_id, emoji * 100 + "x")
    assert await bot.answer_callback_query(query_id, emoji * 100)
    with pytest.raises(BadRequest, match="Button_data_invalid"):  # callback_data: 1-64 bytes
        await bot.send_message(
            42, "x", reply_markup=_keyboard(InlineKeyboardButton("b", callback_data=emoji * 17))
        )


# -- refusals and faults --------------------------------------------------------------------


async def test_blocked_unknown_and_never_started_chats_are_refused(fake, bot, ann):
    fake.block(ann)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(42, "hi")
    fake.unblock(ann)
    assert (await bot.send_message(42, "hi")).text == "hi"
    fake.user(7, "Bob")
    with pytest.raises(Forbidden, match="can't initiate conversation"):
        await bot.send_message(7, "hi")
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(-100, "hi")


async def test_rate_limits_answer_429_with_retry_after(timedelta_retry_after):
    now = [0.0]
    limits = RateLimits(
        private_per_second=1, private_burst=2, group_per_minute=20, clock=lambda: now[0]
    )
    async with FakeTelegram(limits=limits) as fake, _bot(fake) as bot:
        ann = fake.user(42)
        await fake.send(ann, "/start")
        group = fake.group(-5, "Home", members=[ann])
        await bot.send_message(42, "1")
        await bot.send_message(42, "2")
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(42, "3")
        assert _seconds(caught.value) == 1
        now[0] += 1.0
        await bot.send_message(42, "3")
        for n in range(20):
            await bot.send_message(group.id, str(n))
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(group.id, "21st")
        assert _seconds(caught.value) == 3  # 20 per minute: one every 3 seconds


async def test_injected_faults_and_unknown_methods(fake, bot, ann, timedelta_retry_after):
    fake.fail_next("sendMessage", 429, retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(42, "x")
    assert _seconds(caught.value) == 7
    fake.fail_next("sendmessage", 500, count=2)
    for _ in range(2):
        with pytest.raises(NetworkError, match="Internal Server Error"):
            await bot.send_message(42, "x")
    assert (await bot.send_message(42, "x")).text == "x"
    assert [c.error_code for c in fake.calls("sendMessage")] == [429, 500, 500, None]
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendTelepathy", api_kwargs={"chat_id": 42})
    assert fake.calls("sendTelepathy")[0].error_code == 404
    stranger = Bot("999:WRONG", base_url=f"{fake.url}/bot")
    with pytest.raises(InvalidToken, match="rejected"):
        await stranger.initialize()
    await stranger.shutdown()


async def test_a_delayed_method_times_out_on_the_client(fake, ann):
    fake.delay("sendMessage", 0.3)
    async with _bot(fake) as bot:
        with pytest.raises(NetworkError):  # TimedOut
            await bot.send_message(42, "slow", read_timeout=0.05)


# -- media, commands, chats -----------------------------------------------------------------


def _png(width: int, height: int) -> bytes:
    """A PNG's signature and header chunks: all the fake reads of a photo."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


def _jpeg(width: int, height: int) -> bytes:
    """A JPEG's start, a JFIF segment and a baseline frame header."""
    jfif = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    frame = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + jfif + frame + b"\xff\xd9"


def _gif(width: int, height: int) -> bytes:
    return b"GIF89a" + struct.pack("<HH", width, height) + b"\x00\x00\x00;"


def _webp(width: int, height: int) -> bytes:
    """An extended WEBP's RIFF header and its VP8X chunk (canvas size minus one, 24 bits)."""
    canvas = (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    body = b"WEBP" + b"VP8X" + struct.pack("<I", 10) + bytes(4) + canvas
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _chart_png() -> bytes:
    """A real PNG, as the bot draws its charts: 400 × 300."""
    figure = Figure(figsize=(4, 3), dpi=100)
    figure.add_subplot().plot([1, 2, 3], [2, 1, 3])
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


async def test_photos_must_be_images_within_telegrams_size_limits(fake, bot, ann):
    accepted = [
        (_chart_png(), (400, 300)),
        (_png(2000, 100), (2000, 100)),  # a ratio of exactly 20
        (_jpeg(1280, 720), (1280, 720)),
        (_gif(320, 240), (320, 240)),
        (_webp(5000, 5000), (5000, 5000)),  # width + height of exactly 10000
    ]
    for data, (width, height) in accepted:
        sent = await bot.send_photo(42, data)
        assert (sent.photo[-1].width, sent.photo[-1].height) == (width, height)
    refused = [
        (b"GIF8 is no image", "IMAGE_PROCESS_FAILED"),
        (b"\x89PNG fake", "IMAGE_PROCESS_FAILED"),  # PNG's magic, then no header
        (_png(9000, 1001), "PHOTO_INVALID_DIMENSIONS"),
        (_jpeg(100, 2001), "PHOTO_INVALID_DIMENSIONS"),
        (_png(0, 10), "PHOTO_INVALID_DIMENSIONS"),
        (_png(100, 100) + bytes(10 * 1024 * 1024), "PHOTO_SAVE_FILE_INVALID"),  # over 10 MB
    ]
    for data, error in refused:
        with pytest.raises(BadRequest, match=error.capitalize()):
            await bot.send_photo(42, data)
        assert fake.calls()[-1].description == f"Bad Request: {error}"
    assert await bot.send_document(42, _png(9000, 1001), filename="big.png")  # as a document


async def test_uploads_keep_bytes_and_urls_and_file_ids_are_reusable(fake, bot, ann):
    plan = _png(640, 480)
    photo = await bot.send_photo(
        42, plan, filename="plan.png", caption="<b>Plan</b>", parse_mode="HTML"
    )
    stored = fake.messages(42)[-1].photo
    assert stored is not None and stored.data == plan and stored.filename == "plan.png"
    assert photo.caption == "Plan" and photo.caption_entities[0].type == "bold"
    assert await (await bot.get_file(photo.photo[-1].file_id)).download_as_bytearray() == (plan)
    await bot.send_photo(42, photo.photo[-1].file_id)
    assert fake.messages(42)[-1].photo.data == plan
    song = await bot.send_audio(42, "https://example.org/song.mp3", title="Song", duration=30)
    assert song.audio.title == "Song" and fake.messages(42)[-1].audio.url.endswith("song.mp3")
    with pytest.raises(BadRequest, match="Wrong file identifier"):
        await bot.send_document(42, "no-such-file")


async def test_commands_menu_button_and_admin_check(fake, bot, ann):
    await bot.set_my_commands([BotCommand("devices", "My devices")], language_code="en")
    await bot.set_my_commands([BotCommand("help", "Help")], scope=BotCommandScopeChat(42))
    assert fake.commands(language_code="en") == [("devices", "My devices")]
    assert fake.commands({"type": "chat", "chat_id": 42}) == [("help", "Help")]
    assert [c.command for c in await bot.get_my_commands(language_code="en")] == ["devices"]
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Bad-Name", "x")])
    await bot.set_chat_menu_button(42)
    assert fake.menu_button(42) == {"type": "default"}
    boss = fake.user(8, "Boss")
    fake.group(-5, "Home", members=[ann], admins=[boss])
    assert (await bot.get_chat_member(-5, 8)).status == "administrator"
    assert (await bot.get_chat_member(-5, 42)).status == "member"
    assert (await bot.get_chat(-5)).title == "Home"


async def test_callback_answers_are_kept_and_a_second_answer_is_refused(fake, bot, ann):
    sent = await bot.send_message(
        42, "x", reply_markup=_keyboard(InlineKeyboardButton("Go", callback_data="go"))
    )
    query_id = await fake.press(ann, fake.messages(42)[-1], "Go")
    assert await bot.answer_callback_query(query_id, "Done", show_alert=True)
    answer = fake.callback_answer(query_id)
    assert answer is not None and (answer.text, answer.show_alert) == ("Done", True)
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(query_id)
    assert sent.message_id == fake.pending_updates[-1]["callback_query"]["message"]["message_id"]


async def test_callback_answer_urls_must_open_this_bot_with_a_start_payload(fake, bot, ann):
    await bot.send_message(
        42, "x", reply_markup=_keyboard(InlineKeyboardButton("Go", callback_data="go"))
    )
    refused = [
        "https://example.org/game",
        "https://t.me/TelegramTips",
        "https://t.me/other_bot?start=abc",
        "https://t.me/iot_home_bot",
        "https://t.me/iot_home_bot?start=a.b",
        "https://t.me/iot_home_bot?startgroup=abc",
    ]
    for url in refused:
        query_id = await fake.press(ann, fake.messages(42)[-1], "Go")
        with pytest.raises(BadRequest, match="Url_invalid"):
            await bot.answer_callback_query(query_id, url=url)
        assert fake.calls()[-1].description == "Bad Request: URL_INVALID"
        assert fake.callback_answer(query_id) is None
    for url in ("https://t.me/iot_home_bot?start=fam-1", "t.me/IoT_Home_Bot?start=x_2"):
        query_id = await fake.press(ann, fake.messages(42)[-1], "Go")
        assert await bot.answer_callback_query(query_id, url=url)
        answer = fake.callback_answer(query_id)
        assert answer is not None and answer.url == url


# -- updates --------------------------------------------------------------------------------


async def test_long_poll_returns_as_soon_as_a_user_writes(fake, bot, ann):
    first = await bot.get_updates(timeout=0)
    poll = asyncio.create_task(bot.get_updates(offset=first[-1].update_id + 1, timeout=30))
    await fake.wait_for(lambda: fake.polling)
    await fake.send(ann, "lights on")
    updates = await asyncio.wait_for(poll, 5)
    assert [u.message.text for u in updates] == ["lights on"]
    assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0) == ()
    await fake.send(ann, "ignored")  # not a callback_query, so it is dropped
    assert await bot.get_updates(timeout=0, allowed_updates=["callback_query"]) == ()


async def test_long_poll_without_updates_holds_for_its_timeout(bot):
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await bot.get_updates(timeout=dtm.timedelta(seconds=0.2)) == ()
    assert loop.time() - started >= 0.19


async def _on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    name = update.effective_user.first_name
    await update.message.reply_html(
        f"Hello <b>{name}</b> {' '.join(context.args)}".strip(),
        reply_markup=_keyboard(
            InlineKeyboardButton("Lights", callback_data="lights"),
            InlineKeyboardButton("Help", url="https://example.org/help"),
        ),
    )


async def _on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.callback_query.answer(f"chose {update.callback_query.data}")
    await update.callback_query.edit_message_text(f"You chose {update.callback_query.data}")


def _application(fake: FakeTelegram) -> Application:
    builder = ApplicationBuilder().token(fake.token).base_url(f"{fake.url}/bot")
    app = builder.base_file_url(f"{fake.url}/file/bot").build()
    app.add_handler(CommandHandler("start", _on_start))
    app.add_handler(CallbackQueryHandler(_on_button))
    return app


@contextlib.asynccontextmanager
async def _polling(app: Application) -> AsyncIterator[None]:
    async with app:
        await app.updater.start_polling(poll_interval=0, timeout=10)
        await app.start()
        try:
            yield
        finally:
            await app.updater.stop()
            await app.stop()


async def test_application_answers_a_command_and_a_button_press(fake):
    ann = fake.user(42, "Ann")
    async with _polling(_application(fake)):
        await fake.send(ann, "/start kitchen")
        welcome = await fake.next_message(ann)
        assert welcome.text == "Hello Ann kitchen" and welcome.html == "Hello <b>Ann</b> kitchen"
        assert [b.text for b in welcome.all_buttons()] == ["Lights", "Help"]
        query_id = await fake.press(ann, welcome, (0, 0))
        assert (await fake.wait_answer(query_id)).text == "chose lights"
        assert (await fake.next_message(ann)).text == "You chose lights"
        await fake.wait_idle()
        assert fake.pending_updates == [] and fake.drain_messages(ann) == []
    assert fake.messages(ann)[1].edit_count == 1


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("fake", [{"allow_local_webhooks": True}], indirect=True)
async def test_webhook_delivers_with_the_secret_token_and_blocks_polling(fake, bot):
    ann = fake.user(42, "Ann")
    app = _application(fake)
    port = _free_port()
    async with app:
        await app.updater.start_webhook(
            listen="127.0.0.1",
            port=port,
            url_path="hook",
            secret_token="s3cret_Token-1",
            webhook_url=f"http://127.0.0.1:{port}/hook",
        )
        await app.start()
        try:
            assert (await bot.get_webhook_info()).url == f"http://127.0.0.1:{port}/hook"
            with pytest.raises(Conflict, match="webhook is active"):
                await bot.get_updates()
            await fake.send(ann, "/start")  # PTB refuses deliveries without the right secret
            assert (await fake.next_message(ann)).text == "Hello Ann"
            assert fake.webhook is not None and fake.webhook.last_error_message is None
        finally:
            await app.updater.stop()
            await app.stop()
    assert await bot.delete_webhook()
    assert fake.webhook is None and await bot.get_updates() == ()


# -- reporting ------------------------------------------------------------------------------


async def test_render_numbers_buttons_and_timeouts_report_the_chat(fake, bot, ann):
    await bot.send_message(
        42,
        "Menu",
        reply_markup=Markup(
            [
                [
                    InlineKeyboardButton("Devices", callback_data="d"),
                    InlineKeyboardButton("Scenes", callback_data="s"),
                ],
                [InlineKeyboardButton("Help", url="https://example.org")],
            ]
        ),
    )
    menu = fake.messages(42)[-1]
    assert render_message(menu).splitlines()[1:] == [
        "Menu",
        "[1] Devices  [2] Scenes",
        "[3] Help (https://example.org)",
    ]
    assert button_by_number(menu, 2).callback_data == "s"
    with pytest.raises(AssertionError, match=r"(?s)condition not met.*\[1\] Devices"):
        await fake.wait_for(lambda: False, timeout=0.01, chat=ann)
    with pytest.raises(AssertionError, match="not idle"):
        await fake.wait_idle(timeout=0.1)  # the /start update was never fetched
