"""Core never imports optional modules, optional modules import each other only as declared
dependencies, orion never imports functions or infra, the kernel never imports a feature, nothing
deployed imports the local cloud, no import cycle joins packages or files, and a feature is imported
from outside only through its public modules: on the real trees, and proven able to fail on small fake
trees written to a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dependency_rule import (
    KERNEL,
    find_boundary_violations,
    find_file_cycles,
    find_kernel_violations,
    find_package_cycles,
    find_private_imports,
    find_violations,
    read_manifests,
)

ORION = Path(__file__).resolve().parents[3] / "shared" / "orion"
# docs/architecture.md (Modules): the optional ones; a package by one of these names must say so in
# its manifest.
DOCUMENTED_OPTIONAL = frozenset(
    {
        "orders",
        "customers",
        "inventory",
        "imports",
        "analytics",
        "messaging",
        "payments",
        "billing",
        "channels",
        "media",
    }
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


# Layers and cycles: the kernel below the features, the local cloud apart from what is deployed, and no
# import cycle between packages or files, on the real trees and on small fake ones.

REPO = ORION.parents[1]
TREES = [ORION, REPO / "functions", REPO / "infra", REPO / "layers"]


def write_trees(root: Path, files: dict[str, str]) -> list[Path]:
    """Fake ``orion`` (a kernel: data, money; features: tenancy, cms), ``functions``, ``infra`` (the CDK
    and the local cloud) and ``layers`` trees, layered as the rule wants them."""
    base = {
        "orion/__init__.py": "",
        "orion/money.py": "",
        "orion/data/__init__.py": "",
        "orion/data/table.py": "import boto3\nfrom orion import money\n",
        "orion/tenancy/__init__.py": "from orion.tenancy.models import Tenant\n",
        "orion/tenancy/models.py": "from orion.data.table import boto3\nTenant = object\n",
        "orion/tenancy/service.py": "from orion.tenancy import models\n",
        "orion/cms/__init__.py": "",
        "orion/cms/service.py": "from orion.tenancy.service import Tenant\nfrom orion.money import x\n",
        "functions/__init__.py": "",
        "functions/common/__init__.py": "",
        "functions/common/shopper.py": "from orion.tenancy import Tenant\n",
        "functions/shop/__init__.py": "",
        "functions/shop/handler.py": "from functions.common import shopper\nfrom orion.cms import service\n",
        "infra/__init__.py": "",
        "infra/wiring.py": "HANDLER = 'functions.shop.handler.handler'\n",
        "infra/config.py": "",
        "infra/app.py": "from infra.config import x\nfrom infra.stacks import api\n",
        "infra/stacks/__init__.py": "",
        "infra/stacks/api.py": "from infra import wiring\nfrom layers.dependency_layer import code\n",
        "infra/local/__init__.py": "",
        "infra/local/invoke.py": "from infra import wiring\nfrom functions.shop import handler\n",
        "infra/local/cloud.py": "from infra.local.invoke import invoke\nfrom orion.tenancy import service\n",
        "layers/__init__.py": "",
        "layers/dependency_layer.py": "import jsii\n",
    }
    for name, text in {**base, **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return [root / "orion", root / "functions", root / "infra", root / "layers"]


def test_the_real_trees_have_no_import_cycle_between_files() -> None:
    cycles = find_file_cycles(TREES)
    assert cycles == [], "\n".join(str(v) for v in cycles)


def test_the_real_trees_have_no_import_cycle_between_packages() -> None:
    cycles = find_package_cycles(TREES)
    assert cycles == [], "\n".join(str(v) for v in cycles)


def test_the_real_kernel_never_imports_a_feature() -> None:
    violations = find_kernel_violations(ORION)
    assert violations == [], "\n".join(str(v) for v in violations)


def test_nothing_deployed_imports_the_real_local_cloud() -> None:
    violations = find_boundary_violations(TREES)
    assert violations == [], "\n".join(str(v) for v in violations)


def test_every_kernel_package_exists() -> None:
    """A renamed kernel package would silently leave the rule: the list names what is there."""
    present = {p.stem for p in ORION.glob("*.py")} | {p.name for p in ORION.iterdir() if p.is_dir()}
    assert present >= KERNEL, f"KERNEL names missing packages: {sorted(KERNEL - present)}"


def test_clean_fake_trees_break_no_layering_rule(tmp_path: Path) -> None:
    trees = write_trees(tmp_path, {})
    assert find_file_cycles(trees) == []
    assert find_package_cycles(trees) == []
    assert find_kernel_violations(trees[0]) == []
    assert find_boundary_violations(trees) == []


@pytest.mark.parametrize(
    "source",
    [
        "from orion.tenancy.service import Tenant\n",
        "import orion.tenancy.service\n",
        "from orion.tenancy import service\n",
        "from . import service\n",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from orion.tenancy import service\n",
        "def load():\n    from orion.tenancy import service\n",
        "import importlib\nSERVICE = importlib.import_module('orion.tenancy.service')\n",
    ],
)
def test_two_files_importing_each_other_are_a_cycle(tmp_path: Path, source: str) -> None:
    trees = write_trees(tmp_path, {"orion/tenancy/models.py": source + "Tenant = object\n"})
    cycles = find_file_cycles(trees)
    assert [(v.file, v.imported) for v in cycles] == [("orion/tenancy/models.py", "orion.tenancy.service")]
    assert cycles[0].rule.startswith(
        "import cycle orion.tenancy.models -> orion.tenancy.service -> orion.tenancy.models "
        "(orion/tenancy/models.py:"
    )


def test_a_cycle_through_several_files_is_reported_with_its_whole_path(tmp_path: Path) -> None:
    trees = write_trees(tmp_path, {"orion/data/table.py": "from orion.tenancy import service\n"})
    assert [v.rule for v in find_file_cycles(trees)] == [
        "import cycle orion.data.table -> orion.tenancy.service -> orion.tenancy.models -> orion.data.table"
        " (orion/data/table.py:1, orion/tenancy/service.py:1, orion/tenancy/models.py:1)"
    ]


def test_importing_a_name_of_a_package_imports_its_init(tmp_path: Path) -> None:
    """``from orion.tenancy import models`` loads the module (no cycle with the ``__init__`` that
    imports it); ``from orion.tenancy import Tenant`` loads the ``__init__``, which imports models."""
    assert find_file_cycles(write_trees(tmp_path / "module", {})) == []
    trees = write_trees(tmp_path / "name", {"orion/tenancy/models.py": "from orion.tenancy import Tenant\n"})
    assert [v.rule.split(" (")[0] for v in find_file_cycles(trees)] == [
        "import cycle orion.tenancy -> orion.tenancy.models -> orion.tenancy"
    ]


@pytest.mark.parametrize(
    ("file", "source", "path"),
    [
        (
            "infra/wiring.py",
            "from infra.stacks.api import x\n",
            "infra.stacks.api -> infra.wiring -> infra.stacks.api",
        ),
        (
            "infra/local/invoke.py",
            "from infra.local.cloud import x\n",
            "infra.local.cloud -> infra.local.invoke -> infra.local.cloud",
        ),
        (
            "functions/common/shopper.py",
            "def render():\n    from functions.shop.handler import x\n",
            "functions.common.shopper -> functions.shop.handler -> functions.common.shopper",
        ),
    ],
)
def test_files_of_infra_and_functions_may_not_import_each_other_round(
    tmp_path: Path, file: str, source: str, path: str
) -> None:
    cycles = find_file_cycles(write_trees(tmp_path, {file: source}))
    assert [v.rule.split(" (")[0] for v in cycles] == [f"import cycle {path}"]


@pytest.mark.parametrize(
    "source", ["from orion.cms.service import x\n", "def pages():\n    from orion.cms import service\n"]
)
def test_packages_importing_each_other_are_a_cycle_even_between_acyclic_files(
    tmp_path: Path, source: str
) -> None:
    """tenancy/hooks.py -> cms/service.py -> tenancy/service.py is no file cycle, but tenancy and cms
    depend on each other."""
    trees = write_trees(tmp_path, {"orion/tenancy/hooks.py": source})
    assert find_file_cycles(trees) == []
    cycles = find_package_cycles(trees)
    assert [(v.file, v.imported) for v in cycles] == [("orion/cms/service.py", "orion.tenancy.service")]
    assert cycles[0].rule == (
        "package cycle orion.cms -> orion.tenancy -> orion.cms "
        f"(orion/cms/service.py:1, orion/tenancy/hooks.py:{source.count(chr(10))})"
    )


def test_a_cycle_between_packages_of_infra_is_reported(tmp_path: Path) -> None:
    """app.py imports stacks/api.py, stacks/naming.py imports app.py: no file cycle, a package one."""
    trees = write_trees(tmp_path, {"infra/stacks/naming.py": "from infra.app import x\n"})
    assert find_file_cycles(trees) == []
    assert [v.rule for v in find_package_cycles(trees)] == [
        "package cycle infra.app -> infra.stacks -> infra.app (infra/app.py:2, infra/stacks/naming.py:1)"
    ]


@pytest.mark.parametrize(
    ("source", "feature"),
    [
        ("from orion.tenancy.models import Tenant\n", "tenancy"),
        ("import orion.tenancy\n", "tenancy"),
        ("from orion import tenancy\n", "tenancy"),
        ("from ..tenancy import models\n", "tenancy"),
        ("def tenant():\n    from orion.tenancy import Tenant\n", "tenancy"),
        ("import importlib\nimportlib.import_module('orion.cms.service')\n", "cms"),
        ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from orion.cms import service\n", "cms"),
    ],
)
def test_the_kernel_importing_a_feature_is_a_violation(tmp_path: Path, source: str, feature: str) -> None:
    root = write_trees(tmp_path, {"orion/data/keys.py": source})[0]
    violations = find_kernel_violations(root, frozenset({"data", "money"}))
    assert [(v.file, v.rule) for v in violations] == [
        ("orion/data/keys.py", f"kernel data never imports feature {feature}")
    ]


def test_the_kernel_is_the_list_that_says_so(tmp_path: Path) -> None:
    """Counting cms as kernel makes its import of tenancy a violation; features import the kernel freely."""
    root = write_trees(tmp_path, {})[0]
    assert find_kernel_violations(root, frozenset({"data", "money"})) == []
    assert [v.rule for v in find_kernel_violations(root, frozenset({"data", "money", "cms"}))] == [
        "kernel cms never imports feature tenancy"
    ]


CDK_RULE = "the CDK never imports the local cloud"


@pytest.mark.parametrize(
    ("file", "source", "rule"),
    [
        ("infra/stacks/api.py", "from infra.local.invoke import x\n", CDK_RULE),
        ("infra/app.py", "import infra.local.cloud\n", CDK_RULE),
        ("infra/config.py", "from infra.local import invoke\n", CDK_RULE),
        ("layers/dependency_layer.py", "from infra.local import cloud\n", CDK_RULE),
        (
            "functions/shop/handler.py",
            "def local():\n    from infra.local.invoke import x\n",
            "functions never import the local cloud",
        ),
        ("orion/cms/service.py", "from infra.local import cloud\n", "orion never imports the local cloud"),
    ],
)
def test_what_is_deployed_importing_the_local_cloud_is_a_violation(
    tmp_path: Path, file: str, source: str, rule: str
) -> None:
    violations = find_boundary_violations(write_trees(tmp_path, {file: source}))
    assert [(v.file, v.rule) for v in violations] == [(file, rule)]


# --- a feature's public modules ----------------------------------------------------------------------

# The fake inventory's private parts, next to its public ``stock`` module.
PRIVATE_PARTS = {
    "orion/inventory/repository.py": "class StockRepository: ...\n",
    "orion/inventory/items.py": "class LevelItem: ...\n",
    "orion/inventory/_helpers.py": "def reserve() -> None: ...\n",
    "orion/inventory/levels/__init__.py": "",
    "orion/inventory/levels/changes.py": "def plan() -> None: ...\n",
}


def test_the_real_orion_tree_imports_features_only_through_their_public_modules() -> None:
    violations = find_private_imports(ORION)
    assert violations == [], "\n".join(str(v) for v in violations)


@pytest.mark.parametrize(
    "source",
    [
        "from orion.inventory.stock import reserve\n",
        "from orion.inventory import stock\n",
        "import orion.inventory.stock\n",
        "from orion.inventory import levels\n",  # a sub-package itself (its __init__) is at the top
        "from orion.orders.repository import OrderRepository\n",  # its own feature's data access
    ],
)
def test_importing_a_feature_through_its_public_modules_is_allowed(tmp_path: Path, source: str) -> None:
    root = write_tree(tmp_path, {**PRIVATE_PARTS, "orion/orders/service.py": source})
    (root / "orders" / "repository.py").write_text("class OrderRepository: ...\n")
    assert find_private_imports(root) == []


@pytest.mark.parametrize(
    "source",
    [
        "from orion.inventory.repository import StockRepository\n",
        "import orion.inventory.repository\n",
        "from orion.inventory import repository\n",
        "from ..inventory import items\n",
        "from orion.inventory.items import LevelItem\n",
        "from orion.inventory._helpers import reserve\n",
        "from orion.inventory.stock import _reserve\n",
        "from orion.inventory.levels.changes import plan\n",
        "from orion.inventory.levels import changes\n",
        "import importlib\nimportlib.import_module('orion.inventory.repository')\n",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from orion.inventory import items\n",
    ],
)
def test_reaching_into_another_feature_is_a_violation(tmp_path: Path, source: str) -> None:
    root = write_tree(tmp_path, {**PRIVATE_PARTS, "orion/orders/service.py": source})
    violations = find_private_imports(root)
    assert [(v.file, v.rule) for v in violations] == [
        ("orion/orders/service.py", "orders may import inventory only through its public modules")
    ]


def test_core_and_infrastructure_packages_are_held_to_the_public_modules_too(tmp_path: Path) -> None:
    """Not only features: a core package (data) reaching into a feature is caught the same way."""
    root = write_tree(
        tmp_path, {**PRIVATE_PARTS, "orion/data/table.py": "from orion.tenancy import repository\n"}
    )
    (root / "tenancy" / "repository.py").write_text("")
    assert [v.rule for v in find_private_imports(root)] == [
        "data may import tenancy only through its public modules"
    ]
