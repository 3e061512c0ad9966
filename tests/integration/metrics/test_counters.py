"""Counters kept on write: exact under concurrency, per store and rolled up per platform, and the
product allowance of a tier enforced when a product is created."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest

from infra.local.cloud import serialise_dynamodb_writes
from orion.catalog import service as catalog
from orion.catalog.models import ProductInput, ProductStatus, Variant
from orion.errors import LimitExceeded
from orion.ids import new_token
from orion.metrics.aggregator import platform_report, store_dashboard
from orion.metrics.counters import CounterRepository
from orion.metrics.errors import CounterLimitReached
from orion.metrics.service import record
from orion.orders import service as orders
from orion.orders.metrics import provider as orders_metrics
from orion.orders.models import CustomerDetails, LineRequest
from orion.tenancy.models import Tier
from orion.tenant import Tenant

WIZ = Tenant("oms", "wizamart")
BAKERY = Tenant("oms", "bakery")
OMS = Tenant("oms")
ALICE = CustomerDetails(email="alice@example.com", name="Alice", address="1 Rue de la Gare", country="LU")


@pytest.fixture
def atomic_moto(aws: None) -> None:
    """moto with DynamoDB's per-request atomicity (what the local cloud runs with; process-wide)."""
    serialise_dynamodb_writes()


def test_a_hundred_concurrent_orders_are_all_counted(atomic_moto: None) -> None:
    # given a product with enough stock for everyone
    product = catalog.create_product(
        WIZ,
        ProductInput(
            title="Mug",
            status=ProductStatus.ACTIVE,
            variants=(Variant(sku="MUG-R", price=1250, stock=500),),
        ),
    )
    line = [LineRequest(product_id=product.id, sku="MUG-R", quantity=1)]

    # when 100 shoppers check out at once
    def place(_: int) -> int:
        return orders.place_order(WIZ, line, ALICE, checkout_key=new_token(16)).order.total

    with ThreadPoolExecutor(max_workers=20) as pool:
        totals = list(pool.map(place, range(100)))

    # then the dashboard counts every one of them, and the platform too
    assert len(totals) == 100
    dashboard = store_dashboard(WIZ, {"orders": orders_metrics})
    assert dashboard.value("orders.today") == 100
    assert dashboard.value("revenue.EUR.today") == 100 * 1250 == sum(totals)
    platform = platform_report("oms", {"orders": orders_metrics})
    assert platform.value("orders.30d") == 100
    assert catalog.get_variant_by_sku(WIZ, "MUG-R").variant.stock == 400


def test_cancelled_and_refunded_orders_leave_the_revenue(aws: None) -> None:
    from orion.orders.models import OrderStatus

    product = catalog.create_product(
        WIZ,
        ProductInput(
            title="Lamp", status=ProductStatus.ACTIVE, variants=(Variant(sku="LAMP-1", price=4000, stock=9),)
        ),
    )
    line = [LineRequest(product_id=product.id, sku="LAMP-1", quantity=1)]
    placed = [orders.place_order(WIZ, line, ALICE, checkout_key=new_token(16)).order for _ in range(3)]
    orders.transition_order(WIZ, placed[0].id, OrderStatus.CANCELLED)
    orders.transition_order(WIZ, placed[1].id, OrderStatus.PAID)
    orders.transition_order(WIZ, placed[1].id, OrderStatus.REFUNDED)

    dashboard = store_dashboard(WIZ, {"orders": orders_metrics})
    assert dashboard.value("orders.today") == 3  # placed
    assert dashboard.value("orders.cancelled.today") == 2
    assert dashboard.value("revenue.EUR.today") == 4000  # only the order still standing
    assert platform_report("oms", {"orders": orders_metrics}).value("revenue.EUR.30d") == 4000


def test_counters_are_per_store_and_roll_up_to_the_platform(aws: None) -> None:
    day = date(2026, 11, 20)
    record(WIZ, {"orders": 2, "revenue.EUR": 3000}, at=None)
    repository = CounterRepository()
    repository.add(BAKERY, {"orders": 5}, day=day)
    repository.add(OMS, {"orders": 5}, day=day)

    wiz = store_dashboard(WIZ, {"orders": orders_metrics})
    bakery = store_dashboard(BAKERY, {"orders": orders_metrics}, today=day + timedelta(days=3))
    oms = platform_report("oms", {"orders": orders_metrics})
    assert wiz.value("orders.today") == 2
    assert bakery.value("orders.today") == 0
    assert bakery.value("orders.7d") == 5
    assert oms.value("orders.30d") == 7


def test_days_outside_the_window_are_left_out(aws: None) -> None:
    repository = CounterRepository()
    today = date(2026, 11, 23)
    for back in (0, 6, 7, 29, 30):
        repository.add(WIZ, {"orders": 1}, day=today - timedelta(days=back))
    snapshot = repository.read(WIZ, today)
    assert (snapshot.over("orders", 1), snapshot.over("orders", 7), snapshot.over("orders", 30)) == (1, 2, 4)


def test_a_bounded_add_never_passes_its_maximum_even_concurrently(atomic_moto: None) -> None:
    repository = CounterRepository()

    def take(_: int) -> bool:
        try:
            repository.add(WIZ, {"seats": 1}, at_most=5)
        except CounterLimitReached:
            return False
        return True

    with ThreadPoolExecutor(max_workers=10) as pool:
        taken = list(pool.map(take, range(30)))
    assert taken.count(True) == 5
    assert repository.read(WIZ, date(2026, 1, 1), 1).total("seats") == 5


def test_a_failing_provider_is_named_and_the_others_still_answer(aws: None) -> None:
    class Broken:
        def store_metrics(self, tenant: Tenant, counters: object) -> list[object]:
            raise RuntimeError("boom")

        def platform_metrics(self, platform: str, counters: object) -> list[object]:
            raise RuntimeError("boom")

    report = store_dashboard(WIZ, {"orders": orders_metrics, "broken": Broken()})  # type: ignore[dict-item]
    assert report.unavailable == ["broken"]
    assert report.value("orders.today") == 0


def test_an_essential_store_cannot_pass_its_product_allowance(demo: list[str]) -> None:
    bakery_tier = Tier.ESSENTIAL  # the demo bakery's plan: 100 products
    from orion.tenancy.tiers import Limit, allowance

    maximum = allowance(bakery_tier, Limit.PRODUCTS)
    assert maximum is not None
    CounterRepository().add(BAKERY, {"products": maximum - 1 - _products(BAKERY)})
    catalog.create_product(BAKERY, ProductInput(title="Last loaf", variants=(Variant(sku="L-1", price=300),)))
    with pytest.raises(LimitExceeded) as raised:
        catalog.create_product(
            BAKERY, ProductInput(title="One more", variants=(Variant(sku="L-2", price=300),))
        )
    assert raised.value.extra["limit"] == "products"
    assert raised.value.extra["max"] == maximum


def _products(tenant: Tenant) -> int:
    return CounterRepository().read(tenant, date(2026, 1, 1), 1).total("products")
