"""The console's audit records: the same ``orion.audit`` entries, with the same action names and actors,
as the staff API and the admin API write for the same change."""

from __future__ import annotations

from typing import Any

from functions.common.asgi import request_id
from functions.console.web import Console
from orion.tenant import Tenant


def record_in(
    console: Console,
    tenant: Tenant,
    actor: str,
    *,
    action: str,
    target: str,
    details: dict[str, Any] | None = None,
) -> None:
    """Append a write to ``tenant``'s audit log by ``actor``, with the request's id."""
    from orion.audit import service as audit  # writes only: reads never load it at cold start

    audit.record(
        tenant,
        actor=actor,
        action=action,
        target=target,
        request_id=request_id(console.request),
        details=details,
    )


def record(console: Console, action: str, target: str, details: dict[str, Any] | None = None) -> None:
    """Append the write the signed-in member just made to the store's audit log."""
    record_in(
        console,
        console.resolved.tenant,
        console.access.user_id,
        action=action,
        target=target,
        details=details,
    )


def record_admin(
    console: Console,
    action: str,
    target: str,
    details: dict[str, Any] | None = None,
    *,
    store: str | None = None,
) -> None:
    """A platform admin's write from the platform console, recorded as the admin API's ``audit_admin``
    does: in the store's log (or the platform's), by ``admin:<user id>``."""
    platform = console.resolved.tenant.platform
    tenant = Tenant(platform, store) if store else Tenant(platform)
    record_in(
        console, tenant, f"admin:{console.access.user_id}", action=action, target=target, details=details
    )
