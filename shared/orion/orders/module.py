"""Manifest of the orders module: the permissions it owns and the roles that hold them by default."""

from orion.modules.manifest import DashboardWidget, MenuEntry, ModuleManifest, Permission, Role, at_least

MANIFEST = ModuleManifest(
    code="orders",
    name="Orders",
    optional=True,
    permissions=(
        Permission("orders.view", "see orders and their history", at_least(Role.VIEWER)),
        Permission("orders.edit", "move orders through their states and add notes", at_least(Role.EDITOR)),
        Permission("orders.create", "create orders on behalf of customers", at_least(Role.MANAGER)),
        # Money goes back to the shopper (by Stripe for card orders): managers and owners only.
        Permission("orders.refund", "refund all or part of a paid order", at_least(Role.MANAGER)),
    ),
    menu=(MenuEntry("Orders", "/orders", "orders.view"),),
    # Shopper cart, checkout and order status pages, and the staff orders API.
    routes=("/cart", "/checkout", "/orders", "/api/v1/orders"),
    metrics_provider="orion.orders.metrics:provider",
    metrics_permission="orders.view",
    widgets=(DashboardWidget("sales", "Sales", ("orders", "revenue")),),
)
