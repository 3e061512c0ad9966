"""The platform console's dashboard ``/admin/``: the platform at a glance.

DynamoDB requests per view (besides the session's GetItem): the platform's stores (one Query), its
merchants (one Query), its counters (one Query, ``platform_report``), its failed e-mails (one Query on
the outbox's failed index) and its unfinished import jobs (one Query on the sparse open-jobs index).
Health is the readiness report the health function gives (a DescribeTable and a HeadBucket per
bucket), kept for a minute in the warm container so a busy dashboard does not probe on every view.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, datetime, timedelta

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse

from functions.console.web import SignedIn
from orion.health.service import Readiness, readiness
from orion.imports.models import ImportStatus
from orion.imports.service import open_import_jobs
from orion.metrics.aggregator import enabled_providers, platform_report
from orion.outbox import service as outbox
from orion.settings import get_settings
from orion.tenancy import merchants, stores
from orion.tenancy.models import StoreStatus, Tier

router = APIRouter()

HEALTH_TTL_SECONDS = 60.0
RECENT = 5
_health: tuple[float, Readiness] | None = None


def health() -> Readiness:
    """The readiness report, probed at most once a minute per container."""
    global _health
    now = time.monotonic()
    if _health is None or now - _health[0] > HEALTH_TTL_SECONDS:
        _health = (now, readiness())
    return _health[1]


@router.get("/admin")
def bare(console: SignedIn) -> RedirectResponse:
    return RedirectResponse(console.url("/admin/"), status_code=308)


@router.get("/admin/")
def dashboard(console: SignedIn) -> HTMLResponse:
    access = console.admin()
    tenant = access.tenant
    every = stores.list_stores(tenant)
    merchant_list = merchants.list_merchants(tenant)
    by_status = Counter(store.status.value for store in every)
    by_tier = Counter(store.tier.value for store in every if store.status is not StoreStatus.CLOSED)
    report = platform_report(tenant.platform, enabled_providers(console.enabled_modules))
    today = [
        metric
        for values in report.modules.values()
        for metric in values
        if metric.window == "today" and (metric.key == "orders" or metric.key.startswith("revenue."))
    ]
    failed = outbox.list_undelivered(tenant, failed=True, limit=100)
    now = datetime.now(UTC)
    stall = timedelta(seconds=get_settings().import_stall_timeout_seconds)
    jobs = open_import_jobs(tenant)
    stuck = [job for job in jobs if now - job.updated_at > stall]
    return console.render(
        "platform/dashboard.html",
        statuses=[(status.value, by_status.get(status.value, 0)) for status in StoreStatus],
        tiers=[(tier.value, by_tier.get(tier.value, 0)) for tier in Tier],
        store_count=len(every),
        merchant_count=len(merchant_list),
        new_merchants=sorted(merchant_list, key=lambda m: m.id, reverse=True)[:RECENT],
        new_stores=sorted(every, key=lambda s: s.created_at or now, reverse=True)[:RECENT],
        today=today,
        unavailable=report.unavailable,
        failed_emails=len(failed),
        imports_running=sum(1 for job in jobs if job.status is ImportStatus.RUNNING),
        imports_pending=sum(1 for job in jobs if job.status is ImportStatus.PENDING),
        imports_stuck=stuck,
        health=health(),
    )
