"""Orders' figures: counted when an order is placed (and taken back out of revenue when it is
cancelled or refunded), shown as orders and net revenue per window of placement dates."""

from __future__ import annotations

from collections.abc import Sequence

from orion.metrics.counters import CounterSnapshot
from orion.metrics.providers import MetricValue, windowed
from orion.metrics.service import record
from orion.observability import tenant_metric
from orion.orders.models import Order
from orion.tenant import Tenant

ORDERS = "orders"
CANCELLED = "orders.cancelled"
REVENUE_PREFIX = "revenue."


def record_order_placed(tenant: Tenant, order: Order) -> None:
    """Count a committed order for the store's dashboard and the platform's metrics (atomic ADDs),
    and emit it as a CloudWatch metric (EMF) per platform and store."""
    record(tenant, {ORDERS: 1, REVENUE_PREFIX + order.currency: order.total}, at=order.created_at)
    tenant_metric("OrdersPlaced", tenant)


def record_order_cancelled(tenant: Tenant, order: Order) -> None:
    """Take a cancelled or refunded order out of its placement day's revenue (the money is not
    earned) and count it, so the windows show net revenue of the orders placed in them."""
    record(tenant, {CANCELLED: 1, REVENUE_PREFIX + order.currency: -order.total}, at=order.created_at)


class OrdersMetrics:
    """Orders placed, of which cancelled or refunded, and net revenue (integer minor units per
    currency: cancelled and refunded orders taken out) today, over 7 and over 30 days."""

    def store_metrics(self, tenant: Tenant, counters: CounterSnapshot) -> Sequence[MetricValue]:
        return self._figures(counters)

    def platform_metrics(self, platform: str, counters: CounterSnapshot) -> Sequence[MetricValue]:
        return self._figures(counters)

    @staticmethod
    def _figures(counters: CounterSnapshot) -> list[MetricValue]:
        figures = windowed(counters, ORDERS, "orders", "Orders")
        figures += windowed(counters, CANCELLED, "orders.cancelled", "Cancelled or refunded")
        # Revenue per currency seen in the window; a store without orders yet shows zero euros.
        for counter in sorted(counters.names(REVENUE_PREFIX) or {REVENUE_PREFIX + "EUR"}):
            currency = counter.removeprefix(REVENUE_PREFIX)
            figures += windowed(counters, counter, f"revenue.{currency}", f"Revenue ({currency})", currency)
        return figures


provider = OrdersMetrics()
