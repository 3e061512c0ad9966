"""``/api/v1/admin/pages``: the platform's own pages, its marketing site's (``MARKETING``) and the
defaults every store shows until it overrides them (``STORE_DEFAULT``); audit-logged. The rules are
``orion.cms``'s, as in the platform console."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status
from pydantic import Field

from functions.admin_api.access import Admin, audit_admin
from orion.cms import service as cms
from orion.cms.models import Page, PageInput, PlatformPageKind

router = APIRouter(prefix="/admin", tags=["admin"])

Slug = Annotated[str, Path(max_length=100, description="the page's address (a-z, 0-9 and '-')")]
Kind = Annotated[
    PlatformPageKind,
    Query(description="MARKETING: the platform's own site; STORE_DEFAULT: what stores inherit"),
]


class PlatformPageIn(PageInput):
    """A new platform page: its address, its kind and its content."""

    slug: str = Field(max_length=100)
    kind: PlatformPageKind = PlatformPageKind.STORE_DEFAULT


class PlatformPageOut(Page):
    kind: PlatformPageKind


def _out(page: Page, kind: PlatformPageKind) -> PlatformPageOut:
    return PlatformPageOut(**page.model_dump(), kind=kind)


def _target(kind: PlatformPageKind, slug: str) -> str:
    return f"page:{kind.value.lower()}:{slug}"


@router.get("/pages", summary="The platform's pages of one kind, by position then address")
def list_platform_pages(admin: Admin, kind: Kind = PlatformPageKind.STORE_DEFAULT) -> list[PlatformPageOut]:
    return [_out(page, kind) for page in cms.list_platform_pages(admin.tenant.platform, kind)]


@router.post(
    "/pages",
    status_code=status.HTTP_201_CREATED,
    summary="Create a platform page (HTML is sanitised; an address already used is a 422)",
)
def create_platform_page(request: Request, admin: Admin, body: PlatformPageIn) -> PlatformPageOut:
    data = PageInput(**body.model_dump(exclude={"slug", "kind"}))
    page = cms.create_platform_page(admin.tenant.platform, body.slug, data, body.kind)
    audit_admin(request, admin, "platform_page.put", _target(body.kind, body.slug))
    return _out(page, body.kind)


@router.get("/pages/{slug}", summary="One platform page, published or not")
def get_platform_page(
    admin: Admin, slug: Slug, kind: Kind = PlatformPageKind.STORE_DEFAULT
) -> PlatformPageOut:
    return _out(cms.get_platform_page(admin.tenant.platform, slug, kind), kind)


@router.put("/pages/{slug}", summary="Replace a platform page (stores without an override show it at once)")
def update_platform_page(
    request: Request, admin: Admin, slug: Slug, body: PageInput, kind: Kind = PlatformPageKind.STORE_DEFAULT
) -> PlatformPageOut:
    page = cms.update_platform_page(admin.tenant.platform, slug, body, kind)
    audit_admin(request, admin, "platform_page.put", _target(kind, slug))
    return _out(page, kind)


@router.delete(
    "/pages/{slug}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a platform page (stores' own overrides stay)",
)
def delete_platform_page(
    request: Request, admin: Admin, slug: Slug, kind: Kind = PlatformPageKind.STORE_DEFAULT
) -> Response:
    cms.delete_platform_page(admin.tenant.platform, slug, kind)
    audit_admin(request, admin, "platform_page.delete", _target(kind, slug))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
