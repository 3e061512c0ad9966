"""The dependency rule of docs/architecture.md (The dependency rule), checked on source code (AST,
nothing imported):

- a core package of ``orion`` (tenancy, identity, audit, cms, catalog, outbox and the infrastructure
  packages data, settings, observability, errors, modules, ...) never imports an optional module;
- an optional module imports another optional module only if its manifest declares it a dependency;
- ``orion`` never imports ``functions`` or ``infra``.

Optional modules are classified from their manifests (``orion/<feature>/module.py`` declaring
``ModuleManifest(..., optional=True, dependencies=(...))``), read as syntax, so the rule also holds for
a package tree that was never imported (the test fixtures).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

FORBIDDEN_TOP_LEVEL = ("functions", "infra")


@dataclass(frozen=True)
class Manifest:
    code: str
    optional: bool
    dependencies: frozenset[str]


@dataclass(frozen=True, order=True)
class Violation:
    file: str
    line: int
    imported: str
    rule: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line} imports {self.imported} ({self.rule})"


def read_manifests(package_root: Path) -> dict[str, Manifest]:
    """Each feature folder's manifest, keyed by folder name, read from ``module.py`` as syntax."""
    manifests: dict[str, Manifest] = {}
    for path in sorted(package_root.glob("*/module.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not (isinstance(node, ast.Call) and _called_name(node) == "ModuleManifest"):
                continue
            keywords = {k.arg: k.value for k in node.keywords if k.arg}
            code = _literal(keywords.get("code"), path.parent.name)
            optional = bool(_literal(keywords.get("optional"), False))
            declared = _literal(keywords.get("dependencies"), ())
            dependencies = (
                frozenset(str(d) for d in declared) if isinstance(declared, tuple | list) else frozenset()
            )
            manifests[path.parent.name] = Manifest(str(code), optional, dependencies)
    return manifests


def find_violations(package_root: Path, default_optional: frozenset[str] = frozenset()) -> list[Violation]:
    """Every import under ``package_root`` (the ``orion`` folder) that breaks the rule.

    A folder named in ``default_optional`` that has no manifest (yet) counts as optional.
    """
    package = package_root.name
    manifests = read_manifests(package_root)
    for folder in default_optional:
        if folder not in manifests and (package_root / folder).is_dir():
            manifests[folder] = Manifest(folder, optional=True, dependencies=frozenset())
    optional = {folder: m for folder, m in manifests.items() if m.optional}
    code_to_folder = {m.code: folder for folder, m in manifests.items()}
    violations: list[Violation] = []
    seen: set[tuple[str, int, str]] = set()

    def report(file: str, line: int, imported: str, rule: str) -> None:
        if (file, line, rule) not in seen:  # ``from orion.orders import a, b`` is one violation
            seen.add((file, line, rule))
            violations.append(Violation(file, line, imported, rule))

    for path in sorted(package_root.rglob("*.py")):
        relative = path.relative_to(package_root.parent)
        module_parts = list(relative.with_suffix("").parts)
        if module_parts[-1] == "__init__":
            module_parts.pop()
            is_package = True
        else:
            is_package = False
        importer_feature = module_parts[1] if len(module_parts) > 1 else None
        for line, imported in _imports(path, module_parts, is_package):
            top = imported.split(".")[0]
            if top in FORBIDDEN_TOP_LEVEL:
                report(str(relative), line, imported, f"{package} never imports {top}")
                continue
            parts = imported.split(".")
            if top != package or len(parts) < 2 or parts[1] not in optional:
                continue
            target = parts[1]
            if importer_feature == target:
                continue
            if importer_feature not in optional:
                rule = f"core {importer_feature or package} never imports optional {target}"
                report(str(relative), line, imported, rule)
                continue
            declared = {code_to_folder.get(code, code) for code in optional[importer_feature].dependencies}
            if target not in declared:
                rule = f"optional {importer_feature} imports {target} without declaring it a dependency"
                report(str(relative), line, imported, rule)
    return sorted(violations)


def _imports(path: Path, module_parts: list[str], is_package: bool) -> Iterator[tuple[int, str]]:
    """``(line, absolute module name)`` of every import statement in the file, relative ones resolved.

    ``from orion import orders`` yields ``orion.orders`` so importing a feature by name is seen too.
    """
    tree = ast.parse(path.read_text(), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module_parts if is_package else module_parts[:-1]
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            yield node.lineno, module
            for alias in node.names:
                if alias.name != "*":
                    yield node.lineno, f"{module}.{alias.name}"
        elif isinstance(node, ast.Call) and _called_name(node) == "import_module" and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                yield node.lineno, first.value


def _called_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _literal(node: ast.expr | None, default: object) -> object:
    if node is None:
        return default
    try:
        return ast.literal_eval(node)
    except ValueError:
        return default
