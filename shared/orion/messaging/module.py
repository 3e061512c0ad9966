"""Manifest of the messaging module (optional): declared so platforms can plan for it; no routes yet."""

from orion.modules.manifest import ModuleManifest

MANIFEST = ModuleManifest(code="messaging", name="Messaging", optional=True)
