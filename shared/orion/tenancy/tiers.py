"""Subscription tiers and their limits: the one place every feature reads a store's allowance from.

CMS page limits come from seed 000; products, staff seats and imports per day are Orion's own plan.
``None`` means unlimited. A feature that creates a limited resource counts what the store has and
calls :func:`ensure_within_limit` before writing; the 409 it raises names the limit, so a client can
offer the upgrade.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from orion.errors import LimitExceeded
from orion.tenancy.models import Tier


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


def plan_of(tier: Tier) -> TierPlan:
    return PLANS[tier]


def allowance(tier: Tier, limit: Limit) -> int | None:
    """How many of ``limit`` a store on ``tier`` may have (``None`` = unlimited)."""
    return PLANS[tier].allowance(limit)


def ensure_within_limit(tier: Tier, limit: Limit, current: int, adding: int = 1) -> None:
    """Raise :class:`LimitExceeded` (409) if ``current + adding`` would pass the tier's allowance."""
    maximum = allowance(tier, limit)
    if maximum is None or current + adding <= maximum:
        return
    plan = PLANS[tier]
    raise LimitExceeded(
        f"The {plan.name} plan allows {maximum} {LIMIT_DESCRIPTIONS[limit]}; "
        f"this store has {current}. Remove some or upgrade the plan.",
        extra={"limit": limit.value, "max": maximum, "current": current, "tier": tier.value},
    )
