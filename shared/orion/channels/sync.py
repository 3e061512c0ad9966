"""Two-way sync: remote edits of the fields the destination owns brought back into Orion.

PLACEHOLDER (channels Shopify branch): only the signature the Shopify webhook calls
(orion.channels.webhooks); the real function comes with the two-way sync service, which replaces this
file."""

from __future__ import annotations

from orion.channels.destination import RemoteChange
from orion.tenant import Tenant


def apply_remote_changes(tenant: Tenant, integration_id: str, changes: list[RemoteChange]) -> object:
    """Bring the changes of the integration's destination back into the store's items."""
    raise NotImplementedError("two-way sync is not built yet")
