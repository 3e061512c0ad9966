"""Tenancy's figures for the platform: stores (and how many are suspended) and merchants."""

from __future__ import annotations

from collections.abc import Sequence

from orion.metrics.counters import CounterSnapshot
from orion.metrics.providers import MetricValue
from orion.tenant import Tenant


class TenancyMetrics:
    def store_metrics(self, tenant: Tenant, counters: CounterSnapshot) -> Sequence[MetricValue]:
        return ()

    def platform_metrics(self, platform: str, counters: CounterSnapshot) -> Sequence[MetricValue]:
        return (
            MetricValue("stores", "Stores", counters.total("stores")),
            MetricValue("stores.suspended", "Suspended stores", counters.total("stores_suspended")),
            MetricValue("merchants", "Merchants", counters.total("merchants")),
        )


provider = TenancyMetrics()
