"""The platform console's settings ``/admin/settings``: the platform's name, languages (the first is
the default), default tier and default theme, saved as ``PATCH /api/v1/admin/platform`` saves them
(``orion.tenancy.platforms.update_platform``, audit ``platform.update``)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from functions.console.auditing import record_admin
from functions.console.web import Console, Posted, SignedIn, field_errors
from orion.errors import FieldError, Invalid
from orion.tenancy import platforms
from orion.tenancy.models import LANGUAGES, Platform, Tier
from orion.tenancy.tiers import PLANS

router = APIRouter()

LANGUAGE_NAMES = {"en": "English", "fr": "Français", "de": "Deutsch", "lb": "Lëtzebuergesch"}


def _page(
    console: Console, platform: Platform, values: dict[str, object], status: int = 200, **extra: object
) -> HTMLResponse:
    return console.render(
        "platform/settings.html",
        status,
        platform_now=platform,
        languages=[(code, LANGUAGE_NAMES.get(code, code)) for code in LANGUAGES],
        tiers=[(tier.value, PLANS[tier].name) for tier in Tier],
        values=values,
        **extra,
    )


@router.get("/admin/settings")
def settings(console: SignedIn) -> HTMLResponse:
    console.admin()
    platform = platforms.get_platform(console.access.tenant)
    values: dict[str, object] = {
        "name": platform.name,
        "default_language": platform.default_language,
        "languages": list(platform.languages),
        "default_tier": platform.default_tier.value,
        "default_theme": platform.default_theme,
    }
    return _page(console, platform, values)


@router.post("/admin/settings")
def save(console: Posted) -> Response:
    """Fields ``name``, ``default_language`` (one of ``languages``), ``languages`` (checkboxes),
    ``default_tier``, ``default_theme``."""
    console.admin()
    form = console.form
    default_language = form.get("default_language")
    chosen = form.all("languages")
    ordered = [default_language, *[lang for lang in chosen if lang != default_language]]
    values: dict[str, object] = {
        "name": form.get("name"),
        "default_language": default_language,
        "languages": chosen,
        "default_tier": form.get("default_tier"),
        "default_theme": form.get("default_theme").strip(),
    }
    try:
        if default_language not in LANGUAGES:
            raise Invalid(errors=[FieldError("default_language", "Choose a language from the list.")])
        platform = platforms.update_platform(
            console.access.tenant,
            name=str(values["name"]),
            languages=ordered,
            default_tier=str(values["default_tier"]),
            default_theme=str(values["default_theme"]),
        )
    except Invalid as error:
        current = platforms.get_platform(console.access.tenant)
        return _page(
            console,
            current,
            values,
            422,
            errors=field_errors(error),
            message=console._("Please correct the fields marked below."),
        )
    record_admin(
        console,
        "platform.update",
        platform.code,
        details={
            "name": platform.name,
            "languages": list(platform.languages),
            "default_tier": platform.default_tier.value,
            "default_theme": platform.default_theme,
        },
    )
    return console.redirect("/admin/settings", console._("The platform settings are saved."))
