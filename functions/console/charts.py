"""Sales charts drawn on the server: the bars of an inline SVG (no JavaScript needed), computed from a
sales report. The numbers come from ``orion.analytics``; this only places them on a grid."""

from __future__ import annotations

from dataclasses import dataclass

from orion.analytics.service import SalesReport

WIDTH = 720
HEIGHT = 200
LEFT = 8
BOTTOM = 24
TOP = 8


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    day: str
    orders: int
    cancelled: int
    revenue: int


@dataclass(frozen=True)
class SalesChart:
    currency: str
    bars: tuple[Bar, ...]
    peak: int  # the highest day's net revenue (minor units): the top of the scale
    width: int = WIDTH
    height: int = HEIGHT
    baseline: float = HEIGHT - BOTTOM
    total_orders: int = 0
    total_revenue: int = 0
    first: str = ""
    last: str = ""


def chart_currency(report: SalesReport, default: str) -> str:
    """The currency the chart draws: the store's, unless the window only sold in another one."""
    seen = report.revenue
    if default in seen or not seen:
        return default
    return max(seen, key=lambda currency: abs(seen[currency]))


def sales_chart(report: SalesReport, currency: str) -> SalesChart:
    """One bar per day, its height the day's net revenue in ``currency`` (negative days drawn as zero:
    a refund taken from a day does not push a bar below the axis)."""
    days = report.days
    plot_width = WIDTH - 2 * LEFT
    plot_height = HEIGHT - BOTTOM - TOP
    slot = plot_width / max(len(days), 1)
    gap = min(2.0, slot * 0.2)
    peak = max((max(d.revenue.get(currency, 0), 0) for d in days), default=0)
    bars = []
    for index, day in enumerate(days):
        revenue = day.revenue.get(currency, 0)
        height = plot_height * max(revenue, 0) / peak if peak else 0.0
        bars.append(
            Bar(
                x=round(LEFT + index * slot + gap / 2, 2),
                y=round(HEIGHT - BOTTOM - height, 2),
                width=round(max(slot - gap, 1.0), 2),
                height=round(height, 2),
                day=day.day.isoformat(),
                orders=day.orders,
                cancelled=day.cancelled,
                revenue=revenue,
            )
        )
    return SalesChart(
        currency=currency,
        bars=tuple(bars),
        peak=peak,
        total_orders=report.orders - report.cancelled,
        total_revenue=report.revenue.get(currency, 0),
        first=report.first.isoformat(),
        last=report.last.isoformat(),
    )
