"""``/api/v1/admin/platform``: the platform this API host belongs to, and changing it (audit-logged)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from functions.admin_api.access import Admin, audit_admin
from orion.errors import FieldError, Invalid
from orion.modules.registry import missing_dependencies, optional_module_codes
from orion.tenancy import platforms
from orion.tenancy.models import LANGUAGES, Platform, Tier
from orion.tenant import CODE_PATTERN

router = APIRouter(prefix="/admin", tags=["admin"])

Language = Literal["en", "fr", "de", "lb"]  # orion.tenancy.models.LANGUAGES


class PlatformOut(BaseModel):
    code: str
    name: str
    domains: list[str]
    enabled_modules: list[str]
    default_theme: str
    default_language: str
    languages: list[str]
    default_tier: Tier

    @classmethod
    def of(cls, platform: Platform) -> PlatformOut:
        return cls(
            code=platform.code,
            name=platform.name,
            domains=list(platform.domains),
            enabled_modules=sorted(platform.enabled_modules),
            default_theme=platform.default_theme,
            default_language=platform.default_language,
            languages=list(platform.languages),
            default_tier=platform.default_tier,
        )


class PlatformChange(BaseModel):
    name: Annotated[str | None, Field(min_length=1, max_length=120)] = None
    domains: Annotated[list[str] | None, Field(min_length=1, max_length=20)] = None
    enabled_modules: Annotated[list[str] | None, Field(max_length=50)] = None
    default_theme: Annotated[str | None, Field(pattern=CODE_PATTERN.pattern)] = None
    languages: Annotated[
        list[Language] | None,
        Field(min_length=1, max_length=len(LANGUAGES), description="The site's languages, the default first"),
    ] = None
    default_tier: Annotated[Tier | None, Field(description="The tier a store opened without one gets")] = None


@router.get("/platform", summary="The platform this API host belongs to")
def get_platform(admin: Admin) -> PlatformOut:
    return PlatformOut.of(platforms.get_platform(admin.tenant))


@router.patch(
    "/platform",
    summary="Change the platform's name, domains, optional modules, default theme, languages or default tier",
)
def change_platform(request: Request, admin: Admin, change: PlatformChange) -> PlatformOut:
    if change.enabled_modules is not None:
        lacking = missing_dependencies(frozenset(change.enabled_modules))
        if lacking:
            raise Invalid(
                "Some modules need others switched on too.",
                errors=[
                    FieldError("enabled_modules", f"{m} needs {', '.join(d)}") for m, d in lacking.items()
                ],
            )
    platform = platforms.update_platform(
        admin.tenant,
        name=change.name,
        domains=change.domains,
        enabled_modules=change.enabled_modules,
        default_theme=change.default_theme,
        languages=change.languages,
        default_tier=change.default_tier.value if change.default_tier else None,
        known_optional_modules=optional_module_codes(),
    )
    audit_admin(
        request, admin, "platform.update", platform.code, details=change.model_dump(exclude_none=True)
    )
    return PlatformOut.of(platform)
