"""The console's catalogues agree with themselves: an English string has one translation per language
whichever area's file holds it (the merge would silently keep the last file's), and a word that reads
differently by what it is said of is told apart by a context (``page|Published``) the pages use."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from functions.console.web import CONTEXT_MARK, translator

CONSOLE = Path(__file__).resolve().parents[3] / "functions" / "console"
LANGS = ("fr", "de")
# _("English", context="name") in templates and console._(...) in page modules (literal strings only).
_WITH_CONTEXT = re.compile(r"""\b_\(\s*"(?P<text>(?:\\.|[^"\\])*)"\s*,\s*context\s*=\s*"(?P<context>\w+)\"""")


def _files(lang: str) -> list[tuple[str, dict[str, str]]]:
    return [
        (path.name, json.loads(path.read_text(encoding="utf-8")))
        for path in sorted((CONSOLE / "messages" / lang).glob("*.json"))
    ]


def _contexts_used() -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for path in [*CONSOLE.glob("templates/**/*.html"), *CONSOLE.glob("**/*.py")]:
        for match in _WITH_CONTEXT.finditer(path.read_text(encoding="utf-8")):
            found.add((match["context"], match["text"]))
    return found


@pytest.mark.parametrize("lang", LANGS)
def test_an_english_string_has_one_translation_whichever_file_holds_it(lang: str) -> None:
    translations: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for name, entries in _files(lang):
        for english, translated in entries.items():
            translations[english][translated].append(name)
    clashes = {english: dict(ways) for english, ways in translations.items() if len(ways) > 1}
    assert not clashes, f"{lang}: one English key, different translations by file: {clashes}"


@pytest.mark.parametrize("lang", LANGS)
def test_every_context_key_is_one_the_pages_ask_for(lang: str) -> None:
    used = _contexts_used()
    keys = [key for _, entries in _files(lang) for key in entries if CONTEXT_MARK in key]
    unused = [key for key in keys if tuple(key.split(CONTEXT_MARK, 1)) not in used]
    assert not unused, f"{lang}: context keys no page asks for (a typo, or a use removed): {unused}"


@pytest.mark.parametrize("lang", LANGS)
def test_a_word_asked_for_in_a_context_also_has_its_plain_translation(lang: str) -> None:
    """A language without the context's own entry falls back to the plain one, never to English."""
    used = _contexts_used()
    assert ("page", "Published") in used  # the extraction itself works
    merged = {key: value for _, entries in _files(lang) for key, value in entries.items()}
    assert not [text for _, text in used if text not in merged]


def test_the_context_picks_the_words_agreement_and_falls_back_to_the_plain_word() -> None:
    french, german, english = translator("fr"), translator("de"), translator("en")
    assert french("Published", context="page") == "Publiée"  # une page
    assert french("Published") == "Publié"  # un produit, un import
    assert french("Newest first", context="orders") == "Les plus récentes d'abord"  # les commandes
    assert french("Newest first") == "Les plus récents d'abord"  # les produits, les clients
    assert french("Source", context="origin") == "Origine"
    assert french("Source") == "Source"  # a saved import feed
    assert german("Published", context="page") == german("Published") == "Veröffentlicht"
    assert english("Published", context="page") == "Published"
    assert french("Staged") == "En préparation"
