"""Manifest of the inventory module (optional): declared so platforms can plan for it; no routes yet."""

from orion.modules.manifest import ModuleManifest

MANIFEST = ModuleManifest(code="inventory", name="Inventory", optional=True)
