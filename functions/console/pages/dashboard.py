"""The dashboard ``/admin/``: the store's figures at a glance, each part only for members who may see it.

Budget: at most 4 DynamoDB requests with the session read. The store's counters are read once (one
Query) and give the order and revenue figures, the 30-day chart, the low-stock counts and threshold,
and whether an import was started lately; the lists then cost one Query each, and only when the
counters say there is something to list: orders waiting for action (always, for members who see
orders), running imports (when one was started in the last two days), low-stock variants (when the
counters count some). When all three are due, the low-stock part shows its counts and a link.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse

from functions.console.charts import chart_currency, sales_chart
from functions.console.web import Console, SignedIn
from orion.metrics.aggregator import enabled_providers, store_dashboard
from orion.metrics.service import snapshot
from orion.observability import logger

if TYPE_CHECKING:
    from orion.imports.models import ImportJob

router = APIRouter()

WAITING_ROWS = 10
LOW_STOCK_ROWS = 8
IMPORT_ROWS = 5
RECENT_IMPORT_DAYS = 2  # a job still open was started within this many days (stall timeout: 1 h)
LIST_QUERIES = 2  # list Queries the budget leaves after the session and the counters


@router.get("/admin")
def bare(console: SignedIn) -> RedirectResponse:
    return RedirectResponse(console.url("/admin/"), status_code=308)


@dataclass
class Figures:
    orders_today: int = 0
    orders_30d: int = 0
    cancelled_today: int = 0
    cancelled_30d: int = 0
    revenue_today: int = 0
    revenue_30d: int = 0
    currency: str = "EUR"
    products: int | None = None
    low_stock: int = 0
    out_of_stock: int = 0
    threshold: int = 0
    imports_recent: int = 0
    unavailable: list[str] = field(default_factory=list)


@router.get("/admin/")
def dashboard(console: SignedIn) -> HTMLResponse:
    see_orders = console.can("orders.view")
    see_products = console.can("products.view")
    see_imports = console.can("imports.view")
    tenant = console.access.tenant
    currency = console.resolved.store.currency if console.resolved.store else "EUR"
    figures = Figures(currency=currency)
    context: dict[str, Any] = {
        "see_orders": see_orders,
        "see_products": see_products,
        "see_imports": see_imports,
        "chart": None,
        "waiting": [],
        "low_stock": None,
        "imports": [],
        "figures": figures,
    }
    if see_orders or see_products or see_imports:
        counters = snapshot(tenant)
        report = store_dashboard(
            tenant,
            enabled_providers(console.enabled_modules, console.access.permissions),
            counters=counters,
        )
        figures.unavailable = list(report.unavailable)
        if see_orders:
            from orion.analytics.service import sales_of

            sales = sales_of(counters, days=30)
            figures.currency = chart_currency(sales, currency)
            figures.orders_today = sales.days[-1].orders
            figures.cancelled_today = sales.days[-1].cancelled
            figures.revenue_today = sales.days[-1].revenue.get(figures.currency, 0)
            figures.orders_30d = sales.orders
            figures.cancelled_30d = sales.cancelled
            figures.revenue_30d = sales.revenue.get(figures.currency, 0)
            context["chart"] = sales_chart(sales, figures.currency)
        figures.products = report.value("products")
        figures.low_stock = report.value("low_stock") or 0
        figures.out_of_stock = report.value("low_stock.out_of_stock") or 0
        figures.threshold = report.value("low_stock.threshold") or 0
        figures.imports_recent = counters.over("imports", RECENT_IMPORT_DAYS) if see_imports else 0
        _lists(console, context, figures)
    return console.render("dashboard.html", **context)


def _lists(console: Console, context: dict[str, Any], figures: Figures) -> None:
    """The short lists, within the budget (one Query each, only where the counters show something)."""
    tenant = console.access.tenant
    budget = LIST_QUERIES
    if context["see_orders"]:
        from orion.orders.service import orders_awaiting_action

        context["waiting"] = orders_awaiting_action(tenant, limit=WAITING_ROWS)
        budget -= 1
    if context["see_imports"] and figures.imports_recent and budget:
        from orion.imports import service as imports

        try:
            jobs = imports.list_import_jobs(tenant, IMPORT_ROWS)
            context["imports"] = [job for job in jobs if not job.status.is_final or _publishing(job)]
        except Exception:  # like a failing metrics provider: the rest of the dashboard still shows
            logger.exception("dashboard import jobs failed")
            figures.unavailable.append("imports")
        budget -= 1
    if context["see_products"] and figures.low_stock and budget:
        from orion.catalog import service as catalog

        try:
            context["low_stock"] = catalog.list_low_stock(
                tenant, limit=LOW_STOCK_ROWS, threshold=figures.threshold
            )
        except Exception:
            logger.exception("dashboard low-stock rows failed")
            figures.unavailable.append("low_stock")
        budget -= 1


def _publishing(job: ImportJob) -> bool:
    from orion.imports.models import PublishStatus

    return job.publish is not None and job.publish.seen_at(datetime.now(UTC)).status is PublishStatus.RUNNING
