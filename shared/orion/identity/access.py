"""What every staff request needs from identity: the signing keys, the token's principal, and the
member's (or platform admin's) access.

Kept apart from orion.identity.service (sign-in, team, invitations: argon2, the outbox, tier seats)
so a staff function that only checks tokens imports only this at cold start.
"""

from __future__ import annotations

from orion import runtime
from orion.data.clients import aws_client
from orion.errors import Forbidden, NotFound, Unauthorized
from orion.identity import tokens
from orion.identity.models import Membership, Principal, StaffAccess, User
from orion.identity.repository import IdentityRepository
from orion.modules.registry import module_of_permission, permissions_of_role
from orion.settings import get_settings
from orion.tenant import Tenant


@runtime.singleton
def signing_keys() -> tokens.CachedKeySource:
    """The container's signing-key source: the Secrets Manager secret, cached (rotation-ready)."""
    settings = get_settings()

    def load() -> str:
        secret = aws_client("secretsmanager").get_secret_value(SecretId=settings.jwt_secret_name)
        return str(secret["SecretString"])

    return tokens.CachedKeySource(load, ttl=settings.jwt_keys_cache_seconds)


def authenticate(tenant: Tenant, access_token: str) -> Principal:
    """Who ``access_token`` is for; it must have been issued for ``tenant``'s platform (else 401)."""
    verified = tokens.verify_access_token(
        signing_keys(), access_token, audience=tenant.platform, issuer=get_settings().jwt_issuer
    )
    return Principal(
        user_id=verified.user_id,
        platform=verified.platform,
        token_id=verified.token_id,
        token_version=verified.token_version,
    )


STALE_TOKEN = "The access token is no longer valid; sign in again."


def ensure_current(user: User | None, principal: Principal) -> User:
    """The token's user, if it may still act: a locked user, or a token older than the user's last
    lock or password reset (a lower ``ver``), is 401 on the very next request."""
    if user is None or not user.active or user.token_version != principal.token_version:
        raise Unauthorized(STALE_TOKEN)
    return user


def _store_access(tenant: Tenant, principal: Principal) -> Membership:
    """The caller's membership in ``tenant``'s store, read together with their user (one
    BatchGetItem): 401 for another platform's or a stale token, 403 without a membership."""
    if tenant.store is None:
        raise NotFound("This endpoint is served on a store's own host.")
    if principal.platform != tenant.platform:
        raise Unauthorized("The access token is not valid for this platform.")
    user, membership = runtime.repository(IdentityRepository).get_user_and_membership(
        tenant.platform, tenant.store, principal.user_id
    )
    ensure_current(user, principal)
    if membership is None:
        raise Forbidden("You are not a member of this store.")
    return membership


def authorize(
    tenant: Tenant, principal: Principal, permission: str, *, enabled_modules: frozenset[str]
) -> StaffAccess:
    """The caller's access to ``tenant``'s store if their role there grants ``permission``.

    A permission of a module the platform has switched off does not exist there (404); no membership
    in this store, or a role without the permission, is 403.
    """
    if not module_of_permission(permission).is_enabled(enabled_modules):
        raise NotFound("This feature is not enabled on this platform.")
    membership = _store_access(tenant, principal)
    granted = permissions_of_role(membership.role, enabled_modules)
    if permission not in granted:
        raise Forbidden(f"Your role ({membership.role.value}) does not allow {permission}.")
    return StaffAccess(tenant=tenant, principal=principal, role=membership.role, permissions=granted)


def member_access(tenant: Tenant, principal: Principal, *, enabled_modules: frozenset[str]) -> StaffAccess:
    """The caller's access to ``tenant``'s store, whatever their role (the menu, the dashboard): 404
    off a store host, 401 for another platform's or a stale token, 403 without a membership."""
    membership = _store_access(tenant, principal)
    granted = permissions_of_role(membership.role, enabled_modules)
    return StaffAccess(tenant=tenant, principal=principal, role=membership.role, permissions=granted)


def authorize_platform_admin(tenant: Tenant, principal: Principal) -> User:
    """The caller, if they are an active platform admin of ``tenant``'s platform (403 otherwise).

    Checked against the stored user on every call, so a lock, a password reset or a revoked admin
    flag applies at once.
    """
    if principal.platform != tenant.platform:
        raise Unauthorized("The access token is not valid for this platform.")
    user = ensure_current(
        runtime.repository(IdentityRepository).get_user(tenant.platform, principal.user_id), principal
    )
    if not user.platform_admin:
        raise Forbidden("Only platform admins may do this.")
    return user
