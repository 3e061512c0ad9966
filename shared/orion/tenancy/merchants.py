"""Merchants: the businesses a platform admin opens stores for (also created by the bulk store import
and the demo data). Every use case takes the platform's tenant first."""

from __future__ import annotations

from orion import runtime
from orion.errors import NotFound
from orion.ids import new_id
from orion.metrics.service import adjust_totals
from orion.tenancy.models import Merchant
from orion.tenancy.repository import TenancyRepository
from orion.tenant import Tenant


def list_merchants(tenant: Tenant) -> list[Merchant]:
    return runtime.repository(TenancyRepository).list_merchants(tenant.require_platform_only())


def get_merchant(tenant: Tenant, merchant_id: str) -> Merchant:
    found = runtime.repository(TenancyRepository).get_merchant(tenant.require_platform_only(), merchant_id)
    if found is None:
        raise NotFound.worded("No merchant {id} on this platform.", id=merchant_id)
    return found


def create_merchant(tenant: Tenant, name: str, contact_email: str | None = None) -> Merchant:
    platform = tenant.require_platform_only()
    merchant = Merchant(id=new_id(), platform=platform, name=name, contact_email=contact_email)
    runtime.repository(TenancyRepository).put_merchant(merchant)
    adjust_totals(tenant, {"merchants": 1})
    return merchant


def update_merchant(
    tenant: Tenant, merchant_id: str, name: str, contact_email: str | None = None
) -> Merchant:
    """Rename a merchant or change its contact address (the merchant must exist on the platform)."""
    merchant = get_merchant(tenant, merchant_id)
    updated = merchant.model_copy(update={"name": name, "contact_email": contact_email or None})
    if updated != merchant:
        runtime.repository(TenancyRepository).put_merchant(updated)
    return updated
