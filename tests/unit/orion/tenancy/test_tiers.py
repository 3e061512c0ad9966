"""Tier limits: the CMS page allowances of docs/platform-admin.md (Tiers), and a 409 that names the
limit it hit."""

from __future__ import annotations

import pytest

from orion.errors import LimitExceeded, problem_details
from orion.tenancy.models import Tier
from orion.tenancy.tiers import PLANS, Limit, allowance, ensure_within_limit


@pytest.mark.parametrize(
    ("tier", "total", "custom"),
    [
        (Tier.ESSENTIAL, 3, 0),
        (Tier.PROFESSIONAL, 10, 5),
        (Tier.BUSINESS, 30, 20),
        (Tier.ENTERPRISE, None, None),
    ],
)
def test_page_limits_follow_the_seed(tier: Tier, total: int | None, custom: int | None) -> None:
    assert allowance(tier, Limit.PAGES_TOTAL) == total
    assert allowance(tier, Limit.PAGES_CUSTOM) == custom


def test_every_tier_names_every_limit_and_higher_tiers_never_allow_less() -> None:
    order = [Tier.ESSENTIAL, Tier.PROFESSIONAL, Tier.BUSINESS, Tier.ENTERPRISE]
    for limit in Limit:
        values = [PLANS[t].allowance(limit) for t in order]
        as_numbers = [float("inf") if v is None else v for v in values]
        assert as_numbers == sorted(as_numbers), limit


def test_an_essential_store_cannot_add_a_fourth_page() -> None:
    ensure_within_limit(Tier.ESSENTIAL, Limit.PAGES_TOTAL, current=2)
    with pytest.raises(LimitExceeded) as raised:
        ensure_within_limit(Tier.ESSENTIAL, Limit.PAGES_TOTAL, current=3)
    body = problem_details(raised.value)
    assert body["status"] == 409
    assert body["limit"] == "pages_total"
    assert body["max"] == 3
    assert "Essential" in body["detail"]


def test_an_essential_store_cannot_add_a_first_custom_page_but_professional_can() -> None:
    with pytest.raises(LimitExceeded) as raised:
        ensure_within_limit(Tier.ESSENTIAL, Limit.PAGES_CUSTOM, current=0)
    assert raised.value.extra["limit"] == "pages_custom"
    ensure_within_limit(Tier.PROFESSIONAL, Limit.PAGES_CUSTOM, current=0)


def test_enterprise_is_unlimited() -> None:
    assert {limit: allowance(Tier.ENTERPRISE, limit) for limit in Limit} == dict.fromkeys(Limit)
    ensure_within_limit(Tier.ENTERPRISE, Limit.PRODUCTS, current=10_000_000, adding=1000)
