"""Manifest of the tenancy module: store settings and custom domains."""

from orion.modules.manifest import (
    DashboardWidget,
    MenuEntry,
    ModuleManifest,
    Permission,
    Role,
    ScheduledTask,
    at_least,
)

MANIFEST = ModuleManifest(
    code="tenancy",
    name="Store settings",
    permissions=(
        Permission("settings.view", "see the store's settings and custom domains", at_least(Role.MANAGER)),
        Permission("settings.edit", "change the store's settings and custom domains", at_least(Role.OWNER)),
    ),
    menu=(MenuEntry("Settings", "/settings", "settings.view"),),
    metrics_provider="orion.tenancy.metrics:provider",
    widgets=(DashboardWidget("stores", "Stores and merchants", ("stores", "merchants")),),
    scheduled_tasks=(
        ScheduledTask(
            "tenancy.verify_domains",
            "orion.tenancy.tasks:verify_domains",
            "rate(15 minutes)",
            "verify custom domains that serve their verification token",
        ),
    ),
)
