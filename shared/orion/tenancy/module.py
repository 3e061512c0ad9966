"""Manifest of the tenancy module: store settings and custom domains."""

from orion.modules.manifest import MenuEntry, ModuleManifest, Permission, Role, at_least

MANIFEST = ModuleManifest(
    code="tenancy",
    name="Store settings",
    permissions=(
        Permission("settings.view", "see the store's settings and custom domains", at_least(Role.MANAGER)),
        Permission("settings.edit", "change the store's settings and custom domains", at_least(Role.OWNER)),
    ),
    menu=(MenuEntry("Settings", "/settings", "settings.view"),),
)
