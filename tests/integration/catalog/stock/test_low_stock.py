"""Low stock is counted on write, exactly: every stock change that crosses the threshold (checkout,
restock, staff adjustment, product saves, status changes, variant removal, deletion, a threshold
change) moves the store's counters in the same transaction, so they always equal a recount."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

import pytest

from infra.local.cloud import serialise_dynamodb_writes
from orion.catalog import service as catalog
from orion.catalog.errors import ProductChanged, ThresholdMoved
from orion.catalog.metrics import provider as catalog_metrics
from orion.catalog.models import ProductInput, ProductStatus, Variant
from orion.catalog.products.plan import plan_save
from orion.catalog.products.repository import ProductRepository
from orion.catalog.products.writer import ProductWriter
from orion.catalog.stock.repository import StockRepository
from orion.catalog.stock.rules import DEFAULT_LOW_STOCK_THRESHOLD
from orion.errors import BadRequest, Conflict, Invalid
from orion.ids import new_token
from orion.metrics.aggregator import store_dashboard
from orion.metrics.counters import CounterRepository
from orion.orders import service as orders
from orion.orders.errors import OutOfStock
from orion.orders.models import CustomerDetails, LineRequest, OrderStatus
from orion.tenant import Tenant
from tests.api_calls import dynamodb_stops_at_limit
from tests.bench.support import counting_requests

WIZ = Tenant("oms", "wizamart")
BAKERY = Tenant("oms", "bakery")
ALICE = CustomerDetails(email="alice@example.com", name="Alice", address="1 Rue de la Gare", country="LU")


def counted(tenant: Tenant = WIZ) -> tuple[int, int]:
    """(low_stock, out_of_stock) as the dashboard reads them: the counters, no scan."""
    totals = CounterRepository().read(tenant, date(2026, 1, 1), 1).totals
    return totals.get("low_stock", 0), totals.get("out_of_stock", 0)


def recounted(tenant: Tenant = WIZ) -> tuple[int, int]:
    """(low_stock, out_of_stock) recounted from the products themselves (the truth to match)."""
    threshold = catalog.get_low_stock_threshold(tenant)
    low = out = 0
    page = catalog.list_products(tenant, include_unpublished=True, limit=100)
    for summary in page.items:
        product = catalog.get_product(tenant, summary.id)
        if product.status is not ProductStatus.ACTIVE:
            continue
        low += sum(1 for v in product.variants if v.stock <= threshold)
        out += sum(1 for v in product.variants if v.stock == 0)
    return low, out


def exact(tenant: Tenant = WIZ) -> tuple[int, int]:
    assert counted(tenant) == recounted(tenant)
    return counted(tenant)


def make(title: str, *stocks: int, status: ProductStatus = ProductStatus.ACTIVE, tenant: Tenant = WIZ) -> str:
    variants = tuple(
        Variant(sku=f"{title.upper()}-{i}", price=1000, stock=stock, options={"size": str(i)})
        for i, stock in enumerate(stocks)
    )
    return catalog.create_product(tenant, ProductInput(title=title, status=status, variants=variants)).id


def buy(product_id: str, sku: str, quantity: int = 1, tenant: Tenant = WIZ) -> str:
    line = [LineRequest(product_id=product_id, sku=sku, quantity=quantity)]
    return orders.place_order(tenant, line, ALICE, checkout_key=new_token(16)).order.id


def stock(sku: str) -> int:
    return catalog.get_variant_by_sku(WIZ, sku).variant.stock


def test_the_default_threshold_is_five(aws: None) -> None:
    assert catalog.get_low_stock_threshold(WIZ) == DEFAULT_LOW_STOCK_THRESHOLD == 5


def test_checkouts_count_the_variant_when_they_cross_the_threshold_and_at_zero(aws: None) -> None:
    mug = make("mug", 7)
    assert exact() == (0, 0)
    buy(mug, "MUG-0")  # 6: still fine
    assert exact() == (0, 0)
    buy(mug, "MUG-0")  # 5: at the threshold, low
    assert exact() == (1, 0)
    buy(mug, "MUG-0", 4)  # 1: still low, counted once
    assert exact() == (1, 0)
    buy(mug, "MUG-0")  # 0: out of stock (and still low)
    assert exact() == (1, 1)

    dashboard = store_dashboard(WIZ, {"catalog": catalog_metrics})
    assert dashboard.value("low_stock") == 1
    assert dashboard.value("low_stock.out_of_stock") == 1
    assert dashboard.value("low_stock.threshold") == 5
    [row] = catalog.list_low_stock(WIZ).items
    assert (row.sku, row.stock, row.title, row.label) == ("MUG-0", 0, "mug", "0")


def test_one_order_crossing_from_above_to_zero_counts_both(aws: None) -> None:
    mug = make("mug", 9)
    buy(mug, "MUG-0", 9)
    assert exact() == (1, 1)


def test_cancelling_and_refunding_put_the_stock_and_the_counts_back(aws: None) -> None:
    mug = make("mug", 6, 1)
    first = buy(mug, "MUG-0", 3)  # 3: low
    second = buy(mug, "MUG-1")  # 0: out
    assert exact() == (2, 1)

    orders.transition_order(WIZ, first, OrderStatus.CANCELLED)  # back to 6
    assert stock("MUG-0") == 6
    assert exact() == (1, 1)
    orders.transition_order(WIZ, second, OrderStatus.PAID)
    orders.transition_order(WIZ, second, OrderStatus.REFUNDED)  # back to 1: low, not out
    assert exact() == (1, 0)


def test_staff_adjustments_cross_both_ways_and_return_the_exact_stock(aws: None) -> None:
    lamp = make("lamp", 20)
    assert catalog.adjust_stock(WIZ, "LAMP-0", -15) == 5
    assert exact() == (1, 0)
    assert catalog.adjust_stock(WIZ, "LAMP-0", -5) == 0
    assert exact() == (1, 1)
    assert catalog.adjust_stock(WIZ, "LAMP-0", 2) == 2
    assert exact() == (1, 0)
    assert catalog.adjust_stock(WIZ, "LAMP-0", 40) == 42
    assert exact() == (0, 0)
    with pytest.raises(Conflict):
        catalog.adjust_stock(WIZ, "LAMP-0", -43)
    assert stock("LAMP-0") == 42
    assert lamp


def test_product_saves_status_changes_variant_removal_and_deletion_keep_the_count(aws: None) -> None:
    tee = make("tee", 0, 3, 50, status=ProductStatus.DRAFT)
    assert exact() == (0, 0)  # a draft's variants are not counted
    catalog.set_product_status(WIZ, tee, ProductStatus.ACTIVE)
    assert exact() == (2, 1)
    catalog.set_product_status(WIZ, tee, ProductStatus.ARCHIVED)
    assert exact() == (0, 0)
    catalog.set_product_status(WIZ, tee, ProductStatus.ACTIVE)
    assert exact() == (2, 1)

    catalog.adjust_stock(WIZ, "TEE-0", 10)  # the one out of stock: restocked
    assert exact() == (1, 0)
    current = catalog.get_product(WIZ, tee)
    fields = ProductInput(**current.model_dump(include=set(ProductInput.model_fields)))
    without_low = (current.variants[0], current.variants[2])  # the variant with 3 left is dropped
    catalog.update_product(WIZ, tee, fields.model_copy(update={"variants": without_low}))
    assert exact() == (0, 0)

    other = make("cup", 1)
    assert exact() == (1, 0)
    catalog.delete_product(WIZ, other)
    assert exact() == (0, 0)


def test_a_hundred_concurrent_orders_across_the_threshold_are_counted_exactly(aws: None) -> None:
    # given moto with DynamoDB's per-request atomicity, and three variants near the threshold
    serialise_dynamodb_writes()
    cup = make("cup", 40, 35, 25)
    skus = ["CUP-0", "CUP-1", "CUP-2"]

    # when 100 shoppers buy one each at once (more than there is of all three: 100 > 40 + 35 + 25 - 1)
    def place(index: int) -> str:
        try:
            buy(cup, skus[index % 3])
        except OutOfStock:
            return "out"
        return "ok"

    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(pool.map(place, range(100)))

    # then every order that got through took a unit, no more, and the counters equal a recount
    sold = 100 - sum(stock(sku) for sku in skus)
    assert outcomes.count("ok") == sold
    assert all(stock(sku) >= 0 for sku in skus)
    assert exact() == recounted()
    assert counted()[0] == sum(1 for sku in skus if stock(sku) <= 5)


def test_changing_the_threshold_recounts_and_later_checkouts_use_it(aws: None) -> None:
    rack = make("rack", 0, 2, 5, 6, 10)
    assert exact() == (3, 1)
    recount = catalog.set_low_stock_threshold(WIZ, 6)
    assert recount is not None
    assert (recount.threshold, recount.variants, recount.changed) == (6, 5, 1)
    assert exact() == (4, 1)
    assert catalog.set_low_stock_threshold(WIZ, 6) is None  # counted under 6 already: nothing to do
    catalog.set_low_stock_threshold(WIZ, 0)
    assert exact() == (1, 1)
    catalog.set_low_stock_threshold(WIZ, 10)
    assert exact() == (5, 1)
    buy(rack, "RACK-4")  # 9 under the new threshold: still low
    assert exact() == (5, 1)
    make("shelf", 10)  # a new product is counted under the new threshold too
    assert exact() == (6, 1)
    with pytest.raises(Invalid):
        catalog.set_low_stock_threshold(WIZ, -1)


def test_a_save_that_read_before_a_crossing_checkout_is_refused_and_retried(aws: None) -> None:
    mug = make("mug", 6)
    stored = ProductRepository().read_for_update(WIZ, mug)
    assert stored is not None
    buy(mug, "MUG-0")  # 5: crosses after the save read the product
    renamed = stored.product.model_copy(update={"title": "Big mug"})
    with pytest.raises(ProductChanged):
        ProductWriter().save(WIZ, renamed, stored)
    assert exact() == (1, 0)
    # the service reads again and saves: the caller's fields win, the sale is kept
    data = ProductInput(**renamed.model_dump(include=set(ProductInput.model_fields)))
    catalog.update_product(WIZ, mug, data)
    assert catalog.get_product(WIZ, mug).title == "Big mug"
    assert stock("MUG-0") == 5
    assert exact() == (1, 0)


def test_a_save_planned_under_an_old_threshold_is_replanned(aws: None) -> None:
    mug = make("mug", 6)
    stored = ProductRepository().read_for_update(WIZ, mug)
    assert stored is not None
    setting, threshold = StockRepository().low_stock_threshold_setting(WIZ)
    plan = plan_save(WIZ, stored.product, stored, threshold)
    catalog.set_low_stock_threshold(WIZ, 6)  # meanwhile
    with pytest.raises(ThresholdMoved):
        ProductWriter()._write(WIZ, stored.product, plan, threshold_setting=setting)
    assert exact() == (1, 0)


def test_the_low_stock_list_pages_and_refuses_forged_cursors(aws: None) -> None:
    make("a", 0, 1, 2)
    make("b", 3, 4, 50)
    first = catalog.list_low_stock(WIZ, limit=3)
    assert [(r.sku, r.stock) for r in first.items] == [("A-0", 0), ("A-1", 1), ("A-2", 2)]
    assert first.next_cursor
    second = catalog.list_low_stock(WIZ, limit=3, after=first.next_cursor)
    assert [r.sku for r in second.items] == ["B-0", "B-1"]
    assert second.next_cursor is None
    with pytest.raises(BadRequest):
        catalog.list_low_stock(WIZ, after="bm90LWEtY3Vyc29y")


def test_the_low_stock_list_ends_without_an_empty_last_page(aws: None) -> None:
    make("a", 0, 1)
    make("b", 2, 3)
    with dynamodb_stops_at_limit():
        first = catalog.list_low_stock(WIZ, limit=2)
        second = catalog.list_low_stock(WIZ, limit=2, after=first.next_cursor)
    assert [r.sku for r in first.items + second.items] == ["A-0", "A-1", "B-0", "B-1"]
    assert second.next_cursor is None


def test_stores_count_and_list_only_their_own_variants(aws: None) -> None:
    make("mug", 1)
    make("loaf", 0, 0, tenant=BAKERY)
    assert exact(WIZ) == (1, 0)
    assert exact(BAKERY) == (2, 2)
    assert [r.sku for r in catalog.list_low_stock(WIZ).items] == ["MUG-0"]
    assert [r.sku for r in catalog.list_low_stock(BAKERY).items] == ["LOAF-0", "LOAF-1"]
    catalog.set_low_stock_threshold(BAKERY, 0)
    assert catalog.get_low_stock_threshold(WIZ) == 5


def test_the_demo_catalogue_is_counted_from_the_start(demo: list[str]) -> None:
    # Demo products are written with batch writes (bulk_create_products); their counts follow them.
    low, out = exact(WIZ)
    assert out >= 1  # the classic t-shirt has a size out of stock
    assert low >= out


def test_only_a_checkout_that_crosses_the_threshold_touches_the_counters(aws: None) -> None:
    # The same requests either way; the crossing one carries one more item: the STOCK counters.
    from orion.data.table import TableItem

    mug = make("mug", 30)
    sizes: list[list[str]] = []

    def seen(params: dict[str, object], **_: object) -> None:
        items = params.get("TransactItems")
        if isinstance(items, list):
            operations = [next(iter(item.values())) for item in items]
            sizes.append([(op.get("Key") or op["Item"])["SK"]["S"] for op in operations])

    client = TableItem._get_connection().connection.client
    client.meta.events.register("provide-client-params.dynamodb.TransactWriteItems", seen)
    try:
        with counting_requests() as far:
            buy(mug, "MUG-0")  # 29
        catalog.adjust_stock(WIZ, "MUG-0", -23)  # 6
        with counting_requests() as crossing:
            buy(mug, "MUG-0")  # 5: low
    finally:
        client.meta.events.unregister("provide-client-params.dynamodb.TransactWriteItems", seen)
    assert dict(far.calls) == dict(crossing.calls)
    first, last = sizes  # (the adjustment to 6 crosses nothing: a plain UpdateItem)
    assert "STOCK" not in first
    assert last.count("STOCK") == 1 and len(last) == len(first) + 1


def test_a_recount_that_meets_a_concurrent_checkout_reads_that_variant_again(
    aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    rack = make("rack", 6, 20)
    read_levels = StockRepository._stock_levels
    checkouts: list[str] = []

    def read_then_a_checkout(self: StockRepository, tenant: Tenant, refs: list[tuple[str, str]]) -> object:
        levels = read_levels(self, tenant, refs)
        if not checkouts:  # a shopper buys between the recount's read and its write
            checkouts.append(buy(rack, "RACK-0"))
        return levels

    monkeypatch.setattr(StockRepository, "_stock_levels", read_then_a_checkout)
    recount = catalog.set_low_stock_threshold(WIZ, 6)
    assert checkouts
    assert recount is not None
    assert recount.variants == 2
    assert stock("RACK-0") == 5
    assert exact() == (1, 0)


def test_a_recount_cut_off_part_way_is_taken_up_by_the_next_save(
    aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a recount that dies after its first transaction (the request timed out in a big store)
    for name in ("desk", "lamp"):
        make(name, 6)
    assert exact() == (0, 0)
    real_recount = StockRepository._recount

    def time_out_after_one(self: StockRepository, tenant: Tenant, levels: Any, threshold: int) -> int:
        real_recount(self, tenant, levels[:1], threshold)
        raise TimeoutError("the Lambda ran out of time")

    monkeypatch.setattr(StockRepository, "_recount", time_out_after_one)
    with pytest.raises(TimeoutError):
        catalog.set_low_stock_threshold(WIZ, 6)
    monkeypatch.setattr(StockRepository, "_recount", real_recount)
    assert catalog.get_low_stock_threshold(WIZ) == 6
    assert counted() == (1, 0)  # one variant moved, one still counted under 5
    # when staff save the same threshold again, the recount goes on and finishes
    recount = catalog.set_low_stock_threshold(WIZ, 6)
    assert recount is not None
    assert recount.changed == 1
    assert exact() == (2, 0)
    assert catalog.set_low_stock_threshold(WIZ, 6) is None
