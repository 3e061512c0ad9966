"""Manifest of the audit log module: the permissions it owns and the roles that hold them by default."""

from orion.modules.manifest import MenuEntry, ModuleManifest, Permission, Role, at_least

MANIFEST = ModuleManifest(
    code="audit",
    name="Audit log",
    permissions=(Permission("audit.view", "read the store's audit log", at_least(Role.MANAGER)),),
    menu=(MenuEntry("Audit log", "/audit", "audit.view"),),
)
