"""The Shopify adapter's contract: the GraphQL documents and variables it sends are pinned (a change to
them is a change to the files under shopify_documents/, made on purpose and checked against Shopify's
documentation), it waits for Shopify's throttle by the costs Shopify reports and retries a throttled
request a bounded number of times, and each kind of failure becomes the error a merchant can act on."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from orion.catalog.models import Product, Variant
from orion.channels import shopify
from orion.channels.destination import Prepared
from orion.channels.errors import DestinationError, DestinationUnavailable, RemoteMissing
from orion.channels.http import HttpAnswer, HttpRequest
from orion.channels.models import ChannelConfig, ChannelPlatform, Integration, ItemKind, PublishingRules
from orion.channels.shopify import ShopifyAdapter
from orion.tenant import Tenant

DOCUMENTS = Path(__file__).parent / "shopify_documents"
NOW = datetime(2026, 12, 1, tzinfo=UTC)
TOKEN = "shpat_unit_test_token_0123456789"
STORE = Tenant("oms", "wizamart")
URL = "https://orion-test.myshopify.com/admin/api/2025-01/graphql.json"


def integration(version: str = "2025-01") -> Integration:
    return Integration(
        id="01JCCCCCCCCCCCCCCCCCCCCCCC",
        platform=ChannelPlatform.SHOPIFY,
        name="Shop",
        config=ChannelConfig(shop_domain="orion-test.myshopify.com", api_version=version),
        rules=PublishingRules(),
        is_active=True,
        sync_enabled=True,
        created_at=NOW,
        updated_at=NOW,
    )


def lamp() -> Product:
    return Product(
        id="01JAAAAAAAAAAAAAAAAAAAAAAA",
        handle="desk-lamp",
        title="Desk lamp",
        description="<p>Oak &amp; brass</p>",
        brand="Lumen",
        images=("https://images.example.com/lamp.jpg",),
        image_alts={"https://images.example.com/lamp.jpg": "A lamp"},
        variants=(
            Variant(
                sku="LAMP-S", options={"Size": "S"}, price=2500, compare_at_price=3000, gtin="4006381333931"
            ),
            Variant(sku="LAMP-M", options={"Size": "M"}, price=2750),
        ),
        created_at=NOW,
        updated_at=NOW,
    )


def cost(
    requested: float = 10, available: float = 990, rate: float = 50, maximum: float = 1000
) -> dict[str, Any]:
    status = {"maximumAvailable": maximum, "currentlyAvailable": available, "restoreRate": rate}
    return {"cost": {"requestedQueryCost": requested, "actualQueryCost": requested, "throttleStatus": status}}


def ok(data: dict[str, Any], **costs: float) -> HttpAnswer:
    return HttpAnswer(200, {}, json.dumps({"data": data, "extensions": cost(**costs)}).encode())


def throttled(requested: float = 10, available: float = 0, rate: float = 50) -> HttpAnswer:
    body = {
        "errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}],
        "extensions": cost(requested, available, rate),
    }
    return HttpAnswer(200, {}, json.dumps(body).encode())


def status(code: int, body: Any = None, **headers: str) -> HttpAnswer:
    return HttpAnswer(
        code, {k.replace("_", "-").lower(): v for k, v in headers.items()}, json.dumps(body).encode()
    )


SHOP = {"shop": {"name": "Lumen", "currencyCode": "EUR"}}


class Recorded:
    """A transport answering from a script, keeping every request."""

    def __init__(self, *answers: HttpAnswer | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[HttpRequest] = []

    def send(self, request: HttpRequest) -> HttpAnswer:
        self.requests.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def sent(self, index: int) -> dict[str, Any]:
        body = self.requests[index].body
        assert body is not None
        parsed: dict[str, Any] = json.loads(body)
        return parsed


class Clock:
    """A clock that moves only when the adapter sleeps: the waits it computes are exact."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds

    def __call__(self) -> float:
        return self.now


def adapter(transport: Recorded, clock: Clock | None = None, **options: Any) -> ShopifyAdapter:
    clock = clock or Clock()
    return ShopifyAdapter(
        STORE,
        options.pop("integration", integration()),
        options.pop("credentials", {"access_token": TOKEN}),
        transport=transport,
        sleep=clock.sleep,
        clock=clock,
    )


# --- the documents and variables ---------------------------------------------------------------------


def test_every_document_is_pinned_by_a_file_of_its_operation() -> None:
    pinned = {path.stem: path.read_text() for path in DOCUMENTS.glob("*.graphql")}
    sent = {shopify.operation_name(doc): doc + "\n" for doc in shopify.DOCUMENTS}
    assert sent == pinned


def test_publishing_a_product_looks_its_handle_up_then_sends_one_product_set() -> None:
    transport = Recorded(
        ok({"productByIdentifier": None}),
        ok(
            {
                "productSet": {
                    "product": {"id": "gid://shopify/Product/1", "handle": "orion-x"},
                    "userErrors": [],
                }
            }
        ),
    )
    shop = adapter(transport)
    remote = shop.publish(shop.prepare(lamp()))

    assert remote.remote_id == "gid://shopify/Product/1"
    assert remote.remote_url == "https://orion-test.myshopify.com/products/orion-x"
    lookup, product_set = transport.sent(0), transport.sent(1)
    assert lookup == {
        "query": shopify.PRODUCT_BY_HANDLE,
        "variables": {"identifier": {"handle": "orion-01jaaaaaaaaaaaaaaaaaaaaaaa"}},
    }
    assert product_set["query"] == shopify.PRODUCT_SET
    assert product_set["variables"] == json.loads((DOCUMENTS / "OrionProductSet.variables.json").read_text())
    for request in transport.requests:
        assert (request.method, request.url) == ("POST", URL)
        assert request.headers["X-Shopify-Access-Token"] == TOKEN
        assert request.headers["Content-Type"] == "application/json"
        assert TOKEN not in request.url and TOKEN.encode() not in (request.body or b"")


def test_a_product_found_by_its_handle_is_updated_not_created_again() -> None:
    found = {"productByIdentifier": {"id": "gid://shopify/Product/7"}}
    done = {"productSet": {"product": {"id": "gid://shopify/Product/7", "handle": "h"}, "userErrors": []}}
    transport = Recorded(ok(found), ok(done))
    shop = adapter(transport)
    assert shop.publish(shop.prepare(lamp())).remote_id == "gid://shopify/Product/7"
    assert transport.sent(1)["variables"]["input"]["id"] == "gid://shopify/Product/7"


def test_an_update_sets_the_recorded_product_and_an_unpublish_archives_it() -> None:
    done = {"productSet": {"product": {"id": "gid://shopify/Product/7", "handle": "h"}, "userErrors": []}}
    archived = {
        "productUpdate": {
            "product": {"id": "gid://shopify/Product/7", "status": "ARCHIVED"},
            "userErrors": [],
        }
    }
    transport = Recorded(ok(done), ok(archived))
    shop = adapter(transport)
    shop.update("gid://shopify/Product/7", shop.prepare(lamp()))
    shop.unpublish(ItemKind.PRODUCT, "gid://shopify/Product/7")
    assert [transport.sent(i)["query"] for i in (0, 1)] == [shopify.PRODUCT_SET, shopify.PRODUCT_ARCHIVE]
    assert transport.sent(0)["variables"]["input"]["id"] == "gid://shopify/Product/7"
    assert transport.sent(1)["variables"] == {
        "product": {"id": "gid://shopify/Product/7", "status": "ARCHIVED"}
    }


def test_a_product_without_options_gets_shopifys_default_title_option() -> None:
    single = lamp().model_copy(
        update={"variants": (Variant(sku="ONE", price=990),), "brand": None, "images": ()}
    )
    content = adapter(Recorded()).prepare(single).content
    assert content["productOptions"] == [{"name": "Title", "values": [{"name": "Default Title"}]}]
    assert content["variants"][0]["optionValues"] == [{"optionName": "Title", "name": "Default Title"}]
    assert content["variants"][0]["price"] == "9.90" and "vendor" not in content and content["files"] == []


def test_pages_are_found_by_handle_created_and_hidden() -> None:
    page = Prepared(
        ItemKind.PAGE,
        "about",
        {"handle": "about", "title": "About", "body": "<p>Hi</p>", "isPublished": True},
        "h",
    )
    created = {"pageCreate": {"page": {"id": "gid://shopify/Page/3", "handle": "about"}, "userErrors": []}}
    hidden = {"pageUpdate": {"page": {"id": "gid://shopify/Page/3", "handle": "about"}, "userErrors": []}}
    transport = Recorded(ok({"pages": {"nodes": []}}), ok(created), ok(hidden))
    shop = adapter(transport)
    assert shop.publish(page).remote_url == "https://orion-test.myshopify.com/pages/about"
    shop.unpublish(ItemKind.PAGE, "gid://shopify/Page/3")
    assert transport.sent(0)["variables"] == {"query": "handle:'about'"}
    assert transport.sent(1)["variables"] == {"page": page.content}
    assert transport.sent(2)["variables"] == {"id": "gid://shopify/Page/3", "page": {"isPublished": False}}


def test_changes_are_asked_for_after_a_time_and_read_in_orions_terms() -> None:
    node = {
        "id": "gid://shopify/Product/7",
        "title": "Desk lamp (new)",
        "descriptionHtml": "<p>New</p>",
        "vendor": "Lumen",
        "status": "ARCHIVED",
        "updatedAt": "2026-12-02T10:00:00Z",
        "variants": {"nodes": [{"price": "19.90", "compareAtPrice": None}]},
        "media": {"nodes": [{"image": {"url": "https://cdn.shopify.com/a.jpg"}}, {}]},
    }
    info = {"hasNextPage": False, "endCursor": None}
    transport = Recorded(
        ok({"products": {"nodes": [node], "pageInfo": info}}), ok({"pages": {"nodes": [], "pageInfo": info}})
    )
    (change,) = adapter(transport).fetch_changes(datetime(2026, 12, 1, 9, 30, tzinfo=UTC))
    assert transport.sent(0)["variables"] == {"query": "updated_at:>'2026-12-01T09:30:00Z'", "after": None}
    assert change.item_kind is ItemKind.PRODUCT and change.remote_id == "gid://shopify/Product/7"
    assert change.fields == {
        "title": "Desk lamp (new)",
        "description": "<p>New</p>",
        "brand": "Lumen",
        "status": "archived",
        "price": 1990,
        "compare_at_price": None,
        "images": ["https://cdn.shopify.com/a.jpg"],
    }
    assert change.changed_at == datetime(2026, 12, 2, 10, tzinfo=UTC)


def test_a_products_update_webhook_reads_as_the_same_change() -> None:
    payload = {
        "admin_graphql_api_id": "gid://shopify/Product/7",
        "id": 7,
        "title": "Desk lamp (new)",
        "body_html": "<p>New</p>",
        "vendor": "",
        "status": "active",
        "updated_at": "2026-12-02T11:00:00+01:00",
        "variants": [
            {"position": 2, "price": "25.00", "compare_at_price": None},
            {"position": 1, "price": "19.90", "compare_at_price": "24.00"},
        ],
        "images": [{"position": 1, "src": "https://cdn.shopify.com/a.jpg"}],
    }
    change = shopify.webhook_product_change(payload)
    assert change.fields == {
        "title": "Desk lamp (new)",
        "description": "<p>New</p>",
        "brand": None,
        "status": "active",
        "price": 1990,
        "compare_at_price": 2400,
        "images": ["https://cdn.shopify.com/a.jpg"],
    }
    assert change.changed_at == datetime(2026, 12, 2, 10, tzinfo=UTC)
    with pytest.raises(ValueError, match="no product"):
        shopify.webhook_product_change({"id": 7})


# --- the throttle ------------------------------------------------------------------------------------


def test_a_request_that_would_not_fit_the_bucket_waits_for_it_to_refill() -> None:
    clock = Clock()
    transport = Recorded(ok(SHOP, requested=10, available=4, rate=50), ok(SHOP), ok(SHOP))
    shop = adapter(transport, clock)
    shop.test_connection()  # Shopify says: 4 points left, 50 a second back, this query costs 10
    shop.test_connection()  # so the next waits (10 - 4) / 50 s
    shop.test_connection()  # the last answer said 990 are left: no wait
    assert clock.slept == [0.12]


def test_a_throttled_request_backs_off_by_the_restore_rate_and_is_retried() -> None:
    clock = Clock()
    transport = Recorded(throttled(requested=25, available=5, rate=100), ok(SHOP))
    assert adapter(transport, clock).test_connection().ok
    assert clock.slept == [0.2]  # (25 - 5) / 100
    assert len(transport.requests) == 2


def test_throttled_retries_are_bounded_then_unavailable_with_retry_after() -> None:
    clock = Clock()
    transport = Recorded(*[throttled(requested=10, available=0, rate=50)] * 4)
    shop = adapter(transport, clock)
    with pytest.raises(DestinationUnavailable, match="throttling") as raised:
        shop.publish(shop.prepare(lamp()))
    assert len(transport.requests) == shopify.MAX_RETRIES + 1
    assert clock.slept == [0.2] * shopify.MAX_RETRIES
    assert raised.value.retry_after == pytest.approx(0.2)


def test_a_429_honours_retry_after() -> None:
    clock = Clock()
    transport = Recorded(status(429, {"errors": "Exceeded"}, retry_after="3"), ok(SHOP))
    assert adapter(transport, clock).test_connection().ok
    assert clock.slept == [3.0]

    clock = Clock()
    too_long = Recorded(status(429, {"errors": "Exceeded"}, retry_after="60"))
    shop = adapter(too_long, clock)
    with pytest.raises(DestinationUnavailable) as raised:
        shop.publish(shop.prepare(lamp()))
    assert raised.value.retry_after == 60.0 and clock.slept == []


# --- errors ------------------------------------------------------------------------------------------

INVALID = {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}
ACCESS_DENIED = {
    "errors": [
        {"message": "Access denied for productByIdentifier field.", "extensions": {"code": "ACCESS_DENIED"}}
    ]
}


@pytest.mark.parametrize(
    ("answer", "error", "words"),
    [
        (status(401, INVALID), DestinationError, "credentials"),
        (status(403, {"errors": "Forbidden"}), DestinationError, "credentials"),
        (status(500, {"errors": "Internal Server Error"}), DestinationUnavailable, r"failed \(500\)"),
        (status(503), DestinationUnavailable, "retried"),
        (status(404, {"errors": "Not Found"}), DestinationError, "version 2025-01"),
        (HttpAnswer(200, {}, b"<html>maintenance</html>"), DestinationError, "other than JSON"),
        (HttpAnswer(200, {}, json.dumps(ACCESS_DENIED).encode()), DestinationError, "Access denied"),
        (
            DestinationUnavailable("orion-test.myshopify.com could not be reached."),
            DestinationUnavailable,
            "reached",
        ),
    ],
)
def test_failures_become_errors_a_merchant_can_act_on(
    answer: HttpAnswer | Exception, error: type[Exception], words: str
) -> None:
    shop = adapter(Recorded(answer))
    with pytest.raises(error, match=words) as raised:
        shop.publish(shop.prepare(lamp()))
    assert TOKEN not in str(raised.value)
    assert not isinstance(raised.value, RemoteMissing)


def test_a_product_deleted_by_hand_is_remote_missing_and_unpublishing_it_does_nothing() -> None:
    gone = {
        "productSet": {
            "product": None,
            "userErrors": [
                {
                    "code": "PRODUCT_DOES_NOT_EXIST",
                    "field": ["input", "id"],
                    "message": "Product does not exist",
                }
            ],
        }
    }
    archive_gone = {
        "productUpdate": {
            "product": None,
            "userErrors": [{"field": ["id"], "message": "Product does not exist"}],
        }
    }
    transport = Recorded(ok(gone), ok(archive_gone))
    shop = adapter(transport)
    with pytest.raises(RemoteMissing):
        shop.update("gid://shopify/Product/404", shop.prepare(lamp()))
    shop.unpublish(ItemKind.PRODUCT, "gid://shopify/Product/404")  # nothing to do, no error


def test_a_product_shopify_refuses_fails_with_shopifys_reason() -> None:
    refused = {
        "productSet": {
            "product": None,
            "userErrors": [
                {
                    "code": "VARIANTS_OVER_LIMIT",
                    "field": ["input", "variants"],
                    "message": "Too many variants.",
                }
            ],
        }
    }
    shop = adapter(Recorded(ok({"productByIdentifier": None}), ok(refused)))
    with pytest.raises(
        DestinationError, match=r"Shopify refused the product: Too many variants. \(input.variants\)"
    ):
        shop.publish(shop.prepare(lamp()))


def test_no_access_token_fails_before_anything_is_sent() -> None:
    transport = Recorded()
    shop = adapter(transport, credentials={})
    check = shop.test_connection()
    assert not check.ok and "access token" in check.detail and transport.requests == []


@pytest.mark.parametrize(("minor", "text"), [(0, "0.00"), (5, "0.05"), (2500, "25.00"), (123456, "1234.56")])
def test_prices_are_decimal_strings_from_minor_units(minor: int, text: str) -> None:
    assert shopify.decimal_amount(minor) == text


def test_the_version_is_the_integrations() -> None:
    transport = Recorded(ok(SHOP))
    adapter(transport, integration=integration("2025-07")).test_connection()
    assert transport.requests[0].url == URL.replace("2025-01", "2025-07")
