"""The local cloud's stand-in for Stripe's ``charge.refunded`` (localstripe never sends it): each new
refund is posted once, signed with the store's webhook secret, with the PaymentIntent's metadata."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import urlsplit

import stripe

from infra.local import stripe_local


class Capture(BaseHTTPRequestHandler):
    received: list[tuple[str, bytes, str]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Capture.received.append((self.path, body, self.headers.get("Stripe-Signature", "")))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *_: Any) -> None:
        return


def test_each_new_refund_is_announced_once_and_signed(localstripe: str) -> None:
    gateway = HTTPServer(("127.0.0.1", 0), Capture)
    threading.Thread(target=gateway.serve_forever, daemon=True).start()
    stripe_port = int(urlsplit(localstripe).port or 0)
    client = stripe.StripeClient(stripe_local.DEMO_SECRET_KEY, base_addresses={"api": localstripe})
    method = client.v1.payment_methods.create(
        params={
            "type": "card",
            "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2034, "cvc": "123"},
        }
    )
    intent = client.v1.payment_intents.create(
        params={
            "amount": 4980,
            "currency": "eur",
            "metadata": {"order_id": "01TESTORDER"},
            "payment_method": method.id,
        }
    )
    client.v1.payment_intents.confirm(intent.id)
    refund = client.v1.refunds.create(params={"payment_intent": intent.id, "amount": 3990})
    relay = stripe_local.RefundRelay(stripe_port, gateway.server_address[1])
    try:
        Capture.received.clear()
        relay.announce_new_refunds()
        relay.announce_new_refunds()  # nothing new: nothing posted
    finally:
        gateway.shutdown()
    ours = [r for r in Capture.received if json.loads(r[1])["id"] == f"evt_local_{refund.id}"]
    assert len(ours) == 1
    path, body, signature = ours[0]
    assert path.endswith("/payments/stripe/webhook")
    event = stripe.Webhook.construct_event(body, signature, stripe_local.DEMO_WEBHOOK_SECRET)
    charge = event["data"]["object"]
    assert event["type"] == "charge.refunded" and charge["amount_refunded"] >= 3990
    assert charge["metadata"]["order_id"] == "01TESTORDER"
