"""Every interface string of the console exists in French and German (the console speaks en, fr, de)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

CONSOLE = Path(__file__).resolve().parents[3] / "functions" / "console"
# _("...") in templates and console._("...") / _("...") in the page modules (literal strings only).
_LITERAL = re.compile(r"""\b_\(\s*(?P<q>["'])(?P<text>(?:\\.|(?!(?P=q)).)*)(?P=q)""")


def _strings() -> set[str]:
    found: set[str] = set()
    for path in [
        *CONSOLE.glob("templates/**/*.html"),
        *CONSOLE.glob("*.py"),
        *CONSOLE.glob("pages/*.py"),
        *CONSOLE.glob("platform/*.py"),
        *CONSOLE.glob("site/*.py"),
    ]:
        for match in _LITERAL.finditer(path.read_text(encoding="utf-8")):
            found.add(match["text"].replace("\\'", "'").replace('\\"', '"'))
    return found


def _catalogue(lang: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in sorted((CONSOLE / "messages" / lang).glob("*.json")):
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_every_console_string_is_translated(lang: str) -> None:
    strings = _strings()
    assert len(strings) > 30  # the extraction itself works
    missing = sorted(s for s in strings if s not in _catalogue(lang))
    assert not missing, f"{lang} lacks: {missing}"


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_translations_keep_their_placeholders(lang: str) -> None:
    for english, translated in _catalogue(lang).items():
        assert set(re.findall(r"\{\w+\}", english)) == set(re.findall(r"\{\w+\}", translated)), english


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_every_message_worded_for_people_is_translated(lang: str) -> None:
    """The sentences that replace programs' wording (pydantic's, the services') exist in each language."""
    from functions.console.web import _HUMANE, humane

    missing = sorted(text for _, text in _HUMANE if text not in _catalogue(lang))
    assert not missing, f"{lang} lacks: {missing}"
    assert humane("String should have at least 1 character") == ("This field is required.", {})
    assert humane("Value error, must be 8, 12, 13 or 14 digits") == ("A GTIN has 8, 12, 13 or 14 digits.", {})
    assert humane("Your role (viewer) does not allow orders.edit.") == (
        "Your role ({role}) does not allow this.",
        {"role": "viewer"},
    )


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_the_platform_console_menu_is_translated(lang: str) -> None:
    from functions.console.web import PLATFORM_MENU

    assert not [label for label, _ in PLATFORM_MENU if label not in _catalogue(lang)]
