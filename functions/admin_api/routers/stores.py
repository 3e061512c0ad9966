"""``/api/v1/admin/stores``: open, suspend, resume, re-tier and transfer the platform's stores
(audit-logged); the bulk import is its own function (bulk_import.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request, status
from pydantic import BaseModel, EmailStr, Field

from functions.admin_api.access import Admin, audit_admin
from functions.admin_api.params import ID_PATTERN, StoreCode
from functions.common import edge
from orion.errors import FieldError, Invalid
from orion.identity import service as identity
from orion.money import CurrencyCode
from orion.tenancy import stores
from orion.tenancy.models import LANGUAGES, Store, Tier
from orion.tenancy.stores import PHONE_PATTERN, StoreSettingsInput
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
    business_address: Annotated[str | None, Field(max_length=600)] = None
    phone: Annotated[str | None, Field(max_length=40, pattern=PHONE_PATTERN)] = None
    # Set: the store's owner is invited (an Owner invitation in the outbox, as the bulk import does).
    owner_email: EmailStr | None = None


class CloseIn(BaseModel):
    """Closing is for good: the store's code, typed again, confirms it."""

    confirm: Annotated[str, Field(max_length=100)]


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
        business_address=body.business_address,
        phone=body.phone,
    )
    audit_admin(request, admin, "store.create", store.code, store=store.code, details={"tier": store.tier})
    if body.owner_email:
        host = (edge.viewer_host(request.headers) or "").removeprefix("api.")
        base = f"{edge.viewer_scheme(request.headers)}://{store.code}.{host}"
        invitation = identity.invite_store_owner(
            admin.tenant,
            store.code,
            admin_id=admin.user.id,
            email=str(body.owner_email),
            accept_url=f"{base}/api/v1/team/invitations/accept",
            page_url=f"{base}/admin/invitations/accept",
        )
        audit_admin(
            request,
            admin,
            "team.invite",
            f"invitation:{invitation.id}",
            store=store.code,
            details={"role": invitation.role.value},
        )
    return store


@router.get("/stores/{code}", summary="One store")
def get_store(admin: Admin, code: StoreCode) -> Store:
    return stores.get_store(admin.tenant, code)


@router.patch("/stores/{code}", summary="Edit a store's profile (as its owner's settings, by an admin)")
def update_store(request: Request, admin: Admin, code: StoreCode, body: StoreSettingsInput) -> Store:
    store = stores.update_store_profile(admin.tenant, code, body)
    audit_admin(request, admin, "settings.update", f"store:{code}", store=code)
    return store


@router.post(
    "/stores/{code}/close",
    summary="Close a store for good (its hosts answer 404; it cannot be resumed); body: its code again",
)
def close_store(request: Request, admin: Admin, code: StoreCode, body: CloseIn) -> Store:
    store = stores.close_store(admin.tenant, code, body.confirm)
    audit_admin(request, admin, "store.close", code, store=code)
    return store


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
