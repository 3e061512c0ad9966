"""Content ``/admin/pages``: the store's pages and the platform defaults it does not override, the
tier's page allowance, overriding a default, viewing it, reverting to it, editing (with a preview in
the theme sandbox before saving) and creating pages. The rules are ``orion.cms``'s, as for the staff
API (``/api/v1/pages``), with the same permissions and audit records."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from functions.console import auditing
from functions.console.web import Console, Posted, SignedIn, field_errors
from orion.cms import service as cms
from orion.cms.models import DEFAULT_PAGE_TEMPLATE, Page, PageInput, PageSource
from orion.errors import FieldError, Invalid, LimitExceeded, OrionError

router = APIRouter()

Slug = Annotated[str, Path(max_length=100)]
FIELDS = ("title", "body_html", "meta_description", "position", "template")
SOURCE_LABELS = {
    PageSource.STORE_OVERRIDE: "Store (overrides the platform default)",
    PageSource.STORE_CUSTOM: "Store (own page)",
    PageSource.PLATFORM_DEFAULT: "Platform default",
}


def usage_text(console: Console, pages: list[Page]) -> str:
    """ "3 of 10 pages" (and the custom pages' share) on the store's plan."""
    store = console.resolved.store
    assert store is not None
    usage = cms.usage_of(store.tier, pages)
    tier = store.tier.value.capitalize()
    if usage.total_limit is None:
        return console._("{n} pages (unlimited on {tier})", n=usage.total, tier=tier)
    text = console._("{n} of {limit} pages on {tier}", n=usage.total, limit=usage.total_limit, tier=tier)
    if usage.custom_limit is not None:
        text += " · " + console._("{n} of {limit} own pages", n=usage.custom, limit=usage.custom_limit)
    return text


@router.get("/admin/pages")
def list_pages(console: SignedIn) -> HTMLResponse:
    return _list(console)


def _list(console: Console, status: int = 200, message: str | None = None) -> HTMLResponse:
    console.need("pages.view")
    pages = cms.list_store_pages(console.resolved.tenant)  # one Query each: own pages, defaults
    return console.render(
        "content.html",
        status,
        pages=pages,
        usage=usage_text(console, pages),
        labels=SOURCE_LABELS,
        message=message,
    )


# --- one page ------------------------------------------------------------------------------------------


def _values_of(page: Page | None) -> dict[str, str]:
    if page is None:
        return {"published": "on", "position": "0", "template": DEFAULT_PAGE_TEMPLATE}
    return {
        "title": page.title,
        "body_html": page.body_html,
        "meta_description": page.meta_description,
        "position": str(page.position),
        "template": page.template or DEFAULT_PAGE_TEMPLATE,
        "published": "on" if page.published else "",
        "show_in_footer": "on" if page.show_in_footer else "",
    }


def _form(
    console: Console,
    *,
    slug: str | None,
    values: dict[str, str],
    status: int = 200,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    page: Page | None = None,
    preview: str | None = None,
) -> HTMLResponse:
    from orion.cms import theme

    templates = theme.page_templates(console.resolved.tenant)
    return console.render(
        "content_form.html",
        status,
        slug=slug,
        page=page,
        values=values,
        errors=errors or {},
        message=message,
        templates=templates,
        preview=preview,
        usage=usage_text(console, cms.list_store_pages(console.resolved.tenant)) if slug is None else None,
        labels=SOURCE_LABELS,
    )


def _input(console: Console, existing: Page | None) -> PageInput:
    """The posted form as the service's input; what the form does not show (translations, the
    language it is written in) is kept from the page as stored."""
    form = console.form
    raw: dict[str, Any] = existing.model_dump(include=set(PageInput.model_fields)) if existing else {}
    position = form.get("position").strip() or "0"
    template = form.get("template").strip()
    raw.update(
        title=form.get("title").strip(),
        body_html=form.get("body_html"),
        meta_description=form.get("meta_description").strip(),
        position=position,
        template=None if template in ("", DEFAULT_PAGE_TEMPLATE) else template,
        published=form.get("published") == "on",
        show_in_footer=form.get("show_in_footer") == "on",
    )
    try:
        return PageInput.model_validate(raw)
    except ValidationError as exc:
        errors = []
        for problem in exc.errors():
            name = str(problem["loc"][0]) if problem["loc"] else "title"
            errors.append(FieldError(name if name in FIELDS else "title", _message(console, name, problem)))
        raise Invalid(console._("Please correct the fields marked below."), errors=errors) from exc


def _message(console: Console, name: str, problem: Any) -> str:
    messages = {
        "title": console._("Enter a title of at most 200 characters."),
        "position": console._("Enter a whole number from 0 to 9999."),
        "meta_description": console._("At most 300 characters."),
        "body_html": console._("At most 100,000 characters."),
        "template": console._("Choose one of the theme's page templates."),
    }
    return messages.get(name, str(problem.get("msg", "")))


def _translated(console: Console, error: OrionError) -> dict[str, str]:
    return {name: console._(text) for name, text in field_errors(error).items()}


@router.get("/admin/pages/new")
def new_page(console: SignedIn) -> HTMLResponse:
    console.need("pages.edit")
    return _form(console, slug=None, values=_values_of(None))


@router.post("/admin/pages")
def create_page(console: Posted) -> Response:
    access = console.need("pages.edit")
    slug = console.form.get("slug").strip().lower()
    values = {**console.form.as_dict(), "slug": slug}
    try:
        data = _input(console, None)
        if console.form.get("action") == "preview":
            return _preview(console, slug, data, values, new=True)
        cms.create_store_page(access.tenant, slug, data)
    except LimitExceeded as exc:
        return _form(console, slug=None, values=values, status=exc.status, message=console.error_message(exc))
    except Invalid as exc:
        message = (
            console.error_message(exc)
            if exc.errors == []
            else console._("Please correct the fields marked below.")
        )
        return _form(
            console, slug=None, values=values, status=422, errors=_translated(console, exc), message=message
        )
    auditing.record(console, "page.put", f"page:{slug}")
    return console.redirect(f"/admin/pages/{slug}", "Page saved.")


@router.get("/admin/pages/{slug}")
def edit_page(slug: Slug, console: SignedIn) -> HTMLResponse:
    console.need("pages.view")
    page = cms.get_store_page(console.resolved.tenant, slug)
    return _form(console, slug=slug, values=_values_of(page), page=page)


@router.post("/admin/pages/{slug}")
def save_page(slug: Slug, console: Posted) -> Response:
    access = console.need("pages.edit")
    page = cms.get_store_page(access.tenant, slug)
    values = console.form.as_dict()
    try:
        data = _input(console, page)
        cms.put_store_page(access.tenant, slug, data)
    except Invalid as exc:
        return _form(
            console,
            slug=slug,
            values=values,
            page=page,
            status=422,
            errors=_translated(console, exc),
            message=console._("Please correct the fields marked below."),
        )
    auditing.record(console, "page.put", f"page:{slug}")
    return console.redirect(f"/admin/pages/{slug}", "Page saved.")


@router.post("/admin/pages/{slug}/preview")
def preview_page(slug: Slug, console: Posted) -> Response:
    """The page as shoppers would see it with the form's entries, rendered with the store's theme in
    the theme preview's sandbox; nothing is saved."""
    access = console.need("pages.edit")
    new = console.form.get("new") == "1"
    page = None if new else cms.get_store_page(access.tenant, slug)
    values = {**console.form.as_dict(), "slug": slug}
    try:
        return _preview(console, slug, _input(console, page), values, new=new, page=page)
    except Invalid as exc:
        return _form(
            console,
            slug=None if new else slug,
            values=values,
            page=page,
            status=422,
            errors=_translated(console, exc),
            message=console.error_message(exc)
            if not exc.errors
            else console._("Please correct the fields marked below."),
        )


def _preview(
    console: Console,
    slug: str,
    data: PageInput,
    values: dict[str, str],
    *,
    new: bool,
    page: Page | None = None,
) -> HTMLResponse:
    from orion.storefront.shop import shop_pages

    draft = cms.draft_store_page(console.resolved.tenant, slug, data)
    html = shop_pages().preview_store_page(console.resolved, draft)
    return _form(console, slug=None if new else slug, values=values, page=page, preview=html)


# --- platform defaults: view, override, revert ---------------------------------------------------------


@router.get("/admin/pages/{slug}/default")
def view_default(slug: Slug, console: SignedIn) -> HTMLResponse:
    console.need("pages.view")
    default = cms.get_store_default(console.resolved.tenant, slug)
    own = next(
        (
            p
            for p in cms.list_store_pages(console.resolved.tenant)
            if p.slug == slug and p.source is not PageSource.PLATFORM_DEFAULT
        ),
        None,
    )
    return console.render("content_default.html", default=default, overridden=own is not None)


@router.post("/admin/pages/{slug}/override")
def override(slug: Slug, console: Posted) -> Response:
    """Copy the platform's default into the store, to edit it (counts toward the tier's pages)."""
    access = console.need("pages.edit")
    try:
        cms.override_default(access.tenant, slug)
    except LimitExceeded as exc:
        return _list(console, exc.status, console.error_message(exc))
    auditing.record(console, "page.put", f"page:{slug}")
    return console.redirect(f"/admin/pages/{slug}", "The default is copied into your store: edit it here.")


@router.post("/admin/pages/{slug}/delete")
def delete(slug: Slug, console: Posted) -> Response:
    """Delete the store's page: an override's platform default shows again (revert)."""
    access = console.need("pages.edit")
    cms.delete_store_page(access.tenant, slug)
    auditing.record(console, "page.delete", f"page:{slug}")
    return console.redirect("/admin/pages", "Page removed from your store.")
