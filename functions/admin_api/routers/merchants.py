"""``/api/v1/admin/merchants``: the platform's merchants (audit-logged writes)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request, status
from pydantic import BaseModel, EmailStr, Field

from functions.admin_api.access import Admin, audit_admin
from functions.admin_api.params import Id
from orion.tenancy import merchants, stores
from orion.tenancy.models import Merchant

router = APIRouter(prefix="/admin", tags=["admin"])


class MerchantIn(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    contact_email: EmailStr | None = None


@router.get("/merchants", summary="The platform's merchants")
def list_merchants(admin: Admin) -> list[Merchant]:
    return merchants.list_merchants(admin.tenant)


@router.post("/merchants", status_code=status.HTTP_201_CREATED, summary="Add a merchant")
def create_merchant(request: Request, admin: Admin, body: MerchantIn) -> Merchant:
    merchant = merchants.create_merchant(admin.tenant, body.name, body.contact_email)
    audit_admin(request, admin, "merchant.create", merchant.id, details={"name": merchant.name})
    return merchant


@router.get("/merchants/{merchant_id}", summary="One merchant and its stores")
def get_merchant(admin: Admin, merchant_id: Id) -> dict[str, object]:
    merchant = merchants.get_merchant(admin.tenant, merchant_id)
    owned = [s.code for s in stores.list_stores(admin.tenant) if s.merchant_id == merchant.id]
    return {**merchant.model_dump(), "stores": owned}


@router.patch("/merchants/{merchant_id}", summary="Rename a merchant or change its contact e-mail")
def update_merchant(request: Request, admin: Admin, merchant_id: Id, body: MerchantIn) -> Merchant:
    merchant = merchants.update_merchant(admin.tenant, merchant_id, body.name, body.contact_email)
    audit_admin(request, admin, "merchant.update", merchant.id, details={"name": merchant.name})
    return merchant
