"""The manifest a feature module declares: its code, whether it is optional, its permissions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

_PERMISSION = re.compile(r"^[a-z][a-z_]*\.[a-z][a-z_]*$")


class Role(StrEnum):
    """Staff roles in a store, most powerful first (seed 002)."""

    OWNER = "owner"
    MANAGER = "manager"
    EDITOR = "editor"
    VIEWER = "viewer"

    @property
    def rank(self) -> int:
        """Higher is more powerful; a member may only grant or manage roles up to their own rank."""
        return {Role.OWNER: 4, Role.MANAGER: 3, Role.EDITOR: 2, Role.VIEWER: 1}[self]


ALL_ROLES = frozenset(Role)


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

    def is_enabled(self, enabled_modules: frozenset[str]) -> bool:
        return not self.optional or self.code in enabled_modules


def at_least(role: Role) -> frozenset[Role]:
    """The roles at least as powerful as ``role`` (the usual shape of a default permission set)."""
    return frozenset(r for r in Role if r.rank >= role.rank)
