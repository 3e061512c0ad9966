"""Resolve a request's tenant with a short in-memory cache in front of the table."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from orion import runtime
from orion.cache import MISSING, TtlCache
from orion.rendering.theme_settings import Look, resolve
from orion.settings import get_settings
from orion.tenancy.models import DomainRecord, Platform, ResolvedTenant, Store
from orion.tenancy.repository import TenancyRepository
from orion.tenancy.resolver import resolve_tenant
from orion.tenant import Tenant

Profiles = tuple[Platform | None, Store | None, Look]


class TenantDirectory:
    """Host -> tenant for the request path: at most one BatchGetItem for domains and one for profiles
    (with their theme settings), and none at all while the cache is warm. Suspensions and new domains
    show within ``ttl`` seconds."""

    def __init__(
        self,
        repository: TenancyRepository,
        ttl: float,
        *,
        dev_path_mode: bool = False,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self._repository = repository
        self._dev_path_mode = dev_path_mode
        extra = {"clock": clock} if clock else {}
        self._domains: TtlCache[str, DomainRecord | None] = TtlCache(ttl, max_entries=4096, **extra)
        self._profiles: TtlCache[Tenant, Profiles] = TtlCache(ttl, max_entries=4096, **extra)

    def resolve(self, host: str | None, path: str | None) -> ResolvedTenant | None:
        """The tenant to serve, or ``None`` for unknown hosts, unverified domains and suspended stores."""
        resolution = resolve_tenant(host, path, self._lookup_domains, dev_path_mode=self._dev_path_mode)
        if resolution is None:
            return None
        platform, store, look = self._load_profiles(resolution.tenant)
        if platform is None:
            return None
        if resolution.tenant.store is not None and (store is None or not store.is_active):
            return None
        return ResolvedTenant(
            tenant=resolution.tenant,
            host_kind=resolution.host_kind,
            path=resolution.path,
            platform=platform,
            store=store,
            base_path=resolution.base_path,
            look=look,
        )

    def forget(self) -> None:
        """Drop everything cached (after an admin change that must show at once)."""
        self._domains.clear()
        self._profiles.clear()

    def _lookup_domains(self, hosts: Sequence[str]) -> Mapping[str, DomainRecord]:
        known: dict[str, DomainRecord] = {}
        missing: list[str] = []
        for host in hosts:
            cached = self._domains.lookup(host)
            if cached is MISSING:
                missing.append(host)
            elif isinstance(cached, DomainRecord):
                known[host] = cached
        if missing:
            fetched = self._repository.lookup_domains(missing)
            for host in missing:
                record = fetched.get(host)
                self._domains.put(host, record)  # cache misses too: unknown hosts are the cheap case
                if record is not None:
                    known[host] = record
        return known

    def _load_profiles(self, tenant: Tenant) -> Profiles:
        cached = self._profiles.lookup(tenant)
        if cached is not MISSING:
            return cached  # type: ignore[return-value]
        loaded = self._repository.load_profiles(tenant.platform, tenant.store)
        # The store's settings over the platform's defaults, merged once per load rather than per page.
        profiles = (loaded.platform, loaded.store, resolve(loaded.store_theme, loaded.platform_theme))
        self._profiles.put(tenant, profiles)
        return profiles


@runtime.singleton
def tenant_directory() -> TenantDirectory:
    """The container's tenant directory (cache shared by every invocation)."""
    settings = get_settings()
    return TenantDirectory(
        runtime.repository(TenancyRepository),
        ttl=settings.tenant_cache_ttl_seconds,
        dev_path_mode=settings.dev_path_mode,
    )
