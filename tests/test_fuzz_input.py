"""Property-based fuzzing of what users type: template values, button data, answers to questions."""

from __future__ import annotations

import asyncio
import string
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.iot.template import DataTemplate, InvalidValue, ValueSpec
from bot.sandbox import templates
from bot.sandbox.server import Sandbox
from bot.storage.secrets import TokenCipher
from bot.storage.store import Store
from bot.telegram.callbacks import CallbackCodec, CallbackError

# autouse: fails the test when a secret reaches a log line
from tests.e2e.conftest import no_secrets_in_logs  # noqa: F401
from tests.e2e.harness import BotHarness, running_bot

APOLOGY = "Sorry, something went wrong"


def _demo_specs() -> list[tuple[str, ValueSpec]]:
    """(where, spec) of every property, event param and action param of the demo products."""
    found: list[tuple[str, ValueSpec]] = []
    for product in ("LIGHT", "PLUG", "SENSOR", "GATEWAY", "DOOR", "SPEAKER", "FEEDER"):
        template = DataTemplate.parse(getattr(templates, product))
        found += [(f"{product}.{p.id}", p.spec) for p in template.properties]
        for event in template.events:
            found += [(f"{product}.{event.id}.{p.id}", p.spec) for p in event.params]
        for action in template.actions:
            params = (*action.inputs, *action.outputs)
            found += [(f"{product}.{action.id}.{p.id}", p.spec) for p in params]
    return found


DEMO_SPECS = _demo_specs()
# Text a user might type, and text that looks almost right: numbers, units, times, pairs, lists.
NEAR_MISSES = st.one_of(
    st.from_regex(r"[+-]?[0-9]{0,12}([.,][0-9]{0,8})?\s?(%|°C|lx)?", fullmatch=True),
    st.from_regex(r"[0-9]{1,5}-[0-9]{1,2}-[0-9]{1,2}([ T][0-9]{1,2}:[0-9]{2}(:[0-9]{2})?)?"),
    st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}"),
    st.builds("{}={}, {}:{}".format, st.text(), st.text(), st.text(), st.text()),
    st.builds(lambda items: "[" + ",".join(items) + "]", st.lists(st.text(max_size=5))),
    st.sampled_from(["nan", "inf", "-0", "1e9", "开", "ON", "Ｏｎ", "{", "{}", "[]", "null"]),
)
TYPED = st.one_of(st.text(), NEAR_MISSES)


def test_demo_templates_have_specs_of_every_kind() -> None:
    kinds = {spec.type for _, spec in DEMO_SPECS}
    assert {"bool", "int", "float", "enum", "string"} <= kinds


@settings(max_examples=400, deadline=None)
@given(
    spec=st.sampled_from(DEMO_SPECS),
    raw=st.one_of(TYPED, st.integers(), st.floats(), st.booleans(), st.none()),
    tz=st.sampled_from([None, ZoneInfo("Asia/Shanghai"), ZoneInfo("Pacific/Kiritimati")]),
)
def test_coerce_raises_only_invalid_value(spec: tuple[str, ValueSpec], raw: Any, tz: Any) -> None:
    where, value_spec = spec
    try:
        value_spec.coerce(raw, tz=tz)
    except InvalidValue:
        pass
    except Exception as err:  # the bug this test exists for: say which spec and input
        raise AssertionError(f"{where} coerce({raw!r}) raised {type(err).__name__}") from err


@pytest.fixture(scope="module")
def codec(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CallbackCodec]:
    store = Store(tmp_path_factory.mktemp("fuzz") / "bot.sqlite3", cipher=TokenCipher("fuzz"))
    codec = CallbackCodec(store)
    codec.encode(1, "dev.open", "x" * 80)  # one stored payload, so references can be live
    yield codec
    store.close()


_PIECE = st.text(alphabet=string.ascii_lowercase + string.digits + "|%-_.AF", max_size=12)
CALLBACK_DATA = st.one_of(
    st.text(max_size=80),
    st.builds("i{}|{}".format, _PIECE, _PIECE),
    st.builds(
        "i{}|{}|{}".format, _PIECE, st.from_regex(r"[a-z][a-z.]{0,8}", fullmatch=True), _PIECE
    ),
    st.from_regex(r"r[A-Za-z0-9_-]{22}", fullmatch=True),
    st.builds("r{}".format, st.text(max_size=30)),
)


@settings(max_examples=400, deadline=None)
@given(data=CALLBACK_DATA)
def test_decode_raises_only_callback_errors(codec: CallbackCodec, data: str) -> None:
    try:
        decoded = codec.decode(data)
    except CallbackError:
        return
    assert decoded.route and isinstance(decoded.owner_id, int)


def _answers() -> st.SearchStrategy[str]:
    """Messages a user can send: not empty, not a /command (those go to command handlers)."""
    text = st.one_of(st.text(min_size=1, max_size=80), NEAR_MISSES)
    zones = st.sampled_from(["Europe/Berlin", "utc", "asia/SHANGHAI", "Mars/Olympus"])
    return st.one_of(text, zones).filter(lambda t: bool(t.strip()) and not t.startswith("/"))


@pytest.fixture
async def harness(sandbox: Sandbox, tmp_path: Path) -> AsyncIterator[BotHarness]:
    async with running_bot(sandbox, tmp_path) as running:
        yield running


async def test_random_answers_to_open_questions(harness: BotHarness) -> None:
    """Every answer gets a reply; none is the error handler's apology; a refusal changes nothing."""
    ann = harness.tg.user(601, "Ann")
    await harness.link(ann)
    assert harness.app is not None
    store = harness.app.services.store
    loop = asyncio.get_running_loop()

    async def one_answer(text: str) -> None:
        before = (store.get_settings(ann.id), store.get_account(ann.id))
        asked = await harness.say(ann, "/timezone")
        assert "Send another timezone" in (asked.text or "")
        reply = (await harness.say(ann, text)).text or ""
        assert reply and APOLOGY not in reply
        after = (store.get_settings(ann.id), store.get_account(ann.id))
        if "Times are now shown in" in reply:
            assert after[0].timezone in reply and after[1] == before[1]
        else:
            assert "I don't know the timezone" in reply and after == before
        assert harness.tg.drain_messages(ann) == []  # exactly one reply

    async def stray_text(text: str) -> None:
        before = (store.get_settings(ann.id), store.get_account(ann.id))
        await harness.say(ann, "/cancel")
        reply = (await harness.say(ann, text)).text or ""
        assert reply and APOLOGY not in reply
        assert (store.get_settings(ann.id), store.get_account(ann.id)) == before

    def on_loop(check: Callable[[str], Any]) -> Callable[[str], None]:
        def run(text: str) -> None:
            future: Future[None] = asyncio.run_coroutine_threadsafe(check(text), loop)
            future.result(timeout=30)

        return run

    fuzz = settings(
        max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    # Hypothesis drives the examples from a worker thread; the bot keeps running on this loop.
    await asyncio.to_thread(fuzz(given(_answers())(on_loop(one_answer))))
    await asyncio.to_thread(fuzz(given(_answers())(on_loop(stray_text))))
