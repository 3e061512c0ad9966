"""The platform console's stores: ``/admin/stores`` (list by status, open a store for a merchant with
its owner's invitation) and ``/admin/stores/<code>`` (edit its profile, suspend/resume, tier, transfer,
close with a typed confirmation). The same ``orion.tenancy`` services, and the same audit records, as
the admin API (functions/admin_api/routers/stores.py)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, EmailStr, Field, ValidationError

from functions.common import edge
from functions.console import auditing
from functions.console.pages.settings import LANGUAGE_NAMES
from functions.console.web import Console, Posted, SignedIn, field_errors
from orion.errors import Conflict, Invalid, NotFound
from orion.identity import service as identity
from orion.money import CurrencyCode
from orion.tenancy import merchants, stores
from orion.tenancy.models import LANGUAGES, Merchant, Store, StoreStatus, Tier
from orion.tenancy.stores import StoreSettingsInput
from orion.tenant import CODE_PATTERN

router = APIRouter()

CORRECT = "Please correct the fields marked below."
MESSAGES = {
    "code": "Use 2 to 40 lower-case letters, digits or hyphens, starting and ending with a letter or digit.",
    "name": "Enter the store's name (at most 200 characters).",
    "merchant_id": "Choose the merchant the store belongs to.",
    "tier": "Choose a tier.",
    "languages": "Choose at least one language.",
    "default_language": "The default language must be one of the store's languages.",
    "currency": "Enter a currency as three capital letters, e.g. EUR.",
    "contact_email": "Enter an e-mail address such as name@example.com, or leave it empty.",
    "owner_email": "Enter the owner's e-mail address, such as name@example.com.",
    "phone": "Enter a telephone number with digits, spaces and + ( ) - . / only.",
    "business_address": "The address is too long (at most 600 characters).",
}
TAKEN = "This store code is already taken."
RESERVED = "This store code is reserved; choose another."
STATUSES = tuple(status.value for status in StoreStatus)


class NewStoreForm(BaseModel):
    code: Annotated[str, Field(pattern=CODE_PATTERN.pattern)]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    merchant_id: Annotated[str, Field(min_length=1, max_length=100)]
    tier: Tier | None = None  # unset: the platform's default tier
    languages: Annotated[list[str], Field(min_length=1, max_length=len(LANGUAGES))]
    currency: CurrencyCode
    owner_email: EmailStr


def _errors_of(console: Console, exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for problem in exc.errors():
        name = str(problem["loc"][0]) if problem["loc"] else "name"
        errors.setdefault(name, console._(MESSAGES.get(name, str(problem["msg"]))))
    return errors


def _options(console: Console, merchant_list: list[Merchant]) -> dict[str, Any]:
    return {
        "languages": [(code, LANGUAGE_NAMES.get(code, code)) for code in LANGUAGES],
        "tiers": [(tier.value, tier.value.capitalize()) for tier in Tier],
        "merchant_options": [("", console._("Choose a merchant"))]
        + [(m.id, m.name) for m in sorted(merchant_list, key=lambda m: m.name.lower())],
    }


# --- the list and opening a store -----------------------------------------------------------------------


def _list_page(console: Console, status: int = 200, **context: Any) -> HTMLResponse:
    access = console.admin()
    wanted = console.request.query_params.get("status", "")
    wanted = wanted if wanted in STATUSES else ""
    every = stores.list_stores(access.tenant)  # one Query
    merchant_list = merchants.list_merchants(access.tenant)  # one Query
    names = {m.id: m.name for m in merchant_list}
    shown = sorted((s for s in every if not wanted or s.status.value == wanted), key=lambda s: s.code)
    values = context.pop("values", None) or {"tier": "", "currency": "EUR", "languages": ["en"]}
    return console.render(
        "platform/stores.html",
        status,
        stores=shown,
        merchant_names=names,
        wanted=wanted,
        statuses=STATUSES,
        counts={value: sum(1 for s in every if s.status.value == value) for value in STATUSES},
        values=values,
        errors=context.pop("errors", {}),
        message=context.pop("message", None),
        **_options(console, merchant_list),
        **context,
    )


@router.get("/admin/stores")
def store_list(console: SignedIn) -> HTMLResponse:
    return _list_page(console)


def invitation_links(console: Console, code: str) -> dict[str, str]:
    """The new store's invitation links: its own console's acceptance page, on its subdomain."""
    headers = console.request.headers
    host = (edge.viewer_host(headers) or "").removeprefix("api.")
    base = f"{edge.viewer_scheme(headers)}://{code}.{host}"
    return {
        "accept_url": f"{base}/api/v1/team/invitations/accept",
        "page_url": f"{base}/admin/invitations/accept",
    }


@router.post("/admin/stores")
def store_create(console: Posted) -> Response:
    access = console.admin()
    form = console.form
    values: dict[str, object] = {**form.as_dict(), "languages": form.all("languages")}

    def again(errors: dict[str, str]) -> HTMLResponse:
        return _list_page(console, 422, values=values, errors=errors, message=console._(CORRECT))

    raw = {
        "code": form.get("code").strip().lower(),
        "name": form.get("name").strip(),
        "merchant_id": form.get("merchant_id").strip(),
        "tier": form.get("tier") or None,
        "languages": [lang for lang in form.all("languages") if lang],
        "currency": form.get("currency").strip().upper(),
        "owner_email": form.get("owner_email").strip(),
    }
    try:
        data = NewStoreForm.model_validate(raw)
    except ValidationError as exc:
        return again(_errors_of(console, exc))
    errors: dict[str, str] = {}
    if any(lang not in LANGUAGES for lang in data.languages):
        errors["languages"] = console._(MESSAGES["languages"])
    try:
        owner = identity.owner_email(str(data.owner_email))
    except Invalid:
        errors["owner_email"] = console._(MESSAGES["owner_email"])
    try:
        merchants.get_merchant(access.tenant, data.merchant_id)
    except NotFound:
        errors["merchant_id"] = console._(MESSAGES["merchant_id"])
    if errors:
        return again(errors)
    try:
        store = stores.create_store(
            access.tenant,
            data.code,
            data.name,
            data.merchant_id,
            tier=data.tier,
            languages=tuple(dict.fromkeys(data.languages)),
            currency=data.currency,
            contact_email=owner,
        )
    except Conflict:
        return again({"code": console._(TAKEN)})
    except Invalid as exc:
        return again({"code": console._(RESERVED if "reserved" in str(exc) else MESSAGES["code"])})
    auditing.record_admin(console, "store.create", store.code, store=store.code, details={"tier": store.tier})
    invitation = identity.invite_store_owner(
        access.tenant,
        store.code,
        admin_id=access.user_id,
        email=owner,
        **invitation_links(console, store.code),
    )
    auditing.record_admin(
        console, "team.invite", f"invitation:{invitation.id}", store=store.code, details={"role": "owner"}
    )
    return console.redirect(f"/admin/stores/{store.code}", "Store opened; its owner has been invited.")


# --- one store ------------------------------------------------------------------------------------------


def _profile_values(store: Store) -> dict[str, object]:
    return {
        "name": store.name,
        "languages": list(store.languages),
        "default_language": store.default_language,
        "currency": store.currency,
        "contact_email": store.contact_email or "",
        "business_address": store.business_address or "",
        "phone": store.phone or "",
        "tier": store.tier.value,
        "merchant_id": store.merchant_id,
        "confirm": "",
    }


def _store_page(console: Console, store: Store, status: int = 200, **context: Any) -> HTMLResponse:
    access = console.admin()
    merchant_list = merchants.list_merchants(access.tenant)
    values = {**_profile_values(store), **(context.pop("values", None) or {})}
    return console.render(
        "platform/store.html",
        status,
        store=store,
        merchant_names={m.id: m.name for m in merchant_list},
        closed=store.status is StoreStatus.CLOSED,
        values=values,
        errors=context.pop("errors", {}),
        message=context.pop("message", None),
        **_options(console, merchant_list),
        **context,
    )


@router.get("/admin/stores/{code}")
def store_view(console: SignedIn, code: str) -> HTMLResponse:
    access = console.admin()
    return _store_page(console, stores.get_store(access.tenant, code))


@router.post("/admin/stores/{code}")
def store_save(console: Posted, code: str) -> Response:
    access = console.admin()
    store = stores.get_store(access.tenant, code)
    form = console.form
    values: dict[str, object] = {**form.as_dict(), "languages": form.all("languages")}

    def again(errors: dict[str, str]) -> HTMLResponse:
        return _store_page(console, store, 422, values=values, errors=errors, message=console._(CORRECT))

    raw = {
        "name": form.get("name").strip(),
        "languages": [lang for lang in form.all("languages") if lang],
        "default_language": form.get("default_language"),
        "currency": form.get("currency").strip().upper(),
        "contact_email": form.get("contact_email").strip() or None,
        "business_address": form.get("business_address").replace("\r\n", "\n").strip(),
        "phone": form.get("phone").strip(),
    }
    try:
        data = StoreSettingsInput.model_validate(raw)
    except ValidationError as exc:
        return again(_errors_of(console, exc))
    try:
        stores.update_store_profile(access.tenant, store.code, data)
    except Invalid as exc:
        errors = {k: console._(v) for k, v in field_errors(exc).items()}
        if "default language" in str(exc):
            errors.setdefault("default_language", console._(MESSAGES["default_language"]))
        elif not errors:
            errors["languages"] = console._(MESSAGES["languages"])
        return again(errors)
    auditing.record_admin(console, "settings.update", f"store:{store.code}", store=store.code)
    return console.redirect(f"/admin/stores/{store.code}", "Store saved.")


@router.post("/admin/stores/{code}/suspend")
def store_suspend(console: Posted, code: str) -> Response:
    access = console.admin()
    store = stores.suspend_store(access.tenant, code)
    auditing.record_admin(console, "store.suspend", store.code, store=store.code)
    return console.redirect(f"/admin/stores/{store.code}", "Store suspended: its addresses no longer answer.")


@router.post("/admin/stores/{code}/resume")
def store_resume(console: Posted, code: str) -> Response:
    access = console.admin()
    store = stores.resume_store(access.tenant, code)
    auditing.record_admin(console, "store.resume", store.code, store=store.code)
    return console.redirect(f"/admin/stores/{store.code}", "Store resumed.")


@router.post("/admin/stores/{code}/tier")
def store_tier(console: Posted, code: str) -> Response:
    access = console.admin()
    store = stores.get_store(access.tenant, code)
    try:
        tier = Tier(console.form.get("tier"))
    except ValueError:
        return _store_page(
            console,
            store,
            422,
            values={"tier": console.form.get("tier")},
            errors={"tier": console._(MESSAGES["tier"])},
            message=console._(CORRECT),
        )
    changed = stores.change_tier(access.tenant, code, tier)
    auditing.record_admin(
        console, "store.tier", code, store=code, details={"from": store.tier.value, "to": tier.value}
    )
    return console.redirect(f"/admin/stores/{changed.code}", "Tier changed.")


@router.post("/admin/stores/{code}/transfer")
def store_transfer(console: Posted, code: str) -> Response:
    access = console.admin()
    store = stores.get_store(access.tenant, code)
    merchant_id = console.form.get("merchant_id").strip()
    try:
        moved = stores.transfer_store(access.tenant, code, merchant_id)
    except NotFound:
        return _store_page(
            console,
            store,
            422,
            values={"merchant_id": merchant_id},
            errors={"merchant_id": console._(MESSAGES["merchant_id"])},
            message=console._(CORRECT),
        )
    auditing.record_admin(
        console, "store.transfer", code, store=code, details={"from": store.merchant_id, "to": merchant_id}
    )
    return console.redirect(f"/admin/stores/{moved.code}", "Store transferred.")


@router.post("/admin/stores/{code}/close")
def store_close(console: Posted, code: str) -> Response:
    access = console.admin()
    store = stores.get_store(access.tenant, code)
    confirm = console.form.get("confirm")
    try:
        closed = stores.close_store(access.tenant, code, confirm)
    except Invalid:
        return _store_page(
            console,
            store,
            422,
            values={"confirm": confirm},
            errors={"confirm": console._("Type the store's code to confirm closing it.")},
            message=console._(CORRECT),
        )
    auditing.record_admin(console, "store.close", code, store=code)
    return console.redirect(f"/admin/stores/{closed.code}", "Store closed: it no longer serves anyone.")
