"""A feature's own error classes live in its ``errors.py`` (the shared bases stay in ``orion/errors.py``):
on the real tree, and proven able to fail on small fake trees. The source is read as syntax; an
exception class is one whose bases lead, within the tree, to a built-in exception."""

from __future__ import annotations

import ast
import builtins
from pathlib import Path

import pytest

ORION = Path(__file__).resolve().parents[3] / "shared" / "orion"
# Infrastructure packages, not features: their errors belong to the package's own modules.
INFRASTRUCTURE = frozenset({"data", "modules"})

BUILTIN_EXCEPTIONS = frozenset(
    name
    for name, value in vars(builtins).items()
    if isinstance(value, type) and issubclass(value, BaseException)
)


def _classes(path: Path) -> list[ast.ClassDef]:
    return [node for node in ast.parse(path.read_text()).body if isinstance(node, ast.ClassDef)]


def _base_name(base: ast.expr) -> str | None:
    if isinstance(base, ast.Name):
        return base.id
    if isinstance(base, ast.Attribute):
        return base.attr
    return None


def misplaced_errors(root: Path, exempt: frozenset[str] = frozenset()) -> list[str]:
    """``<file>:<class>`` for each public exception class of a feature outside its ``errors.py``."""
    sources = sorted(root.rglob("*.py"))
    classes = {path: _classes(path) for path in sources}
    exceptions = set(BUILTIN_EXCEPTIONS)
    growing = True
    while growing:  # a class is an exception once one of its bases is
        found = {
            node.name
            for nodes in classes.values()
            for node in nodes
            if any(_base_name(base) in exceptions for base in node.bases)
        }
        growing = not found <= exceptions
        exceptions |= found
    misplaced: list[str] = []
    for path, nodes in classes.items():
        parts = path.relative_to(root).parts
        if len(parts) < 2 or parts[0] in INFRASTRUCTURE | exempt or path.name == "errors.py":
            continue  # top-level modules (errors.py, settings.py) and infrastructure packages
        misplaced += [
            f"{path.relative_to(root)}:{node.name}"
            for node in nodes
            if node.name in exceptions and not node.name.startswith("_")
        ]
    return misplaced


def test_every_features_own_errors_are_in_its_errors_module() -> None:
    assert misplaced_errors(ORION) == []


def write_tree(root: Path, files: dict[str, str]) -> Path:
    base = {
        "orion/errors.py": "class OrionError(Exception): ...\nclass Conflict(OrionError): ...\n",
        "orion/data/keys.py": "class InvalidKeyPart(ValueError): ...\n",
        "orion/tenancy/models.py": "class Tenant: ...\n",
    }
    for name, text in {**base, **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root / "orion"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"orion/tenancy/service.py": "class Refused(Conflict): ...\n"}, ["tenancy/service.py:Refused"]),
        (
            {"orion/imports/formats.py": "class Unreadable(ValueError): ...\n"},
            ["imports/formats.py:Unreadable"],
        ),
        (
            {
                "orion/cms/errors.py": "class PageError(Exception): ...\n",
                "orion/cms/pages.py": "from orion.cms import errors\nclass Gone(errors.PageError): ...\n",
            },
            ["cms/pages.py:Gone"],
        ),
    ],
)
def test_an_error_class_outside_errors_py_is_found(
    tmp_path: Path, files: dict[str, str], expected: list[str]
) -> None:
    assert misplaced_errors(write_tree(tmp_path, files)) == expected


def test_errors_modules_private_classes_and_infrastructure_are_left_alone(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "orion/tenancy/errors.py": "class Refused(Conflict): ...\n",
            "orion/tenancy/service.py": "class _Retry(Exception): ...\nclass Plan: ...\n",
        },
    )
    assert misplaced_errors(root) == []
