"""Staff finding orders: by the shopper's e-mail (any case, newest first, in pages), by number, the
newest orders waiting for action; never another store's."""

from __future__ import annotations

import pytest

from orion.catalog import service as catalog
from orion.catalog.models import ProductInput, ProductStatus, Variant
from orion.errors import Invalid
from orion.ids import new_id
from orion.orders import service as orders
from orion.orders.models import CustomerDetails, LineRequest, OrderStatus
from orion.tenant import Tenant

WIZ = Tenant("oms", "wizamart")
BAKERY = Tenant("oms", "bakery")


@pytest.fixture
def lamp(aws: None) -> tuple[str, str]:
    product = catalog.create_product(
        WIZ,
        ProductInput(
            title="Lamp", status=ProductStatus.ACTIVE, variants=(Variant(sku="LAMP-1", price=900, stock=50),)
        ),
    )
    return product.id, "LAMP-1"


def _buy(lamp: tuple[str, str], email: str) -> str:
    placed = orders.place_order(
        WIZ,
        [LineRequest(product_id=lamp[0], sku=lamp[1], quantity=1)],
        CustomerDetails(email=email, name="Shopper", address="1 Rue X", country="LU"),
        checkout_key=new_id() + "abcdef",
    )
    return placed.order.id


def test_orders_are_found_by_e_mail_in_any_case_newest_first_in_pages(lamp: tuple[str, str]) -> None:
    mine = [_buy(lamp, "Ann@Example.com") for _ in range(3)]
    other = _buy(lamp, "bob@example.com")
    first = orders.search_orders(WIZ, "  ann@example.COM ", limit=2)
    assert [o.id for o in first.items] == [mine[2], mine[1]]
    assert first.next_cursor
    rest = orders.search_orders(WIZ, "ann@example.com", limit=2, after=first.next_cursor)
    assert [o.id for o in rest.items] == [mine[0]]
    assert rest.next_cursor is None
    assert [o.id for o in orders.search_orders(WIZ, other.lower()).items] == [other]
    assert orders.search_orders(BAKERY, "ann@example.com").items == []
    assert orders.search_orders(BAKERY, other).items == []
    with pytest.raises(Invalid):
        orders.search_orders(WIZ, "lamp")


def test_orders_awaiting_action_leave_out_shipped_and_closed_ones(lamp: tuple[str, str]) -> None:
    waiting, shipped, cancelled = (_buy(lamp, "a@example.com") for _ in range(3))
    for step in (OrderStatus.PAID, OrderStatus.FULFILLED, OrderStatus.SHIPPED):
        orders.transition_order(WIZ, shipped, step, carrier="Post", tracking_number="LU123")
    orders.transition_order(WIZ, cancelled, OrderStatus.CANCELLED)
    orders.transition_order(WIZ, waiting, OrderStatus.PAID)
    assert [o.id for o in orders.orders_awaiting_action(WIZ)] == [waiting]
    assert orders.orders_awaiting_action(BAKERY) == []
