"""localstripe (a stateful local Stripe server) for the payment tests, started once per session on a
free port; the settings point the Stripe SDK at it (ORION_STRIPE_API_BASE)."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest

from orion.settings import reset_settings
from tests.integration.shop.conftest import WIZAMART  # noqa: F401  (the store the tests pay at)

WEBHOOK_SECRET = "whsec_testsecretforwizamart"
SECRET_KEY = "sk_test_wizamart1234"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def localstripe() -> Iterator[str]:
    """``http://127.0.0.1:<port>`` of a localstripe server for the whole session."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "localstripe", "--port", str(port), "--from-scratch"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("localstripe did not start") from None
            time.sleep(0.1)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def stripe_at(localstripe: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The settings point the Stripe SDK at localstripe for this test."""
    monkeypatch.setenv("ORION_STRIPE_API_BASE", localstripe)
    monkeypatch.setenv("ORION_STRIPE_TIMEOUT_SECONDS", "5")
    reset_settings()
    yield localstripe
    reset_settings()


def signature(payload: bytes, secret: str = WEBHOOK_SECRET, at: int | None = None) -> str:
    """The ``Stripe-Signature`` header Stripe sends: ``t=<unix time>,v1=<HMAC-SHA256 of "t.payload">``."""
    timestamp = int(time.time()) if at is None else at
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def event(event_id: str, kind: str, intent: dict[str, Any]) -> bytes:
    return json.dumps({"id": event_id, "object": "event", "type": kind, "data": {"object": intent}}).encode()
