"""Core never imports optional modules, optional modules import each other only as declared
dependencies, and orion never imports functions or infra: on the real tree, and proven able to fail
on small fake trees written to a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dependency_rule import find_violations, read_manifests

ORION = Path(__file__).resolve().parents[3] / "shared" / "orion"
# docs/architecture.md (Modules): the optional ones; a package by one of these names must say so in
# its manifest.
DOCUMENTED_OPTIONAL = frozenset(
    {"orders", "inventory", "imports", "analytics", "messaging", "billing", "channels"}
)


def manifest(code: str, *, optional: bool = False, dependencies: tuple[str, ...] = ()) -> str:
    return (
        "from orion.modules.manifest import ModuleManifest\n"
        f"MANIFEST = ModuleManifest(code={code!r}, name={code.title()!r}, optional={optional}, "
        f"dependencies={dependencies!r})\n"
    )


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """A fake ``orion`` package: a core (tenancy, data) and two optional modules (orders, inventory)."""
    base = {
        "orion/__init__.py": "",
        "orion/data/__init__.py": "",
        "orion/data/table.py": "import boto3\n",
        "orion/tenancy/__init__.py": "",
        "orion/tenancy/module.py": manifest("tenancy"),
        "orion/tenancy/service.py": "from orion.data.table import boto3\n",
        "orion/orders/__init__.py": "",
        "orion/orders/module.py": manifest("orders", optional=True, dependencies=("inventory",)),
        "orion/orders/service.py": (
            "from orion.tenancy.service import boto3\nfrom orion.inventory import stock\n"
        ),
        "orion/inventory/__init__.py": "",
        "orion/inventory/module.py": manifest("inventory", optional=True),
        "orion/inventory/stock.py": "from orion.data import table\n",
    }
    for name, text in {**base, **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root / "orion"


def test_the_real_orion_tree_follows_the_rule() -> None:
    violations = find_violations(ORION, DOCUMENTED_OPTIONAL)
    assert violations == [], "\n".join(str(v) for v in violations)


def test_no_optional_module_of_the_design_declares_itself_core() -> None:
    manifests = read_manifests(ORION)
    assert DOCUMENTED_OPTIONAL & manifests.keys(), "no manifest of an optional module was read"
    for folder in DOCUMENTED_OPTIONAL & manifests.keys():
        assert manifests[folder].optional, f"orion/{folder} must be optional (docs/architecture.md, Modules)"


def test_an_optional_package_without_a_manifest_is_still_held_to_the_rule(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"orion/tenancy/service.py": "from orion.billing import plans\n"})
    (root / "billing").mkdir()
    (root / "billing" / "plans.py").write_text("")
    assert find_violations(root) == []
    assert [v.rule for v in find_violations(root, frozenset({"billing"}))] == [
        "core tenancy never imports optional billing"
    ]


def test_a_clean_fake_tree_has_no_violation(tmp_path: Path) -> None:
    assert find_violations(write_tree(tmp_path, {})) == []


@pytest.mark.parametrize(
    ("file", "source"),
    [
        ("orion/tenancy/service.py", "from orion.orders.service import boto3\n"),
        ("orion/tenancy/service.py", "import orion.orders.service\n"),
        ("orion/tenancy/service.py", "from orion import orders\n"),
        ("orion/tenancy/service.py", "from ..orders import service\n"),
        ("orion/tenancy/service.py", "import importlib\nimportlib.import_module('orion.orders.service')\n"),
        (
            "orion/data/table.py",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import orion.orders\n",
        ),
    ],
)
def test_core_importing_an_optional_module_is_a_violation(tmp_path: Path, file: str, source: str) -> None:
    violations = find_violations(write_tree(tmp_path, {file: source}))
    assert len(violations) == 1
    assert violations[0].file == file
    assert "never imports optional orders" in violations[0].rule


@pytest.mark.parametrize("source", ["import functions.storefront.handler\n", "from infra import wiring\n"])
def test_orion_importing_functions_or_infra_is_a_violation(tmp_path: Path, source: str) -> None:
    violations = find_violations(write_tree(tmp_path, {"orion/orders/service.py": source}))
    assert [v.file for v in violations] == ["orion/orders/service.py"]
    assert "orion never imports" in violations[0].rule


def test_an_optional_module_may_import_only_declared_dependencies(tmp_path: Path) -> None:
    violations = find_violations(
        write_tree(tmp_path, {"orion/inventory/stock.py": "from orion.orders.service import boto3\n"})
    )
    assert [v.rule for v in violations] == [
        "optional inventory imports orders without declaring it a dependency"
    ]


def test_a_module_declaring_itself_core_is_held_to_the_core_rule(tmp_path: Path) -> None:
    """Reclassifying a package moves it under the rule that fits: a core orders may not import inventory."""
    violations = find_violations(write_tree(tmp_path, {"orion/orders/module.py": manifest("orders")}))
    assert [v.rule for v in violations] == ["core orders never imports optional inventory"]
