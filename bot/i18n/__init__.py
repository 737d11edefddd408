"""Translations: gettext catalogs from locales/, compiled in memory; one translator per update.

Marking strings: `_("Hello, {name}").format(name=...)` translates with the current translator
(set per update with `use(translator(...))`); `ngettext(singular, plural, n)` and
`pgettext(context, message)` likewise; `N_("...")` only marks a string (for module constants)
to be translated later with `_(value)`. Placeholders are str.format style (`{name}`), never
%-style. A comment starting with `TRANSLATORS:` just above a string reaches the translator.

Adding strings: run `python -m bot i18n`, i.e. `update_catalogs()`. It extracts every marked
string from the sources named in babel.cfg (bot/**.py) into locales/bot.pot and merges it into
locales/<lang>/LC_MESSAGES/bot.po for every language, keeping existing translations; then
translate the new (empty or "fuzzy") entries of locales/zh_Hans/LC_MESSAGES/bot.po.
tests/test_i18n.py::test_catalog_complete lists whatever is still missing. There is no compile
step: the .po files are read with Babel and compiled into memory on first use.
"""

from __future__ import annotations

import gettext
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo

from bot.i18n.catalogs import (
    DOMAIN,
    SOURCE_LANGUAGE,
    read_catalog,
    update_catalogs,
)

__all__ = [
    "N_",
    "Translator",
    "_",
    "activate",
    "available_languages",
    "current",
    "load_translations",
    "negotiate",
    "ngettext",
    "pgettext",
    "translator",
    "update_catalogs",
    "use",
]

log = logging.getLogger(__name__)


def _locales_dir() -> Path:
    """locales/ at the top of a checkout (and an editable install), else the wheel's bot/locales/."""
    package = Path(__file__).resolve().parent.parent
    installed = package / "locales"
    return installed if installed.is_dir() else package.parent / "locales"


LOCALES_DIR = _locales_dir()
DEFAULT_LANGUAGE = SOURCE_LANGUAGE
# How each language calls itself in the language menu; Babel's names are a fallback.
_OWN_NAMES = {"en": "English", "zh_Hans": "简体中文"}


class Translator:
    """The translations of one language."""

    __slots__ = ("_translations", "code", "name")

    def __init__(self, code: str, translations: gettext.NullTranslations) -> None:
        self.code = code
        self.name = _OWN_NAMES.get(code) or Locale.parse(code).get_display_name(code) or code
        self._translations = translations

    def __repr__(self) -> str:
        return f"Translator({self.code!r})"

    def gettext(self, message: str) -> str:
        """Translate `message`."""
        return self._translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """Translate the form of a message fitting the count `n`."""
        return self._translations.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        """Translate `message` as meant in `context` (for words with several meanings)."""
        return self._translations.pgettext(context, message)


_translators: dict[str, Translator] = {}


def load_translations(locales_dir: Path = LOCALES_DIR) -> None:
    """(Re)compile every locales/<lang>/LC_MESSAGES/bot.po; English always exists."""
    loaded = {DEFAULT_LANGUAGE: Translator(DEFAULT_LANGUAGE, gettext.NullTranslations())}
    paths = sorted(locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    if not paths:
        log.warning("no translation catalogs in %s; every user gets English", locales_dir)
    for path in paths:
        code = path.parent.parent.name
        loaded[code] = Translator(code, _compile(path, code))
    _translators.clear()
    _translators.update(loaded)


def _compile(path: Path, code: str) -> gettext.GNUTranslations:
    buffer = BytesIO()
    write_mo(buffer, read_catalog(path, code))  # fuzzy entries are left out, as msgfmt does
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def _loaded() -> dict[str, Translator]:
    if not _translators:
        load_translations()
    return _translators


def available_languages() -> dict[str, str]:
    """Language code -> the language's own name, English first."""
    codes = sorted(_loaded(), key=lambda code: (code != DEFAULT_LANGUAGE, code))
    return {code: _translators[code].name for code in codes}


def negotiate(language_code: str | None) -> str:
    """The catalog to use for a Telegram language code ("zh-CN" -> "zh_Hans"); default English."""
    if not language_code:
        return DEFAULT_LANGUAGE
    tag = language_code.replace("_", "-").lower()
    codes = sorted(_loaded())
    for code in codes:
        if code.replace("_", "-").lower() == tag:
            return code
    # Same language, other region or script: zh-TW and zh-HK readers get Simplified Chinese,
    # the closest catalog there is, rather than English.
    primary = tag.split("-")[0]
    for code in codes:
        if code.split("_")[0].lower() == primary:
            return code
    return DEFAULT_LANGUAGE


def translator(language: str | None) -> Translator:
    """The translator for a catalog code or Telegram language code (None: English)."""
    return _loaded()[negotiate(language)]


_current: ContextVar[Translator | None] = ContextVar("translator", default=None)


def current() -> Translator:
    """The translator of the update being handled (English outside of one)."""
    return _current.get() or translator(None)


def activate(value: Translator) -> Token[Translator | None]:
    """Make `value` current for the rest of this context; prefer use() where a block fits."""
    return _current.set(value)


@contextmanager
def use(value: Translator) -> Iterator[Translator]:
    """Make `value` the current translator inside the block."""
    token = _current.set(value)
    try:
        yield value
    finally:
        _current.reset(token)


def _(message: str) -> str:
    """Translate `message` with the current translator."""
    return current().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate the form fitting `n` with the current translator."""
    return current().ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """Translate `message` in `context` with the current translator."""
    return current().pgettext(context, message)


def N_(message: str) -> str:
    """Mark `message` for extraction only; translate it later with _()."""
    return message
