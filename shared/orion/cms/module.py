"""Manifest of the content module: the permissions it owns and the roles that hold them by default."""

from orion.modules.manifest import MenuEntry, ModuleManifest, Permission, Role, at_least

MANIFEST = ModuleManifest(
    code="cms",
    name="Content",
    permissions=(
        Permission("pages.view", "see the store's content pages", at_least(Role.VIEWER)),
        Permission("pages.edit", "create, edit and delete content pages", at_least(Role.EDITOR)),
        Permission("theme.edit", "upload and preview theme templates", at_least(Role.MANAGER)),
    ),
    menu=(MenuEntry("Pages", "/pages", "pages.view"), MenuEntry("Theme", "/theme", "theme.edit")),
)
