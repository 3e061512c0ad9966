"""Every message a saved source can say (its runs' messages, its pause reason, the feed errors behind a
failed fetch) is a template of ``orion.imports.sources.messages`` with a French and a German entry in the
console's catalogues, and the code writes no message anywhere else (docs/imports.md, Saved sources;
docs/console.md, Languages)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from functions.console.web import _saying, _speaking, translator
from orion.imports.errors import FeedRefused, FeedUnavailable
from orion.imports.sources import messages
from orion.rendering.phrases import english, phrase
from tests.unit.console.test_translations import _catalogue

ORION = Path(__file__).resolve().parents[3] / "shared" / "orion"
# The modules whose messages end in a run's message or a source's pause reason.
WRITERS = (
    *sorted((ORION / "imports" / "sources").glob("*.py")),
    ORION / "imports" / "errors.py",
    ORION / "imports" / "bulk_stores.py",
)
# Calls whose first argument (or ``text=``) is a message's English template.
MESSAGE_CALLS = {"phrase", "Phrase", "FeedRefused", "FeedUnavailable"}


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", text))


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_every_source_message_is_translated(lang: str) -> None:
    catalogue = _catalogue(lang)
    assert len(messages.TEMPLATES) > 40  # the registry collects its constants
    missing = sorted(text for text in messages.TEMPLATES if text not in catalogue)
    assert not missing, f"{lang} lacks: {missing}"
    for text in messages.TEMPLATES:
        assert _placeholders(catalogue[text]) == _placeholders(text), text


def _literal_templates(path: Path) -> list[str]:
    """``file:line`` of each message call whose template is written in place (a string or an f-string)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        if name not in MESSAGE_CALLS:
            continue
        template = [*node.args[:1], *(k.value for k in node.keywords if k.arg == "text")]
        if any(_written_in_place(argument) for argument in template):
            found.append(f"{path.name}:{node.lineno}")
    return found


def _written_in_place(node: ast.AST) -> bool:
    """A string or f-string in the expression, a call's own arguments aside (checked on their own)."""
    if isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str)):
        return True
    if isinstance(node, ast.Call):
        return False
    return any(_written_in_place(child) for child in ast.iter_child_nodes(node))


def test_source_messages_are_written_only_in_the_registry() -> None:
    written = [where for path in WRITERS for where in _literal_templates(path)]
    assert not written, f"use a template of orion.imports.sources.messages: {written}"


def test_the_check_finds_a_message_written_in_place(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        'raise FeedRefused(phrase("Oops {host}.", host=h))\n'
        'raise FeedUnavailable(f"{host} is down")\n'
        "raise FeedRefused(phrase(messages.TOO_LARGE, mb=f'{n}'))\n"
    )
    assert sorted(_literal_templates(sample)) == ["sample.py:1", "sample.py:2"]


def test_a_feed_error_keeps_its_phrases_and_says_them_in_english() -> None:
    error = FeedUnavailable(
        phrase(messages.HOST_ANSWERED, status=503), phrase(messages.TRIED, n=3), retry_after=2.0
    )
    assert str(error) == "The feed host answered 503. (tried 3 times)" == english(error.parts)
    assert error.retry_after == 2.0
    assert str(FeedRefused("Kept as it is.")) == "Kept as it is."


def test_the_console_says_a_run_message_in_the_members_language() -> None:
    parts = (
        phrase(messages.FETCH_FAILED, language="fr"),
        phrase(messages.NOT_FOUND, host="feeds.letzshop.lu"),
        phrase(messages.TRIED, n=3),
    )
    said = _saying(_speaking(translator("fr")))
    assert said(parts) == (
        "Le flux fr n'a pas pu être récupéré : feeds.letzshop.lu est introuvable. (3 tentatives)"
    )
    german = _saying(_speaking(translator("de")))
    assert german(parts) == (
        "Der fr-Feed konnte nicht abgerufen werden: feeds.letzshop.lu wurde nicht gefunden. (3 Versuche)"
    )
    assert _saying(_speaking(translator("en")))(parts) == english(parts)


def test_a_message_stored_before_phrases_is_shown_from_its_english() -> None:
    said = _saying(_speaking(translator("fr")))
    assert said((), "Paused by staff.") == "Mise en pause par l'équipe."  # the catalogue knows it
    assert said((), "8 products published.") == "8 produits publiés."  # worded for people, translated
    assert said((), "Something only English knows.") == "Something only English knows."
    assert said((), None) == ""
