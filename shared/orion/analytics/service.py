"""Sales analytics: a store's orders and net revenue day by day, from the counters the orders module
keeps on write (one Query, however many orders there were)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from orion.errors import BadRequest
from orion.metrics.counters import CounterSnapshot
from orion.metrics.service import snapshot
from orion.orders.metrics import CANCELLED, ORDERS, REVENUE_PREFIX
from orion.tenant import Tenant

MAX_DAYS = 366


@dataclass(frozen=True)
class SalesDay:
    day: date
    orders: int
    cancelled: int
    revenue: dict[str, int]  # currency -> net minor units

    def as_dict(self) -> dict[str, object]:
        return {
            "date": self.day.isoformat(),
            "orders": self.orders,
            "cancelled": self.cancelled,
            "revenue": self.revenue,
        }


@dataclass(frozen=True)
class SalesReport:
    first: date
    last: date
    days: tuple[SalesDay, ...]

    @property
    def orders(self) -> int:
        return sum(d.orders for d in self.days)

    @property
    def cancelled(self) -> int:
        return sum(d.cancelled for d in self.days)

    @property
    def revenue(self) -> dict[str, int]:
        total: dict[str, int] = {}
        for d in self.days:
            for currency, amount in d.revenue.items():
                total[currency] = total.get(currency, 0) + amount
        return total

    def as_dict(self) -> dict[str, object]:
        return {
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "orders": self.orders,
            "cancelled": self.cancelled,
            "revenue": self.revenue,
            # Net revenue per order kept, where the window sold in one currency (order counts are
            # not kept per currency, so a mixed window has no honest average).
            "average_order": {
                currency: amount // kept
                for currency, amount in self.revenue.items()
                if len(self.revenue) == 1 and (kept := self.orders - self.cancelled) > 0
            },
            "days": [d.as_dict() for d in self.days],
        }


def sales_by_day(tenant: Tenant, *, days: int = 30, today: date | None = None) -> SalesReport:
    """The last ``days`` UTC days (today included), oldest first, every day listed (zero when nothing
    was sold); revenue is net of orders since cancelled or refunded, by the day they were placed."""
    if not 1 <= days <= MAX_DAYS:
        raise BadRequest(f"days must be between 1 and {MAX_DAYS}")
    return sales_of(snapshot(tenant, today=today, days=days), days=days)


def sales_of(counters: CounterSnapshot, *, days: int = 30) -> SalesReport:
    """:func:`sales_by_day` from a counters snapshot already read (covering at least ``days`` days):
    the dashboard draws its chart from the snapshot its figures come from."""
    if not 1 <= days <= MAX_DAYS:
        raise BadRequest(f"days must be between 1 and {MAX_DAYS}")
    first = counters.today - timedelta(days=days - 1)
    rows = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        values = counters.days.get(day, {})
        rows.append(
            SalesDay(
                day=day,
                orders=values.get(ORDERS, 0),
                cancelled=values.get(CANCELLED, 0),
                revenue={
                    name.removeprefix(REVENUE_PREFIX): amount
                    for name, amount in sorted(values.items())
                    if name.startswith(REVENUE_PREFIX)
                },
            )
        )
    return SalesReport(first=first, last=counters.today, days=tuple(rows))
