"""Theme ``/admin/theme``: the store theme's templates with where each comes from (the default theme,
the platform's or the store's own), editing one with a preview in the storefront's sandbox, saving it
(checked in the same sandbox and limits as the staff API's upload: a template that does not compile or
renders too large is a 422 and nothing is stored), and reverting to the inherited one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import HTMLResponse, Response

from functions.console import auditing
from functions.console.web import Console, Posted, SignedIn, field_errors
from orion.cms import theme
from orion.errors import Invalid, NotFound

router = APIRouter()

Name = Annotated[str, Path(max_length=250)]
LAYERS = {"store": "Your store", "platform": "Platform", "default": "Default theme"}


@router.get("/admin/theme")
def list_templates(console: SignedIn) -> HTMLResponse:
    console.need("theme.edit")
    return console.render("theme.html", templates=theme.list_theme(console.resolved.tenant), layers=LAYERS)


@router.get("/admin/theme/new")
def new_template(console: SignedIn, name: str = "") -> Response:
    """Start a template the theme does not have yet (e.g. ``page-landing.html``)."""
    console.need("theme.edit")
    try:
        theme.check_template(name.strip(), "")
    except Invalid as exc:
        return console.render(
            "theme.html",
            422,
            templates=theme.list_theme(console.resolved.tenant),
            layers=LAYERS,
            values={"name": name},
            errors={"name": console._("Use a-z, 0-9, '-', '_' and '/', ending in .html or .css.")},
            message=console._(str(exc)) if not exc.errors else None,
        )
    return console.redirect(f"/admin/theme/templates/{name.strip()}")


def _editor(
    console: Console,
    name: str,
    *,
    text: str | None = None,
    status: int = 200,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    preview: str | None = None,
) -> HTMLResponse:
    try:
        current = theme.get_template(console.resolved.tenant, name)
    except NotFound:
        current = None  # a template the theme does not have yet
    return console.render(
        "theme_form.html",
        status,
        name=name,
        current=current,
        text=text if text is not None else (current.text if current else ""),
        layers=LAYERS,
        errors=errors or {},
        message=message,
        preview=preview,
    )


@router.get("/admin/theme/templates/{name:path}")
def edit_template(name: Name, console: SignedIn) -> HTMLResponse:
    console.need("theme.edit")
    try:
        theme.check_template(name, "")
    except Invalid as exc:
        raise NotFound("The theme has no such template.") from exc
    return _editor(console, name)


@router.post("/admin/theme/templates/{name:path}")
def save_template(name: Name, console: Posted) -> Response:
    """Save (``action=save``, the default) or preview (``action=preview``) the posted ``source``."""
    access = console.need("theme.edit")
    source = console.form.get("source").replace("\r\n", "\n")
    try:
        if console.form.get("action") == "preview":
            from orion.storefront.shop import shop_pages

            html = shop_pages().preview_template(console.resolved, name, source)
            return _editor(console, name, text=source, preview=html)
        info = theme.upload_template(access.tenant, name, source)
    except Invalid as exc:
        errors = {key: console._(text) for key, text in field_errors(exc).items()}
        if not errors:
            errors = {"source": console._(str(exc))}
        return _editor(
            console,
            name,
            text=source,
            status=422,
            errors=errors,
            message=console._("The template was not saved: {reason}", reason=str(exc)),
        )
    auditing.record(console, "theme.upload", f"template:{name}", {"size": info.size})
    return console.redirect(f"/admin/theme/templates/{name}", "Template saved.")


@router.post("/admin/theme/revert/{name:path}")
def revert_template(name: Name, console: Posted) -> Response:
    """Delete the store's own template: the platform's or the default theme's shows again."""
    access = console.need("theme.edit")
    theme.delete_template(access.tenant, name)
    auditing.record(console, "theme.delete", f"template:{name}")
    return console.redirect("/admin/theme", "The template is back to the inherited one.")
