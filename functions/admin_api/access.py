"""Who may use the admin API: a signed-in platform admin, on the platform's API host only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request

from functions.common.asgi import request_id
from functions.staff_api.common.access import Authenticated, Tenancy
from orion.audit import service as audit
from orion.errors import NotFound
from orion.identity import access as identity
from orion.identity.models import User
from orion.tenancy.models import HostKind, ResolvedTenant
from orion.tenant import Tenant


@dataclass(frozen=True)
class AdminAccess:
    """A platform admin acting on their platform (``tenant`` has no store)."""

    tenant: Tenant
    user: User
    resolved: ResolvedTenant


def platform_admin(request: Request, resolved: Tenancy, principal: Authenticated) -> AdminAccess:
    """404 off the API host (the admin API does not exist on shops), 401 without a valid token for
    this platform, 403 for anyone who is not a platform admin of it."""
    if resolved.host_kind is not HostKind.API:
        raise NotFound("The admin API is served on api.<platform domain>.")
    user = identity.authorize_platform_admin(resolved.tenant, principal)
    return AdminAccess(tenant=Tenant(resolved.tenant.platform), user=user, resolved=resolved)


Admin = Annotated[AdminAccess, Depends(platform_admin)]


def audit_admin(
    request: Request,
    admin: AdminAccess,
    action: str,
    target: str,
    *,
    store: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Record a platform admin's write in the store's log (or the platform's), like every staff write."""
    tenant = Tenant(admin.tenant.platform, store) if store else admin.tenant
    audit.record(
        tenant,
        actor=f"admin:{admin.user.id}",
        action=action,
        target=target,
        request_id=request_id(request),
        details=details,
    )
