"""Manifest of the imports module: the permissions it owns and the roles that hold them by default."""

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
    code="imports",
    name="Imports",
    optional=True,
    permissions=(
        Permission(
            "imports.view", "see import jobs, their reports and staged products", at_least(Role.VIEWER)
        ),
        Permission(
            "imports.run",
            "upload files, start imports and publish staged products",
            at_least(Role.MANAGER),
        ),
        Permission("imports.configure", "configure import sources", at_least(Role.OWNER)),
    ),
    menu=(MenuEntry("Imports", "/imports", "imports.view"),),
    routes=("/api/v1/imports",),
    metrics_provider="orion.imports.metrics:provider",
    metrics_permission="imports.view",
    widgets=(DashboardWidget("imports", "Imports", ("imports",)),),
    scheduled_tasks=(
        ScheduledTask(
            "imports.fail_stuck_jobs",
            "orion.imports.tasks:fail_stuck_jobs",
            "rate(15 minutes)",
            "end import jobs left PENDING or RUNNING past their deadline as FAILED",
        ),
        ScheduledTask(
            "imports.run_due_sources",
            "orion.imports.sources.service:run_due_sources",
            "rate(5 minutes)",
            "queue a run of each saved import source whose next run is due",
        ),
    ),
)
