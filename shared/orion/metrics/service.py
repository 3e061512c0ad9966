"""Record business events as counters (store and platform, in the same request path) and read them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime

from orion import runtime
from orion.metrics.counters import CounterRepository, CounterSnapshot
from orion.tenant import Tenant


def today_utc(at: datetime | None = None) -> date:
    return (at or datetime.now(UTC)).astimezone(UTC).date()


def record(tenant: Tenant, deltas: Mapping[str, int], *, at: datetime | None = None) -> None:
    """Count an event on its UTC day for the store and for its platform (two atomic ADDs).

    Called after the event's own write committed, so a failed write is never counted. A process that
    dies between the commit and this call undercounts by that one event; counters are for dashboards,
    the orders themselves stay the record.
    """
    repository = runtime.repository(CounterRepository)
    day = today_utc(at)
    repository.add(tenant, deltas, day=day)
    if tenant.store is not None:
        repository.add(Tenant(tenant.platform), deltas, day=day)


def adjust_totals(tenant: Tenant, deltas: Mapping[str, int]) -> None:
    """Move running totals (products, stores, merchants) for the store and its platform."""
    repository = runtime.repository(CounterRepository)
    repository.add(tenant, deltas)
    if tenant.store is not None:
        repository.add(Tenant(tenant.platform), deltas)


def snapshot(tenant: Tenant, *, today: date | None = None, days: int = 30) -> CounterSnapshot:
    """The tenant's last ``days`` days and totals (one Query)."""
    return runtime.repository(CounterRepository).read(tenant, today or today_utc(), days)
