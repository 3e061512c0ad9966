"""What may touch a saved source's files in the uploads bucket (docs/imports.md, Saved sources): the
runner reads and writes them (tagging a run's to expire) but deletes none, and every function whose code
can delete a source may delete the source's files, the staff API nothing else of the bucket."""

from __future__ import annotations

import ast
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from infra import wiring
from tests.dependency_rule import import_graph, module_files
from tests.infra.conftest import Assembly
from tests.infra.test_data_and_api import as_list, role_of, statements_of_role

ROOT = Path(__file__).resolve().parents[2]


def uploads_statements(assembly: Assembly, function: str) -> list[dict[str, Any]]:
    bucket = f":s3:::{assembly.prefix}-uploads-"
    return [
        statement
        for statement in statements_of_role(assembly, role_of(assembly, function))
        if any(bucket in json.dumps(resource) for resource in as_list(statement["Resource"]))
    ]


def object_pattern(resource: Any) -> str:
    """``<bucket>/<pattern>`` of an object ARN (the part after the bucket's name), "" for the bucket."""
    text = "".join(part for part in resource["Fn::Join"][1] if isinstance(part, str))
    return text.split("/", 1)[1] if "/" in text else ""


# Where code deletes a saved source, and the function serving it: the staff API's imports routes, and the
# store console's pages (functions/console/app.py mounts every module of their package).
SOURCE_DELETERS = {
    "functions.staff_api.routers.import_sources": "staff_imports",
    "functions.console.pages.import_sources": "console",
}


def callers_of(name: str, modules: dict[str, Path]) -> set[str]:
    """The modules with a call of a function or method ``name``."""
    callers = set()
    for module, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and name in (
                getattr(node.func, "attr", None),
                getattr(node.func, "id", None),
            ):
                callers.add(module)
    return callers


def reachable(start: str, trees: list[Path], modules: dict[str, Path]) -> set[str]:
    """The modules ``start`` imports, directly or not (a package of functions/ counts as importing its
    modules: the console imports its pages by their package's listing)."""
    imports: dict[str, set[str]] = defaultdict(set)
    for edge in import_graph(trees):
        imports[edge.importer].add(edge.imported)
    for module, path in modules.items():
        if module.startswith("functions.") and path.name == "__init__.py":
            imports[module] |= {other for other in modules if other.rpartition(".")[0] == module}
    seen, todo = set(), [start]
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo.extend(imports[module])
    return seen


def test_the_source_runner_reads_and_writes_its_files_with_tags_and_deletes_none(assembly: Assembly) -> None:
    statements = uploads_statements(assembly, "import_source_runner")
    on_objects = {a for s in statements if object_pattern(s["Resource"]) for a in as_list(s["Action"])}
    on_bucket = {a for s in statements if not object_pattern(s["Resource"]) for a in as_list(s["Action"])}

    # ListBucket: a missing file (a source's first run) answers NoSuchKey rather than AccessDenied.
    assert on_objects == {"s3:GetObject", "s3:PutObject", "s3:PutObjectTagging", "s3:AbortMultipartUpload"}
    assert on_bucket == {"s3:ListBucket"}
    assert wiring.function("import_source_runner").buckets["uploads"] is wiring.Access.READ_PUT


def test_the_check_below_knows_every_place_that_deletes_a_source() -> None:
    """A new caller of ``delete_source`` (in functions/ or orion) fails here until its function is
    named, and checked below."""
    trees = [ROOT / "functions", ROOT / "shared" / "orion"]
    modules = module_files(trees)

    assert callers_of("delete_source", modules) == set(SOURCE_DELETERS)
    for module, function in SOURCE_DELETERS.items():
        assert module in reachable(wiring.function(function).module, trees, modules), function


@pytest.mark.parametrize("function", sorted(set(SOURCE_DELETERS.values())))
def test_a_function_that_deletes_sources_may_list_and_delete_their_files(
    assembly: Assembly, function: str
) -> None:
    statements = uploads_statements(assembly, function)
    deletes = {
        object_pattern(resource)
        for s in statements
        if "s3:DeleteObject" in as_list(s["Action"])
        for resource in as_list(s["Resource"])
    }
    lists = [s for s in statements if "s3:ListBucket" in as_list(s["Action"])]

    assert deletes & {"*", "sources/*"}, deletes
    assert any(s.get("Condition") in (None, {"StringLike": {"s3:prefix": ["sources/*"]}}) for s in lists)


def test_the_staff_imports_api_deletes_nothing_but_sources_files(assembly: Assembly) -> None:
    statements = uploads_statements(assembly, "staff_imports")
    deleting = [s for s in statements if {"s3:DeleteObject", "s3:ListBucket"} & set(as_list(s["Action"]))]
    patterns = {object_pattern(resource) for s in deleting for resource in as_list(s["Resource"])}

    assert patterns == {"sources/*", ""}  # the objects under sources/, and the bucket to list them
    (listing,) = [s for s in deleting if "s3:ListBucket" in as_list(s["Action"])]
    assert listing["Condition"] == {"StringLike": {"s3:prefix": ["sources/*"]}}
    assert not {"s3:GetObject"} & {a for s in statements for a in as_list(s["Action"])}  # reads no upload
