"""The contract between the metrics aggregator (core) and the modules that own figures.

A module exposes an object with ``store_metrics`` and ``platform_metrics`` and names it in its manifest
(``metrics_provider="orion.orders.metrics:provider"``); the aggregator imports it only when the module
is enabled on the platform, so the core never imports an optional module.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from orion.metrics.counters import CounterSnapshot
from orion.tenant import Tenant


@dataclass(frozen=True)
class MetricValue:
    """One figure on a dashboard: ``key`` is stable for clients, ``label`` is for people."""

    key: str
    label: str
    value: int
    unit: str = "count"  # count, or an ISO currency code for money in minor units
    window: str | None = None  # today, 7d, 30d; None for a current total

    def as_dict(self) -> dict[str, object]:
        return {
            "key": self.key,
            "label": self.label,
            "value": self.value,
            "unit": self.unit,
            "window": self.window,
        }


WINDOWS: tuple[tuple[str, int], ...] = (("today", 1), ("7d", 7), ("30d", 30))


def windowed(
    snapshot: CounterSnapshot, counter: str, key: str, label: str, unit: str = "count"
) -> list[MetricValue]:
    """A daily counter as three figures: today, last 7 days and last 30 days."""
    return [
        MetricValue(f"{key}.{window}", label, snapshot.over(counter, days), unit, window)
        for window, days in WINDOWS
    ]


class MetricsProvider(Protocol):
    """What a module's metrics provider answers, from the counters the aggregator read once."""

    def store_metrics(self, tenant: Tenant, counters: CounterSnapshot) -> Sequence[MetricValue]: ...

    def platform_metrics(self, platform: str, counters: CounterSnapshot) -> Sequence[MetricValue]: ...
