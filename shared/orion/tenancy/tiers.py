"""Subscription tiers and their limits: the one place every feature reads a store's allowance from.

The limits are listed in docs/platform-admin.md (Tiers).
``None`` means unlimited. A feature that creates a limited resource counts what the store has and
calls :func:`ensure_within_limit` before writing; the 409 it raises names the limit, so a client can
offer the upgrade.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from orion import runtime
from orion.errors import LimitExceeded
from orion.metrics.counters import CounterRepository
from orion.metrics.errors import CounterLimitReached
from orion.tenancy.models import Store, Tier
from orion.tenancy.repository import TenancyRepository
from orion.tenant import Tenant


class Limit(StrEnum):
    """What a tier limits; the value is the name a 409 reports as ``limit``."""

    PAGES_TOTAL = "pages_total"
    PAGES_CUSTOM = "pages_custom"
    PRODUCTS = "products"
    STAFF_SEATS = "staff_seats"
    IMPORTS_PER_DAY = "imports_per_day"


LIMIT_DESCRIPTIONS: dict[Limit, str] = {
    Limit.PAGES_TOTAL: "content pages (overrides and custom pages)",
    Limit.PAGES_CUSTOM: "custom content pages (not overriding a platform default)",
    Limit.PRODUCTS: "products in the catalogue",
    Limit.STAFF_SEATS: "staff members and pending invitations",
    Limit.IMPORTS_PER_DAY: "catalogue imports started per day (UTC)",
}


@dataclass(frozen=True)
class TierPlan:
    """A tier's name and its allowance per limit (``None`` = unlimited)."""

    tier: Tier
    name: str
    limits: dict[Limit, int | None]

    def allowance(self, limit: Limit) -> int | None:
        return self.limits[limit]


def _plan(tier: Tier, name: str, allowances: tuple[int | None, ...]) -> TierPlan:
    """A plan from its allowances in the order of :class:`Limit`."""
    return TierPlan(tier, name, dict(zip(Limit, allowances, strict=True)))


PLANS: dict[Tier, TierPlan] = {
    plan.tier: plan
    for plan in (
        # pages total, custom pages, products, staff seats, imports per day
        _plan(Tier.ESSENTIAL, "Essential", (3, 0, 100, 2, 2)),
        _plan(Tier.PROFESSIONAL, "Professional", (10, 5, 1_000, 5, 10)),
        _plan(Tier.BUSINESS, "Business", (30, 20, 10_000, 15, 50)),
        _plan(Tier.ENTERPRISE, "Enterprise", (None, None, None, None, None)),
    )
}


def allowance(tier: Tier, limit: Limit) -> int | None:
    """How many of ``limit`` a store on ``tier`` may have (``None`` = unlimited)."""
    return PLANS[tier].allowance(limit)


def plan_of(tier: Tier) -> TierPlan:
    return PLANS[tier]


def next_plan(tier: Tier) -> TierPlan | None:
    """The plan above ``tier`` (what to move a store to when it outgrows an allowance), if any."""
    order = list(PLANS)
    index = order.index(tier)
    return PLANS[order[index + 1]] if index + 1 < len(order) else None


def ensure_within_limit(tier: Tier, limit: Limit, current: int, adding: int = 1) -> None:
    """Raise :class:`LimitExceeded` (409) if ``current + adding`` would pass the tier's allowance."""
    maximum = allowance(tier, limit)
    if maximum is None or current + adding <= maximum:
        return
    raise _exceeded(tier, limit, current)


def _exceeded(tier: Tier, limit: Limit, current: int) -> LimitExceeded:
    plan, maximum = PLANS[tier], allowance(tier, limit)
    return LimitExceeded(
        f"The {plan.name} plan allows {maximum} {LIMIT_DESCRIPTIONS[limit]}; "
        f"this store has {current}. Remove some or upgrade the plan.",
        extra={"limit": limit.value, "max": maximum, "current": current, "tier": tier.value},
    )


# Limits kept as counters: name, and whether it counts per UTC day (else a running total).
COUNTED: dict[Limit, tuple[str, bool]] = {
    Limit.PRODUCTS: ("products", False),
    Limit.STAFF_SEATS: ("staff_seats", False),
    Limit.IMPORTS_PER_DAY: ("imports", True),
}


def reserve(tenant: Tenant, limit: Limit, count: int = 1, *, tier: Tier | None = None) -> None:
    """Take ``count`` of the store's allowance before creating the resource (409 if it is used up).

    The check and the increment are one bounded atomic ADD on the store's counter, so two concurrent
    creations can never both take the last slot. Call :func:`release` if the creation then fails, and
    when the resource is deleted (totals only). The platform's counter follows, for its metrics.
    """
    counter, daily = COUNTED[limit]
    tier = tier or _tier_of(tenant)
    repository = runtime.repository(CounterRepository)
    today = datetime.now(UTC).date()
    day = today if daily else None
    maximum = allowance(tier, limit) if tier is not None else None
    try:
        repository.add(tenant, {counter: count}, day=day, at_most=maximum)
    except CounterLimitReached:
        assert tier is not None
        counters = repository.read(tenant, today, 1)
        used = counters.over(counter, 1) if daily else counters.total(counter)
        raise _exceeded(tier, limit, used) from None
    repository.add(Tenant(tenant.platform), {counter: count}, day=day)


def release(tenant: Tenant, limit: Limit, count: int = 1) -> None:
    """Give back what :func:`reserve` took (a failed creation, or a deleted resource)."""
    counter, daily = COUNTED[limit]
    day = datetime.now(UTC).date() if daily else None
    repository = runtime.repository(CounterRepository)
    repository.add(tenant, {counter: -count}, day=day)
    repository.add(Tenant(tenant.platform), {counter: -count}, day=day)


def _tier_of(tenant: Tenant) -> Tier | None:
    """The store's tier; ``None`` for a store without a profile, which requests can never reach
    (the tenant resolver refuses it) and which is counted but not limited (fixtures, scripts)."""
    store = runtime.repository(TenancyRepository).get_store(tenant.platform, tenant.require_store())
    return store.tier if store is not None else None


@dataclass(frozen=True)
class StoreUsage:
    """A store, its tier's plan, and how much of each counted allowance it uses (``None``: that limit
    is not kept as a counter and is checked when the resource is created)."""

    store: Store
    plan: TierPlan
    used: dict[Limit, int | None]

    def share(self, limit: Limit) -> int | None:
        """Percent of the allowance used (``None`` when unlimited or not counted)."""
        used, maximum = self.used[limit], self.plan.allowance(limit)
        if used is None or maximum is None:
            return None
        return 100 if maximum == 0 else round(100 * used / maximum)


def usage_of_stores(tenant: Tenant) -> list[StoreUsage]:
    """Every store of the platform with its usage against its tier: one Query of the stores and one
    BatchGetItem of counters per 50 stores."""
    platform = tenant.require_platform_only()
    stores = runtime.repository(TenancyRepository).list_stores(platform)
    today = datetime.now(UTC).date()
    snapshots = runtime.repository(CounterRepository).read_today_many(
        [Tenant(platform, s.code) for s in stores], today
    )
    usages: list[StoreUsage] = []
    for store in stores:
        counters = snapshots[Tenant(platform, store.code)]
        used: dict[Limit, int | None] = dict.fromkeys(Limit)
        for limit, (counter, daily) in COUNTED.items():
            used[limit] = counters.over(counter, 1) if daily else counters.total(counter)
        usages.append(StoreUsage(store=store, plan=PLANS[store.tier], used=used))
    return usages
