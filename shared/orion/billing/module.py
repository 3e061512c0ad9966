"""Manifest of the billing module (optional): declared so platforms can plan for it; no routes yet."""

from orion.modules.manifest import ModuleManifest

MANIFEST = ModuleManifest(code="billing", name="Billing", optional=True, dependencies=("payments",))
