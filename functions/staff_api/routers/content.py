"""``/api/v1/pages`` and ``/api/v1/theme``: CMS pages within the tier limits, theme templates, and the
theme settings (logo, favicon, colours, font, home layout, footer links) with their preview."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from functions.staff_api.common.access import Tenancy, record_audit, require
from orion.cms import service as cms
from orion.cms import theme
from orion.cms.models import Page, PageInput
from orion.cms.theme import TemplateInfo
from orion.identity.models import StaffAccess
from orion.rendering.theme_settings import Language, ThemeSettings
from orion.tenancy import theme_settings
from orion.tenancy.theme_settings import ThemeSettingsOut

router = APIRouter(tags=["content"])

PageSlug = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{0,99}$", max_length=100)]
TemplateName = Annotated[str, Path(max_length=250, description="e.g. home.html or partials/header.html")]
View = Annotated[StaffAccess, Depends(require("pages.view"))]
Edit = Annotated[StaffAccess, Depends(require("pages.edit"))]
Theme = Annotated[StaffAccess, Depends(require("theme.edit"))]


class PageList(BaseModel):
    items: list[Page]


class TemplateUpload(BaseModel):
    source: str = Field(max_length=theme.MAX_TEMPLATE_BYTES)


class TemplateList(BaseModel):
    items: list[TemplateInfo]


class PreviewRequest(BaseModel):
    name: str = Field(default="home.html", max_length=250)
    source: str | None = Field(default=None, max_length=theme.MAX_TEMPLATE_BYTES)
    context: dict[str, Any] = Field(default_factory=dict, description="variables the template sees")


@router.get("/pages", summary="The store's pages, and the platform defaults it does not override")
def list_pages(access: View) -> PageList:
    return PageList(items=cms.list_store_pages(access.tenant))


@router.get("/pages/{slug}", summary="One page as shoppers see it (the store's own or the default)")
def get_page(slug: PageSlug, access: View) -> Page:
    return cms.resolve_store_page(access.tenant, slug)


@router.put("/pages/{slug}", summary="Create or replace a page (HTML is sanitised; tier limits apply)")
def put_page(slug: PageSlug, body: PageInput, request: Request, access: Edit) -> Page:
    """Past the tier's allowance (Essential 3 pages / 0 custom, Professional 10 / 5, Business 30 / 20,
    Enterprise unlimited) the answer is 409 naming the limit."""
    page = cms.put_store_page(access.tenant, slug, body)
    record_audit(request, access, "page.put", f"page:{slug}")
    return page


@router.delete("/pages/{slug}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete the store's page")
def delete_page(slug: PageSlug, request: Request, access: Edit) -> Response:
    cms.delete_store_page(access.tenant, slug)
    record_audit(request, access, "page.delete", f"page:{slug}")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/theme/templates", summary="The store's own theme templates")
def list_templates(access: Theme) -> TemplateList:
    return TemplateList(items=theme.list_templates(access.tenant))


@router.put("/theme/templates/{name:path}", summary="Upload a template (checked to compile in the sandbox)")
def upload_template(
    name: TemplateName, body: TemplateUpload, request: Request, access: Theme
) -> TemplateInfo:
    info = theme.upload_template(access.tenant, name, body.source)
    record_audit(request, access, "theme.upload", f"template:{name}", {"size": info.size})
    return info


@router.delete(
    "/theme/templates/{name:path}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a template"
)
def delete_template(name: TemplateName, request: Request, access: Theme) -> Response:
    theme.delete_template(access.tenant, name)
    record_audit(request, access, "theme.delete", f"template:{name}")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/theme/preview", response_class=HTMLResponse, summary="Render a template with the store's theme"
)
def preview(body: PreviewRequest, access: Theme) -> HTMLResponse:
    html = theme.preview(access.tenant, body.name, body.source, body.context)
    return HTMLResponse(
        html, headers={"Cache-Control": "no-store", "Content-Security-Policy": "script-src 'none'"}
    )


# --- theme settings ---------------------------------------------------------------------------------

PREVIEW_HEADERS = {"Cache-Control": "no-store", "Content-Security-Policy": "script-src 'none'"}


def _changed(settings: ThemeSettings) -> dict[str, object]:
    """What an audit record says of saved settings: the fields the store sets itself."""
    details: dict[str, object] = {
        "fields": ",".join(sorted(settings.model_dump(exclude_none=True))) or "none"
    }
    if settings.colors is not None and settings.colors.accent:
        details["accent"] = settings.colors.accent
    return details


@router.get("/theme/settings", summary="The store's theme settings, what it inherits and the result")
def get_theme_settings(access: Theme) -> ThemeSettingsOut:
    """``settings`` holds what the store set itself (null: inherited from ``inherited``, its platform's
    defaults, then the default theme); ``effective`` is what the shop uses, ``effective.css`` the
    ``:root`` rule its pages carry."""
    return theme_settings.store_theme(access.tenant).out()


@router.put("/theme/settings", summary="Replace the store's theme settings (null or left out: inherited)")
def put_theme_settings(body: ThemeSettings, request: Request, access: Theme) -> ThemeSettingsOut:
    """Colours are ``#rrggbb``; ``font`` is one of the names in ``fonts`` or family names separated by
    commas; ``logo``, ``favicon`` and ``hero.image`` are ``https://`` addresses or ``/media/...`` paths;
    ``home_layout`` is ``hero``, ``grid`` or ``list``; at most 8 ``footer_links`` (``https://``, a path
    of the shop, ``mailto:`` or ``tel:``). Anything else is a 422 naming the field, and nothing is
    saved. Shoppers see the change within a minute (the tenant cache, then CloudFront's)."""
    view = theme_settings.save_store_theme(access.tenant, body)
    record_audit(request, access, "theme.settings", f"store:{access.tenant.store}", _changed(view.settings))
    return view.out()


@router.delete("/theme/settings", summary="Reset the store's theme settings to the platform's defaults")
def reset_theme_settings(request: Request, access: Theme) -> ThemeSettingsOut:
    view = theme_settings.reset_store_theme(access.tenant)
    record_audit(request, access, "theme.settings.reset", f"store:{access.tenant.store}")
    return view.out()


@router.post(
    "/theme/settings/preview",
    response_class=HTMLResponse,
    summary="The store's home page with theme settings not saved yet",
)
def preview_theme_settings(
    body: ThemeSettings,
    access: Theme,
    resolved: Tenancy,
    lang: Annotated[
        Language | None, Query(description="the page's language (else the store's default)")
    ] = None,
) -> HTMLResponse:
    """Renders the home page as shoppers would see it with ``body`` as the store's settings (the same
    rules as ``PUT``; nothing is saved)."""
    from orion.storefront.shop import shop_pages

    look = theme_settings.preview_store_theme(access.tenant, body).look
    return HTMLResponse(shop_pages().preview_look(resolved, look, lang), headers=PREVIEW_HEADERS)
