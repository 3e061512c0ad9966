"""50 shoppers at once paying by card for the last 5 units of a variant (threads through the checkout
service against the in-process moto table and localstripe, signed webhooks for every PaymentIntent):
exactly 5 paid orders, the stock never below zero, and the reservations of shoppers who never paid
released by the unpaid timeout for others to buy. About 2 s here, so it runs in ``make test``."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
import stripe

from orion.catalog.service import get_variant_by_sku
from orion.catalog.stock.service import adjust_stock
from orion.errors import Conflict
from orion.ids import new_id
from orion.orders.errors import OutOfStock
from orion.orders.models import CustomerDetails, LineRequest, OrderStatus
from orion.orders.service import get_order, list_orders, place_order
from orion.payments.service import CARD, handle_stripe_webhook, payment_of
from orion.payments.tasks import cancel_unpaid
from orion.settings import get_settings
from orion.tenant import Tenant
from tests.integration.payments.conftest import SECRET_KEY, signature
from tests.integration.payments.test_card_payment import STORE, _base, connect, succeeded

pytestmark = pytest.mark.usefixtures("demo", "stripe_at")
SKU = "WZ-003"
SHOPPERS = 50
LAST_UNITS = 5


def stock() -> int:
    return get_variant_by_sku(STORE, SKU).variant.stock


def checkout(n: int) -> str | None:
    """One shopper's card checkout of one unit and its PaymentIntent; the order id, or None when the
    unit was gone. A "try again" (the stock changing fast) is tried again, as the page asks."""
    variant = get_variant_by_sku(STORE, SKU)
    customer = CustomerDetails(
        email=f"shopper{n}@example.com", name=f"Shopper {n}", address="1 Rue", country="LU"
    )
    key = new_id().lower() + "k"
    for _ in range(5):
        try:
            placed = place_order(
                STORE,
                [LineRequest(product_id=variant.product_id, sku=SKU, quantity=1)],
                customer,
                checkout_key=key,
                payment=CARD,
            )
        except OutOfStock:
            return None
        except Conflict:
            continue
        assert payment_of(STORE, placed.order).status == "requires_payment"
        return placed.order.id
    return None


def pay(order_id: str) -> None:
    """The shopper's card is charged at localstripe, and Stripe's signed webhook arrives (twice)."""
    client = stripe.StripeClient(SECRET_KEY, base_addresses={"api": _base()})
    reference = get_order(STORE, order_id).payment_reference
    assert reference
    client.v1.payment_intents.update(reference, params={"payment_method": "pm_card_visa"})
    client.v1.payment_intents.confirm(reference)
    payload = succeeded(order_id, f"evt_{order_id}")
    # Straight to orion.payments: concurrent Lambda instances share the table, not the handler's
    # module-level resolver (which holds one request at a time, as one Lambda instance does).
    outcomes = {handle_stripe_webhook(STORE, payload, signature(payload)) for _ in range(2)}
    assert outcomes <= {"paid", "already paid", "duplicate"} and outcomes & {"paid", "already paid"}


def rush(workers: int) -> tuple[list[str], list[int]]:
    """``SHOPPERS`` checkouts at once; the orders placed and the stock levels seen meanwhile."""
    seen: list[int] = []
    done = threading.Event()

    def watch() -> None:  # a stock reader beside the shoppers, every 10 ms
        seen.append(stock())
        while not done.wait(0.01):
            seen.append(stock())

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            placed = [order_id for order_id in pool.map(checkout, range(SHOPPERS)) if order_id]
    finally:
        done.set()
        watcher.join()
    return placed, seen


def test_fifty_shoppers_pay_for_the_last_five_units_exactly_five_are_paid() -> None:
    connect()
    adjust_stock(STORE, SKU, LAST_UNITS - stock())
    assert stock() == LAST_UNITS

    first, seen = rush(workers=SHOPPERS)
    assert len(first) == LAST_UNITS  # one order per unit, the other 45 told it is sold out
    assert stock() == 0 and min(seen) >= 0

    # three shoppers pay (their webhooks concurrent and repeated); two walk away
    with ThreadPoolExecutor(max_workers=LAST_UNITS) as pool:
        list(pool.map(pay, first[:3]))
    assert [get_order(STORE, o).status for o in first].count(OrderStatus.PAID) == 3

    # the unpaid timeout gives the two reservations up: their units are for sale again
    later = datetime.now(UTC) + timedelta(minutes=get_settings().payment_timeout_minutes + 1)
    assert cancel_unpaid(Tenant("oms"), later) == 2
    assert stock() == 2

    second, seen = rush(workers=SHOPPERS)
    assert len(second) == 2 and min(seen) >= 0
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(pay, second))

    ours = set(first + second)
    paid = {o.id for o in list_orders(STORE, status=OrderStatus.PAID, limit=100).items} & ours
    assert paid == set(first[:3] + second) and len(paid) == LAST_UNITS
    assert stock() == 0
    assert not [o for o in list_orders(STORE, status=OrderStatus.PENDING, limit=100).items if o.id in first]
