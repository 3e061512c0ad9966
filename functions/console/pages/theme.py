"""Theme ``/admin/theme``: the theme settings (``/admin/theme/settings``: logo, favicon, colours, font,
home layout, footer links, previewed before they are saved; the staff API's rules), and the store theme's
templates with where each comes from (the default theme,
the platform's or the store's own), editing one with a preview in the storefront's sandbox, saving it
(checked in the same sandbox and limits as the staff API's upload: a template that does not compile or
renders too large is a 422 and nothing is stored), and reverting to the inherited one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from functions.console import auditing, theme_form
from functions.console.web import Console, Posted, SignedIn, field_errors
from orion.cms import theme
from orion.errors import Invalid, NotFound
from orion.rendering.theme_settings import ThemeSettings
from orion.tenancy import theme_settings
from orion.tenancy.theme_settings import ThemeView

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
            message=console.error_message(exc) if not exc.errors else None,
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
            errors = {"source": console.error_message(exc)}
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


# --- theme settings -------------------------------------------------------------------------------------


def _languages(console: Console) -> list[str]:
    """The store's languages besides its default one: the form offers translations in each."""
    store = console.resolved.store
    return [lang for lang in store.languages if lang != store.default_language] if store else []


def _settings_page(
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
        "theme_settings.html",
        view,
        values,
        _languages(console),
        can_inherit_links=True,
        status=status,
        errors=errors,
        preview=preview,
    )


@router.get("/admin/theme/settings")
def show_settings(console: SignedIn) -> HTMLResponse:
    access = console.need("theme.edit")
    view = theme_settings.store_theme(access.tenant)
    return _settings_page(console, view, theme_form.values_of(view.settings, _languages(console)))


@router.post("/admin/theme/settings")
def save_settings(console: Posted) -> Response:
    """Preview (``action=preview``: the home page with the form's settings, nothing saved) or save."""
    access = console.need("theme.edit")
    languages = _languages(console)
    raw = theme_form.parse(console.form, languages)
    values = {**console.form.as_dict(), "links_inherit": bool(console.form.get("links_inherit"))}
    try:
        settings = ThemeSettings.model_validate(raw)
    except ValidationError as exc:
        view = theme_settings.store_theme(access.tenant)
        errors = theme_form.errors_of(console, exc, raw)
        return _settings_page(console, view, values, status=422, errors=errors)
    if console.form.get("action") == "preview":
        from orion.storefront.shop import shop_pages

        view = theme_settings.preview_store_theme(access.tenant, settings)
        html = shop_pages().preview_look(console.resolved, view.look)
        return _settings_page(console, view, values, preview=html)
    view = theme_settings.save_store_theme(access.tenant, settings)
    fields = ",".join(sorted(view.settings.model_dump(exclude_none=True))) or "none"
    auditing.record(console, "theme.settings", f"store:{access.tenant.store}", {"fields": fields})
    return console.redirect("/admin/theme/settings", "Theme settings saved.")


@router.post("/admin/theme/settings/reset")
def reset_settings(console: Posted) -> Response:
    access = console.need("theme.edit")
    theme_settings.reset_store_theme(access.tenant)
    auditing.record(console, "theme.settings.reset", f"store:{access.tenant.store}")
    return console.redirect("/admin/theme/settings", "Your store uses the platform's theme settings again.")
