"""Platform administration use cases against the table: one platform's stores and merchants only."""

from __future__ import annotations

import pytest

from orion.catalog.metrics import provider as catalog_metrics
from orion.cms import service as cms
from orion.cms.models import PageInput
from orion.errors import Invalid, LimitExceeded, NotFound
from orion.metrics.aggregator import platform_report
from orion.tenancy import merchants, platforms, stores
from orion.tenancy.directory import tenant_directory
from orion.tenancy.metrics import provider as tenancy_metrics
from orion.tenancy.models import Tier
from orion.tenant import Tenant

OMS = Tenant("oms")
LOYALTY = Tenant("loyalty")


def page(title: str) -> PageInput:
    return PageInput(title=title, body_html="<p>Hi</p>")


def test_suspending_a_store_takes_it_offline_and_resuming_brings_it_back(demo: list[str]) -> None:
    assert tenant_directory().resolve("bakery.oms.lu", "/") is not None
    stores.suspend_store(OMS, "bakery")
    assert tenant_directory().resolve("bakery.oms.lu", "/") is None
    stores.resume_store(OMS, "bakery")
    assert tenant_directory().resolve("bakery.oms.lu", "/") is not None


def test_an_essential_store_gets_more_pages_after_an_upgrade(demo: list[str]) -> None:
    # given an Essential store (3 pages, no custom ones)
    bakery = Tenant("oms", "bakery")
    assert stores.get_store(OMS, "bakery").tier is Tier.ESSENTIAL
    # then it cannot create a first custom page
    with pytest.raises(LimitExceeded) as raised:
        cms.put_store_page(bakery, "our-story", page("Our story"))
    assert raised.value.extra["limit"] == "pages_custom"
    # when the platform admin upgrades it to Professional, it can
    stores.change_tier(OMS, "bakery", Tier.PROFESSIONAL)
    cms.put_store_page(bakery, "our-story", page("Our story"))
    assert stores.get_store(OMS, "bakery").tier is Tier.PROFESSIONAL


def test_a_store_moves_to_another_merchant_of_the_same_platform_only(demo: list[str]) -> None:
    newco = merchants.create_merchant(OMS, "Newco", "hi@newco.lu")
    moved = stores.transfer_store(OMS, "bakery", newco.id)
    assert moved.merchant_id == newco.id
    cafe_owner = stores.get_store(LOYALTY, "cafe").merchant_id
    with pytest.raises(NotFound):
        stores.transfer_store(OMS, "bakery", cafe_owner)  # a loyalty merchant is unknown on oms


def test_an_admin_of_one_platform_never_sees_another_platforms_stores(demo: list[str]) -> None:
    assert "cafe" not in {s.code for s in stores.list_stores(OMS)}
    with pytest.raises(NotFound):
        stores.get_store(OMS, "cafe")
    with pytest.raises(NotFound):
        stores.suspend_store(OMS, "cafe")
    assert {s.code for s in stores.list_stores(LOYALTY)} == {"cafe"}


def test_creating_stores_and_merchants_is_counted_for_the_platform(demo: list[str]) -> None:
    before = platform_report("oms", {"tenancy": tenancy_metrics, "catalog": catalog_metrics})
    merchant = merchants.create_merchant(OMS, "Fleur", None)
    stores.create_store(OMS, "fleur", "Fleur", merchant.id, tier=Tier.BUSINESS)
    stores.suspend_store(OMS, "fleur")
    after = platform_report("oms", {"tenancy": tenancy_metrics})
    assert after.value("stores") == (before.value("stores") or 0) + 1
    assert after.value("merchants") == (before.value("merchants") or 0) + 1
    assert after.value("stores.suspended") == (before.value("stores.suspended") or 0) + 1


def test_modules_outside_the_optional_set_cannot_be_switched(demo: list[str]) -> None:
    with pytest.raises(Invalid):
        platforms.update_platform(
            LOYALTY, enabled_modules={"catalog"}, known_optional_modules=frozenset({"orders"})
        )
    updated = platforms.update_platform(
        LOYALTY, enabled_modules=set(), known_optional_modules=frozenset({"orders"})
    )
    assert updated.enabled_modules == frozenset()


def test_a_dropped_platform_domain_stops_serving(demo: list[str]) -> None:
    assert tenant_directory().resolve("cafe.loyalty.lu", "/") is not None
    platforms.update_platform(LOYALTY, domains=["loyalty.localhost"])
    assert tenant_directory().resolve("cafe.loyalty.lu", "/") is None
    assert tenant_directory().resolve("cafe.loyalty.localhost", "/") is not None
