"""Shopify's ``products/update`` webhook on a store's host (``POST /channels/shopify/webhook``, function
channels_webhook): HMAC-verified with the integration's webhook secret (401 and nothing done
otherwise), found among the store's own integrations by the shop's domain (another store never acts on
it), each delivery acted on once, and the product handed to two-way sync as a RemoteChange in Orion's
terms (two-way sync itself is stubbed here)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from functions.channels_webhook.handler import handler as webhook_handler
from orion.channels import sync
from orion.channels.destination import RemoteChange
from orion.channels.models import ItemKind
from orion.tenant import Tenant
from tests.events import FakeContext
from tests.integration.channels.conftest import WIZAMART, product
from tests.integration.channels.test_shopify import add_shopify, publish, records
from tests.shopify_standin import ShopifyStandin
from tests.staff import BAKERY, call

STORE_HOST = "wizamart.oms.localhost:8000"
Applied = list[tuple[Tenant, str, list[RemoteChange]]]


@pytest.fixture
def applied(monkeypatch: pytest.MonkeyPatch) -> Applied:
    """Two-way sync as a recorder of what the webhook hands it."""
    calls: Applied = []

    def apply_remote_changes(tenant: Tenant, integration_id: str, changes: list[RemoteChange]) -> object:
        calls.append((tenant, integration_id, changes))
        return None

    monkeypatch.setattr(sync, "apply_remote_changes", apply_remote_changes)
    return calls


@pytest.fixture
def published(owner: str, shopify: ShopifyStandin) -> tuple[str, str]:
    """A syncing Shopify integration of wizamart and the Shopify product of one published product."""
    lamp = product("Desk lamp")
    integration = add_shopify(owner, [lamp], sync_enabled=True)
    return integration, str(records(publish(owner, integration, [lamp]))[lamp]["remote_id"])


def deliver(headers: dict[str, str], body: bytes, host: str = STORE_HOST) -> tuple[int, dict[str, Any], str]:
    from infra.local.events import http_api_event

    event = http_api_event(
        method="POST",
        path="/channels/shopify/webhook",
        headers=[("Host", host), *headers.items()],
        body=body,
    )
    raw = webhook_handler(event, FakeContext())
    headers_out = {k.lower(): v for k, v in (raw.get("headers") or {}).items()}
    return raw["statusCode"], headers_out, str(raw.get("body") or "")


def test_a_signed_product_update_reaches_two_way_sync_once(
    shopify: ShopifyStandin, published: tuple[str, str], applied: Applied
) -> None:
    integration, remote_id = published
    shopify.edit_product_by_hand(remote_id, title="Lamp (edited in Shopify)", price="19.90")
    headers, body = shopify.product_update_webhook(remote_id)

    status, _, answer = deliver(headers, body)
    assert (status, json.loads(answer)) == (200, {"received": True, "outcome": "applied"})
    ((tenant, integration_id, (change,)),) = applied
    assert (tenant, integration_id) == (WIZAMART, integration)
    assert (change.item_kind, change.remote_id) == (ItemKind.PRODUCT, remote_id)
    assert change.fields["title"] == "Lamp (edited in Shopify)" and change.fields["price"] == 1990
    assert change.fields["status"] == "active"

    # Shopify delivering the same webhook again (same X-Shopify-Webhook-Id) changes nothing
    status, _, answer = deliver(headers, body)
    assert (status, json.loads(answer)["outcome"]) == (200, "duplicate") and len(applied) == 1


def test_a_webhook_not_signed_for_the_store_is_401_and_does_nothing(
    shopify: ShopifyStandin, published: tuple[str, str], applied: Applied
) -> None:
    _, remote_id = published
    headers, body = shopify.product_update_webhook(remote_id)
    forged, _ = shopify.product_update_webhook(
        remote_id, secret="not-the-secret", webhook_id=headers["X-Shopify-Webhook-Id"]
    )
    tampered = body.replace(b"Desk lamp", b"Free lamp")
    unsigned = {k: v for k, v in headers.items() if k != "X-Shopify-Hmac-Sha256"}
    other_shop = {**headers, "X-Shopify-Shop-Domain": "someone-else.myshopify.com"}
    for attempt_headers, attempt_body in [
        (forged, body),
        (headers, tampered),
        (unsigned, body),
        (other_shop, body),
    ]:
        status, answer_headers, answer = deliver(attempt_headers, attempt_body)
        assert status == 401, answer
        assert answer_headers["content-type"] == "application/problem+json"
        assert json.loads(answer)["detail"] == "This webhook is not signed for this store."
    assert applied == []

    # nothing was noted either: the genuine delivery with the same id is still acted on
    assert json.loads(deliver(headers, body)[2])["outcome"] == "applied"


def test_another_store_never_acts_on_a_shops_webhook(
    shopify: ShopifyStandin, published: tuple[str, str], applied: Applied
) -> None:
    _, remote_id = published
    headers, body = shopify.product_update_webhook(remote_id)
    status, _, _ = deliver(headers, body, host=BAKERY)  # bakery has no integration of that shop
    assert status == 401 and applied == []


def test_other_topics_and_integrations_not_syncing_are_acknowledged_and_ignored(
    owner: str, shopify: ShopifyStandin, published: tuple[str, str], applied: Applied
) -> None:
    integration, remote_id = published
    headers, body = shopify.product_update_webhook(remote_id, topic="products/delete")
    assert json.loads(deliver(headers, body)[2])["outcome"] == "ignored"
    call("PATCH", f"/api/v1/channels/{integration}", body={"sync_enabled": False}, token=owner)
    headers, body = shopify.product_update_webhook(remote_id)
    assert json.loads(deliver(headers, body)[2])["outcome"] == "sync off"
    assert applied == []


def test_a_failure_while_applying_is_a_503_and_shopifys_retry_is_acted_on(
    shopify: ShopifyStandin, published: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, remote_id = published
    headers, body = shopify.product_update_webhook(remote_id)
    outcomes: list[Callable[[], object]] = [lambda: 1 / 0, lambda: None]
    monkeypatch.setattr(sync, "apply_remote_changes", lambda *_: outcomes.pop(0)())

    status, answer_headers, answer = deliver(headers, body)
    assert status == 503 and answer_headers["content-type"] == "application/problem+json"
    assert "ZeroDivisionError" not in answer
    assert json.loads(deliver(headers, body)[2])["outcome"] == "applied"


def test_a_signed_body_that_is_not_a_product_is_400(
    shopify: ShopifyStandin, published: tuple[str, str]
) -> None:
    from orion.channels.webhooks import signature_of
    from tests.shopify_standin import WEBHOOK_SECRET

    _, remote_id = published
    headers, _ = shopify.product_update_webhook(remote_id)
    body = b'{"id": 1}'
    headers["X-Shopify-Hmac-Sha256"] = signature_of(WEBHOOK_SECRET, body)
    status, _, answer = deliver(headers, body)
    assert status == 400 and json.loads(answer)["title"] == "Bad webhook"


def test_a_price_edited_in_shopify_comes_back_by_webhook_and_by_pull(
    owner: str, shopify: ShopifyStandin
) -> None:
    """Two-way sync for real (not stubbed): the price is Shopify's to own, the title Orion's."""
    from orion.catalog import service as catalog

    lamp, chair = product("Desk lamp"), product("Chair")
    rules = {
        "products": {"selection": "chosen", "product_ids": [lamp, chair]},
        "field_ownership": {"price": "remote"},
    }
    integration = add_shopify(owner, [lamp, chair], sync_enabled=True, rules=rules)
    remote = {k: str(v["remote_id"]) for k, v in records(publish(owner, integration, [lamp, chair])).items()}

    # a merchant lowers the lamp's price in Shopify and renames it there: the webhook brings the price
    # back; the title is Orion's, so it is kept as a conflict for staff and the record turns outdated
    shopify.edit_product_by_hand(remote[lamp], title="Renamed in Shopify", price="19.90")
    headers, body = shopify.product_update_webhook(remote[lamp])
    status, _, answer = deliver(headers, body)
    assert (status, json.loads(answer)["outcome"]) == (200, "applied")
    current = catalog.get_product(WIZAMART, lamp)
    assert (current.variants[0].price, current.title) == (1990, "Desk lamp")
    record = call("GET", f"/api/v1/products/{lamp}/channels", token=owner).json()["channels"][0]["record"]
    assert [(c["field"], c["reason"]) for c in record["conflicts"]] == [("title", "orion_owns")]
    assert record["status"] == "outdated"

    # the chair's price, edited with no webhook registered, comes back with the next pull
    shopify.edit_product_by_hand(remote[chair], price="12.00")
    pulled = call("POST", f"/api/v1/channels/{integration}/pull", token=owner)
    assert pulled.status == 200, pulled.body
    assert pulled.json()["applied"] >= 1
    assert catalog.get_product(WIZAMART, chair).variants[0].price == 1200
