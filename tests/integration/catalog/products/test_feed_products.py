"""Looking up many products by their feed ids at once (a saved source's ``new`` policy, docs/imports.md,
Saved sources): a few BatchGetItems of at most 100 keys, keys DynamoDB leaves unprocessed asked again,
and never another store's product."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from orion.catalog.models import FeedProduct
from orion.catalog.service import (
    archive_gone_from_feed,
    feed_products,
    get_product_by_external_id,
    save_product_by_external_id,
    upsert_product_by_external_id,
)
from orion.tenant import Tenant
from tests.api_calls import intercepting_api_calls, service_of
from tests.integration.catalog.inputs import BAKERY, product

SOURCE = "01J0000000000000000000SRC1"


def as_dynamodb_answers(calls: Counter[str]) -> Callable[[Any, str, dict[str, Any], Callable[[], Any]], Any]:
    """BatchGetItem as DynamoDB answers it, which moto does not: more than 100 keys is refused, and the
    first answer to a request leaves half its keys unprocessed (as under throttling)."""

    def answer(client: Any, operation: str, params: dict[str, Any], call: Callable[[], Any]) -> Any:
        if service_of(client) != "dynamodb":
            return call()
        calls[operation] += 1
        if operation != "BatchGetItem":
            return call()
        ((table, request),) = params["RequestItems"].items()
        wanted = request["Keys"]
        if len(wanted) > 100:
            refusal: Any = {"Error": {"Code": "ValidationException", "Message": "Too many items requested"}}
            raise ClientError(refusal, operation)
        if calls["BatchGetItem"] % 2 == 0 or len(wanted) < 2:
            return call()
        half = len(wanted) // 2
        params["RequestItems"][table] = {**request, "Keys": wanted[:half]}
        answered = call()
        answered["UnprocessedKeys"] = {table: {**request, "Keys": wanted[half:]}}
        return answered

    return answer


def test_a_feeds_ids_are_looked_up_in_batches_of_100_with_unprocessed_keys_asked_again(store: Tenant) -> None:
    for external_id, title in (("EXT-001", "Chair"), ("EXT-002", "Table")):
        upsert_product_by_external_id(store, external_id, product(title, (f"SKU-{external_id}", 1000)))
    lamp = product("Lamp", ("SKU-EXT-003", 1000))
    archived, _ = save_product_by_external_id(store, "EXT-003", lambda _: lamp, source_id=SOURCE)
    archive_gone_from_feed(store, archived.id)  # the source's feed no longer listed it
    upsert_product_by_external_id(BAKERY, "EXT-900", product("Bread", ("SKU-BREAD", 300)))
    # 3 products of the store, 247 ids it has not, and the bakery's feed id (another store's product)
    ids = [f"EXT-{n:03d}" for n in range(1, 251)] + ["EXT-900"]
    calls: Counter[str] = Counter()

    with intercepting_api_calls(as_dynamodb_answers(calls)):
        found = feed_products(store, ids)

    expected = {
        external_id: FeedProduct(product_id=p.id, source_id=p.source_id, feed_status=p.source.get("status"))
        for external_id in ("EXT-001", "EXT-002", "EXT-003")
        if (p := get_product_by_external_id(store, external_id)) is not None
    }
    assert found == expected
    assert found["EXT-003"] == FeedProduct(product_id=archived.id, source_id=SOURCE, feed_status="archived")
    assert "EXT-900" not in found  # the bakery's product: another store's feed id
    # 250 pointers in 3 requests and 3 products in 1, each first answer half unprocessed and asked again:
    # 8 requests where the lookups one by one took 250 GetItems and 3 Queries.
    assert calls == Counter({"BatchGetItem": 8})


def test_no_ids_cost_no_request(store: Tenant) -> None:
    calls: Counter[str] = Counter()
    with intercepting_api_calls(as_dynamodb_answers(calls)):
        assert feed_products(store, []) == {}
    assert calls == Counter()


def test_a_store_sees_only_its_own_products_by_feed_id(store: Tenant) -> None:
    upsert_product_by_external_id(BAKERY, "EXT-001", product("Bread", ("SKU-BREAD", 300)))
    assert feed_products(store, ["EXT-001"]) == {}
    assert set(feed_products(BAKERY, ["EXT-001"])) == {"EXT-001"}
