"""Translations: the catalogs are complete, compiled at start-up, negotiated and scoped per update."""

from __future__ import annotations

import asyncio
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import i18n
from bot.i18n import N_, _, available_languages, negotiate, ngettext, pgettext, translator, use
from bot.i18n.catalogs import catalog_problems, read_catalog, update_catalogs
from bot.telegram.callbacks import NotYourButton

PO_HEADER = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=utf-8\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"

"""


def test_catalog_complete() -> None:
    """Every string marked in bot/ has a checked Simplified Chinese translation.

    When this fails: run `python -m bot i18n`, translate the listed entries in
    locales/zh_Hans/LC_MESSAGES/bot.po (and remove their "fuzzy" flag), keeping the {placeholders}.
    """
    problems = catalog_problems("zh_Hans")
    assert not problems, "zh_Hans catalog needs work:\n" + "\n".join(problems)


def _project(root: Path, source: str, zh_po: str | None = None) -> Path:
    (root / "bot").mkdir(parents=True)
    (root / "babel.cfg").write_text("[python: bot/**.py]\n")
    (root / "bot" / "feature.py").write_text(textwrap.dedent(source))
    if zh_po is not None:
        po = root / "locales" / "zh_Hans" / "LC_MESSAGES" / "bot.po"
        po.parent.mkdir(parents=True)
        po.write_text(PO_HEADER + textwrap.dedent(zh_po), encoding="utf-8")
    return root


def test_catalog_check_lists_missing_fuzzy_and_broken_translations(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        """
        _("Done")
        _("Missing")
        _("Hello, {name}")
        _("Rename {device} to {name}?")
        ngettext("{n} device", "{n} devices", 2)
        ngettext("{n} scene", "{n} scenes", 2)
        """,
        """
        msgid "Done"
        msgstr "完成"

        #, fuzzy
        msgid "Hello, {name}"
        msgstr "你好，{name}"

        msgid "Rename {device} to {name}?"
        msgstr "将 {device} 重命名为 {nom}？"

        msgid "{n} device"
        msgid_plural "{n} devices"
        msgstr[0] "{n} 个设备"

        msgid "{n} scene"
        msgid_plural "{n} scenes"
        msgstr[0] "几个场景"
        """,
    )

    problems = catalog_problems("zh_Hans", root)

    assert [problem.split(":")[0] for problem in problems] == [
        "untranslated",
        "fuzzy",
        "placeholders differ",
        "placeholders differ",
    ]
    assert "'Missing' (bot/feature.py:3)" in problems[0]
    assert "{n} scene" in problems[3]


def test_update_catalogs_adds_new_strings_and_keeps_translations(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        """
        _("Done")
        # TRANSLATORS: a device's new name follows
        _("New name for {device}")
        pgettext("scene", "Run")
        """,
        """
        msgid "Done"
        msgstr "完成"

        msgid "Gone from the code"
        msgstr "已删除"
        """,
    )

    written = update_catalogs(root)

    locales = root / "locales"
    assert set(written) == {
        locales / "bot.pot",
        locales / "en" / "LC_MESSAGES" / "bot.po",
        locales / "zh_Hans" / "LC_MESSAGES" / "bot.po",
    }
    zh = read_catalog(locales / "zh_Hans" / "LC_MESSAGES" / "bot.po", "zh_Hans")
    assert zh["Done"].string == "完成"
    new = zh["New name for {device}"]
    assert new.string == "" and new.auto_comments == ["a device's new name follows"]
    assert zh.get("Run", context="scene") is not None
    assert "Gone from the code" not in zh
    assert catalog_problems("zh_Hans", root) != []  # the new strings now wait for a translator


def test_update_catalogs_twice_changes_nothing(tmp_path: Path) -> None:
    root = _project(tmp_path, '_("Done")\n', 'msgid "Done"\nmsgstr "完成"\n')
    update_catalogs(root)
    first = {p: p.read_bytes() for p in (root / "locales").rglob("*.po*")}

    update_catalogs(root)

    assert {p: p.read_bytes() for p in (root / "locales").rglob("*.po*")} == first


@pytest.mark.parametrize(
    ("telegram_code", "expected"),
    [
        ("zh", "zh_Hans"),
        ("zh-hans", "zh_Hans"),
        ("zh-CN", "zh_Hans"),
        ("zh-SG", "zh_Hans"),
        ("zh-TW", "zh_Hans"),
        ("zh-HK", "zh_Hans"),
        ("zh_Hans", "zh_Hans"),
        ("en", "en"),
        ("en-GB", "en"),
        ("de", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_negotiate(telegram_code: str | None, expected: str) -> None:
    assert negotiate(telegram_code) == expected


def test_real_catalogs_translate_without_a_compile_step() -> None:
    message = NotYourButton.user_message
    assert translator("zh-CN").gettext(message) == "这是别人的菜单上的按钮。"
    assert translator("en").gettext(message) == message
    assert translator(None).code == "en"


def test_available_languages_use_their_own_names() -> None:
    assert available_languages() == {"en": "English", "zh_Hans": "简体中文"}


@pytest.fixture
def sample_locales(tmp_path: Path) -> Iterator[Path]:
    po = tmp_path / "zh_Hans" / "LC_MESSAGES" / "bot.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        PO_HEADER
        + textwrap.dedent(
            """
            msgid "Light"
            msgstr "灯"

            msgctxt "weight"
            msgid "Light"
            msgstr "轻"

            msgid "{n} device"
            msgid_plural "{n} devices"
            msgstr[0] "{n} 个设备"

            #, fuzzy
            msgid "Unsure"
            msgstr "不确定"
            """
        ),
        encoding="utf-8",
    )
    i18n.load_translations(tmp_path)
    yield tmp_path
    i18n.load_translations()


def test_translator_methods(sample_locales: Path) -> None:
    zh = translator("zh_Hans")
    assert zh.gettext("Light") == "灯"
    assert zh.pgettext("weight", "Light") == "轻"
    assert zh.ngettext("{n} device", "{n} devices", 3).format(n=3) == "3 个设备"
    assert zh.gettext("Unsure") == "Unsure"  # fuzzy guesses are not shown to users
    en = translator("en")
    assert en.ngettext("{n} device", "{n} devices", 1) == "{n} device"


def test_module_functions_follow_the_current_translator(sample_locales: Path) -> None:
    assert _("Light") == "Light"
    with use(translator("zh_Hans")):
        assert _("Light") == "灯"
        assert pgettext("weight", "Light") == "轻"
        assert ngettext("{n} device", "{n} devices", 2) == "{n} 个设备"
    assert _("Light") == "Light"
    assert N_("Light") == "Light"


async def test_each_update_keeps_its_own_translator(sample_locales: Path) -> None:
    chinese_inside = asyncio.Event()
    english_done = asyncio.Event()
    seen: dict[str, str] = {}

    async def chinese_update() -> None:
        with use(translator("zh_Hans")):
            chinese_inside.set()
            await english_done.wait()
            seen["zh"] = _("Light")

    async def english_update() -> None:
        await chinese_inside.wait()
        with use(translator("en")):
            seen["en"] = _("Light")
        english_done.set()

    await asyncio.gather(chinese_update(), english_update())
    assert seen == {"zh": "灯", "en": "Light"}
