"""localstripe (a stateful local Stripe server, a dev dependency) for `make run`: started as a child of
the local cloud, the functions pointed at it, and Wizamart's Stripe account connected to it so a
newcomer can pay a card order with the test card 4242 4242 4242 4242.

localstripe keeps one account for every key and sends every event to every webhook it knows: the one
registered here is Wizamart's. It posts webhooks with aiohttp, which resolves ``*.localhost`` through
the system resolver (most machines do not resolve subdomains of localhost), so the webhook address is
the gateway's dev path-mode URL on 127.0.0.1 (``/oms/stores/wizamart/...``), which needs no name.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

DEFAULT_PORT = 8420
START_TIMEOUT_SECONDS = 30
# Demo-only keys: localstripe accepts any ``sk_test_`` key; the webhook secret signs its events.
DEMO_SECRET_KEY = "sk_test_wizamartlocaldemo"
DEMO_WEBHOOK_SECRET = "whsec_wizamartlocaldemo"
DEMO_STORE = ("oms", "wizamart")
TEST_CARD = "4242424242424242"  # localstripe takes the digits only
# The running localstripe processes, for the shutdown watchdog that exits without unwinding.
RUNNING: list[subprocess.Popen[bytes]] = []
DECLINED_CARD = "4000000000000341"


def base_url(port: int) -> str:
    return f"http://127.0.0.1:{port}"


def webhook_url(gateway_port: int) -> str:
    """The store's webhook on the local gateway, reachable without resolving ``*.localhost``."""
    platform, store = DEMO_STORE
    return f"http://127.0.0.1:{gateway_port}/{platform}/stores/{store}/payments/stripe/webhook"


def configure_environment(port: int) -> None:
    """Point the functions' Stripe SDK and the order page's stripe.js at localstripe (process-wide,
    before any function environment starts: they inherit this process's environment)."""
    base = base_url(port)
    os.environ["ORION_STRIPE_API_BASE"] = base
    os.environ["ORION_STRIPE_JS_BASE"] = f"{base}/js.stripe.com"


@contextmanager
def running_localstripe(port: int) -> Iterator[str]:
    """``localstripe --port <port> --from-scratch`` as a child process for the block (its address);
    stopped, and waited for, when the block ends. RuntimeError when it does not start."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
    except OSError:
        pass
    else:
        raise RuntimeError(f"port {port} is taken: pass --stripe-port with a free port")
    process = subprocess.Popen(
        [sys.executable, "-m", "localstripe", "--port", str(port), "--from-scratch"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    RUNNING.append(process)
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"localstripe did not start on port {port}") from None
                time.sleep(0.1)
        yield base_url(port)
    finally:
        RUNNING.remove(process)
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def register_webhook(port: int, gateway_port: int) -> None:
    """localstripe posts its signed events to the store's webhook (``POST /_config/webhooks/<name>``)."""
    # Only the events a store subscribes to in Stripe (the console's payments page names them).
    events = ["payment_intent.succeeded", "payment_intent.payment_failed", "charge.refunded"]
    config = {"url": webhook_url(gateway_port), "secret": DEMO_WEBHOOK_SECRET, "events": events}
    body = json.dumps(config).encode()
    request = urllib.request.Request(  # noqa: S310 - loopback localstripe
        f"{base_url(port)}/_config/webhooks/wizamart",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    urllib.request.urlopen(request, timeout=10).close()  # noqa: S310 - loopback localstripe


class RefundRelay(threading.Thread):
    """What Stripe does and localstripe does not: after a refund, post the signed ``charge.refunded``
    event (the charge with its PaymentIntent's metadata, as Stripe copies them) to the store's webhook.
    Polls localstripe's refunds every ``interval`` seconds; each refund is announced once."""

    def __init__(self, port: int, gateway_port: int, interval: float = 1.0) -> None:
        super().__init__(name="localstripe-refunds", daemon=True)
        self.port, self.gateway_port, self.interval = port, gateway_port, interval
        self.stopped = threading.Event()
        self.announced: set[str] = set()

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                self.announce_new_refunds()
            except OSError as exc:  # localstripe or the gateway busy or stopping: next round
                print(f"localstripe refunds: {exc}", flush=True)

    def _get(self, path: str) -> dict[str, Any]:
        request = urllib.request.Request(  # noqa: S310 - loopback localstripe
            f"{base_url(self.port)}{path}", headers={"Authorization": f"Bearer {DEMO_SECRET_KEY}"}
        )
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - loopback localstripe
            found: dict[str, Any] = json.loads(answer.read())
            return found

    def announce_new_refunds(self) -> None:
        for refund in self._get("/v1/refunds?limit=100").get("data", []):
            if refund["id"] in self.announced or refund.get("status") != "succeeded":
                continue
            charge = self._get(f"/v1/charges/{refund['charge']}")
            if charge.get("payment_intent"):
                intent = self._get(f"/v1/payment_intents/{charge['payment_intent']}")
                charge["metadata"] = {**intent.get("metadata", {}), **(charge.get("metadata") or {})}
            event = {
                "id": f"evt_local_{refund['id']}",
                "object": "event",
                "type": "charge.refunded",
                "created": int(time.time()),
                "data": {"object": charge},
            }
            payload = json.dumps(event).encode()
            stamp = str(int(time.time()))
            signed = hmac.new(DEMO_WEBHOOK_SECRET.encode(), f"{stamp}.".encode() + payload, hashlib.sha256)
            request = urllib.request.Request(  # noqa: S310 - loopback gateway
                webhook_url(self.gateway_port),
                data=payload,
                method="POST",
                headers={
                    "Content-Type": "application/json",
                    "Stripe-Signature": f"t={stamp},v1={signed.hexdigest()}",
                },
            )
            urllib.request.urlopen(request, timeout=10).close()  # noqa: S310 - loopback gateway
            self.announced.add(refund["id"])


def seed(port: int, gateway_port: int) -> list[str]:
    """Connect Wizamart's Stripe account (through the service the staff API uses, so the key is checked
    against localstripe and kept in Secrets Manager) and register its webhook; the banner's lines."""
    from orion.payments.connection import StripeKeys, connect
    from orion.tenant import Tenant

    connect(Tenant(*DEMO_STORE), StripeKeys(secret_key=DEMO_SECRET_KEY, webhook_secret=DEMO_WEBHOOK_SECRET))
    register_webhook(port, gateway_port)
    RefundRelay(port, gateway_port).start()
    return [
        f"Stripe (localstripe): {base_url(port)}  Wizamart takes cards: pay with {TEST_CARD},",
        "  any future expiry month and year, any 3-digit CVC; "
        f"{DECLINED_CARD} is declined. Orders turn paid by webhook.",
    ]
