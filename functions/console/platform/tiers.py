"""The platform console's tiers ``/admin/tiers``: each tier's limits (``orion.tenancy.tiers.PLANS``) and
each store's usage against its tier (one Query of the stores and one BatchGetItem of counters per 50
stores: with the session read, 3 requests for up to 50 stores)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from functions.console.web import SignedIn
from orion.tenancy.tiers import LIMIT_DESCRIPTIONS, PLANS, Limit, usage_of_stores

router = APIRouter()

# The limits a store's row shows (pages are checked when a page is created, not counted).
SHOWN = (Limit.PRODUCTS, Limit.STAFF_SEATS, Limit.IMPORTS_PER_DAY)


@router.get("/admin/tiers")
def tiers(console: SignedIn) -> HTMLResponse:
    console.admin()
    return console.render(
        "platform/tiers.html",
        plans=list(PLANS.values()),
        limits=list(Limit),
        descriptions=LIMIT_DESCRIPTIONS,
        shown=SHOWN,
        usages=sorted(usage_of_stores(console.access.tenant), key=lambda u: u.store.code),
    )
