"""Settings ``/admin/settings`` (the store's name, languages, currency, contact, address, phone and
low-stock threshold) and Domains ``/admin/domains`` (claim, the DNS records to create, verify, remove):
``orion.tenancy`` and ``orion.catalog`` rules, the staff API's permissions and audit records."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import HTMLResponse, Response
from pydantic import Field, ValidationError

from functions.console import auditing
from functions.console.web import Console, Posted, SignedIn, field_errors
from orion.catalog import service as catalog
from orion.errors import Conflict, Invalid
from orion.tenancy import domains, stores
from orion.tenancy.models import LANGUAGES, NOTIFICATION_KINDS
from orion.tenancy.stores import StoreSettingsInput

router = APIRouter()

Host = Annotated[str, Path(max_length=253, pattern=r"^[A-Za-z0-9.-]+$")]
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "de": "Deutsch", "lb": "Lëtzebuergesch"}
MESSAGES = {
    "name": "Enter the store's name (at most 200 characters).",
    "languages": "Choose at least one language.",
    "default_language": "The default language must be one of the store's languages.",
    "currency": "Enter a three-letter currency code, e.g. EUR.",
    "contact_email": "Enter a valid e-mail address.",
    "business_address": "At most 600 characters.",
    "phone": "Enter a telephone number: digits, spaces and + ( ) - . /",
    "low_stock_threshold": "Enter a whole number from 0 to {max}.",
}


class SettingsForm(StoreSettingsInput):
    """The settings form: the store's settings and the catalogue's low-stock threshold (the same
    bounds as the staff API's)."""

    low_stock_threshold: int = Field(ge=0, le=catalog.MAX_LOW_STOCK_THRESHOLD)


def _values(console: Console) -> dict[str, object]:
    store = stores.get_store_settings(console.resolved.tenant)
    return {
        "name": store.name,
        "languages": list(store.languages),
        "default_language": store.default_language,
        "currency": store.currency,
        "contact_email": store.contact_email or "",
        "business_address": store.business_address or "",
        "phone": store.phone or "",
        "low_stock_threshold": str(catalog.get_low_stock_threshold(console.resolved.tenant)),
        "notifications": [kind for kind, on in store.notifications.items() if on],
    }


def _notification_labels(console: Console) -> list[tuple[str, str]]:
    """Each order e-mail a store can switch off, as the settings form names it."""
    labels = {
        "order_new_staff": console._("New order (to the contact e-mail)"),
        "order_paid": console._("Order paid (to the shopper)"),
        "order_shipped": console._("Order shipped, with the tracking number (to the shopper)"),
        "order_delivered": console._("Order delivered (to the shopper)"),
        "order_cancelled": console._("Order cancelled (to the shopper)"),
        "order_refunded": console._("Order refunded (to the shopper)"),
    }
    return [(kind, labels[kind]) for kind in NOTIFICATION_KINDS]


def _page(
    console: Console,
    values: dict[str, object],
    status: int = 200,
    errors: dict[str, str] | None = None,
    message: str | None = None,
) -> HTMLResponse:
    languages = [(code, LANGUAGE_NAMES.get(code, code)) for code in LANGUAGES]
    return console.render(
        "settings.html",
        status,
        values=values,
        errors=errors or {},
        message=message,
        languages=languages,
        notification_kinds=_notification_labels(console),
        tier=console.resolved.store.tier.value.capitalize() if console.resolved.store else "",
    )


@router.get("/admin/settings")
def show(console: SignedIn) -> HTMLResponse:
    console.need("settings.view")
    return _page(console, _values(console))


@router.post("/admin/settings")
def save(console: Posted) -> Response:
    access = console.need("settings.edit")
    form = console.form
    values: dict[str, object] = {
        **form.as_dict(),
        "languages": form.all("languages"),
        "notifications": form.all("notifications"),
    }
    raw = {
        "name": form.get("name").strip(),
        "languages": form.all("languages"),
        "default_language": form.get("default_language"),
        "currency": form.get("currency").strip().upper(),
        "contact_email": form.get("contact_email").strip() or None,
        "business_address": form.get("business_address").replace("\r\n", "\n").strip(),
        "phone": form.get("phone").strip(),
        "low_stock_threshold": form.get("low_stock_threshold").strip(),
        # Unticked boxes are not posted: the form says it showed them, so none ticked means all off.
        "notifications": {kind: kind in form.all("notifications") for kind in NOTIFICATION_KINDS}
        if form.get("notifications_shown")
        else None,
    }
    try:
        data = SettingsForm.model_validate(raw)
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for problem in exc.errors():
            name = str(problem["loc"][0]) if problem["loc"] else "name"
            text = MESSAGES.get(name, str(problem["msg"]))
            errors.setdefault(name, console._(text, max=catalog.MAX_LOW_STOCK_THRESHOLD))
        return _page(console, values, 422, errors, console._("Please correct the fields marked below."))
    settings = StoreSettingsInput.model_validate(data.model_dump(exclude={"low_stock_threshold"}))
    try:
        stores.update_store_settings(access.tenant, settings)
    except Invalid as exc:
        errors = {k: console._(v) for k, v in field_errors(exc).items()}
        if "default language" in str(exc):
            errors.setdefault("default_language", console._(MESSAGES["default_language"]))
        elif not errors:
            errors["languages"] = console.error_message(exc)
        return _page(console, values, 422, errors, console._("Please correct the fields marked below."))
    recount = catalog.set_low_stock_threshold(access.tenant, data.low_stock_threshold)
    details: dict[str, object] | None = None
    if recount is not None:
        details = {"low_stock_threshold": data.low_stock_threshold, "variants_recounted": recount.changed}
    auditing.record(console, "settings.update", f"store:{access.tenant.store}", details)
    return console.redirect("/admin/settings", "Settings saved.")


# --- domains --------------------------------------------------------------------------------------------


def _domains(
    console: Console,
    status: int = 200,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    host: str = "",
) -> HTMLResponse:
    console.need("settings.view")
    tenant = console.resolved.tenant
    found = domains.list_domains(tenant)
    return console.render(
        "domains.html",
        status,
        domains=[(d, domains.dns_records(tenant, d)) for d in found],
        errors=errors or {},
        message=message,
        values={"host": host},
    )


@router.get("/admin/domains")
def list_domains(console: SignedIn) -> HTMLResponse:
    return _domains(console)


@router.post("/admin/domains")
def claim(console: Posted) -> Response:
    access = console.need("settings.edit")
    host = console.form.get("host").strip()
    try:
        if len(host) < 3 or len(host) > 253:
            raise Invalid("not a host name")
        domain = domains.add_domain(access.tenant, host)
    except Invalid:
        return _domains(
            console,
            422,
            {
                "host": console._(
                    "Enter a domain name you own, e.g. shop.example.com (no port, no IP address)."
                )
            },
            console._("Please correct the fields marked below."),
            host,
        )
    except Conflict as exc:
        return _domains(
            console, exc.status, {"host": console.error_message(exc)}, console.error_message(exc), host
        )
    auditing.record(console, "domain.add", f"domain:{domain.host}")
    return console.redirect("/admin/domains", "Domain added: create the DNS records below, then verify.")


@router.post("/admin/domains/{host}/verify")
def verify(host: Host, console: Posted) -> Response:
    access = console.need("settings.edit")
    try:
        domain = domains.verify_domain(access.tenant, host)
    except Conflict as exc:
        return _domains(console, exc.status, message=console.error_message(exc))
    auditing.record(console, "domain.verify", f"domain:{domain.host}")
    return console.redirect("/admin/domains", "The domain is verified and serves your shop.")


@router.post("/admin/domains/{host}/remove")
def remove(host: Host, console: Posted) -> Response:
    access = console.need("settings.edit")
    try:
        domains.remove_domain(access.tenant, host)
    except Conflict as exc:
        return _domains(console, exc.status, message=console.error_message(exc))
    auditing.record(console, "domain.remove", f"domain:{host}")
    return console.redirect("/admin/domains", "Domain removed.")
