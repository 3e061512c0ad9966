"""Discover module manifests: every ``orion/<feature>/module.py`` defining ``MANIFEST``.

Discovery reads the package folders rather than a list, so adding a feature (or an optional module)
is adding its folder; the core never names optional modules.
"""

from __future__ import annotations

import importlib
from functools import cache
from pathlib import Path

import orion
from orion.modules.manifest import ModuleManifest, Permission, Role


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
        p.code
        for m in discover_modules()
        if m.is_enabled(enabled_modules)
        for p in m.permissions
        if role in p.roles
    )
