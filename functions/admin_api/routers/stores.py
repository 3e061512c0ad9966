"""``/api/v1/admin/stores``: open, suspend, resume, re-tier and transfer the platform's stores
(audit-logged); the bulk import is its own function (bulk_import.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request, status
from pydantic import BaseModel, EmailStr, Field

from functions.admin_api.access import Admin, audit_admin
from functions.admin_api.params import ID_PATTERN, StoreCode
from orion.errors import FieldError, Invalid
from orion.money import CurrencyCode
from orion.tenancy import stores
from orion.tenancy.models import LANGUAGES, Store, Tier
from orion.tenant import CODE_PATTERN

router = APIRouter(prefix="/admin", tags=["admin"])


class StoreIn(BaseModel):
    code: Annotated[str, Field(pattern=CODE_PATTERN.pattern)]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    merchant_id: Annotated[str, Field(pattern=ID_PATTERN)]
    # Unset: the platform's default tier (declared per environment in cdk.json, else Essential).
    tier: Tier | None = None
    languages: Annotated[list[str], Field(min_length=1, max_length=len(LANGUAGES))] = ["en"]
    currency: CurrencyCode = "EUR"
    contact_email: EmailStr | None = None


class TierChange(BaseModel):
    tier: Tier


class Transfer(BaseModel):
    merchant_id: Annotated[str, Field(pattern=ID_PATTERN)]


@router.get("/stores", summary="The platform's stores")
def list_stores(admin: Admin) -> list[Store]:
    return stores.list_stores(admin.tenant)


@router.post("/stores", status_code=status.HTTP_201_CREATED, summary="Open a store for a merchant")
def create_store(request: Request, admin: Admin, body: StoreIn) -> Store:
    unknown = [lang for lang in body.languages if lang not in LANGUAGES]
    if unknown:
        raise Invalid(errors=[FieldError("languages", f"unsupported: {', '.join(unknown)}")])
    store = stores.create_store(
        admin.tenant,
        body.code,
        body.name,
        body.merchant_id,
        tier=body.tier,
        languages=tuple(body.languages),
        currency=body.currency,
        contact_email=body.contact_email,
    )
    audit_admin(request, admin, "store.create", store.code, store=store.code, details={"tier": store.tier})
    return store


@router.get("/stores/{code}", summary="One store")
def get_store(admin: Admin, code: StoreCode) -> Store:
    return stores.get_store(admin.tenant, code)


@router.post("/stores/{code}/suspend", summary="Take a store offline (its hosts answer 404)")
def suspend_store(request: Request, admin: Admin, code: StoreCode) -> Store:
    store = stores.suspend_store(admin.tenant, code)
    audit_admin(request, admin, "store.suspend", code, store=code)
    return store


@router.post("/stores/{code}/resume", summary="Bring a suspended store back")
def resume_store(request: Request, admin: Admin, code: StoreCode) -> Store:
    store = stores.resume_store(admin.tenant, code)
    audit_admin(request, admin, "store.resume", code, store=code)
    return store


@router.put("/stores/{code}/tier", summary="Move a store to another subscription tier")
def change_tier(request: Request, admin: Admin, code: StoreCode, body: TierChange) -> Store:
    before = stores.get_store(admin.tenant, code).tier
    store = stores.change_tier(admin.tenant, code, body.tier)
    audit_admin(request, admin, "store.tier", code, store=code, details={"from": before, "to": body.tier})
    return store


@router.post("/stores/{code}/transfer", summary="Hand a store to another merchant of this platform")
def transfer_store(request: Request, admin: Admin, code: StoreCode, body: Transfer) -> Store:
    before = stores.get_store(admin.tenant, code).merchant_id
    store = stores.transfer_store(admin.tenant, code, body.merchant_id)
    audit_admin(
        request, admin, "store.transfer", code, store=code, details={"from": before, "to": body.merchant_id}
    )
    return store
