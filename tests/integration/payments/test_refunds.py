"""Refunds against localstripe: staff refund part then the rest of a card order in the staff API, the
order and the chosen lines' stock move only when the signed ``charge.refunded`` webhook arrives (a replay
harmless); more than was paid is a 422; a manual (invoice) order is refunded at once; the console form."""

from __future__ import annotations

import json
from typing import Any

import pytest
import stripe

from functions.checkout.handler import handler as checkout_handler
from orion.orders.models import OrderStatus, RefundStatus
from orion.orders.service import get_order, transition_order
from orion.outbox.service import list_messages
from tests.console import signed_in, signed_in_as
from tests.integration.payments.conftest import SECRET_KEY, event, signature
from tests.integration.payments.test_card_payment import (
    SAME_ORIGIN,
    STORE,
    _base,
    cart_with,
    connect,
    intent_of,
    place,
    stock,
    succeeded,
    webhook,
)
from tests.integration.shop.conftest import call, cookie_jar
from tests.staff import call as staff_call
from tests.staff import token_of

pytestmark = pytest.mark.usefixtures("demo", "stripe_at")
MUG, TOTE = "WZ-003", "WZV-04-WHITE"


def paid_card_order(*, mugs: int = 2, totes: int = 1) -> str:
    """A card order of mugs and totes, paid at localstripe and marked paid by its webhook."""
    connect()
    jar = cart_with(MUG, mugs)
    more = call(
        checkout_handler,
        "POST",
        "/cart/items",
        form={"sku": TOTE, "quantity": str(totes)},
        headers=SAME_ORIGIN,
        cookies=jar,
    )
    jar.update(cookie_jar(more))
    placed, _ = place(jar)
    assert placed.status == 201, placed.body
    order_id = str(json.loads(placed.body)["order"]["id"])
    client = stripe.StripeClient(SECRET_KEY, base_addresses={"api": _base()})
    intent = intent_of(order_id)
    client.v1.payment_intents.update(intent.id, params={"payment_method": "pm_card_visa"})
    assert client.v1.payment_intents.confirm(intent.id).status == "succeeded"
    payload = succeeded(order_id, f"evt_paid_{order_id}")
    assert json.loads(webhook(payload, signature(payload)).body)["outcome"] == "paid"
    return order_id


def refunded_event(order_id: str, event_id: str) -> bytes:
    """Stripe's ``charge.refunded`` for the order's charge as localstripe has it now (a charge carries
    its PaymentIntent's metadata at Stripe; localstripe leaves them out, so they are added here)."""
    charge: dict[str, Any] = latest_charge(order_id)
    intent = intent_of(order_id)
    charge["metadata"] = intent.metadata.to_dict()
    return event(event_id, "charge.refunded", charge)


def latest_charge(order_id: str) -> dict[str, Any]:
    """The order's charge at localstripe now (it answers the PaymentIntent with it expanded)."""
    found: Any = intent_of(order_id).latest_charge
    assert found is not None and not isinstance(found, str)
    charge: dict[str, Any] = found.to_dict()
    return charge


def refund(order_id: str, body: dict[str, Any], who: str = "wizamart-owner") -> Any:
    return staff_call("POST", f"/api/v1/orders/{order_id}/refunds", token=token_of(who), body=body)


def test_a_partial_then_a_full_refund_move_the_order_and_the_chosen_stock_only_on_the_webhook() -> None:
    order_id = paid_card_order()
    order = get_order(STORE, order_id)
    mug_price = next(line.unit_price for line in order.lines if line.sku == MUG)
    before = stock(MUG), stock(TOTE)

    asked = refund(order_id, {"lines": [{"sku": MUG, "quantity": 1}], "reason": "chipped"})
    assert asked.status == 202, asked.text
    answer = asked.json()
    assert answer["status"] == "paid"  # Stripe has not confirmed yet
    assert answer["refunds"][0]["status"] == "pending"
    assert answer["refunds"][0]["amount"] == mug_price  # the chosen line's value
    assert answer["refunds"][0]["reference"].startswith("re_")
    assert (stock(MUG), stock(TOTE)) == before

    first = refunded_event(order_id, "evt_refund_1")
    done = webhook(first, signature(first))
    assert done.status == 200, done.body
    assert json.loads(done.body)["outcome"] == "partially refunded"
    order = get_order(STORE, order_id)
    assert order.status is OrderStatus.PARTIALLY_REFUNDED
    assert order.refunds[0].status is RefundStatus.DONE
    assert (stock(MUG), stock(TOTE)) == (before[0] + 1, before[1])  # the chosen mug only
    mail = [m for m in list_messages(STORE) if m.kind == "order_refunded" and m.data["order_id"] == order_id]
    assert len(mail) == 1 and "€" in mail[0].text and "refunded" in mail[0].text

    # the same event again, and a replay under another id: nothing moves twice
    assert json.loads(webhook(first, signature(first)).body)["outcome"] == "duplicate"
    again = refunded_event(order_id, "evt_refund_1_bis")
    assert json.loads(webhook(again, signature(again)).body)["outcome"] == "unchanged"
    assert (stock(MUG), stock(TOTE)) == (before[0] + 1, before[1])

    # more than is left is refused, nothing asked of Stripe
    left = order.total - mug_price
    too_much = refund(order_id, {"amount": left + 1})
    assert too_much.status == 422
    assert too_much.json()["errors"][0]["field"] == "amount"
    too_many = refund(order_id, {"lines": [{"sku": MUG, "quantity": 2}]})
    assert too_many.status == 422  # one mug is left to refund
    unknown = refund(order_id, {"lines": [{"sku": "NOPE-1", "quantity": 1}]})
    assert unknown.status == 422
    assert len(get_order(STORE, order_id).refunds) == 1

    # the rest of the money, with the tote back in stock (the second mug stays sold)
    rest = refund(order_id, {"lines": [{"sku": TOTE, "quantity": 1}], "amount": left})
    assert rest.status == 202, rest.text
    assert get_order(STORE, order_id).status is OrderStatus.PARTIALLY_REFUNDED
    second = refunded_event(order_id, "evt_refund_2")
    assert json.loads(webhook(second, signature(second)).body)["outcome"] == "refunded"
    order = get_order(STORE, order_id)
    assert order.status is OrderStatus.REFUNDED
    assert order.refunded_amount == order.total
    assert (stock(MUG), stock(TOTE)) == (before[0] + 1, before[1] + 1)
    # the earlier event arriving late changes nothing
    late = refunded_event(order_id, "evt_refund_late")
    assert json.loads(webhook(late, signature(late)).body)["outcome"] == "unchanged"
    assert refund(order_id, {"amount": 1}).status == 409  # nothing left to refund


def test_the_order_page_and_stripe_agree_on_the_refunded_amount() -> None:
    order_id = paid_card_order(mugs=1, totes=1)
    assert refund(order_id, {"amount": 150}).status == 202
    assert latest_charge(order_id)["amount_refunded"] == 150
    # a forged charge.refunded claiming the whole amount is refused, nothing changes
    payload = refunded_event(order_id, "evt_forged")
    assert webhook(payload, "t=1,v1=" + "0" * 64).status == 400
    assert get_order(STORE, order_id).status is OrderStatus.PAID


def test_refunds_need_a_manager_and_a_paid_order() -> None:
    order_id = paid_card_order(mugs=1, totes=1)
    assert refund(order_id, {"amount": 100}, who="wizamart-editor").status == 403
    connect()
    placed, _ = place(cart_with(MUG))
    pending = json.loads(placed.body)["order"]["id"]
    assert refund(pending, {"amount": 100}).status == 409


def test_a_manual_order_is_refunded_at_once_with_its_chosen_stock() -> None:
    before = stock(MUG)
    placed, _ = place(cart_with(MUG, 3), "manual")
    assert placed.status == 201, placed.body
    order_id = json.loads(placed.body)["order"]["id"]
    transition_order(STORE, order_id, OrderStatus.PAID, actor="staff")
    unit = get_order(STORE, order_id).lines[0].unit_price
    done = refund(order_id, {"lines": [{"sku": MUG, "quantity": 1}], "reason": "broken"})
    assert done.status == 200, done.text
    assert done.json()["status"] == "partially_refunded"
    assert stock(MUG) == before - 2
    # a full refund by status afterwards puts back only the two mugs not refunded yet
    transition_order(STORE, order_id, OrderStatus.REFUNDED, actor="staff")
    assert stock(MUG) == before
    assert get_order(STORE, order_id).refunded_amount == unit


def test_the_console_refund_form_in_french() -> None:
    before = stock(MUG)
    placed, _ = place(cart_with(MUG, 2), "manual")
    order_id = json.loads(placed.body)["order"]["id"]
    transition_order(STORE, order_id, OrderStatus.PAID, actor="staff")
    owner = signed_in("wizamart-owner")
    page = owner.get(f"/admin/orders/{order_id}", headers=[("accept-language", "fr")])
    assert 'id="refund-form"' in page.text
    assert "Unités à rembourser et remettre en stock" in page.text
    wrong = owner.post(f"/admin/orders/{order_id}/refunds", {"refund_qty_1": "1", "refund_amount": "99999"})
    assert wrong.status == 422
    assert "can still be refunded" in wrong.text
    assert get_order(STORE, order_id).status is OrderStatus.PAID
    done = owner.post(
        f"/admin/orders/{order_id}/refunds", {"refund_qty_1": "1", "refund_reason": "chipped"}, follow=True
    )
    assert done.status == 200
    assert 'data-status="partially_refunded"' in done.text
    assert stock(MUG) == before - 1
    editor = signed_in_as("editor")  # a fresh member: no lockout left by earlier sign-ins
    assert 'id="refund-form"' not in editor.get(f"/admin/orders/{order_id}").text
    assert editor.post(f"/admin/orders/{order_id}/refunds", {"refund_qty_1": "1"}).status == 403
