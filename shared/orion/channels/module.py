"""Manifest of the channels module (optional): publishing a store's products to other destinations."""

from orion.modules.manifest import MenuEntry, ModuleManifest, Permission, Role, ScheduledTask, at_least

MANIFEST = ModuleManifest(
    code="channels",
    name="Channels",
    optional=True,
    permissions=(
        Permission(
            "channels.view", "see the store's integrations and publishing records", at_least(Role.VIEWER)
        ),
        Permission(
            "channels.manage",
            "add, change and remove integrations (credentials included) and publish to them",
            at_least(Role.MANAGER),
        ),
    ),
    # The console's pages (functions/console/pages/channels.py).
    menu=(MenuEntry("Channels", "/channels", "channels.view"),),
    # The staff API (a product's records, /api/v1/products/{id}/channels, are served with the catalogue)
    # and the destinations' webhooks on store hosts (/channels/shopify/webhook).
    routes=("/api/v1/channels", "/channels"),
    scheduled_tasks=(
        ScheduledTask(
            name="channels.pull",
            run="orion.channels.tasks:pull_all",
            schedule="rate(15 minutes)",
            description="Two-way sync: bring destinations' edits back into the stores (sync_enabled)",
        ),
        ScheduledTask(
            name="channels.retry_failed",
            run="orion.channels.tasks:retry_failed",
            schedule="rate(10 minutes)",
            description="Send again to the channel worker records failed for now or outdated, untouched "
            "for ORION_CHANNEL_RECOVER_AFTER_SECONDS; give up after ORION_CHANNEL_GIVE_UP_ATTEMPTS",
        ),
    ),
)
