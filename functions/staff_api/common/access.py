"""FastAPI dependencies: the request's tenant from its viewer host, the bearer token's principal, and a
member's access to the store for one permission. Reused by every staff router (imports too)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from functions.common import edge
from functions.common.asgi import request_id
from orion.errors import NotFound, Unauthorized
from orion.identity import access as identity
from orion.identity.models import Principal, StaffAccess
from orion.modules.registry import route_enabled
from orion.tenancy.models import ResolvedTenant
from orion.tenant import Tenant


def request_tenant(request: Request) -> ResolvedTenant:
    """The platform (and store) the request is for, from its viewer host exactly as for shoppers
    (404 if none); resolved once per request."""
    cached = getattr(request.state, "tenant", None)
    if isinstance(cached, ResolvedTenant):
        return cached
    resolved = edge.resolve_tenant(request.headers, request.url.path)
    if resolved is None:
        raise NotFound("No store or platform is served on this host.")
    request.state.tenant = resolved
    return resolved


Tenancy = Annotated[ResolvedTenant, Depends(request_tenant)]


def module_route_gate(request: Request) -> None:
    """Every route of an optional module switched off on this host's platform answers 404, from the
    route -> module mapping of the manifests (installed once per app, not per route)."""
    resolved = request_tenant(request)
    if not route_enabled(request.url.path, resolved.platform.enabled_modules):
        raise NotFound("This feature is not enabled on this platform.")


_bearer = HTTPBearer(auto_error=False, description="the access token from POST /api/v1/auth/login")
# FastAPI analyses a route's dependency tree when the route is declared, once per route: the guards
# below take the request and the bearer credentials only (and resolve the tenant and principal
# themselves, cached on the request), which keeps declaring a router's routes cheap at cold start.
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def _principal(
    request: Request, resolved: ResolvedTenant, credentials: HTTPAuthorizationCredentials | None
) -> Principal:
    cached = getattr(request.state, "principal", None)
    if isinstance(cached, Principal):
        return cached
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise Unauthorized("Sign in and send the access token as 'Authorization: Bearer <token>'.")
    principal = identity.authenticate(resolved.tenant, credentials.credentials)
    request.state.principal = principal
    return principal


def current_principal(request: Request, credentials: Credentials) -> Principal:
    """The signed-in staff user; the token must be for this host's platform (else 401)."""
    return _principal(request, request_tenant(request), credentials)


Authenticated = Annotated[Principal, Depends(current_principal)]


def require(permission: str) -> Callable[..., StaffAccess]:
    """A dependency giving the caller's :class:`StaffAccess` to the host's store if their role there
    grants ``permission``: 404 off a served host, 401 without a valid token for this platform, 403
    without the membership or the permission, 404 if the permission's module is off on this platform."""

    def dependency(request: Request, credentials: Credentials) -> StaffAccess:
        resolved = request_tenant(request)
        principal = _principal(request, resolved, credentials)
        access = identity.authorize(
            resolved.tenant, principal, permission, enabled_modules=resolved.platform.enabled_modules
        )
        request.state.access = access
        return access

    dependency.__name__ = f"require_{permission.replace('.', '_')}"
    dependency.permission = permission  # type: ignore[attr-defined]  # read by route_permission()
    return dependency


def route_permission(route: Any) -> str | None:
    """The permission a FastAPI route requires through :func:`require` (None for open routes)."""
    dependant = getattr(route, "dependant", None)
    pending = list(dependant.dependencies) if dependant is not None else []
    while pending:
        dependant = pending.pop()
        permission = getattr(dependant.call, "permission", None)
        if isinstance(permission, str):
            return permission
        pending.extend(dependant.dependencies)
    return None


def member(request: Request, credentials: Credentials) -> StaffAccess:
    """The caller's :class:`StaffAccess` to the host's store, whatever their role (401/403/404 as
    :func:`require`); for views that adapt to the member's permissions (menu, dashboard)."""
    resolved = request_tenant(request)
    principal = _principal(request, resolved, credentials)
    access = identity.member_access(
        resolved.tenant, principal, enabled_modules=resolved.platform.enabled_modules
    )
    request.state.access = access
    return access


Member = Annotated[StaffAccess, Depends(member)]


def record_audit(
    request: Request, access: StaffAccess, action: str, target: str, details: dict[str, Any] | None = None
) -> None:
    """Append the write just done by ``access``'s member to the store's audit log."""
    record_audit_as(request, access.tenant, access.user_id, action=action, target=target, details=details)


def record_audit_as(
    request: Request,
    tenant: Tenant,
    actor: str,
    *,
    action: str,
    target: str,
    details: dict[str, Any] | None = None,
) -> None:
    """Append a write to ``tenant``'s audit log on behalf of ``actor`` (e.g. an invitee accepting)."""
    from orion.audit import service as audit  # writes only: reads never load it at cold start

    audit.record(
        tenant, actor=actor, action=action, target=target, request_id=request_id(request), details=details
    )


def public_url(request: Request, path: str) -> str:
    """``path`` on the host the caller used (links in e-mails point back to the same store host)."""
    return f"{edge.viewer_scheme(request.headers)}://{edge.viewer_host(request.headers) or ''}{path}"
