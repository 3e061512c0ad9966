"""Catalogue figures: products in the store (the running total the tier allowance is kept on)."""

from __future__ import annotations

from collections.abc import Sequence

from orion.metrics.counters import CounterSnapshot
from orion.metrics.providers import MetricValue
from orion.tenancy.models import Tenant


class CatalogMetrics:
    def store_metrics(self, tenant: Tenant, counters: CounterSnapshot) -> Sequence[MetricValue]:
        return (MetricValue("products", "Products", counters.total("products")),)

    def platform_metrics(self, platform: str, counters: CounterSnapshot) -> Sequence[MetricValue]:
        return (MetricValue("products", "Products", counters.total("products")),)


provider = CatalogMetrics()
