"""Import figures: catalogue import jobs started (counted when a job takes its daily allowance)."""

from __future__ import annotations

from collections.abc import Sequence

from orion.metrics.counters import CounterSnapshot
from orion.metrics.providers import MetricValue, windowed
from orion.tenancy.tiers import COUNTED, Limit
from orion.tenant import Tenant

IMPORTS_COUNTER = COUNTED[Limit.IMPORTS_PER_DAY][0]


class ImportsMetrics:
    def store_metrics(self, tenant: Tenant, counters: CounterSnapshot) -> Sequence[MetricValue]:
        return windowed(counters, IMPORTS_COUNTER, "imports", "Import jobs")

    def platform_metrics(self, platform: str, counters: CounterSnapshot) -> Sequence[MetricValue]:
        return windowed(counters, IMPORTS_COUNTER, "imports", "Import jobs")


provider = ImportsMetrics()
