"""Platforms: creating one (operators, the demo data), and its admins reading and changing its profile,
domains and optional modules.

A platform admin works on one platform, the one whose API host the request came to, so every use case
but creation takes that platform's tenant first and never reaches another platform's data.
"""

from __future__ import annotations

from collections.abc import Iterable

from orion import runtime
from orion.errors import FieldError, Invalid, NotFound
from orion.tenancy.directory import tenant_directory
from orion.tenancy.domains import canonical_host
from orion.tenancy.models import Platform
from orion.tenancy.repository import TenancyRepository
from orion.tenant import Tenant


def create_platform(platform: Platform) -> Platform:
    """Create or update a platform and claim its domains."""
    domains = tuple(canonical_host(d) for d in platform.domains)
    platform = platform.model_copy(update={"domains": domains})
    runtime.repository(TenancyRepository).put_platform(platform)
    return platform


def list_platforms() -> list[Platform]:
    """Every platform (one Query of the platforms index): the scheduled-task runner visits each."""
    return runtime.repository(TenancyRepository).list_platforms()


def get_platform(tenant: Tenant) -> Platform:
    found = runtime.repository(TenancyRepository).get_platform(tenant.require_platform_only())
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
        canonical = tuple(dict.fromkeys(canonical_host(d) for d in domains))
        if not canonical:
            raise Invalid(errors=[FieldError("domains", "a platform needs at least one domain")])
        changes["domains"] = canonical
        dropped = [d for d in current.domains if d not in canonical]
    updated = Platform.model_validate({**current.model_dump(), **changes})
    repository = runtime.repository(TenancyRepository)
    repository.put_platform(updated)
    repository.release_platform_domains(updated.code, dropped)
    tenant_directory().forget()
    return updated
