"""Manifest of the channels module (optional): publishing a store's products to other destinations."""

from orion.modules.manifest import ModuleManifest, Permission, Role, ScheduledTask, at_least

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
    # The staff API; a product's records (/api/v1/products/{id}/channels) are served with the catalogue.
    routes=("/api/v1/channels",),
    scheduled_tasks=(
        ScheduledTask(
            name="channels.retry_failed",
            run="orion.channels.tasks:retry_failed",
            schedule="rate(10 minutes)",
            description="Send again to the channel worker records failed for now or outdated, untouched "
            "for ORION_CHANNEL_RECOVER_AFTER_SECONDS; give up after ORION_CHANNEL_GIVE_UP_ATTEMPTS",
        ),
    ),
)
