"""Platform pages ``/admin/pages`` on the platform console: the marketing site's pages and the
defaults every store shows until it overrides one. Create, edit (title, HTML sanitised, address, order,
template, published), preview in the theme sandbox (nothing saved) and delete. The rules are
``orion.cms``'s, as for the admin API (``/api/v1/admin/pages``), with the same audit records."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import HTMLResponse, Response

from functions.console import auditing
from functions.console.pages.content import _input, _translated, _values_of
from functions.console.web import Console, Posted, SignedIn
from orion.cms import service as cms
from orion.cms.models import Page, PageInput, PlatformPageKind
from orion.errors import Invalid, NotFound

router = APIRouter()

Slug = Annotated[str, Path(max_length=100)]
# The kinds as they read in the console's addresses.
KINDS = {"defaults": PlatformPageKind.STORE_DEFAULT, "marketing": PlatformPageKind.MARKETING}
KIND_LABELS = {"defaults": "Store defaults", "marketing": "Marketing site"}


def kind_of(name: str) -> PlatformPageKind:
    kind = KINDS.get(name)
    if kind is None:
        raise NotFound("There is no such page in the console.")
    return kind


def audit(console: Console, action: str, target: str, store: str | None = None, **details: Any) -> None:
    """The same audit record the admin API writes for the same change (actor ``admin:<id>``)."""
    console.admin()
    auditing.record_admin(console, action, target, details or None, store=store)


def _target(kind: PlatformPageKind, slug: str) -> str:
    return f"page:{kind.value.lower()}:{slug}"


@router.get("/admin/pages")
def list_pages(console: SignedIn) -> HTMLResponse:
    access = console.admin()
    platform = access.tenant.platform
    groups = [
        (name, KIND_LABELS[name], cms.list_platform_pages(platform, kind)) for name, kind in KINDS.items()
    ]
    return console.render("platform/pages.html", groups=groups)


def _form(
    console: Console,
    *,
    kind: str,
    slug: str | None,
    values: dict[str, str],
    status: int = 200,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    preview: str | None = None,
) -> HTMLResponse:
    from orion.cms import theme

    templates = theme.page_templates(console.admin().tenant)
    return console.render(
        "platform/pages_form.html",
        status,
        kind=kind,
        kind_label=KIND_LABELS[kind],
        kinds=KIND_LABELS,
        slug=slug,
        values=values,
        errors=errors or {},
        message=message,
        templates=templates,
        preview=preview,
    )


def _preview(console: Console, slug: str, data: PageInput, kind: PlatformPageKind) -> str:
    """The draft as visitors would see it: a store default with the default theme as a store inherits
    it, a marketing page with the platform site's theme; rendered in the theme sandbox, nothing saved."""
    from orion.storefront.shop import shop_pages

    draft = cms.draft_platform_page(slug, data, kind)
    return shop_pages().preview_store_page(console.resolved, draft)


def _invalid(console: Console, exc: Invalid) -> tuple[dict[str, str], str]:
    errors = _translated(console, exc)
    return errors, console._("Please correct the fields marked below.") if errors else console.error_message(
        exc
    )


@router.get("/admin/pages/new")
def new_page(console: SignedIn, kind: Annotated[str, Query(max_length=20)] = "defaults") -> HTMLResponse:
    console.admin()
    kind_of(kind)
    return _form(console, kind=kind, slug=None, values=_values_of(None))


@router.post("/admin/pages")
def create_page(console: Posted) -> Response:
    access = console.admin()
    name = console.form.get("kind", "defaults")
    kind = kind_of(name)
    slug = console.form.get("slug").strip().lower()
    values = {**console.form.as_dict(), "slug": slug}
    try:
        data = _input(console, None)
        if console.form.get("action") == "preview":
            html = _preview(console, slug, data, kind)
            return _form(console, kind=name, slug=None, values=values, preview=html)
        cms.create_platform_page(access.tenant.platform, slug, data, kind)
    except Invalid as exc:
        errors, message = _invalid(console, exc)
        return _form(console, kind=name, slug=None, values=values, status=422, errors=errors, message=message)
    audit(console, "platform_page.put", _target(kind, slug))
    return console.redirect(f"/admin/pages/{name}/{slug}", "Page saved.")


def _existing(console: Console, name: str, slug: str) -> tuple[PlatformPageKind, Page]:
    kind = kind_of(name)
    return kind, cms.get_platform_page(console.admin().tenant.platform, slug, kind)


@router.get("/admin/pages/{name}/{slug}")
def edit_page(name: Slug, slug: Slug, console: SignedIn) -> HTMLResponse:
    _, page = _existing(console, name, slug)
    return _form(console, kind=name, slug=slug, values=_values_of(page))


@router.post("/admin/pages/{name}/{slug}")
def save_page(name: Slug, slug: Slug, console: Posted) -> Response:
    """Save the form, or with ``action=preview`` show it in the sandbox without saving."""
    kind, page = _existing(console, name, slug)
    values = console.form.as_dict()
    try:
        data = _input(console, page)
        if console.form.get("action") == "preview":
            return _form(
                console, kind=name, slug=slug, values=values, preview=_preview(console, slug, data, kind)
            )
        cms.update_platform_page(console.admin().tenant.platform, slug, data, kind)
    except Invalid as exc:
        errors, message = _invalid(console, exc)
        return _form(console, kind=name, slug=slug, values=values, status=422, errors=errors, message=message)
    audit(console, "platform_page.put", _target(kind, slug))
    return console.redirect(f"/admin/pages/{name}/{slug}", "Page saved.")


@router.post("/admin/pages/{name}/{slug}/delete")
def delete_page(name: Slug, slug: Slug, console: Posted) -> Response:
    kind, _ = _existing(console, name, slug)
    cms.delete_platform_page(console.admin().tenant.platform, slug, kind)
    audit(console, "platform_page.delete", _target(kind, slug))
    return console.redirect("/admin/pages", "Page deleted.")
