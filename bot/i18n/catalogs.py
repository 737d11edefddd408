"""Catalog maintenance with Babel: extract marked strings, merge them into the .po files, check them.

Run through `bot.i18n.update_catalogs()` (wired as `python -m bot i18n`); the bot itself only
reads the .po files (see bot.i18n).
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DOMAIN = "bot"
SOURCE_LANGUAGE = "en"
REQUIRED_LANGUAGES = ("en", "zh_Hans")
_PROJECT = "iotexplorer-telegram-bot"
# Comments starting with this tag, on the line before a marked string, reach the translator.
_COMMENT_TAG = "TRANSLATORS:"


def po_path(locales_dir: Path, language: str) -> Path:
    """Where the catalog of `language` lives."""
    return locales_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(path: Path, language: str) -> Catalog:
    """Parse one .po file."""
    with path.open("rb") as file:
        return read_po(file, locale=language, domain=DOMAIN)


def extract_messages(project_root: Path = PROJECT_ROOT) -> Catalog:
    """Every string marked in the sources babel.cfg names, as a template catalog."""
    with (project_root / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    template = Catalog(project=_PROJECT, domain=DOMAIN, fuzzy=False)
    extracted = extract_from_dir(
        project_root,
        method_map,
        options_map,
        comment_tags=(_COMMENT_TAG,),
        strip_comment_tags=True,
    )
    for filename, lineno, message, comments, context in extracted:
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def update_catalogs(project_root: Path = PROJECT_ROOT) -> list[Path]:
    """Extract into locales/bot.pot and merge into every language's .po; returns files written.

    Existing translations are kept; new strings arrive untranslated, changed ones as fuzzy
    suggestions, and strings no longer in the code are dropped.
    """
    locales_dir = project_root / "locales"
    template = extract_messages(project_root)
    pot = locales_dir / f"{DOMAIN}.pot"
    if pot.exists():
        # Keep the header stable so an unchanged catalog gives an unchanged file.
        template.creation_date = read_catalog(pot, SOURCE_LANGUAGE).creation_date
    _write(pot, template)
    written = [pot]
    for language in _languages(locales_dir):
        path = po_path(locales_dir, language)
        catalog = read_catalog(path, language) if path.exists() else _new_catalog(language)
        catalog.update(template, update_creation_date=False)
        _write(path, catalog)
        written.append(path)
    return written


def catalog_problems(language: str, project_root: Path = PROJECT_ROOT) -> list[str]:
    """Strings in the code that `language` lacks, has only fuzzily, or breaks placeholders of."""
    path = po_path(project_root / "locales", language)
    catalog = read_catalog(path, language) if path.exists() else _new_catalog(language)
    problems = []
    for wanted in extract_messages(project_root):
        if not wanted.id:
            continue
        problem = _problem(wanted, catalog.get(wanted.id, context=wanted.context))
        if problem:
            problems.append(f"{problem}: {_label(wanted)}")
    return problems


def placeholders(text: str) -> set[str]:
    """The str.format field names in `text` ("{name}" -> "name")."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def _problem(wanted: Message, found: Message | None) -> str | None:
    forms = _forms(found.string) if found else []
    if not forms or not all(forms):
        return "untranslated"
    if found is not None and found.fuzzy:
        return "fuzzy"
    try:
        expected = set().union(*(placeholders(text) for text in _forms(wanted.id)))
        translated = [placeholders(text) for text in forms]
    except ValueError:
        return "malformed placeholders"
    if any(not fields <= expected for fields in translated) or set().union(*translated) != expected:
        return "placeholders differ"
    return None


def _forms(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [form or "" for form in value]


def _label(message: Message) -> str:
    text = " | ".join(_forms(message.id))
    where = ", ".join(f"{file}:{line}" for file, line in message.locations)
    context = f"[{message.context}] " if message.context else ""
    return f"{context}{text!r} ({where})"


def _languages(locales_dir: Path) -> list[str]:
    present = {path.parent.parent.name for path in locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")}
    return sorted(present | set(REQUIRED_LANGUAGES))


def _new_catalog(language: str) -> Catalog:
    return Catalog(locale=language, project=_PROJECT, domain=DOMAIN, fuzzy=False)


def _write(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as file:
        # No line numbers: moving code must not rewrite every catalog.
        write_po(file, catalog, ignore_obsolete=True, include_lineno=False)
