"""``/api/v1/admin/theme/settings``: the platform's theme defaults (logo, favicon, colours, font, home
layout, footer links) that every store inherits field by field until it sets its own, and that the
platform's own site uses; audit-logged. The rules are ``orion.tenancy.theme_settings``'s, as in the
store's ``/api/v1/theme/settings`` and the platform console."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from functions.admin_api.access import Admin, audit_admin
from orion.rendering.theme_settings import Language, ThemeSettings
from orion.tenancy import theme_settings
from orion.tenancy.theme_settings import ThemeSettingsOut

router = APIRouter(prefix="/admin", tags=["admin"])

PREVIEW_HEADERS = {"Cache-Control": "no-store", "Content-Security-Policy": "script-src 'none'"}


@router.get("/theme/settings", summary="The platform's theme defaults for its stores")
def get_theme_defaults(admin: Admin) -> ThemeSettingsOut:
    """``settings`` holds the platform's defaults (null: the default theme's, shown in ``effective``)."""
    return theme_settings.platform_theme(admin.tenant).out()


@router.put(
    "/theme/settings", summary="Replace the platform's theme defaults (null or left out: the default theme's)"
)
def put_theme_defaults(body: ThemeSettings, request: Request, admin: Admin) -> ThemeSettingsOut:
    """The same fields and rules as a store's ``PUT /api/v1/theme/settings`` (422 naming the field).
    A store inherits each field it does not set itself, within a minute."""
    view = theme_settings.save_platform_theme(admin.tenant, body)
    fields = ",".join(sorted(view.settings.model_dump(exclude_none=True))) or "none"
    audit_admin(request, admin, "platform.theme", admin.tenant.platform, details={"fields": fields})
    return view.out()


@router.delete("/theme/settings", summary="Reset the platform's theme defaults to the default theme's")
def reset_theme_defaults(request: Request, admin: Admin) -> ThemeSettingsOut:
    view = theme_settings.save_platform_theme(admin.tenant, ThemeSettings())
    audit_admin(request, admin, "platform.theme.reset", admin.tenant.platform)
    return view.out()


@router.post(
    "/theme/settings/preview",
    response_class=HTMLResponse,
    summary="The platform's home page with theme defaults not saved yet",
)
def preview_theme_defaults(
    body: ThemeSettings,
    admin: Admin,
    lang: Annotated[Language | None, Query(description="the page's language")] = None,
) -> HTMLResponse:
    from orion.storefront.shop import shop_pages

    look = theme_settings.preview_platform_theme(admin.tenant, body).look
    return HTMLResponse(shop_pages().preview_look(admin.resolved, look, lang), headers=PREVIEW_HEADERS)
