"""Manifest of the customers module: shopper accounts, and the staff permissions over them."""

from orion.modules.manifest import MenuEntry, ModuleManifest, Permission, Role, at_least

MANIFEST = ModuleManifest(
    code="customers",
    name="Customers",
    optional=True,
    dependencies=("orders",),  # an account lists its orders and fills in the checkout
    permissions=(
        # Orders already show their buyer's name and address to viewers; an account adds nothing more
        # sensitive than that, so reading follows orders.view. Exporting and erasing are for managers.
        Permission(
            "customers.view", "see shopper accounts, their addresses and orders", at_least(Role.VIEWER)
        ),
        Permission(
            "customers.manage", "export a shopper's data and erase their account", at_least(Role.MANAGER)
        ),
    ),
    menu=(MenuEntry("Customers", "/customers", "customers.view"),),
    # Shopper account pages on store hosts, and the staff customers API.
    routes=("/account", "/api/v1/customers"),
)
