"""The console's audit records: the same ``orion.audit`` entries, with the same action names, as the
staff API writes for the same change."""

from __future__ import annotations

from typing import Any

from functions.console.web import Console
from orion.ids import new_id


def record(console: Console, action: str, target: str, details: dict[str, Any] | None = None) -> None:
    """Append the write the signed-in member just made to the store's audit log."""
    from orion.audit import service as audit  # writes only: reads never load it at cold start

    event: dict[str, Any] = console.request.scope.get("aws.event") or {}
    found = (event.get("requestContext") or {}).get("requestId")
    audit.record(
        console.resolved.tenant,
        actor=console.access.user_id,
        action=action,
        target=target,
        request_id=str(found) if found else new_id(),
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
    from orion.audit import service as audit
    from orion.tenant import Tenant

    event: dict[str, Any] = console.request.scope.get("aws.event") or {}
    found = (event.get("requestContext") or {}).get("requestId")
    platform = console.resolved.tenant.platform
    audit.record(
        Tenant(platform, store) if store else Tenant(platform),
        actor=f"admin:{console.access.user_id}",
        action=action,
        target=target,
        request_id=str(found) if found else new_id(),
        details=details,
    )
