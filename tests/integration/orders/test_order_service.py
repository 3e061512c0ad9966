"""Placing orders and moving them through their states, against the table (moto)."""

from __future__ import annotations

import pytest

from orion.catalog import service as catalog
from orion.catalog import stock_api
from orion.catalog.models import ProductInput, ProductStatus, Variant, VariantChanges
from orion.errors import BadRequest, Conflict, NotFound
from orion.ids import new_token
from orion.orders import service as orders
from orion.orders.errors import OutOfStock, TransactionCancelled, Unavailable
from orion.orders.models import CustomerDetails, LineRequest, OrderStatus
from orion.orders.repository import OrderRepository
from orion.tenant import Tenant

WIZ = Tenant("oms", "wizamart")
BAKERY = Tenant("oms", "bakery")
ALICE = CustomerDetails(email="alice@example.com", name="Alice", address="1 Rue de la Gare", country="LU")


@pytest.fixture
def mug(aws: None) -> tuple[str, str]:
    product = catalog.create_product(
        WIZ,
        ProductInput(
            title="Mug",
            status=ProductStatus.ACTIVE,
            variants=(Variant(sku="MUG-R", price=1200, stock=3), Variant(sku="MUG-B", price=1500, stock=1)),
        ),
    )
    return product.id, product.handle


def stock(sku: str) -> int:
    return catalog.get_variant_by_sku(WIZ, sku).variant.stock


def test_placing_an_order_decrements_stock_and_records_history(mug: tuple[str, str]) -> None:
    lines = [
        LineRequest(product_id=mug[0], sku="MUG-R", quantity=2),
        LineRequest(product_id=mug[0], sku="MUG-B", quantity=1),
    ]
    placed = orders.place_order(WIZ, lines, ALICE, checkout_key=new_token(16))
    assert placed.created
    assert placed.order.total == 2 * 1200 + 1500
    assert placed.order.status is OrderStatus.PENDING
    assert (stock("MUG-R"), stock("MUG-B")) == (1, 0)
    shown = orders.get_order_for_shopper(WIZ, placed.order.id, placed.token)
    assert [line.sku for line in shown.lines] == ["MUG-R", "MUG-B"]
    assert [change.status for change in shown.history] == [OrderStatus.PENDING]


def test_the_same_checkout_key_twice_makes_one_order(mug: tuple[str, str]) -> None:
    key = new_token(16)
    lines = [LineRequest(product_id=mug[0], sku="MUG-R", quantity=1)]
    first = orders.place_order(WIZ, lines, ALICE, checkout_key=key)
    second = orders.place_order(WIZ, lines, ALICE, checkout_key=key)
    assert second.order.id == first.order.id
    assert not second.created
    assert second.token == first.token
    assert stock("MUG-R") == 2
    assert len(orders.list_orders(WIZ).items) == 1


def test_an_order_never_takes_more_than_the_stock(mug: tuple[str, str]) -> None:
    lines = [
        LineRequest(product_id=mug[0], sku="MUG-R", quantity=1),
        LineRequest(product_id=mug[0], sku="MUG-B", quantity=2),
    ]
    with pytest.raises(OutOfStock) as raised:
        orders.place_order(WIZ, lines, ALICE, checkout_key=new_token(16))
    assert raised.value.extra["skus"] == ["MUG-B"]
    assert (stock("MUG-R"), stock("MUG-B")) == (3, 1)
    assert orders.list_orders(WIZ).items == []


def test_the_order_page_needs_the_token_and_the_right_store(mug: tuple[str, str]) -> None:
    placed = orders.place_order(
        WIZ, [LineRequest(product_id=mug[0], sku="MUG-R", quantity=1)], ALICE, checkout_key=new_token(16)
    )
    with pytest.raises(NotFound):
        orders.get_order_for_shopper(WIZ, placed.order.id, "guess")
    with pytest.raises(NotFound):
        orders.get_order_for_shopper(WIZ, placed.order.id, None)
    with pytest.raises(NotFound):
        orders.get_order_for_shopper(BAKERY, placed.order.id, placed.token)


def test_transitions_follow_the_state_machine_and_cancel_restocks(mug: tuple[str, str]) -> None:
    placed = orders.place_order(
        WIZ, [LineRequest(product_id=mug[0], sku="MUG-R", quantity=2)], ALICE, checkout_key=new_token(16)
    )
    order_id = placed.order.id
    with pytest.raises(Conflict):
        orders.transition_order(WIZ, order_id, OrderStatus.SHIPPED)
    orders.transition_order(WIZ, order_id, OrderStatus.PAID, note="transfer received")
    assert [o.id for o in orders.list_orders(WIZ, status=OrderStatus.PAID).items] == [order_id]
    assert orders.list_orders(WIZ, status=OrderStatus.PENDING).items == []
    assert stock("MUG-R") == 1
    cancelled = orders.transition_order(WIZ, order_id, OrderStatus.CANCELLED, actor="owner@wizamart.lu")
    assert stock("MUG-R") == 3
    assert [c.status for c in cancelled.history] == [
        OrderStatus.PENDING,
        OrderStatus.PAID,
        OrderStatus.CANCELLED,
    ]
    assert [c.status for c in orders.get_order(WIZ, order_id).history][-1] is OrderStatus.CANCELLED
    with pytest.raises(Conflict):
        orders.transition_order(WIZ, order_id, OrderStatus.PAID)


def test_unknown_or_unpublished_items_cannot_be_ordered(mug: tuple[str, str]) -> None:
    with pytest.raises(Unavailable):
        orders.place_order(
            WIZ, [LineRequest(product_id=mug[0], sku="NOPE", quantity=1)], ALICE, checkout_key=new_token(16)
        )
    catalog.set_product_status(WIZ, mug[0], ProductStatus.DRAFT)
    with pytest.raises(Unavailable):
        orders.place_order(
            WIZ, [LineRequest(product_id=mug[0], sku="MUG-R", quantity=1)], ALICE, checkout_key=new_token(16)
        )


def test_a_malformed_checkout_key_is_refused(mug: tuple[str, str]) -> None:
    with pytest.raises(BadRequest):
        orders.place_order(
            WIZ, [LineRequest(product_id=mug[0], sku="MUG-R", quantity=1)], ALICE, checkout_key="x#y"
        )


def test_a_stale_stock_read_still_cannot_oversell(
    mug: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the checkout read the variant while 3 were left, and meanwhile they were all sold
    stale = stock_api.variants_with_levels(WIZ, [(mug[0], "MUG-R")])
    catalog.adjust_stock(WIZ, "MUG-R", -3)
    reads: list[int] = []

    def first_read_stale(tenant: Tenant, refs: list[tuple[str, str]]) -> object:
        reads.append(1)
        return stale if len(reads) == 1 else stock_api.variants_with_levels(tenant, refs)

    monkeypatch.setattr(orders, "variants_with_levels", first_read_stale)
    # When the order is placed on that stale read
    with pytest.raises(OutOfStock) as raised:
        orders.place_order(
            WIZ, [LineRequest(product_id=mug[0], sku="MUG-R", quantity=1)], ALICE, checkout_key=new_token(16)
        )
    # Then the transaction's condition refuses it (the checkout had to read again: 0 left) and
    # nothing is written
    assert len(reads) == 2
    assert raised.value.extra["skus"] == ["MUG-R"]
    assert stock("MUG-R") == 0
    assert orders.list_orders(WIZ).items == []


def test_checkouts_that_collide_in_dynamodb_are_tried_again(
    mug: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given DynamoDB cancels the first two attempts with TransactionConflict (two transactions touched
    # the same variant at once: real DynamoDB does that under load; moto never does)
    real_create = OrderRepository.create
    attempts: list[int] = []

    def collide_twice(self: OrderRepository, *args: object, **kwargs: object) -> None:
        attempts.append(1)
        if len(attempts) <= 2:
            raise TransactionCancelled(["conflict"])
        real_create(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(OrderRepository, "create", collide_twice)
    # When a shopper checks out
    placed = orders.place_order(
        WIZ, [LineRequest(product_id=mug[0], sku="MUG-R", quantity=1)], ALICE, checkout_key=new_token(16)
    )
    # Then the third attempt places the order, once
    assert placed.created
    assert len(attempts) == 3
    assert stock("MUG-R") == 2
    assert [o.id for o in orders.list_orders(WIZ).items] == [placed.order.id]


def test_a_checkout_that_keeps_colliding_asks_the_shopper_to_try_again(
    mug: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def always_collide(self: OrderRepository, *args: object, **kwargs: object) -> None:
        raise TransactionCancelled(["conflict"])

    monkeypatch.setattr(OrderRepository, "create", always_collide)
    with pytest.raises(Conflict, match="try again"):
        orders.place_order(
            WIZ, [LineRequest(product_id=mug[0], sku="MUG-R", quantity=1)], ALICE, checkout_key=new_token(16)
        )
    assert stock("MUG-R") == 3
    assert orders.list_orders(WIZ).items == []


@pytest.fixture
def boots(aws: None) -> str:
    """Boots made to order: 2 in stock, sold on backorder beyond that."""
    product = catalog.create_product(
        WIZ,
        ProductInput(
            title="Boots",
            status=ProductStatus.ACTIVE,
            variants=(Variant(sku="BOOT-42", price=9900, stock=2, backorder=True),),
        ),
    )
    return product.id


def test_a_backorder_variant_sells_beyond_its_stock_which_stops_at_zero(boots: str) -> None:
    first = orders.place_order(
        WIZ, [LineRequest(product_id=boots, sku="BOOT-42", quantity=5)], ALICE, checkout_key=new_token(16)
    )
    second = orders.place_order(
        WIZ, [LineRequest(product_id=boots, sku="BOOT-42", quantity=1)], ALICE, checkout_key=new_token(16)
    )

    assert [(line.quantity, line.backordered) for line in first.order.lines] == [(5, 3)]
    assert [(line.quantity, line.backordered) for line in second.order.lines] == [(1, 1)]
    assert stock("BOOT-42") == 0
    assert orders.get_order(WIZ, first.order.id).lines[0].backordered == 3  # as staff see it
    # cancelling puts back only the units that were taken from stock
    orders.transition_order(WIZ, second.order.id, OrderStatus.CANCELLED)
    assert stock("BOOT-42") == 0
    orders.transition_order(WIZ, first.order.id, OrderStatus.CANCELLED)
    assert stock("BOOT-42") == 2


def test_a_backorder_line_takes_the_stock_that_came_in_since_the_read(
    boots: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the checkout read the variant sold out, and meanwhile 4 came in
    catalog.adjust_stock(WIZ, "BOOT-42", -2)
    stale = stock_api.variants_with_levels(WIZ, [(boots, "BOOT-42")])
    catalog.adjust_stock(WIZ, "BOOT-42", 4)
    reads: list[int] = []

    def first_read_stale(tenant: Tenant, refs: list[tuple[str, str]]) -> object:
        reads.append(1)
        return stale if len(reads) == 1 else stock_api.variants_with_levels(tenant, refs)

    monkeypatch.setattr(orders, "variants_with_levels", first_read_stale)
    # When 3 are ordered on that read (all on backorder, it seemed)
    placed = orders.place_order(
        WIZ, [LineRequest(product_id=boots, sku="BOOT-42", quantity=3)], ALICE, checkout_key=new_token(16)
    )
    # Then the check on the stock sent the checkout back to read it: the 3 came from stock
    assert len(reads) == 2
    assert [(line.quantity, line.backordered) for line in placed.order.lines] == [(3, 0)]
    assert stock("BOOT-42") == 1


def test_a_variant_not_on_backorder_still_refuses_more_than_its_stock(boots: str) -> None:
    catalog.update_variant(WIZ, boots, "BOOT-42", VariantChanges(backorder=False))

    with pytest.raises(OutOfStock):
        orders.place_order(
            WIZ, [LineRequest(product_id=boots, sku="BOOT-42", quantity=3)], ALICE, checkout_key=new_token(16)
        )
    assert stock("BOOT-42") == 2
