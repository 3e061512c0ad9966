"""A refusal the console shows as a page speaks the member's language: every sentence (or template) a
feature the console uses raises NotFound with has a French and a German entry, and a sentence with
values is worded from a template (``NotFound.worded``), not an f-string only English can fill in."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
ORION = ROOT / "shared" / "orion"
CONSOLE = ROOT / "functions" / "console"
# The features whose pages the console has (products, categories, stock, orders, customers, content,
# theme, team and invitations, imports and saved sources, media, channels, settings and domains, and the
# platform console's stores and merchants).
FEATURES = ("catalog", "orders", "customers", "imports", "media", "channels", "identity", "cms", "tenancy")
# Sentences the console never shows, with where they are shown instead.
NEVER_IN_THE_CONSOLE = {
    "That item is not in your cart.": "the shopper's cart (storefront catalogue)",
    "This address is not in your account.": "the shopper's account pages (storefront catalogue)",
    "We could not find the page you were looking for.": "the storefront's page lookup, a shopper's 404",
    "This endpoint is served on a store's own host.": "the staff API's access check",
    "This sign-in link does not exist.": "the admin API's one-time sign-in link (platform bootstrap)",
    "No platform {platform}: declare it in cdk.json and deploy first.": "the platform bootstrap command",
    "import job {id} does not exist": "the import state machine's finalize step, no page",
    "No user with this e-mail on this platform.": "the admin API's user lookup by e-mail",
    "Unknown platform.": "the platform registry; a host of no platform never reaches the console",
}


def _module_strings(tree: ast.Module) -> dict[str, str]:
    """Module-level ``NAME = "literal"`` (a message kept in a constant)."""
    found: dict[str, str] = {}
    for node in tree.body:
        value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            found.update({t.id: value.value for t in targets if isinstance(t, ast.Name)})
    return found


def _not_found_messages() -> tuple[dict[str, str], list[str]]:
    """``{message or template: where}`` of every ``NotFound(...)`` and ``NotFound.worded(...)`` in the
    features, and the places that build one from an f-string."""
    messages: dict[str, str] = {}
    f_strings: list[str] = []
    for feature in FEATURES:
        for path in sorted((ORION / feature).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            constants = _module_strings(tree)
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call) or not node.args:
                    continue
                func = node.func
                named = isinstance(func, ast.Name) and func.id == "NotFound"
                worded = (
                    isinstance(func, ast.Attribute)
                    and func.attr == "worded"
                    and isinstance(func.value, ast.Name)
                    and func.value.id == "NotFound"
                )
                if not (named or worded):
                    continue
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    messages.setdefault(first.value, where)
                elif isinstance(first, ast.Name) and first.id in constants:
                    messages.setdefault(constants[first.id], where)
                elif isinstance(first, ast.JoinedStr):
                    f_strings.append(where)
    return messages, f_strings


def _catalogue(lang: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in sorted((CONSOLE / "messages" / lang).glob("*.json")):
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


def test_no_not_found_is_worded_by_an_f_string() -> None:
    _, f_strings = _not_found_messages()
    assert not f_strings, f"use NotFound.worded(template, **values) so a page can translate it: {f_strings}"


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_every_not_found_the_console_can_show_is_translated(lang: str) -> None:
    messages, _ = _not_found_messages()
    assert "No product {id}." in messages and "No such import source." in messages  # extraction works
    catalogue = _catalogue(lang)
    missing = {text: where for text, where in messages.items() if text not in catalogue}
    missing = {text: where for text, where in missing.items() if text not in NEVER_IN_THE_CONSOLE}
    assert not missing, f"{lang} lacks: {missing}"


def test_the_allow_list_names_only_sentences_that_exist() -> None:
    messages, _ = _not_found_messages()
    assert not [text for text in NEVER_IN_THE_CONSOLE if text not in messages]
