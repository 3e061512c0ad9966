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
from orion.tenancy.models import LANGUAGES, Platform, Tier
from orion.tenancy.repository import TenancyRepository
from orion.tenant import Tenant, is_valid_code

NAME_MAX = 120


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
    languages: Iterable[str] | None = None,
    default_tier: str | None = None,
    known_optional_modules: frozenset[str] = frozenset(),
) -> Platform:
    """Change a platform's name, domains, enabled optional modules, default theme, languages (the
    first is its default language) or default tier (what a store opened without one gets).

    Only optional modules can be switched (``known_optional_modules``; core ones are always on).
    Domains dropped from the list stop serving the platform; new ones must be free. Every field is
    checked before anything is written: an invalid one changes nothing.
    """
    current = get_platform(tenant)
    changes: dict[str, object] = {}
    problems: list[FieldError] = []
    if name is not None:
        name = name.strip()
        if not 1 <= len(name) <= NAME_MAX:
            problems.append(FieldError("name", f"Choose between 1 and {NAME_MAX} characters."))
        changes["name"] = name
    if default_theme is not None:
        if not is_valid_code(default_theme):
            problems.append(FieldError("default_theme", "Use 2 to 40 lowercase letters, digits and hyphens."))
        changes["default_theme"] = default_theme
    if languages is not None:
        chosen = tuple(dict.fromkeys(languages))
        unknown = [lang for lang in chosen if lang not in LANGUAGES]
        if not chosen:
            problems.append(FieldError("languages", "Choose at least 1."))
        elif unknown:
            problems.append(FieldError("languages", f"not a language of the platform: {', '.join(unknown)}"))
        else:
            changes["languages"], changes["default_language"] = chosen, chosen[0]
    if default_tier is not None:
        if default_tier not in {tier.value for tier in Tier}:
            problems.append(FieldError("default_tier", f"not a tier: {default_tier}"))
        else:
            changes["default_tier"] = Tier(default_tier)
    if problems:
        raise Invalid("Please correct the fields marked.", errors=problems)
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
