"""The dependency rule of docs/architecture.md (The dependency rule), checked on source code (AST,
nothing imported):

- a core package of ``orion`` (tenancy, identity, audit, cms, catalog, outbox and the infrastructure
  packages data, settings, observability, errors, modules, ...) never imports an optional module;
- an optional module imports another optional module only if its manifest declares it a dependency;
- ``orion`` never imports ``functions`` or ``infra``;
- the kernel of ``orion`` (:data:`KERNEL`) never imports a feature package;
- nothing deployed (the CDK, ``functions``, ``orion``) imports the local cloud (``infra/local``);
- no import cycle joins two packages or two files of ``orion``, ``functions``, ``infra`` and ``layers``.
- a feature (a folder with a manifest) is imported from outside only through its public modules: those
  directly in its folder, except its table layout and data access (``repository``, ``items``), and
  no name starting with ``_`` (:func:`find_private_imports`).

Optional modules are classified from their manifests (``orion/<feature>/module.py`` declaring
``ModuleManifest(..., optional=True, dependencies=(...))``), read as syntax, so the rule also holds for
a package tree that was never imported (the test fixtures).
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterable, Iterator, Mapping
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


# A feature's modules that hold its table layout and its data access: private to the feature.
PRIVATE_MODULES = frozenset({"repository", "items"})


def find_private_imports(package_root: Path) -> list[Violation]:
    """Every import under ``package_root`` (the ``orion`` folder) of another feature's private parts:
    a module below its folder's top level (``orion.catalog.stock.changes``), a ``repository`` or
    ``items`` module, or a module or name starting with ``_``.

    Features are the folders with a manifest. Whether a dotted name is a module or a name inside one is
    read from the tree (a ``.py`` file or a folder), so ``from orion.catalog import stock_api`` and
    ``from orion.catalog.stock_api import StockChanges`` are told apart.
    """
    package = package_root.name
    features = set(read_manifests(package_root))
    violations: list[Violation] = []
    seen: set[tuple[str, int]] = set()
    for path in sorted(package_root.rglob("*.py")):
        relative = path.relative_to(package_root.parent)
        module_parts = list(relative.with_suffix("").parts)
        is_package = module_parts[-1] == "__init__"
        if is_package:
            module_parts.pop()
        importer = module_parts[1] if len(module_parts) > 1 else None
        for line, imported in _imports(path, module_parts, is_package):
            parts = imported.split(".")
            if parts[0] != package or len(parts) < 2 or parts[1] not in features or parts[1] == importer:
                continue
            module, names = _split_module(package_root, parts[1:])
            within = module[1:]  # the module's path inside the feature's folder
            private = (
                len(within) > 1
                or any(part in PRIVATE_MODULES or part.startswith("_") for part in within)
                or any(name.startswith("_") for name in names)
            )
            if private and (str(relative), line) not in seen:
                seen.add((str(relative), line))
                rule = f"{importer or package} may import {parts[1]} only through its public modules"
                violations.append(Violation(str(relative), line, imported, rule))
    return sorted(violations)


def _split_module(package_root: Path, parts: list[str]) -> tuple[list[str], list[str]]:
    """``(module, names)``: the longest leading part of ``parts`` (below ``package_root``) that is a
    module or a package folder in the tree, and the names imported from it."""
    for end in range(len(parts), 0, -1):
        base = package_root.joinpath(*parts[:end])
        if base.with_suffix(".py").is_file() or base.is_dir():
            return parts[:end], parts[end:]
    return parts[:1], parts[1:]


def _from_module(node: ast.ImportFrom, module_parts: list[str], is_package: bool) -> str:
    """The absolute module a ``from ... import`` statement reads from, a relative one resolved against
    the importing file's own module (its package, for an ``__init__.py``)."""
    if not node.level:
        return node.module or ""
    base = module_parts if is_package else module_parts[:-1]
    base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
    return ".".join([*base, *([node.module] if node.module else [])])


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
            module = _from_module(node, module_parts, is_package)
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


# Layers and cycles (docs/architecture.md, The dependency rule): the same syntax read as an import graph
# of whole trees (``orion``, ``functions``, ``infra``, ``layers``). Each rule is a function of its own so it
# reads, and fails, on its own.

# The bottom layer of ``orion``: the cross-cutting packages every feature may use and that never import a
# feature. Every other package of ``orion`` is a feature (core or optional).
KERNEL = frozenset(
    {
        "cache",
        "data",
        "errors",
        "ids",
        "metrics",
        "modules",
        "money",
        "net",
        "numbers",
        "observability",
        "rendering",
        "runtime",
        "settings",
        "tenant",
    }
)


@dataclass(frozen=True)
class Boundary:
    """Modules under any of ``importers`` never import a module under any of ``forbidden``."""

    importers: tuple[str, ...]
    forbidden: tuple[str, ...]
    rule: str


# The local cloud (``infra/local``) runs the wiring table on moto for `make run` and the tests: nothing
# that is deployed may depend on it.
LOCAL_CLOUD_BOUNDARIES = (
    Boundary(
        ("infra.app", "infra.config", "infra.stacks", "layers"),
        ("infra.local",),
        "the CDK never imports the local cloud",
    ),
    Boundary(("functions",), ("infra.local",), "functions never import the local cloud"),
    Boundary(("orion",), ("infra.local",), "orion never imports the local cloud"),
)


@dataclass(frozen=True, order=True)
class Import:
    """One module of the scanned trees importing another, and where it says so."""

    importer: str
    imported: str
    file: str
    line: int


def module_files(trees: Iterable[Path]) -> dict[str, Path]:
    """Every module under the package folders ``trees`` by dotted name (a folder's name is its package)."""
    modules: dict[str, Path] = {}
    for tree in trees:
        for path in sorted(tree.rglob("*.py")):
            parts = list(path.relative_to(tree.parent).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def import_graph(trees: Iterable[Path]) -> list[Import]:
    """Each import between modules of ``trees``, resolved to the module it loads.

    Every import counts: at module level, under ``if TYPE_CHECKING:``, inside a function (moving an
    import into a function defers it, the dependency stays) and ``importlib.import_module("...")`` with
    a literal name. ``from orion.tenancy import models`` loads ``orion.tenancy.models``; ``from
    orion.tenancy import Tenant`` loads ``orion.tenancy`` (its ``__init__``). Imports of anything
    outside ``trees`` (the standard library, third parties) are left out.
    """
    trees = list(trees)
    modules = module_files(trees)
    imports: set[Import] = set()
    for module, path in modules.items():
        tree = next(t for t in trees if path.is_relative_to(t))
        file = str(path.relative_to(tree.parent))
        is_package = path.name == "__init__.py"
        for line, name in _imported_names(path, module.split("."), is_package):
            target = _longest_known_prefix(name, modules)
            if target is not None and target != module:
                imports.add(Import(module, target, file, line))
    return sorted(imports)


def find_file_cycles(trees: Iterable[Path]) -> list[Violation]:
    """An import cycle between files of ``trees``, one per tangle of files that import each other,
    with the path round it."""
    where: dict[tuple[str, str], Import] = {}
    for edge in reversed(import_graph(trees)):  # the first import of a module in a file stands for it
        where[(edge.importer, edge.imported)] = edge
    return _cycle_violations(where, "import cycle")


def find_package_cycles(trees: Iterable[Path]) -> list[Violation]:
    """An import cycle between packages (``orion.cms``, ``orion.money``, ``infra.stacks``,
    ``functions.common``, ...) of ``trees``, with one import per step of the path round it."""
    where: dict[tuple[str, str], Import] = {}
    for edge in reversed(import_graph(trees)):
        importer, imported = _package_of(edge.importer), _package_of(edge.imported)
        if importer is not None and imported is not None and importer != imported:
            where[(importer, imported)] = edge
    return _cycle_violations(where, "package cycle")


def find_kernel_violations(package_root: Path, kernel: frozenset[str] = KERNEL) -> list[Violation]:
    """Every import of a feature package of ``orion`` (``package_root``) by a kernel package."""
    violations = []
    for edge in import_graph([package_root]):
        importer, imported = _package_of(edge.importer), _package_of(edge.imported)
        if importer is None or imported is None or importer == imported:
            continue
        importer_name, imported_name = importer.split(".")[1], imported.split(".")[1]
        if importer_name in kernel and imported_name not in kernel:
            rule = f"kernel {importer_name} never imports feature {imported_name}"
            violations.append(Violation(edge.file, edge.line, edge.imported, rule))
    return sorted(violations)


def find_boundary_violations(
    trees: Iterable[Path], boundaries: Iterable[Boundary] = LOCAL_CLOUD_BOUNDARIES
) -> list[Violation]:
    """Every import that crosses one of ``boundaries``."""
    edges = import_graph(trees)
    return sorted(
        Violation(edge.file, edge.line, edge.imported, boundary.rule)
        for boundary in boundaries
        for edge in edges
        if _within(edge.importer, boundary.importers) and _within(edge.imported, boundary.forbidden)
    )


def _imported_names(path: Path, module_parts: list[str], is_package: bool) -> Iterator[tuple[int, str]]:
    """``(line, name)`` per name an import binds: ``from a.b import c`` gives ``a.b.c``, which is the
    module ``a.b.c`` if there is one, else a name defined in ``a.b``."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            module = _from_module(node, module_parts, is_package)
            for alias in node.names:
                yield node.lineno, module if alias.name == "*" else f"{module}.{alias.name}"
        elif isinstance(node, ast.Call) and _called_name(node) == "import_module" and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                yield node.lineno, first.value


def _longest_known_prefix(name: str, modules: Mapping[str, Path]) -> str | None:
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            return candidate
    return None


def _package_of(module: str) -> str | None:
    """``orion.cms.theme`` -> ``orion.cms``, ``orion.money`` -> itself; a tree's own ``__init__`` is in
    no package."""
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else None


def _within(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes)


def _cycle_violations(where: Mapping[tuple[str, str], Import], kind: str) -> list[Violation]:
    """A violation per cycle of the graph whose edges are ``where``'s keys, at the cycle's first import,
    naming the path and each import along it."""
    violations = []
    for cycle in _cycles(set(where)):
        steps = [where[step] for step in itertools.pairwise(cycle)]
        evidence = ", ".join(f"{step.file}:{step.line}" for step in steps)
        rule = f"{kind} {' -> '.join(cycle)} ({evidence})"
        violations.append(Violation(steps[0].file, steps[0].line, steps[0].imported, rule))
    return sorted(violations)


def _cycles(edges: set[tuple[str, str]]) -> list[list[str]]:
    """One shortest cycle per tangle (strongly connected set of nodes), from its first node round to it."""
    successors: dict[str, list[str]] = {}
    for importer, imported in sorted(edges):
        successors.setdefault(importer, []).append(imported)
        successors.setdefault(imported, [])
    tangles = [tangle for tangle in _strongly_connected(successors) if len(tangle) > 1]
    return sorted(_shortest_cycle(min(tangle), successors, tangle) for tangle in tangles)


def _strongly_connected(successors: Mapping[str, list[str]]) -> list[set[str]]:
    """Tarjan's algorithm, iterative (a long import chain would pass Python's recursion limit)."""
    index: dict[str, int] = {}
    lowest: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []
    for root in sorted(successors):
        if root in index:
            continue
        work = [(root, 0)]  # (node, how many of its successors were visited)
        while work:
            node, visited = work.pop()
            if visited == 0:
                index[node] = lowest[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            if visited < len(successors[node]):
                work.append((node, visited + 1))
                child = successors[node][visited]
                if child not in index:
                    work.append((child, 0))
                elif child in on_stack:
                    lowest[node] = min(lowest[node], index[child])
                continue
            if lowest[node] == index[node]:
                component: set[str] = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                components.append(component)
            if work:  # back in the node that led here
                parent = work[-1][0]
                lowest[parent] = min(lowest[parent], lowest[node])
    return components


def _shortest_cycle(start: str, successors: Mapping[str, list[str]], tangle: set[str]) -> list[str]:
    """Breadth-first from ``start`` through its tangle back to it: ``[start, ..., start]``."""
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for child in successors[node]:
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [*reversed(path), start]
                if child in tangle and child not in came_from:
                    came_from[child] = node
                    following.append(child)
        frontier = following
    raise AssertionError(f"{start} is in a tangle, so a path leads back to it")
