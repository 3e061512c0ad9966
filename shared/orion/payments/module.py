"""Manifest of the payments module: card payment through each store's own Stripe account."""

from orion.modules.manifest import MenuEntry, ModuleManifest, Permission, Role, ScheduledTask, at_least

MANIFEST = ModuleManifest(
    code="payments",
    name="Payments",
    optional=True,
    dependencies=("orders",),  # it charges orders and moves them to paid or cancelled
    permissions=(
        Permission(
            "payments.manage", "connect and disconnect the store's Stripe account", at_least(Role.MANAGER)
        ),
    ),
    menu=(MenuEntry("Payments", "/settings/payments", "payments.manage"),),
    # Stripe's webhook on store hosts, and the staff payments API.
    routes=("/payments", "/api/v1/payments"),
    scheduled_tasks=(
        ScheduledTask(
            name="payments.cancel_unpaid",
            run="orion.payments.tasks:cancel_unpaid",
            schedule="rate(5 minutes)",
            description="Cancel card orders unpaid after ORION_PAYMENT_TIMEOUT_MINUTES (stock put back)",
        ),
    ),
)
