"""Catalogue figures: products in the store (the running total the tier allowance is kept on), and
its variants at or below the low-stock threshold (counters moved by every stock write that crosses it,
see orion.catalog.stock.rules)."""

from __future__ import annotations

from collections.abc import Sequence

from orion.catalog.stock.rules import DEFAULT_LOW_STOCK_THRESHOLD, LOW_STOCK, OUT_OF_STOCK, THRESHOLD_SETTING
from orion.metrics.counters import CounterSnapshot
from orion.metrics.providers import MetricValue
from orion.tenant import Tenant


class CatalogMetrics:
    def store_metrics(self, tenant: Tenant, counters: CounterSnapshot) -> Sequence[MetricValue]:
        threshold = counters.settings.get(THRESHOLD_SETTING, DEFAULT_LOW_STOCK_THRESHOLD)
        return (
            MetricValue("products", "Products", counters.total("products")),
            MetricValue(
                "low_stock", f"Variants with {threshold} or fewer in stock", counters.total(LOW_STOCK)
            ),
            MetricValue("low_stock.out_of_stock", "Variants out of stock", counters.total(OUT_OF_STOCK)),
            MetricValue("low_stock.threshold", "Low-stock threshold", threshold),
        )

    def platform_metrics(self, platform: str, counters: CounterSnapshot) -> Sequence[MetricValue]:
        return (MetricValue("products", "Products", counters.total("products")),)


provider = CatalogMetrics()
