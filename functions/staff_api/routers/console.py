"""``/api/v1/menu`` and ``/api/v1/dashboard``: what a staff console shows the signed-in member on
this store, from the modules running on the platform and the member's permissions."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from functions.staff_api.common.access import Member, Tenancy
from orion.metrics.aggregator import enabled_providers, store_dashboard, widgets_of
from orion.modules.registry import menu_for

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


@router.get("/dashboard", summary="The store's figures: orders and revenue today/7d/30d, products, imports")
def dashboard(resolved: Tenancy, access: Member) -> dict[str, object]:
    enabled = resolved.platform.enabled_modules
    report = store_dashboard(access.tenant, enabled_providers(enabled, access.permissions))
    return {**report.as_dict(), "widgets": widgets_of(report, enabled)}
