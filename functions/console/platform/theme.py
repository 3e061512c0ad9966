"""The platform console's store look defaults ``/admin/theme``: the logo, favicon, colours, font, home
layout and footer links every store of the platform inherits field by field until it sets its own (and
the platform's own site uses), previewed on the platform's home page before they are saved, as
``PUT /api/v1/admin/theme/settings`` saves them (audit ``platform.theme``)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from functions.console import theme_form
from functions.console.auditing import record_admin
from functions.console.web import Console, Posted, SignedIn
from orion.rendering.theme_settings import ThemeSettings
from orion.tenancy import theme_settings
from orion.tenancy.theme_settings import ThemeView

router = APIRouter()


def _languages(console: Console) -> list[str]:
    """Every language a store may offer: the defaults' translations serve the stores that speak it."""
    from orion.tenancy.models import LANGUAGES

    return [lang for lang in LANGUAGES if lang != console.resolved.platform.default_language]


def _page(
    console: Console,
    view: ThemeView,
    values: dict[str, object],
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    preview: str | None = None,
) -> HTMLResponse:
    return theme_form.render_page(
        console,
        "platform/theme.html",
        view,
        values,
        _languages(console),
        can_inherit_links=False,
        status=status,
        errors=errors,
        preview=preview,
    )


@router.get("/admin/theme")
def show(console: SignedIn) -> HTMLResponse:
    console.admin()
    view = theme_settings.platform_theme(console.access.tenant)
    return _page(console, view, theme_form.values_of(view.settings, _languages(console)))


@router.post("/admin/theme")
def save(console: Posted) -> Response:
    """Preview (``action=preview``: the platform's home page with the form's defaults) or save."""
    console.admin()
    tenant = console.access.tenant
    raw = theme_form.parse(console.form, _languages(console), can_inherit_links=False)
    values: dict[str, object] = {**console.form.as_dict()}
    try:
        settings = ThemeSettings.model_validate(raw)
    except ValidationError as exc:
        errors = theme_form.errors_of(console, exc, raw)
        return _page(console, theme_settings.platform_theme(tenant), values, status=422, errors=errors)
    if console.form.get("action") == "preview":
        from orion.storefront.shop import shop_pages

        view = theme_settings.preview_platform_theme(tenant, settings)
        return _page(console, view, values, preview=shop_pages().preview_look(console.resolved, view.look))
    view = theme_settings.save_platform_theme(tenant, settings)
    fields = ",".join(sorted(view.settings.model_dump(exclude_none=True))) or "none"
    record_admin(console, "platform.theme", tenant.platform, details={"fields": fields})
    return console.redirect("/admin/theme", console._("The store look defaults are saved."))


@router.post("/admin/theme/reset")
def reset(console: Posted) -> Response:
    console.admin()
    tenant = console.access.tenant
    theme_settings.save_platform_theme(tenant, ThemeSettings())
    record_admin(console, "platform.theme.reset", tenant.platform)
    return console.redirect("/admin/theme", console._("The stores inherit the default theme's look again."))
