"""Feature modules: each declares a manifest (permissions, menu entries) in its ``module.py``; the
registry discovers them, so no central file lists what the features own."""

from orion.modules.manifest import MenuEntry, ModuleManifest, Permission, Role, at_least
from orion.modules.registry import (
    all_permissions,
    discover_modules,
    module_of_permission,
    permissions_of_role,
)

__all__ = [
    "MenuEntry",
    "ModuleManifest",
    "Permission",
    "Role",
    "all_permissions",
    "at_least",
    "discover_modules",
    "module_of_permission",
    "permissions_of_role",
]
