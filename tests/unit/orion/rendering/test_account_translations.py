"""The shopper account pages speak French and German: every interface string of the account templates,
the notices and field hints the account handler shows, and the account e-mails have a translation in
both that keeps the English string's placeholders (a string added in English only fails here)."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

import functions.account.handler as account_handler
from orion.customers import service as accounts
from orion.customers.models import FIELD_HINTS
from orion.rendering import i18n

ROOT = Path(__file__).resolve().parents[4]
TEMPLATES = ROOT / "templates" / "default"
LANGUAGES = ("fr", "de")
# words that are the same in English and that language
SPELT_ALIKE = {("fr", "Date"), ("fr", "E-mail"), ("fr", "Total"), ("de", "Status")}

# The first argument of t(...) when it is a string literal: t("..."), t('...'), t("...", name=...).
T_LITERAL = re.compile(r"""\bt\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*[,)]""")


def template_strings() -> set[str]:
    paths = [*sorted(TEMPLATES.glob("account*.html")), TEMPLATES / "_account.html"]
    found: set[str] = set()
    for path in paths:
        for double, single in T_LITERAL.findall(path.read_text(encoding="utf-8")):
            found.add(double or single)
    return found


def email_strings() -> set[str]:
    """The string literals ``orion.customers.service`` passes to ``t(...)`` (subjects and bodies)."""
    tree = ast.parse(Path(accounts.__file__).read_text(encoding="utf-8"))
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "t"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    }


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


SHOWN = sorted(
    template_strings()
    | set(account_handler.NOTICES.values())
    | set(FIELD_HINTS.values())
    | email_strings()
    | {accounts.BAD_CREDENTIALS, accounts.LINK_UNUSABLE, accounts.ACCOUNT_GONE}
)


def test_the_templates_and_the_service_are_read() -> None:
    # a regex or path gone wrong would make every check below pass on nothing
    read = template_strings()
    assert {"Sign in", "Your address now: {email}", "Name of this address (e.g. Home, Work)"} <= read
    assert "Your account at {store}" in email_strings()
    assert any("\n{link}\n" in text for text in email_strings())


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("english", SHOWN)
def test_each_account_string_is_translated_with_its_placeholders(lang: str, english: str) -> None:
    translated = i18n._STRINGS[lang].get(english, "")
    assert translated.strip(), f"no {lang} translation for {english!r}"
    assert translated != english or (lang, english) in SPELT_ALIKE, f"{lang}: {english!r} left in English"
    assert placeholders(translated) == placeholders(english), f"{lang}: {english!r} -> {translated!r}"
    assert translated.count("\n") == english.count("\n")


def test_a_shopper_reads_the_account_e_mail_in_their_language() -> None:
    body = i18n.translator("de")(
        "Open this link within an hour to set a new password for your account at {store}:\n{link}\n\n"
        "If you did not ask for it, ignore this e-mail: your password stays as it is.",
        store="Wizamart",
        link="https://shop.wizamart.lu/account/reset?token=x",
    )
    assert body.startswith("Öffnen Sie diesen Link innerhalb einer Stunde")
    assert "bei Wizamart festzulegen:\nhttps://shop.wizamart.lu/account/reset?token=x\n\n" in body
