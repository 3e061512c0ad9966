"""``/api/v1/settings`` and ``/api/v1/domains``: the store's profile and its custom domains."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response, status
from pydantic import BaseModel, Field

from functions.staff_api.common.access import record_audit, require
from orion.catalog import service as catalog
from orion.identity.models import StaffAccess
from orion.orders import shipping
from orion.orders.shipping import ShippingSettings
from orion.tenancy import domains, stores
from orion.tenancy.domains import DomainView
from orion.tenancy.stores import StoreSettingsInput

router = APIRouter(tags=["store"])

Host = Annotated[str, Path(max_length=253, pattern=r"^[A-Za-z0-9.-]+$")]
View = Annotated[StaffAccess, Depends(require("settings.view"))]
Edit = Annotated[StaffAccess, Depends(require("settings.edit"))]


class StoreSettings(BaseModel):
    code: str
    name: str
    tier: str
    languages: list[str]
    default_language: str
    currency: str
    contact_email: str | None = None
    low_stock_threshold: int
    business_address: str | None = None
    phone: str | None = None
    notifications: dict[str, bool] = Field(description="order e-mails on (true) or off, by kind")


class StoreSettingsBody(StoreSettingsInput):
    low_stock_threshold: int | None = Field(
        default=None,
        ge=0,
        le=catalog.MAX_LOW_STOCK_THRESHOLD,
        description="variants with this many or fewer in stock count as low stock (left out: unchanged); "
        "changing it recounts the store's variants",
    )


class DomainRequest(BaseModel):
    host: str = Field(min_length=3, max_length=253)


class DomainList(BaseModel):
    items: list[DomainView]


def _settings(access: StaffAccess) -> StoreSettings:
    store = stores.get_store_settings(access.tenant)
    return StoreSettings(
        code=store.code,
        name=store.name,
        tier=store.tier.value,
        languages=list(store.languages),
        default_language=store.default_language,
        currency=store.currency,
        contact_email=store.contact_email,
        low_stock_threshold=catalog.get_low_stock_threshold(access.tenant),
        business_address=store.business_address,
        phone=store.phone,
        notifications=store.notifications,
    )


@router.get(
    "/settings", summary="The store's name, languages, currency, contact, address and low-stock threshold"
)
def get_settings(access: View) -> StoreSettings:
    return _settings(access)


@router.put(
    "/settings",
    summary="Change the store's name, languages, currency, contact, low-stock threshold and e-mails",
)
def put_settings(body: StoreSettingsBody, request: Request, access: Edit) -> StoreSettings:
    stores.update_store_settings(access.tenant, body)
    details: dict[str, object] = {}
    threshold = body.low_stock_threshold
    recount = catalog.set_low_stock_threshold(access.tenant, threshold) if threshold is not None else None
    if recount is not None:
        details = {"low_stock_threshold": threshold, "variants_recounted": recount.changed}
    record_audit(request, access, "settings.update", f"store:{access.tenant.store}", details or None)
    return _settings(access)


@router.get("/settings/shipping", summary="The store's shipping zones and VAT rates")
def get_shipping(access: View) -> ShippingSettings:
    """Zones (countries, flat ``rate``, ``free_from`` threshold, minor units) and VAT ``vat_rates`` per
    destination country (percent as text, by tax class). Never saved: every checkout country at no
    charge, with the default EU rates."""
    return shipping.get_shipping_settings(access.tenant)


@router.put("/settings/shipping", summary="Replace the store's shipping zones and VAT rates")
def put_shipping(body: ShippingSettings, request: Request, access: Edit) -> ShippingSettings:
    """A country in no zone is not shipped to (checkout answers 422 on ``country``); a country in two
    zones, an unknown country or a rate outside 0-99.99 is a 422 naming the field."""
    saved = shipping.update_shipping_settings(access.tenant, body)
    details = {"zones": len(saved.zones), "countries": ",".join(saved.countries)}
    record_audit(request, access, "settings.shipping", f"store:{access.tenant.store}", details)
    return saved


@router.get("/domains", summary="The store's custom domains")
def list_domains(access: View) -> DomainList:
    return DomainList(items=[DomainView.of(d) for d in domains.list_domains(access.tenant)])


@router.post("/domains", status_code=status.HTTP_201_CREATED, summary="Add a custom domain (pending)")
def add_domain(body: DomainRequest, request: Request, access: Edit) -> DomainView:
    """The answer names the TXT record to publish; then call verify."""
    domain = domains.add_domain(access.tenant, body.host)
    record_audit(request, access, "domain.add", f"domain:{domain.host}")
    return DomainView.of(domain)


@router.post("/domains/{host}/verify", summary="Check the TXT record and start serving the domain")
def verify_domain(host: Host, request: Request, access: Edit) -> DomainView:
    domain = domains.verify_domain(access.tenant, host)
    record_audit(request, access, "domain.verify", f"domain:{domain.host}")
    return DomainView.of(domain)


@router.delete("/domains/{host}", status_code=status.HTTP_204_NO_CONTENT, summary="Remove a custom domain")
def remove_domain(host: Host, request: Request, access: Edit) -> Response:
    domains.remove_domain(access.tenant, host)
    record_audit(request, access, "domain.remove", f"domain:{host}")
    return Response(status_code=status.HTTP_204_NO_CONTENT)
