"""The manifest a feature module declares: its code, whether it is optional, its dependencies,
permissions, staff menu entries, routes, metrics provider, dashboard widgets and scheduled tasks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

_PERMISSION = re.compile(r"^[a-z][a-z_]*\.[a-z][a-z_]*$")


class Role(StrEnum):
    """Staff roles in a store, most powerful first (docs/staff-api.md, Roles and permissions)."""

    OWNER = "owner"
    MANAGER = "manager"
    EDITOR = "editor"
    VIEWER = "viewer"

    @property
    def rank(self) -> int:
        """Higher is more powerful; a member may only grant or manage roles up to their own rank."""
        return {Role.OWNER: 4, Role.MANAGER: 3, Role.EDITOR: 2, Role.VIEWER: 1}[self]


@dataclass(frozen=True)
class Permission:
    """One permission a module owns, e.g. ``products.edit``, and the roles that hold it by default."""

    code: str
    description: str
    roles: frozenset[Role]

    def __post_init__(self) -> None:
        if not _PERMISSION.fullmatch(self.code):
            raise ValueError(f"permission {self.code!r} must look like 'area.action'")


@dataclass(frozen=True)
class MenuEntry:
    """An entry of the staff console's menu, shown to members holding ``permission``."""

    label: str
    path: str
    permission: str


_ROUTE = re.compile(r"^/[a-z0-9/_-]*[a-z0-9_-]$")
_IMPORT_PATH = re.compile(r"^orion\.[a-z_.]+:[a-z_][a-z0-9_]*$")
_SCHEDULE = re.compile(r"^(rate|cron)\(.+\)$")


@dataclass(frozen=True)
class DashboardWidget:
    """A group of figures on the store dashboard (or the platform's), by metric key."""

    key: str
    title: str
    metrics: tuple[str, ...]


@dataclass(frozen=True)
class ScheduledTask:
    """Work a module needs done on a schedule, per platform where the module is enabled.

    ``run`` names ``function(tenant, now) -> int`` as ``"orion.<feature>.tasks:function"``; it is
    imported only when it runs. ``schedule`` is an EventBridge Scheduler expression.
    """

    name: str
    run: str
    schedule: str
    description: str

    def __post_init__(self) -> None:
        if not _IMPORT_PATH.fullmatch(self.run):
            raise ValueError(f"task {self.name!r}: run must look like 'orion.feature.tasks:function'")
        if not _SCHEDULE.fullmatch(self.schedule):
            raise ValueError(f"task {self.name!r}: schedule must be rate(...) or cron(...)")


@dataclass(frozen=True)
class ModuleManifest:
    """What a feature module contributes. Optional modules can be switched off per platform; then
    their permissions and menu entries vanish and their routes answer 404."""

    code: str
    name: str
    optional: bool = False
    # Other optional modules this one imports (the dependency rule allows exactly these).
    dependencies: tuple[str, ...] = ()
    permissions: tuple[Permission, ...] = ()
    menu: tuple[MenuEntry, ...] = field(default_factory=tuple)
    # Path prefixes this module serves, on store hosts (shopper pages) and in the APIs; while the
    # module is off on a platform they answer 404 there (checked once, in the adapters).
    routes: tuple[str, ...] = ()
    # "orion.<feature>.metrics:provider", imported only where the module is enabled.
    metrics_provider: str | None = None
    # Members see this module's figures on the dashboard only with this permission.
    metrics_permission: str | None = None
    widgets: tuple[DashboardWidget, ...] = ()
    scheduled_tasks: tuple[ScheduledTask, ...] = ()

    def __post_init__(self) -> None:
        for route in self.routes:
            if not _ROUTE.fullmatch(route):
                raise ValueError(
                    f"module {self.code!r}: route prefix {route!r} must look like '/api/v1/orders'"
                )
        if self.metrics_provider is not None and not _IMPORT_PATH.fullmatch(self.metrics_provider):
            raise ValueError(
                f"module {self.code!r}: metrics_provider must look like 'orion.x.metrics:provider'"
            )

    def is_enabled(self, enabled_modules: frozenset[str]) -> bool:
        return not self.optional or self.code in enabled_modules


def at_least(role: Role) -> frozenset[Role]:
    """The roles at least as powerful as ``role`` (the usual shape of a default permission set)."""
    return frozenset(r for r in Role if r.rank >= role.rank)
