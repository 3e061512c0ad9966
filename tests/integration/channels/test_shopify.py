"""Publishing to Shopify through the staff API and orion.channels.service, against the local Shopify
(tests/shopify_standin.py): records per product, an unchanged republish that sends nothing, updates,
unpublishing that archives, a product deleted by hand published anew, a product Shopify refuses, a
throttled shop, bad credentials; and the adapter's pages and pulled changes."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from orion.catalog import service as catalog
from orion.catalog.models import ProductInput, ProductStatus, Variant
from orion.channels import adapters
from orion.channels.models import ItemKind
from orion.channels.repository import ChannelCredentials
from orion.channels.service import get_integration
from orion.cms.models import Page, PageSource
from tests.integration.channels.conftest import WIZAMART, product
from tests.shopify_standin import ACCESS_TOKEN, SHOP_DOMAIN, WEBHOOK_SECRET, ShopifyStandin
from tests.staff import call


def add_shopify(owner: str, product_ids: list[str], token: str = ACCESS_TOKEN, **extra: Any) -> str:
    body = {
        "platform": "shopify",
        "config": {"shop_domain": SHOP_DOMAIN},
        "credentials": {"access_token": token, "webhook_secret": WEBHOOK_SECRET},
        "rules": {"products": {"selection": "chosen", "product_ids": product_ids}},
        **extra,
    }
    response = call("POST", "/api/v1/channels", body=body, token=owner)
    assert response.status == 201, response.body
    assert response.json()["config"]["api_version"] == "2025-01"
    return str(response.json()["id"])


def publish(owner: str, integration: str, product_ids: list[str]) -> dict[str, Any]:
    response = call(
        "POST", f"/api/v1/channels/{integration}/publish", body={"product_ids": product_ids}, token=owner
    )
    assert response.status == 202, response.body
    result: dict[str, Any] = response.json()
    return result


def records(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["item_id"]: r for r in result["records"]}


def retitle(product_id: str, title: str) -> None:
    current = catalog.get_product(WIZAMART, product_id)
    fields = current.model_dump(include=set(ProductInput.model_fields))
    catalog.update_product(WIZAMART, product_id, ProductInput(**{**fields, "title": title}))


def a_second_ago() -> datetime:
    """A moment before the stand-in's next change (its times have whole seconds)."""
    return datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=1)


def test_publish_update_and_unpublish_keep_one_shopify_product_each(
    owner: str, shopify: ShopifyStandin
) -> None:
    lamp, chair = product("Desk lamp", brand="Lumen"), product("Chair")
    integration = add_shopify(owner, [lamp, chair])
    path = f"/api/v1/channels/{integration}"
    check = call("POST", f"{path}/test", token=owner).json()
    assert check["ok"] and "Orion Test Shop" in check["detail"]

    # given two products, when they are published, then each is one Shopify product with its record
    first = publish(owner, integration, [lamp, chair])
    assert (first["job"]["created"], first["job"]["failed"]) == (2, 0)
    published = records(first)
    remote = shopify.products[published[lamp]["remote_id"]]
    assert remote["title"] == "Desk lamp" and remote["vendor"] == "Lumen" and remote["status"] == "ACTIVE"
    assert remote["handle"] == f"orion-{lamp.lower()}"
    assert remote["variants"][0]["price"] == "25.00"
    assert published[lamp]["remote_url"] == f"https://{SHOP_DOMAIN}/products/orion-{lamp.lower()}"

    # an unchanged republish sends nothing at all
    before = len(shopify.requests)
    again = publish(owner, integration, [lamp, chair])
    assert again["job"]["unchanged"] == 2 and len(shopify.requests) == before

    # a change is one productSet on the same Shopify product
    retitle(lamp, "Brass desk lamp")
    changed = publish(owner, integration, [lamp, chair])
    assert (changed["job"]["updated"], changed["job"]["unchanged"]) == (1, 1)
    assert shopify.operations()[before:] == ["OrionProductSet"]
    assert len(shopify.products) == 2 and remote["title"] == "Brass desk lamp"

    # unpublishing archives it in Shopify
    response = call("POST", f"{path}/unpublish", body={"product_ids": [lamp]}, token=owner)
    assert response.status == 202 and response.json()["job"]["removed"] == 1
    assert remote["status"] == "ARCHIVED" and len(shopify.products) == 2


def test_a_product_deleted_by_hand_in_shopify_is_published_anew(owner: str, shopify: ShopifyStandin) -> None:
    lamp = product("Desk lamp")
    integration = add_shopify(owner, [lamp])
    gone = records(publish(owner, integration, [lamp]))[lamp]["remote_id"]
    shopify.delete_product_by_hand(gone)

    retitle(lamp, "Desk lamp II")
    result = publish(owner, integration, [lamp])
    assert result["job"]["created"] == 1
    record = records(result)[lamp]
    assert record["status"] == "synced" and record["remote_id"] != gone
    assert shopify.products[record["remote_id"]]["title"] == "Desk lamp II"


def test_a_product_shopify_refuses_fails_with_its_reason_and_the_others_go_on(
    owner: str, shopify: ShopifyStandin
) -> None:
    shopify.variant_limit = 2  # a shop whose limit is below the product's variants
    sizes = tuple(Variant(sku=f"TEE-{size}", options={"Size": size}, price=1500) for size in "SML")
    tee = catalog.create_product(
        WIZAMART, ProductInput(title="Tee", status=ProductStatus.ACTIVE, variants=sizes)
    ).id
    lamp = product("Desk lamp")
    integration = add_shopify(owner, [tee, lamp])

    result = publish(owner, integration, [tee, lamp])
    assert (result["job"]["created"], result["job"]["failed"]) == (1, 1)
    failed = records(result)[tee]
    assert failed["status"] == "failed"
    assert failed["last_error"] == (
        "Shopify refused the product: The product can't have more than 2 variants. (input.variants)"
    )
    assert get_integration(WIZAMART, integration).last_error == failed["last_error"]


def test_a_throttled_shop_is_waited_for(owner: str, shopify: ShopifyStandin) -> None:
    lamp, chair = product("Desk lamp"), product("Chair")
    integration = add_shopify(owner, [lamp, chair])
    shopify.fail_next("throttled")  # the bucket is empty: the first request is answered THROTTLED
    shopify.fail_next("429", retry_after="0")
    result = publish(owner, integration, [lamp, chair])
    assert (result["job"]["created"], result["job"]["failed"]) == (2, 0)
    assert len(shopify.products) == 2


def test_bad_credentials_and_a_failing_shop_fail_the_records_with_reasons_never_the_token(
    owner: str, shopify: ShopifyStandin, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.INFO)
    lamp = product("Desk lamp")
    wrong = "shpat_wrong_token_000000000000000000"
    integration = add_shopify(owner, [lamp], token=wrong)

    check = call("POST", f"/api/v1/channels/{integration}/test", token=owner).json()
    assert not check["ok"] and "credentials" in check["detail"]
    result = publish(owner, integration, [lamp])
    record = records(result)[lamp]
    assert record["status"] == "failed" and "refused the credentials (401)" in record["last_error"]
    assert record["retryable"] is False  # the merchant's to fix: the recovery task leaves it
    shown = call("GET", f"/api/v1/channels/{integration}", token=owner)
    assert shown.json()["sync_status"] == "failed"

    # with the right token, a shop failing (500) is a failure worth retrying
    call(
        "PATCH",
        f"/api/v1/channels/{integration}",
        body={"credentials": {"access_token": ACCESS_TOKEN}},
        token=owner,
    )
    shopify.fail_next("500")
    record = records(publish(owner, integration, [lamp]))[lamp]
    assert record["status"] == "failed" and "it will be retried" in record["last_error"]
    assert record["attempts"] == 2 and record["retryable"] is True  # the recovery task sends it again
    again = records(publish(owner, integration, [lamp]))[lamp]
    assert (again["status"], again["retryable"]) == ("synced", False)

    captured = capsys.readouterr()
    for text in (caplog.text, captured.out, captured.err, shown.text, str(result)):
        assert wrong not in text and ACCESS_TOKEN not in text


def test_the_webhook_secret_is_optional_and_old_api_versions_are_refused(owner: str) -> None:
    base = {"platform": "shopify", "config": {"shop_domain": SHOP_DOMAIN}}
    without = call(
        "POST", "/api/v1/channels", body={**base, "credentials": {"access_token": ACCESS_TOKEN}}, token=owner
    )
    assert without.status == 201, without.body
    assert ChannelCredentials().get(WIZAMART, without.json()["id"]) == {"access_token": ACCESS_TOKEN}

    refused = [
        ({"credentials": {"webhook_secret": WEBHOOK_SECRET}}, "credentials.access_token"),
        (
            {"credentials": {"access_token": ACCESS_TOKEN, "webhook_secret": " "}},
            "credentials.webhook_secret",
        ),
        ({"credentials": {"access_token": ACCESS_TOKEN, "password": "x"}}, "credentials.password"),
        (
            {
                "credentials": {"access_token": ACCESS_TOKEN},
                "config": {"shop_domain": SHOP_DOMAIN, "api_version": "2024-10"},
            },
            "config.api_version",
        ),
    ]
    for body, field in refused:
        response = call("POST", "/api/v1/channels", body={**base, **body}, token=owner)
        assert response.status == 422, body
        assert [e["field"] for e in response.json()["errors"]] == [field]


def test_the_adapter_keeps_one_page_per_address_and_pulls_remote_changes(
    owner: str, shopify: ShopifyStandin
) -> None:
    lamp = product("Desk lamp")
    integration = get_integration(WIZAMART, add_shopify(owner, [lamp]))
    shop = adapters.adapter_for(WIZAMART, integration)
    about = Page(
        slug="about",
        title="About us",
        body_html="<p>Hello</p>",
        source=PageSource.STORE_CUSTOM,
        updated_at=a_second_ago(),
    )

    first = shop.publish(shop.prepare_page(about))
    again = shop.publish(shop.prepare_page(about.model_copy(update={"title": "About"})))
    assert first.remote_id == again.remote_id and len(shopify.pages) == 1
    shop.unpublish(ItemKind.PAGE, first.remote_id)
    assert shopify.pages[first.remote_id]["isPublished"] is False

    remote = shop.publish(shop.prepare(catalog.get_product(WIZAMART, lamp)))
    since = a_second_ago()
    shopify.edit_product_by_hand(remote.remote_id, title="Lamp (edited in Shopify)", price="19.90")
    changes = [c for c in shop.fetch_changes(since) if c.item_kind is ItemKind.PRODUCT]
    assert [(c.remote_id, c.fields["title"], c.fields["price"]) for c in changes] == [
        (remote.remote_id, "Lamp (edited in Shopify)", 1990)
    ]
