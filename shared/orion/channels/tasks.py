"""The channels module's scheduled task: two-way sync's pull of every integration that has it on."""

from __future__ import annotations

from datetime import datetime

from orion import runtime
from orion.channels import sync
from orion.channels.repository import ChannelRepository
from orion.errors import OrionError
from orion.observability import logger
from orion.tenancy.stores import list_stores
from orion.tenant import Tenant


def pull_all(platform: Tenant, now: datetime) -> int:
    """Pull, in each store of the platform, every active integration with ``sync_enabled`` (one Query
    of a store's integrations, never a Scan). One store's or destination's failure never stops the
    others: it ends on its integration (``sync_status`` failed, the reason in ``last_error``). How many
    items had edits brought back."""
    applied = 0
    for store in list_stores(platform):
        tenant = Tenant(platform.platform, store.code)
        for integration in runtime.repository(ChannelRepository).all(tenant):
            if not (integration.is_active and integration.sync_enabled):
                continue
            try:
                applied += sync.pull(tenant, integration.id).applied
            except OrionError as exc:  # e.g. switched off between the read and the pull
                logger.info("channel pull skipped", extra={"integration": integration.id, "reason": str(exc)})
    return applied
