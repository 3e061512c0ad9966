"""Manifest of the media module: uploaded images (the staff API's ``/api/v1/media``)."""

from orion.modules.manifest import ModuleManifest, Permission, Role, at_least

MANIFEST = ModuleManifest(
    code="media",
    name="Media",
    optional=True,
    permissions=(
        Permission("media.view", "see the store's uploaded images", at_least(Role.VIEWER)),
        Permission("media.manage", "upload images (to add them to products)", at_least(Role.EDITOR)),
    ),
    routes=("/api/v1/media",),
)
