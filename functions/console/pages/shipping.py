"""Shipping and VAT ``/admin/settings/shipping``: the store's shipping zones (countries, a flat rate,
free from an order value) and the VAT rates per destination country (``orion.orders.shipping``
rules, the staff API's permissions and audit records). A form without JavaScript: the saved zones
and two empty rows; a row left empty is dropped."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from functions.console import auditing
from functions.console.web import Console, Posted, SignedIn
from orion.errors import Invalid
from orion.money import parse_amount
from orion.orders.models import COUNTRIES
from orion.orders.shipping import (
    MAX_ZONES,
    ShippingSettings,
    get_shipping_settings,
    shipping_settings_from,
    update_shipping_settings,
)

router = APIRouter()
CLASSES = ("standard", "reduced", "super_reduced")
EMPTY_ROWS = 2
AMOUNT = "Enter an amount like 4.90."
MESSAGES = {
    "name": "Give the zone a name (at most 80 characters, each name once).",
    "countries": "Choose at least one country; a country may be in one zone only.",
    "rate": AMOUNT,
    "free_from": AMOUNT,
    "vat": "Enter a rate in percent from 0 to 99.99, e.g. 17 or 5.5.",
}


def _amount_text(minor: int | None) -> str:
    return "" if minor is None else f"{minor // 100}.{minor % 100:02d}"


def _values(settings: ShippingSettings) -> dict[str, object]:
    values: dict[str, object] = {}
    for i, zone in enumerate(settings.zones):
        values[f"zones-{i}-name"] = zone.name
        values[f"zones-{i}-countries"] = list(zone.countries)
        values[f"zones-{i}-rate"] = _amount_text(zone.rate)
        values[f"zones-{i}-free_from"] = _amount_text(zone.free_from)
    for code, rates in settings.vat_rates.items():
        for name in CLASSES:
            values[f"vat-{code}-{name}"] = format(getattr(rates, name).normalize(), "f")
    return values


def _page(
    console: Console,
    values: dict[str, object],
    rows: int,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    message: str | None = None,
) -> HTMLResponse:
    return console.render(
        "shipping.html",
        status,
        values=values,
        rows=min(rows, MAX_ZONES),
        countries=list(COUNTRIES.items()),
        classes=CLASSES,
        errors=errors or {},
        message=message,
    )


@router.get("/admin/settings/shipping")
def show(console: SignedIn) -> HTMLResponse:
    console.need("settings.view")
    settings = get_shipping_settings(console.resolved.tenant)
    return _page(console, _values(settings), len(settings.zones) + EMPTY_ROWS)


@router.post("/admin/settings/shipping")
def save(console: Posted) -> Response:
    access = console.need("settings.edit")
    form = console.form
    rows = int(form.get("rows") or 0) if (form.get("rows") or "0").isdigit() else 0
    rows = min(rows, MAX_ZONES)
    values: dict[str, object] = {**form.as_dict()}
    errors: dict[str, str] = {}
    zones: list[dict[str, object]] = []
    positions: list[int] = []  # the form row of each zone sent on
    for i in range(rows):
        name = form.get(f"zones-{i}-name").strip()
        countries = form.all(f"zones-{i}-countries")
        values[f"zones-{i}-countries"] = countries
        rate_text = form.get(f"zones-{i}-rate").strip()
        free_text = form.get(f"zones-{i}-free_from").strip()
        if not (name or countries or rate_text or free_text):
            continue
        zone: dict[str, object] = {"name": name, "countries": countries}
        for field, text, required in (("rate", rate_text, True), ("free_from", free_text, False)):
            if not text and not required:
                zone[field] = None
                continue
            try:
                zone[field] = parse_amount(text or "0")
            except ValueError:
                errors[f"zones-{i}-{field}"] = console._(AMOUNT)
        zones.append(zone)
        positions.append(i)
    vat: dict[str, dict[str, str]] = {}
    for code in COUNTRIES:
        entered = {name: form.get(f"vat-{code}-{name}").strip().replace(",", ".") for name in CLASSES}
        if any(entered.values()):
            vat[code] = {name: text or "x" for name, text in entered.items()}
    if not errors:
        try:
            settings = shipping_settings_from({"zones": zones, "vat_rates": vat})
        except Invalid as exc:
            errors = _form_errors(console, exc, positions)
    if errors:
        message = console._("Please correct the fields marked below.")
        return _page(console, values, rows, status=422, errors=errors, message=message)
    update_shipping_settings(access.tenant, settings)
    details = {"zones": len(settings.zones), "countries": ",".join(settings.countries)}
    auditing.record(console, "settings.shipping", f"store:{access.tenant.store}", details)
    return console.redirect("/admin/settings/shipping", "Shipping and VAT saved.")


def _form_errors(console: Console, exc: Invalid, positions: list[int]) -> dict[str, str]:
    """The service's field names (``zones.1.rate``, ``vat_rates.LU.standard``) as the form's."""
    errors: dict[str, str] = {}
    for problem in exc.errors:
        parts = problem.field.split(".")
        if parts[0] == "zones" and len(parts) >= 3 and parts[1].isdigit():
            field = parts[2]
            errors.setdefault(
                f"zones-{positions[int(parts[1])]}-{field}", console._(MESSAGES.get(field, AMOUNT))
            )
        elif parts[0] == "vat_rates" and len(parts) >= 3:
            errors.setdefault(f"vat-{parts[1]}-{parts[2]}", console._(MESSAGES["vat"]))
        else:  # a country in two zones, a name used twice
            errors.setdefault("zones-0-countries", console._(MESSAGES["countries"]))
    return errors
