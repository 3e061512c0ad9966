"""Aggregate the figures of every enabled module: the store dashboard and the platform's metrics.

Counters are read once per request (one Query) and handed to each provider, so a dashboard costs the
same however many modules contribute. A provider that fails is left out and named, never a 500.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from orion.metrics.counters import CounterSnapshot
from orion.metrics.providers import MetricsProvider, MetricValue
from orion.metrics.service import snapshot
from orion.modules.registry import running_modules
from orion.observability import logger
from orion.tenant import Tenant


@dataclass(frozen=True)
class MetricsReport:
    """Figures grouped by the module that owns them; ``unavailable`` lists modules that failed."""

    tenant: Tenant
    day: date
    modules: Mapping[str, list[MetricValue]]
    unavailable: list[str] = field(default_factory=list)

    def value(self, key: str) -> int | None:
        for values in self.modules.values():
            for metric in values:
                if metric.key == key:
                    return metric.value
        return None

    def as_dict(self) -> dict[str, object]:
        return {
            "platform": self.tenant.platform,
            "store": self.tenant.store,
            "day": self.day.isoformat(),
            "modules": {code: [m.as_dict() for m in values] for code, values in self.modules.items()},
            "unavailable": self.unavailable,
        }


def store_dashboard(
    tenant: Tenant,
    providers: Mapping[str, MetricsProvider],
    *,
    today: date | None = None,
    counters: CounterSnapshot | None = None,
) -> MetricsReport:
    """The store's figures from every provider given (the enabled modules' ones); ``counters`` is a
    snapshot already read for this request (else one Query reads it)."""
    if counters is None:
        counters = snapshot(tenant, today=today)
    return _collect(tenant, counters, providers, store=True)


def platform_report(
    platform: str, providers: Mapping[str, MetricsProvider], *, today: date | None = None
) -> MetricsReport:
    """The platform's figures (its counters roll up every store's events)."""
    tenant = Tenant(platform)
    counters = snapshot(tenant, today=today)
    return _collect(tenant, counters, providers, store=False)


def _collect(
    tenant: Tenant, counters: CounterSnapshot, providers: Mapping[str, MetricsProvider], *, store: bool
) -> MetricsReport:
    modules: dict[str, list[MetricValue]] = {}
    unavailable: list[str] = []
    for code, provider in sorted(providers.items()):
        try:
            values = (
                provider.store_metrics(tenant, counters)
                if store
                else provider.platform_metrics(tenant.platform, counters)
            )
        except Exception:  # one module's failure must not take the dashboard down
            logger.exception("metrics provider failed", extra={"metrics_module": code})
            unavailable.append(code)
            continue
        if values:
            modules[code] = list(values)
    return MetricsReport(tenant=tenant, day=counters.today, modules=modules, unavailable=unavailable)


# --- the enabled modules' providers ----------------------------------------------------------------------


@cache
def _load_provider(path: str) -> MetricsProvider:
    module, _, attribute = path.partition(":")
    provider: MetricsProvider = getattr(importlib.import_module(module), attribute)
    return provider


def enabled_providers(
    enabled: frozenset[str], permissions: frozenset[str] | None = None
) -> dict[str, MetricsProvider]:
    """The metrics providers of the modules running on a platform, imported on first use; with
    ``permissions``, only those of modules whose figures the member may see."""
    providers: dict[str, MetricsProvider] = {}
    for manifest in running_modules(enabled):
        if manifest.metrics_provider is None:
            continue
        if permissions is not None and manifest.metrics_permission not in (None, *permissions):
            continue
        providers[manifest.code] = _load_provider(manifest.metrics_provider)
    return providers


def widgets_of(report: MetricsReport, enabled: frozenset[str]) -> list[dict[str, object]]:
    """The dashboard widgets of the running modules, each with its figures from ``report``."""
    widgets: list[dict[str, object]] = []
    for manifest in running_modules(enabled):
        figures = report.modules.get(manifest.code)
        if not figures:
            continue
        for widget in manifest.widgets:
            chosen = [
                m.as_dict()
                for m in figures
                if any(m.key == p or m.key.startswith(p + ".") for p in widget.metrics)
            ]
            if chosen:
                widgets.append(
                    {"key": widget.key, "title": widget.title, "module": manifest.code, "metrics": chosen}
                )
    return widgets
