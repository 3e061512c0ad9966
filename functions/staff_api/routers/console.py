"""``/api/v1/menu``, ``/api/v1/dashboard`` and ``/api/v1/analytics``: what a staff console shows the
signed-in member on this store, from the modules running on the platform and the member's
permissions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from functions.staff_api.common.access import Member, Tenancy, require
from orion.analytics.service import MAX_DAYS, sales_by_day
from orion.catalog import service as catalog
from orion.identity.models import StaffAccess
from orion.metrics.aggregator import enabled_providers, store_dashboard, widgets_of
from orion.modules.registry import menu_for
from orion.observability import logger

router = APIRouter(tags=["console"])


class MenuItem(BaseModel):
    label: str
    path: str
    module: str
    permission: str


class Menu(BaseModel):
    store: str
    role: str
    items: list[MenuItem]


@router.get("/menu", summary="The staff menu the signed-in member may see on this store")
def menu(resolved: Tenancy, access: Member) -> Menu:
    entries = menu_for(resolved.platform.enabled_modules, access.permissions)
    return Menu(
        store=access.tenant.require_store(),
        role=access.role.value,
        items=[
            MenuItem(label=e.label, path=e.path, module=m.code, permission=e.permission) for m, e in entries
        ],
    )


DASHBOARD_LOW_STOCK_ROWS = 10


class LowStockRow(BaseModel):
    product_id: str
    sku: str
    title: str
    variant: str
    stock: int
    out_of_stock: bool


class LowStockList(BaseModel):
    threshold: int
    items: list[LowStockRow]
    next_cursor: str | None = None


def _low_stock(access: StaffAccess, limit: int, after: str | None = None) -> LowStockList:
    page = catalog.list_low_stock(access.tenant, limit=limit, after=after)
    return LowStockList(
        threshold=page.threshold,
        items=[LowStockRow.model_validate(row.as_dict()) for row in page.items],
        next_cursor=page.next_cursor,
    )


@router.get(
    "/dashboard",
    summary="The store's figures: orders and revenue today/7d/30d, products, low stock, imports",
)
def dashboard(resolved: Tenancy, access: Member) -> dict[str, object]:
    """Figures from the counters (one Query) and, for members who may see products, the first
    variants at or below the low-stock threshold (one Query on a sparse index)."""
    enabled = resolved.platform.enabled_modules
    report = store_dashboard(access.tenant, enabled_providers(enabled, access.permissions))
    body: dict[str, object] = {**report.as_dict(), "widgets": widgets_of(report, enabled)}
    if "products.view" in access.permissions:
        try:
            body["low_stock"] = _low_stock(access, DASHBOARD_LOW_STOCK_ROWS).model_dump()
        except Exception:  # like a failing metrics provider: the rest of the dashboard still shows
            logger.exception("dashboard low-stock rows failed")
            body["low_stock"] = None
            body["unavailable"] = [*report.unavailable, "low_stock"]
    return body


@router.get("/dashboard/low-stock", summary="Every variant at or below the store's low-stock threshold")
def low_stock(
    access: Annotated[StaffAccess, Depends(require("products.view"))],
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    after: Annotated[str | None, Query(max_length=400)] = None,
) -> LowStockList:
    """Out of stock first, then by SKU; ``next_cursor`` goes into ``after`` for the next page."""
    return _low_stock(access, limit, after)


@router.get(
    "/analytics",
    summary="Orders and net revenue day by day (the analytics module's sales report)",
)
def analytics(
    access: Annotated[StaffAccess, Depends(require("analytics.view"))],
    days: Annotated[int, Query(ge=1, le=MAX_DAYS, description="how many days back, today included")] = 30,
) -> dict[str, object]:
    """Every day of the window, oldest first, with the orders placed, how many of them were since
    cancelled or refunded, and revenue per currency net of those (integer minor units); one Query."""
    return sales_by_day(access.tenant, days=days).as_dict()
