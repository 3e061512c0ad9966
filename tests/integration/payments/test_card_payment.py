"""Card payment through a store's own Stripe account, against localstripe: connecting Stripe in the staff
API, a card order's PaymentIntent (one per order), signed webhooks (paid once; forged, replayed and
other stores' events harmless), declined cards, the unpaid timeout, and Stripe unreachable."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import stripe

from functions.checkout.handler import handler as checkout_handler
from functions.payments_webhook.handler import handler as webhook_handler
from orion.catalog.service import get_variant_by_sku
from orion.orders.models import OrderStatus
from orion.orders.service import get_order
from orion.payments import connection
from orion.payments.connection import StripeKeys
from orion.payments.tasks import cancel_unpaid
from orion.settings import reset_settings
from orion.tenant import Tenant
from tests.integration.payments.conftest import SECRET_KEY, WEBHOOK_SECRET, event, free_port, signature
from tests.integration.shop.conftest import BAKERY, WIZAMART, Result, call, cookie_jar
from tests.staff import call as staff_call
from tests.staff import token_of

pytestmark = pytest.mark.usefixtures("demo", "stripe_at")
STORE = Tenant("oms", "wizamart")
SAME_ORIGIN = {"Origin": f"https://{WIZAMART}"}
AS_JSON = {"Accept": "application/json"}
ALICE = {"email": "alice@example.com", "name": "Alice", "address": "1 Rue de la Gare", "country": "LU"}


def connect(store: Tenant = STORE) -> None:
    connection.connect(store, StripeKeys(secret_key=SECRET_KEY, webhook_secret=WEBHOOK_SECRET))


def stock(sku: str) -> int:
    return get_variant_by_sku(STORE, sku).variant.stock


def cart_with(sku: str, quantity: int = 1) -> dict[str, str]:
    jar: dict[str, str] = {}
    added = call(
        checkout_handler,
        "POST",
        "/cart/items",
        form={"sku": sku, "quantity": str(quantity)},
        headers=SAME_ORIGIN,
    )
    jar.update(cookie_jar(added))
    return jar


def place(jar: dict[str, str], payment: str = "card") -> tuple[Result, dict[str, str]]:
    """An order placed through the JSON twin of the checkout; the answer and the form it posted."""
    form = json.loads(call(checkout_handler, "GET", "/checkout", cookies=jar, headers=AS_JSON).body)
    fields = {
        **ALICE,
        "csrf_token": form["csrf_token"],
        "checkout_key": form["checkout_key"],
        "payment": payment,
    }
    return call(checkout_handler, "POST", "/checkout", cookies=jar, headers=AS_JSON, form=fields), fields


def order_page(status_url: str, *, as_json: bool = False) -> Result:
    url = urlsplit(status_url)
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    return call(checkout_handler, "GET", url.path, query=query, headers=AS_JSON if as_json else None)


def webhook(payload: bytes, sig: str | None, host: str = WIZAMART) -> Result:
    headers = {"Content-Type": "application/json"}
    if sig is not None:
        headers["Stripe-Signature"] = sig
    from infra.local.events import http_api_event
    from tests.events import FakeContext

    event_ = http_api_event(
        method="POST",
        path="/payments/stripe/webhook",
        query="",
        headers=[("Host", host), *headers.items()],
        body=payload,
    )
    raw = webhook_handler(event_, FakeContext())
    return Result(raw["statusCode"], dict(raw.get("headers") or {}), str(raw.get("body") or ""), [])


def intent_of(order_id: str) -> stripe.PaymentIntent:
    reference = get_order(STORE, order_id).payment_reference
    assert reference, "the order keeps its PaymentIntent"
    client = stripe.StripeClient(SECRET_KEY, base_addresses={"api": _base()})
    return client.v1.payment_intents.retrieve(reference)


def _base() -> str:
    from orion.settings import get_settings

    base = get_settings().stripe_api_base
    assert base
    return base


def succeeded(order_id: str, event_id: str = "evt_paid_1", *, store: str = "wizamart") -> bytes:
    intent = intent_of(order_id)
    return event(
        event_id,
        "payment_intent.succeeded",
        {
            "id": intent.id,
            "object": "payment_intent",
            "amount": intent.amount,
            "amount_received": intent.amount,
            "currency": intent.currency,
            "status": "succeeded",
            "metadata": {"platform": "oms", "store": store, "order_id": order_id},
        },
    )


# --- connecting Stripe ------------------------------------------------------------------------------


def test_staff_connect_stripe_with_a_checked_key_and_see_it_masked_only() -> None:
    owner = token_of("wizamart-owner")
    assert staff_call("GET", "/api/v1/payments/stripe", token=owner).json() == {
        "connected": False,
        "secret_key": None,
        "webhook_secret": None,
        "publishable_key": None,
    }
    # localstripe refuses any key that is not a secret key: Stripe's own answer makes it a 422
    refused = staff_call(
        "PUT",
        "/api/v1/payments/stripe",
        token=owner,
        body={"secret_key": "rk_test_notasecretkey", "webhook_secret": WEBHOOK_SECRET},
    )
    assert refused.status == 422
    assert refused.json()["errors"][0]["field"] == "secret_key"
    malformed = staff_call(
        "PUT",
        "/api/v1/payments/stripe",
        token=owner,
        body={"secret_key": "hello123", "webhook_secret": "x" * 9},
    )
    assert malformed.status == 422
    assert {e["field"] for e in malformed.json()["errors"]} == {"secret_key", "webhook_secret"}
    assert staff_call("GET", "/api/v1/payments/stripe", token=owner).json()["connected"] is False
    saved = staff_call(
        "PUT",
        "/api/v1/payments/stripe",
        token=owner,
        body={"secret_key": SECRET_KEY, "webhook_secret": WEBHOOK_SECRET},
    )
    assert saved.status == 200
    shown = staff_call("GET", "/api/v1/payments/stripe", token=owner)
    assert shown.json()["connected"] is True
    assert shown.json()["secret_key"] == "sk_test_…1234"
    assert shown.json()["webhook_secret"].startswith("whsec_…")
    assert SECRET_KEY not in shown.text and WEBHOOK_SECRET not in shown.text
    editor = token_of("wizamart-editor")
    assert staff_call("GET", "/api/v1/payments/stripe", token=editor).status == 403
    assert staff_call("DELETE", "/api/v1/payments/stripe", token=owner).status == 204
    assert staff_call("GET", "/api/v1/payments/stripe", token=owner).json()["connected"] is False


def test_without_stripe_the_checkout_offers_no_card_and_refuses_one() -> None:
    jar = cart_with("WZ-003")
    page = call(checkout_handler, "GET", "/checkout", cookies=jar)
    assert 'name="payment"' not in page.body
    refused, _ = place(jar, "card")
    assert refused.status == 422
    assert json.loads(refused.body)["errors"][0]["field"] == "payment"


# --- a card order -----------------------------------------------------------------------------------


def test_a_card_order_reserves_stock_and_gets_one_payment_intent_for_its_total() -> None:
    connect()
    before = stock("WZ-003")
    jar = cart_with("WZ-003", 2)
    page = call(checkout_handler, "GET", "/checkout", cookies=jar)
    assert 'name="payment" value="card"' in page.body
    placed, fields = place(jar)
    assert placed.status == 201
    answer = json.loads(placed.body)
    order_id = answer["order"]["id"]
    assert answer["order"]["status"] == "pending"
    assert answer["payment"]["provider"] == "stripe"
    assert answer["payment"]["status"] == "requires_payment"
    assert answer["payment"]["client_secret"]
    assert stock("WZ-003") == before - 2
    intent = intent_of(order_id)
    assert intent.amount == answer["order"]["total"]
    assert intent.currency == "eur"
    assert intent.metadata.to_dict() == {"platform": "oms", "store": "wizamart", "order_id": order_id}
    # the same form again, and the order page (the shopper's retry), keep the one PaymentIntent
    again = call(checkout_handler, "POST", "/checkout", cookies=jar, headers=AS_JSON, form=fields)
    assert again.status == 200  # the double submit gets the same order
    assert json.loads(again.body)["order"]["id"] == order_id
    shown = order_page(answer["status_url"], as_json=True)
    assert json.loads(shown.body)["payment"]["client_secret"] == answer["payment"]["client_secret"]
    assert get_order(STORE, order_id).payment_reference == intent.id
    html = order_page(answer["status_url"])
    assert html.status == 200
    assert "Pay now" in html.body
    assert 'src="https://js.stripe.com/v3/"' in html.body
    assert answer["payment"]["client_secret"] in html.body


def test_a_signed_webhook_marks_the_order_paid_once() -> None:
    connect()
    placed, _ = place(cart_with("WZ-003"))
    order_id = json.loads(placed.body)["order"]["id"]
    payload = succeeded(order_id)
    first = webhook(payload, signature(payload))
    assert first.status == 200, first.body
    assert json.loads(first.body)["outcome"] == "paid"
    order = get_order(STORE, order_id)
    assert order.status is OrderStatus.PAID
    replay = webhook(payload, signature(payload))
    assert replay.status == 200
    assert json.loads(replay.body)["outcome"] == "duplicate"
    # the same news in another event (Stripe may send one twice): harmless as well
    other = succeeded(order_id, "evt_paid_2")
    assert json.loads(webhook(other, signature(other)).body)["outcome"] == "already paid"
    history = get_order(STORE, order_id).history
    assert [c.status for c in history].count(OrderStatus.PAID) == 1
    # a failure arriving after the success (out of order) changes nothing
    late = event("evt_late_fail", "payment_intent.payment_failed", json.loads(payload)["data"]["object"])
    assert json.loads(webhook(late, signature(late)).body)["outcome"] == "not pending"
    assert get_order(STORE, order_id).status is OrderStatus.PAID
    assert "Pay now" not in order_page(json.loads(placed.body)["status_url"]).body


def test_forged_and_unsigned_webhooks_are_400_and_change_nothing() -> None:
    connect()
    placed, _ = place(cart_with("WZ-003"))
    order_id = json.loads(placed.body)["order"]["id"]
    payload = succeeded(order_id)
    for sig in (None, signature(payload, "whsec_someoneelse"), "t=1,v1=deadbeef", signature(payload, at=1)):
        refused = webhook(payload, sig)
        assert refused.status == 400, sig
        assert refused.headers["Content-Type"] == "application/problem+json"
    tampered = payload.replace(b'"amount": ', b'"amount": 1')
    assert webhook(tampered, signature(payload)).status == 400
    assert get_order(STORE, order_id).status is OrderStatus.PENDING
    # the genuine event is not spoilt by the forgeries before it
    assert webhook(payload, signature(payload)).status == 200
    assert get_order(STORE, order_id).status is OrderStatus.PAID


def test_another_stores_event_is_refused() -> None:
    connect()
    connect(Tenant("oms", "bakery"))
    placed, _ = place(cart_with("WZ-003"))
    order_id = json.loads(placed.body)["order"]["id"]
    # signed with Wizamart's secret, but the payment says it is the bakery's
    payload = succeeded(order_id, "evt_other_store", store="bakery")
    assert webhook(payload, signature(payload)).status == 400
    # Wizamart's event sent to the bakery's host: the bakery has no such order
    genuine = succeeded(order_id, "evt_wrong_host")
    assert webhook(genuine, signature(genuine), host=BAKERY).status == 400
    assert get_order(STORE, order_id).status is OrderStatus.PENDING


def test_a_declined_card_leaves_the_order_pending_and_says_what_to_do() -> None:
    connect()
    placed, _ = place(cart_with("WZ-003"))
    answer = json.loads(placed.body)
    intent = intent_of(answer["order"]["id"])
    payload = event(
        "evt_declined",
        "payment_intent.payment_failed",
        {
            "id": intent.id,
            "amount": intent.amount,
            "currency": intent.currency,
            "status": "requires_payment_method",
            "metadata": {"platform": "oms", "store": "wizamart", "order_id": answer["order"]["id"]},
            "last_payment_error": {
                "code": "card_declined",
                "decline_code": "insufficient_funds",
                "message": "Your card has insufficient funds.",
            },
        },
    )
    assert json.loads(webhook(payload, signature(payload)).body)["outcome"] == "declined"
    order = get_order(STORE, answer["order"]["id"])
    assert order.status is OrderStatus.PENDING
    assert order.payment_note == "card declined: Your card has insufficient funds."
    page = order_page(answer["status_url"])
    assert "did not go through: Your card has insufficient funds." in page.body
    french = order_page(answer["status_url"] + "&lang=fr")
    assert "Le solde de votre carte est insuffisant." in french.body  # Orion's words, in the shop's language
    assert "try another card" in page.body
    assert "Pay now" in page.body  # the shopper can pay again


def test_unpaid_card_orders_are_cancelled_after_the_timeout_and_their_stock_comes_back() -> None:
    connect()
    before = stock("WZ-003")
    placed, _ = place(cart_with("WZ-003", 3))
    order_id = json.loads(placed.body)["order"]["id"]
    manual, _ = place(cart_with("WZ-003", 1), "manual")
    manual_id = json.loads(manual.body)["order"]["id"]
    assert stock("WZ-003") == before - 4
    now = datetime.now(UTC)
    assert cancel_unpaid(Tenant("oms"), now) == 0  # not yet
    assert cancel_unpaid(Tenant("oms"), now + timedelta(minutes=31)) == 1
    order = get_order(STORE, order_id)
    assert order.status is OrderStatus.CANCELLED
    assert order.history[-1].actor == "system"
    assert stock("WZ-003") == before - 1
    assert get_order(STORE, manual_id).status is OrderStatus.PENDING  # invoices wait for staff
    assert intent_of(order_id).status == "canceled"  # nobody can pay it any more
    assert cancel_unpaid(Tenant("oms"), now + timedelta(minutes=62)) == 0  # idempotent


def test_stripe_unreachable_keeps_the_order_and_offers_to_try_again(monkeypatch: pytest.MonkeyPatch) -> None:
    connect()
    before = stock("WZ-003")
    jar = cart_with("WZ-003")
    monkeypatch.setenv("ORION_STRIPE_API_BASE", f"http://127.0.0.1:{free_port()}")  # nothing listens
    reset_settings()
    placed, _ = place(jar)
    assert placed.status == 201
    answer = json.loads(placed.body)
    assert answer["payment"] == {
        "provider": "stripe",
        "status": "unreachable",
        "client_secret": None,
        "message": None,
    }
    assert stock("WZ-003") == before - 1
    page = order_page(answer["status_url"])
    assert page.status == 200
    assert "We could not reach the card service; try again." in page.body
    assert re.search(r'class="button retry-payment" href=""', page.body)
    monkeypatch.undo()
    monkeypatch.setenv("ORION_STRIPE_API_BASE", _localstripe_base())
    reset_settings()
    retried = json.loads(order_page(answer["status_url"], as_json=True).body)
    assert retried["payment"]["status"] == "requires_payment"
    assert intent_of(answer["order"]["id"]).amount == answer["order"]["total"]


_SAVED: dict[str, str] = {}


@pytest.fixture(autouse=True)
def _remember_base(stripe_at: str) -> None:
    _SAVED["base"] = stripe_at


def _localstripe_base() -> str:
    return _SAVED["base"]


# --- paying from the order page -----------------------------------------------------------------------


def card_token(number: str) -> str:
    """What stripe.js makes of a card in the shopper's browser: a token (the card never reaches us)."""
    import requests

    answer = requests.post(
        f"{_base()}/v1/tokens",
        data={
            "card[number]": number,
            "card[exp_month]": "12",
            "card[exp_year]": "2034",
            "card[cvc]": "123",
            "key": "pk_test_orion",
        },
        timeout=10,
    )
    token = answer.json()["id"]
    assert str(token).startswith("tok_")
    return str(token)


def pay(status_url: str, token: str, *, origin: str = f"https://{WIZAMART}") -> Result:
    url = urlsplit(status_url)
    order_token = parse_qs(url.query)["token"][0]
    return call(
        checkout_handler,
        "POST",
        f"{url.path}/pay",
        form={"token": order_token, "card_token": token},
        headers={**AS_JSON, "Origin": origin},
    )


def test_the_order_page_pays_with_the_browsers_card_token_and_the_webhook_makes_it_paid() -> None:
    connect()
    placed, _ = place(cart_with("WZ-003"))
    answer = json.loads(placed.body)
    paid = pay(answer["status_url"], card_token("4242424242424242"))
    assert paid.status == 200 and json.loads(paid.body)["payment"]["status"] == "processing"
    order_id = answer["order"]["id"]
    assert intent_of(order_id).status == "succeeded"
    assert get_order(STORE, order_id).status is OrderStatus.PENDING  # never on the browser's word
    assert json.loads(webhook(succeeded(order_id), signature(succeeded(order_id))).body)["outcome"] == "paid"
    assert get_order(STORE, order_id).status is OrderStatus.PAID


def test_a_card_that_needs_3d_secure_is_handed_back_to_stripe_js_and_a_declined_one_noted() -> None:
    connect()
    placed, _ = place(cart_with("WZ-003"))
    answer = json.loads(placed.body)
    checked = json.loads(pay(answer["status_url"], card_token("4000002760003184")).body)["payment"]
    assert checked["status"] == "requires_action" and "_secret_" in checked["client_secret"]
    placed, _ = place(cart_with("WZ-003"))
    answer = json.loads(placed.body)
    declined = json.loads(pay(answer["status_url"], card_token("4000000000000341")).body)["payment"]
    assert declined["status"] == "requires_payment" and "declined" in declined["message"]
    assert "declined" in get_order(STORE, answer["order"]["id"]).payment_note


def test_paying_needs_the_orders_token_and_this_shops_origin() -> None:
    connect()
    placed, _ = place(cart_with("WZ-003"))
    answer = json.loads(placed.body)
    token = card_token("4242424242424242")
    assert pay(answer["status_url"], token, origin="https://evil.example").status == 403
    url = urlsplit(answer["status_url"])
    wrong = call(
        checkout_handler,
        "POST",
        f"{url.path}/pay",
        form={"token": "not-the-token-of-this-order-at-all", "card_token": token},
        headers={**AS_JSON, "Origin": f"https://{WIZAMART}"},
    )
    assert wrong.status == 404
    assert pay(answer["status_url"], "not a token").status == 422
    assert intent_of(answer["order"]["id"]).status == "requires_payment_method"
