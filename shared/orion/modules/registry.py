"""Discover module manifests: every ``orion/<feature>/module.py`` defining ``MANIFEST``.

Discovery reads the package folders rather than a list, so adding a feature (or an optional module)
is adding its folder; the core never names optional modules.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import orion
from orion.modules.manifest import MenuEntry, ModuleManifest, Permission, Role


@cache
def discover_modules() -> tuple[ModuleManifest, ...]:
    """Every manifest under the ``orion`` package, sorted by code; codes and permissions are unique."""
    manifests: list[ModuleManifest] = []
    for root in orion.__path__:
        for path in sorted(Path(root).glob("*/module.py")):
            loaded = importlib.import_module(f"orion.{path.parent.name}.module")
            manifest = getattr(loaded, "MANIFEST", None)
            if not isinstance(manifest, ModuleManifest):
                raise TypeError(f"orion.{path.parent.name}.module must define MANIFEST = ModuleManifest(...)")
            manifests.append(manifest)
    manifests.sort(key=lambda m: m.code)
    _check_unique(manifests)
    return tuple(manifests)


def _check_unique(manifests: list[ModuleManifest]) -> None:
    codes = [m.code for m in manifests]
    if len(codes) != len(set(codes)):
        raise ValueError(f"module codes declared twice: {sorted(c for c in codes if codes.count(c) > 1)}")
    permissions = [p.code for m in manifests for p in m.permissions]
    if len(permissions) != len(set(permissions)):
        duplicated = sorted({p for p in permissions if permissions.count(p) > 1})
        raise ValueError(f"permissions declared by two modules: {duplicated}")
    tasks = [t.name for m in manifests for t in m.scheduled_tasks]
    if len(tasks) != len(set(tasks)):
        raise ValueError(
            f"scheduled tasks declared twice: {sorted({t for t in tasks if tasks.count(t) > 1})}"
        )


def all_permissions() -> tuple[Permission, ...]:
    """Every permission of every module (enabled or not)."""
    return tuple(p for m in discover_modules() for p in m.permissions)


@cache
def module_of_permission(permission: str) -> ModuleManifest:
    """The module that declares ``permission``; an undeclared permission is a programming error."""
    for manifest in discover_modules():
        if any(p.code == permission for p in manifest.permissions):
            return manifest
    raise KeyError(f"no module declares the permission {permission!r}")


def permissions_of_role(role: Role, enabled_modules: frozenset[str]) -> frozenset[str]:
    """What ``role`` may do on a platform with ``enabled_modules`` switched on."""
    return frozenset(
        p.code for m in running_modules(enabled_modules) for p in m.permissions if role in p.roles
    )


# --- enablement per platform ---------------------------------------------------------------------------


def optional_module_codes() -> frozenset[str]:
    """The modules a platform may switch on or off."""
    return frozenset(m.code for m in discover_modules() if m.optional)


def running_modules(enabled: frozenset[str]) -> tuple[ModuleManifest, ...]:
    """The modules that run on a platform whose enabled optional modules are ``enabled``: every core
    module, and each optional one that is switched on and whose dependencies run too."""
    by_code = {m.code: m for m in discover_modules()}
    running = {code for code, m in by_code.items() if m.is_enabled(enabled)}
    changed = True
    while changed:  # a module whose dependency is off is off too (to a fixpoint)
        changed = False
        for code in sorted(running):
            if any(dep not in running for dep in by_code[code].dependencies):
                running.discard(code)
                changed = True
    return tuple(m for m in discover_modules() if m.code in running)


def missing_dependencies(enabled: frozenset[str]) -> dict[str, list[str]]:
    """For each switched-on optional module, the optional modules it needs that are switched off."""
    by_code = {m.code: m for m in discover_modules()}
    missing: dict[str, list[str]] = {}
    for code in sorted(enabled):
        manifest = by_code.get(code)
        if manifest is None:
            continue
        lacking = [d for d in manifest.dependencies if d in by_code and not by_code[d].is_enabled(enabled)]
        if lacking:
            missing[code] = lacking
    return missing


def module_serving(path: str) -> ModuleManifest | None:
    """The module whose routes include ``path`` (the longest matching prefix wins), if any."""
    best: tuple[int, ModuleManifest] | None = None
    for manifest in discover_modules():
        for prefix in manifest.routes:
            if (path == prefix or path.startswith(prefix + "/")) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), manifest)
    return best[1] if best else None


def route_enabled(path: str, enabled: frozenset[str]) -> bool:
    """Whether ``path`` may be served on a platform with ``enabled`` optional modules."""
    manifest = module_serving(path)
    return manifest is None or manifest in running_modules(enabled)


def menu_for(enabled: frozenset[str], permissions: frozenset[str]) -> list[tuple[ModuleManifest, MenuEntry]]:
    """The staff menu entries a member with ``permissions`` sees on a platform (module order)."""
    return [
        (manifest, entry)
        for manifest in running_modules(enabled)
        for entry in manifest.menu
        if entry.permission in permissions
    ]


@dataclass(frozen=True)
class ModuleSwitch:
    """What switching one optional module on or off would do on a platform, worked out before it
    happens: the enabled set afterwards, the modules that start or stop running (a module whose
    dependency stops stops too), and what blocks the switch (switching on: the switched-off modules it
    needs; switching off: the switched-on modules that need it)."""

    module: ModuleManifest
    on: bool
    enabled_before: frozenset[str]
    enabled_after: frozenset[str]
    starts: tuple[ModuleManifest, ...]
    stops: tuple[ModuleManifest, ...]
    blocked_by: tuple[str, ...]

    @property
    def changes(self) -> bool:
        return self.enabled_before != self.enabled_after

    @property
    def allowed(self) -> bool:
        return self.changes and not self.blocked_by


def plan_switch(enabled: frozenset[str], code: str, *, on: bool) -> ModuleSwitch:
    """The effects of switching optional module ``code`` on (``on``) or off on a platform whose
    switched-on optional modules are ``enabled``; NotFound for a module that is not optional."""
    from orion.errors import NotFound

    by_code = {m.code: m for m in discover_modules()}
    module = by_code.get(code)
    if module is None or not module.optional:
        raise NotFound("There is no such optional module.")
    after = enabled | {code} if on else enabled - {code}
    running_before = {m.code for m in running_modules(enabled)}
    running_after = {m.code for m in running_modules(after)}
    lacking = missing_dependencies(after)
    if on:
        blocked = tuple(lacking.get(code, ()))
    else:
        blocked = tuple(sorted(m for m, needs in lacking.items() if code in needs))
    return ModuleSwitch(
        module=module,
        on=on,
        enabled_before=enabled,
        enabled_after=frozenset(after),
        starts=tuple(by_code[c] for c in sorted(running_after - running_before)),
        stops=tuple(by_code[c] for c in sorted(running_before - running_after)),
        blocked_by=blocked,
    )
