"""Manifest of the analytics module: the permissions it owns and the roles that hold them by default."""

from orion.modules.manifest import MenuEntry, ModuleManifest, Permission, Role, at_least

MANIFEST = ModuleManifest(
    code="analytics",
    name="Analytics",
    optional=True,
    dependencies=("orders",),  # its figures are about sales
    permissions=(Permission("analytics.view", "see sales and traffic figures", at_least(Role.MANAGER)),),
    menu=(MenuEntry("Analytics", "/analytics", "analytics.view"),),
    routes=("/api/v1/analytics",),
)
