"""Tenancy use cases: resolving requests, creating platforms, merchants, stores and domains."""

from __future__ import annotations

from datetime import UTC, datetime

from orion import runtime
from orion.errors import Invalid
from orion.ids import new_id
from orion.metrics.service import adjust_totals
from orion.settings import get_settings
from orion.tenancy.directory import TenantDirectory
from orion.tenancy.hosts import normalize_host
from orion.tenancy.models import Merchant, Platform, Store, StoreDomain, StoreStatus, Tenant, Tier
from orion.tenancy.repository import TenancyRepository
from orion.tenancy.resolver import RESERVED_STORE_CODES


@runtime.singleton
def tenant_directory() -> TenantDirectory:
    """The container's tenant directory (cache shared by every invocation)."""
    settings = get_settings()
    return TenantDirectory(
        runtime.repository(TenancyRepository),
        ttl=settings.tenant_cache_ttl_seconds,
        dev_path_mode=settings.dev_path_mode,
    )


def create_platform(platform: Platform) -> Platform:
    """Create or update a platform and claim its domains."""
    domains = tuple(canonical_host(d) for d in platform.domains)
    platform = platform.model_copy(update={"domains": domains})
    runtime.repository(TenancyRepository).put_platform(platform)
    return platform


def create_merchant(platform: str, name: str, contact_email: str | None = None) -> Merchant:
    merchant = Merchant(id=new_id(), platform=platform, name=name, contact_email=contact_email)
    runtime.repository(TenancyRepository).put_merchant(merchant)
    adjust_totals(Tenant(platform), {"merchants": 1})
    return merchant


def create_store(
    platform: str,
    code: str,
    name: str,
    merchant_id: str,
    *,
    tier: Tier = Tier.ESSENTIAL,
    languages: tuple[str, ...] = ("en",),
    default_language: str | None = None,
    currency: str = "EUR",
    contact_email: str | None = None,
    status: StoreStatus = StoreStatus.ACTIVE,
) -> Store:
    """Create a store on a platform; its code becomes its subdomain, so reserved names are refused."""
    if code in RESERVED_STORE_CODES:
        raise Invalid(f"the store code {code!r} is reserved")
    repository = runtime.repository(TenancyRepository)
    if repository.get_platform(platform) is None:
        raise Invalid(f"unknown platform {platform!r}")
    default_language = default_language or languages[0]
    if default_language not in languages:
        raise Invalid("the default language must be one of the store's languages")
    store = Store(
        platform=platform,
        code=code,
        name=name,
        merchant_id=merchant_id,
        tier=tier,
        status=status,
        languages=languages,
        default_language=default_language,
        currency=currency,
        contact_email=contact_email,
        created_at=datetime.now(UTC),
    )
    repository.create_store(store)
    counts = {"stores": 1, "stores_suspended": 0 if store.is_active else 1}
    adjust_totals(Tenant(platform), counts)
    return store


def add_store_domain(
    platform: str,
    store: str,
    host: str,
    *,
    verified: bool = False,
    token: str | None = None,
    stale_claims_before: datetime | None = None,
    claimed_at: datetime | None = None,
) -> StoreDomain:
    """Claim a custom domain for a store; it serves shoppers once verified. A pending claim by
    another store made before ``stale_claims_before`` is replaced rather than a conflict."""
    domain = StoreDomain(
        host=canonical_host(host),
        platform=platform,
        store=store,
        verified=verified,
        verification_token=token,
        created_at=claimed_at or datetime.now(UTC),
    )
    runtime.repository(TenancyRepository).put_store_domain(domain, stale_claims_before=stale_claims_before)
    return domain


def canonical_host(host: str) -> str:
    canonical = normalize_host(host)
    if canonical is None or ":" in canonical:
        raise Invalid(f"{host!r} is not a valid host name")
    if canonical.count(".") < 1:
        raise Invalid(f"{host!r} is not a fully qualified host name")
    return canonical
