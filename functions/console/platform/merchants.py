"""The platform console's merchants: ``/admin/merchants`` (list, create) and ``/admin/merchants/<id>``
(edit, the merchant's stores). The same services and audit records as the admin API."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, EmailStr, Field, ValidationError

from functions.console import auditing
from functions.console.web import Console, Posted, SignedIn
from orion.tenancy import merchants, stores
from orion.tenancy.models import Merchant

router = APIRouter()

MESSAGES = {
    "name": "Enter the merchant's name (at most 200 characters).",
    "contact_email": "Enter an e-mail address such as name@example.com, or leave it empty.",
}
CORRECT = "Please correct the fields marked below."


class MerchantForm(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    contact_email: EmailStr | None = None


def parse(console: Console) -> tuple[MerchantForm | None, dict[str, str]]:
    """The posted merchant, or ``{field: message}`` for each field that is wrong."""
    form = console.form
    raw = {"name": form.get("name").strip(), "contact_email": form.get("contact_email").strip() or None}
    try:
        return MerchantForm.model_validate(raw), {}
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for problem in exc.errors():
            name = str(problem["loc"][0]) if problem["loc"] else "name"
            errors.setdefault(name, console._(MESSAGES.get(name, str(problem["msg"]))))
        return None, errors


def _list_page(console: Console, status: int = 200, **context: Any) -> HTMLResponse:
    access = console.admin()
    found = sorted(merchants.list_merchants(access.tenant), key=lambda m: m.name.lower())
    return console.render(
        "platform/merchants.html",
        status,
        merchants=found,
        values=context.pop("values", {}),
        errors=context.pop("errors", {}),
        message=context.pop("message", None),
        **context,
    )


@router.get("/admin/merchants")
def merchant_list(console: SignedIn) -> HTMLResponse:
    return _list_page(console)


@router.post("/admin/merchants")
def merchant_create(console: Posted) -> Response:
    access = console.admin()
    data, errors = parse(console)
    if data is None:
        return _list_page(
            console, 422, values=console.form.as_dict(), errors=errors, message=console._(CORRECT)
        )
    merchant = merchants.create_merchant(access.tenant, data.name, data.contact_email)
    auditing.record_admin(console, "merchant.create", merchant.id, details={"name": merchant.name})
    return console.redirect(f"/admin/merchants/{merchant.id}", "Merchant created.")


def _merchant_page(console: Console, merchant: Merchant, status: int = 200, **context: Any) -> HTMLResponse:
    access = console.admin()
    owned = [s for s in stores.list_stores(access.tenant) if s.merchant_id == merchant.id]
    values = context.pop("values", None) or {
        "name": merchant.name,
        "contact_email": merchant.contact_email or "",
    }
    return console.render(
        "platform/merchant.html",
        status,
        merchant=merchant,
        stores=owned,
        values=values,
        errors=context.pop("errors", {}),
        message=context.pop("message", None),
        **context,
    )


@router.get("/admin/merchants/{merchant_id}")
def merchant_view(console: SignedIn, merchant_id: str) -> HTMLResponse:
    access = console.admin()
    return _merchant_page(console, merchants.get_merchant(access.tenant, merchant_id))


@router.post("/admin/merchants/{merchant_id}")
def merchant_save(console: Posted, merchant_id: str) -> Response:
    access = console.admin()
    merchant = merchants.get_merchant(access.tenant, merchant_id)
    data, errors = parse(console)
    if data is None:
        return _merchant_page(
            console, merchant, 422, values=console.form.as_dict(), errors=errors, message=console._(CORRECT)
        )
    updated = merchants.update_merchant(access.tenant, merchant.id, data.name, data.contact_email)
    auditing.record_admin(console, "merchant.update", updated.id, details={"name": updated.name})
    return console.redirect(f"/admin/merchants/{updated.id}", "Merchant saved.")
