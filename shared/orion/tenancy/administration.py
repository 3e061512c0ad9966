"""Platform administration: a platform's own profile and modules, its merchants and stores.

A platform admin works on one platform, the one whose API host the request came to, so every use
case takes that platform's tenant first and never reaches another platform's data.
"""

from __future__ import annotations

from collections.abc import Iterable

from orion import runtime
from orion.errors import FieldError, Invalid, NotFound
from orion.metrics.service import adjust_totals
from orion.tenancy import service
from orion.tenancy.models import Merchant, Platform, Store, StoreStatus, Tenant, Tier, is_valid_code
from orion.tenancy.repository import TenancyRepository


def _platform_code(tenant: Tenant) -> str:
    if tenant.store is not None:
        raise ValueError("platform administration takes a platform tenant")
    return tenant.platform


def get_platform(tenant: Tenant) -> Platform:
    found = runtime.repository(TenancyRepository).get_platform(_platform_code(tenant))
    if found is None:
        raise NotFound("Unknown platform.")
    return found


def update_platform(
    tenant: Tenant,
    *,
    name: str | None = None,
    domains: Iterable[str] | None = None,
    enabled_modules: Iterable[str] | None = None,
    default_theme: str | None = None,
    known_optional_modules: frozenset[str] = frozenset(),
) -> Platform:
    """Change a platform's name, domains, enabled optional modules or default theme.

    Only optional modules can be switched (``known_optional_modules``; core ones are always on).
    Domains dropped from the list stop serving the platform; new ones must be free.
    """
    current = get_platform(tenant)
    changes: dict[str, object] = {}
    if name is not None:
        changes["name"] = name
    if default_theme is not None:
        changes["default_theme"] = default_theme
    if enabled_modules is not None:
        wanted = frozenset(enabled_modules)
        unknown = sorted(wanted - known_optional_modules)
        if unknown:
            raise Invalid(
                errors=[FieldError("enabled_modules", f"not optional modules: {', '.join(unknown)}")]
            )
        changes["enabled_modules"] = wanted
    dropped: list[str] = []
    if domains is not None:
        canonical = tuple(dict.fromkeys(service.canonical_host(d) for d in domains))
        if not canonical:
            raise Invalid(errors=[FieldError("domains", "a platform needs at least one domain")])
        changes["domains"] = canonical
        dropped = [d for d in current.domains if d not in canonical]
    updated = Platform.model_validate({**current.model_dump(), **changes})
    repository = runtime.repository(TenancyRepository)
    repository.put_platform(updated)
    repository.release_platform_domains(updated.code, dropped)
    service.tenant_directory().forget()
    return updated


# --- merchants -----------------------------------------------------------------------------------------


def list_merchants(tenant: Tenant) -> list[Merchant]:
    return runtime.repository(TenancyRepository).list_merchants(_platform_code(tenant))


def get_merchant(tenant: Tenant, merchant_id: str) -> Merchant:
    found = runtime.repository(TenancyRepository).get_merchant(_platform_code(tenant), merchant_id)
    if found is None:
        raise NotFound(f"No merchant {merchant_id} on this platform.")
    return found


def create_merchant(tenant: Tenant, name: str, contact_email: str | None = None) -> Merchant:
    return service.create_merchant(_platform_code(tenant), name, contact_email)


# --- stores --------------------------------------------------------------------------------------------


def list_stores(tenant: Tenant) -> list[Store]:
    return runtime.repository(TenancyRepository).list_stores(_platform_code(tenant))


def get_store(tenant: Tenant, code: str) -> Store:
    found = (
        runtime.repository(TenancyRepository).get_store(_platform_code(tenant), code)
        if is_valid_code(code)
        else None
    )
    if found is None:
        raise NotFound(f"No store {code!r} on this platform.")
    return found


def create_store(
    tenant: Tenant,
    code: str,
    name: str,
    merchant_id: str,
    *,
    tier: Tier = Tier.ESSENTIAL,
    languages: tuple[str, ...] = ("en",),
    currency: str = "EUR",
    contact_email: str | None = None,
) -> Store:
    """Open a store for one of the platform's merchants; its code becomes its subdomain."""
    get_merchant(tenant, merchant_id)
    return service.create_store(
        _platform_code(tenant),
        code,
        name,
        merchant_id,
        tier=tier,
        languages=languages,
        currency=currency,
        contact_email=contact_email,
    )


def suspend_store(tenant: Tenant, code: str) -> Store:
    """Take a store offline: its hosts answer 404 (within the tenant cache's TTL elsewhere)."""
    return _change_store(tenant, code, status=StoreStatus.SUSPENDED)


def resume_store(tenant: Tenant, code: str) -> Store:
    return _change_store(tenant, code, status=StoreStatus.ACTIVE)


def change_tier(tenant: Tenant, code: str, tier: Tier) -> Store:
    """Move a store to another plan; its limits change at once (a downgrade keeps what exists but
    blocks new creations beyond the lower allowance)."""
    return _change_store(tenant, code, tier=tier)


def transfer_store(tenant: Tenant, code: str, merchant_id: str) -> Store:
    """Hand a store to another merchant of the same platform."""
    get_merchant(tenant, merchant_id)
    return _change_store(tenant, code, merchant_id=merchant_id)


def _change_store(tenant: Tenant, code: str, **changes: object) -> Store:
    store = get_store(tenant, code)
    updated = store.model_copy(update=changes)
    if updated == store:
        return store
    runtime.repository(TenancyRepository).update_store(updated)
    if "status" in changes and updated.status is not store.status:
        delta = 1 if updated.status is StoreStatus.SUSPENDED else -1
        adjust_totals(tenant, {"stores_suspended": delta})
    service.tenant_directory().forget()
    return updated
