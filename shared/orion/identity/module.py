"""Manifest of the identity module: team permissions and the roles that hold them by default."""

from orion.modules.manifest import MenuEntry, ModuleManifest, Permission, Role, at_least

MANIFEST = ModuleManifest(
    code="identity",
    name="Team",
    permissions=(
        Permission(
            "team.view", "see the members and pending invitations of the store", at_least(Role.MANAGER)
        ),
        Permission(
            "team.invite", "invite people to the store (up to their own role)", at_least(Role.MANAGER)
        ),
        Permission("team.manage", "change the role of members", at_least(Role.OWNER)),
        Permission("team.remove", "remove members from the store", at_least(Role.OWNER)),
    ),
    menu=(MenuEntry("Team", "/team", "team.view"),),
)
