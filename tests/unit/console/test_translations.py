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
    for path in [*CONSOLE.glob("templates/*.html"), *CONSOLE.glob("*.py"), *CONSOLE.glob("pages/*.py")]:
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
