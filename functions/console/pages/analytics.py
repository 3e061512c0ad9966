"""Analytics ``/admin/analytics?days=``: orders and net revenue day by day (``orion.analytics``, one
Query), as a chart drawn on the server and as a table."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from functions.console.charts import chart_currency, sales_chart
from functions.console.web import SignedIn
from orion.analytics.service import MAX_DAYS, sales_by_day

router = APIRouter()

DEFAULT_DAYS = 30


@router.get("/admin/analytics")
def analytics(console: SignedIn, days: str = "") -> HTMLResponse:
    access = console.need("analytics.view")
    wanted = days.strip() or str(DEFAULT_DAYS)
    if not wanted.isdigit() or not 1 <= int(wanted) <= MAX_DAYS:
        return console.render(
            "analytics.html",
            422,
            report=None,
            chart=None,
            max_days=MAX_DAYS,
            values={"days": days},
            errors={"days": console._("Enter a number of days from 1 to {n}.", n=MAX_DAYS)},
            message=console._("Please correct the fields marked below."),
        )
    report = sales_by_day(access.tenant, days=int(wanted))
    currency = console.resolved.store.currency if console.resolved.store else "EUR"
    currency = chart_currency(report, currency)
    kept = report.orders - report.cancelled
    return console.render(
        "analytics.html",
        report=report,
        chart=sales_chart(report, currency),
        currency=currency,
        kept=kept,
        average=report.revenue.get(currency, 0) // kept if kept and len(report.revenue) <= 1 else None,
        max_days=MAX_DAYS,
        values={"days": wanted},
        message=None,
    )
