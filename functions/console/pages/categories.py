"""Categories: the list, and create, rename and delete as the staff API allows (same permissions and
audit actions)."""

from __future__ import annotations

import re

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from functions.console.pages.products import audit
from functions.console.web import Console, Posted, SignedIn, field_errors
from orion.catalog import service as catalog
from orion.catalog.models import CategoryInput, slugify
from orion.errors import Conflict, Invalid, NotFound

router = APIRouter()

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


def _page(console: Console, status: int = 200, **context: object) -> HTMLResponse:
    return console.render(
        "categories.html", status, categories=catalog.list_categories(console.resolved.tenant), **context
    )


def _slug(slug: str) -> str:
    if not SLUG.fullmatch(slug):
        raise NotFound("We could not find that category.")
    return slug


def _input(console: Console, slug: str, prefix: str = "") -> tuple[CategoryInput | None, dict[str, str]]:
    form = console.form
    position = form.get(prefix + "position").strip() or "0"
    if not position.isdigit():
        return None, {prefix + "position": console._("Enter a whole number of 0 or more.")}
    try:
        return (
            CategoryInput(
                slug=slug,
                name=form.get(prefix + "name").strip(),
                description=form.get(prefix + "description").strip(),
                position=int(position),
            ),
            {},
        )
    except ValidationError as exc:
        found: dict[str, str] = {}
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "name"
            found.setdefault(prefix + name, console._(str(error["msg"]).removeprefix("Value error, ")))
        return None, found


@router.get("/admin/categories")
def category_list(console: SignedIn) -> HTMLResponse:
    console.need("products.view")
    return _page(console)


@router.post("/admin/categories")
def create_category(console: Posted) -> Response:
    console.need("products.create")
    slug = console.form.get("slug").strip() or slugify(console.form.get("name").strip())
    values = console.form.as_dict()
    data, errors = _input(console, slug)
    if data is None:
        return _page(
            console,
            422,
            values=values,
            errors=errors,
            message=console._("Please correct the fields marked below."),
        )
    try:
        category = catalog.create_category(console.resolved.tenant, data)
    except (Invalid, Conflict) as error:
        errors = field_errors(error) or {"slug": console.error_message(error)}
        return _page(
            console, error.status, values=values, errors=errors, message=console.error_message(error)
        )
    audit(console, "category.create", f"category:{category.slug}")
    return console.redirect("/admin/categories", console._("Category created."))


@router.post("/admin/categories/{slug}")
def rename_category(console: Posted, slug: str) -> Response:
    console.need("products.edit")
    tenant = console.resolved.tenant
    current = catalog.get_category(tenant, _slug(slug))
    prefix = f"{slug}-"
    data, errors = _input(console, slug, prefix)
    values = console.form.as_dict()
    if data is None:
        return _page(
            console,
            422,
            values=values,
            errors=errors,
            message=console._("Please correct the fields marked below."),
        )
    catalog.update_category(tenant, slug, data.model_copy(update={"translations": current.translations}))
    audit(console, "category.update", f"category:{slug}")
    return console.redirect("/admin/categories", console._("Saved."))


@router.post("/admin/categories/{slug}/delete")
def delete_category(console: Posted, slug: str) -> Response:
    console.need("products.delete")
    catalog.delete_category(console.resolved.tenant, _slug(slug))
    audit(console, "category.delete", f"category:{slug}")
    return console.redirect("/admin/categories", console._("Category deleted."))
