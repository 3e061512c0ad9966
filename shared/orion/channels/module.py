"""Manifest of the channels module (optional): declared so platforms can plan for it; no routes yet."""

from orion.modules.manifest import ModuleManifest

MANIFEST = ModuleManifest(code="channels", name="Channels", optional=True)
