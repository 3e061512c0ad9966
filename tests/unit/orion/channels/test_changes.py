"""Change events, the pure parts (docs/channels.md, "Change events"): which writes are channel changes,
the tenant taken from the item's key, the worker's backoff, and the queue's messages."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra import wiring
from orion.catalog.items import ProductItem, VariantItem
from orion.channels.changes import ItemChange, change_of
from orion.channels.models import ItemKind
from orion.channels.queue import ItemChanged, JobChunk, read_message
from orion.channels.worker import backoff_seconds
from orion.cms.repository import PageItem
from orion.data.table import TableItem
from orion.tenant import Tenant

PRODUCT = {"PK": "P#oms#S#wizamart#PRODUCT#01JAAAAAAAAAAAAAAAAAAAAAAA", "SK": "PRODUCT"}
VARIANT = {**PRODUCT, "SK": "PRODUCT#VARIANT#L-1"}
PAGE = {"PK": "P#oms#S#wizamart#PAGE#about", "SK": "PAGE"}
LAMP = ItemChange(Tenant("oms", "wizamart"), ItemKind.PRODUCT, "01JAAAAAAAAAAAAAAAAAAAAAAA")


def image(keys: dict[str, str], kind: str, **data: Any) -> dict[str, Any]:
    return {**keys, "kind": kind, "status": data.get("status", "active"), "data": json.dumps(data)}


def test_the_stream_kinds_are_the_item_kinds_of_products_variants_and_pages() -> None:
    kinds = wiring.function("channel_changes").stream_kinds
    assert set(kinds) == {
        TableItem.kind.get_discriminator(item) for item in (ProductItem, VariantItem, PageItem)
    }


def test_new_and_removed_products_variants_and_pages_are_changes_of_their_item() -> None:
    assert change_of("INSERT", PRODUCT, None, image(PRODUCT, "Product", title="Lamp")) == LAMP
    assert change_of("REMOVE", VARIANT, image(VARIANT, "Variant", price=1), None) == LAMP
    page = change_of("INSERT", PAGE, None, image(PAGE, "Page", title="About"))
    assert page == ItemChange(Tenant("oms", "wizamart"), ItemKind.PAGE, "about")


def test_a_save_that_changes_only_its_time_or_stock_is_no_change() -> None:
    before = image(PRODUCT, "Product", title="Lamp", updated_at="2026-12-01")
    assert (
        change_of("MODIFY", PRODUCT, before, image(PRODUCT, "Product", title="Lamp", updated_at="2026-12-02"))
        is None
    )
    assert change_of("MODIFY", PRODUCT, before, image(PRODUCT, "Product", title="Brass lamp")) == LAMP
    archived = {**image(PRODUCT, "Product", title="Lamp", updated_at="2026-12-01"), "status": "archived"}
    assert change_of("MODIFY", PRODUCT, before, archived) == LAMP
    sold = (image(VARIANT, "Variant", price=100, stock=4), image(VARIANT, "Variant", price=100, stock=3))
    assert change_of("MODIFY", VARIANT, *sold) is None
    repriced = (image(VARIANT, "Variant", price=100, stock=4), image(VARIANT, "Variant", price=90, stock=4))
    assert change_of("MODIFY", VARIANT, *repriced) == LAMP


@pytest.mark.parametrize(
    "keys",
    [
        {"PK": "P#oms#PAGE#about", "SK": "STORE_DEFAULT"},  # a platform's default page: no store
        {"PK": "P#oms#S#wizamart#PRODUCT#01JAAAAAAAAAAAAAAAAAAAAAAA", "SK": "LIST#ALL#PRICE"},
        {"PK": "P#oms#S#wizamart#HANDLE#lamp", "SK": "POINTER"},
        {"PK": "P#oms#S#wizamart#ORDER#01JAAAAAAAAAAAAAAAAAAAAAAA", "SK": "ORDER"},
        {"PK": "P#oms#S#wizamart#PAGE#about", "SK": "MARKETING"},
    ],
)
def test_other_items_are_not_channel_changes(keys: dict[str, str]) -> None:
    assert change_of("INSERT", keys, None, {**keys, "kind": "Whatever", "data": "{}"}) is None


def test_the_tenant_comes_from_the_key_never_the_content() -> None:
    lying = {**image(PRODUCT, "Product", title="Lamp"), "platform": "other", "store": "elsewhere"}
    found = change_of("INSERT", PRODUCT, None, lying)
    assert found is not None and found.tenant == Tenant("oms", "wizamart")


def test_backoff_doubles_up_to_its_cap_and_waits_for_what_the_destination_asks() -> None:
    assert [backoff_seconds(n) for n in range(1, 7)] == [30, 60, 120, 240, 300, 300]
    assert backoff_seconds(1, retry_after=90.2) == 91
    assert backoff_seconds(1, retry_after=10_000) == 3600


def test_a_message_is_read_back_as_sent_and_anything_else_is_refused() -> None:
    item = ItemChanged(platform="oms", store="wizamart", kind=ItemKind.PRODUCT, item_id=LAMP.item_id)
    chunk = JobChunk(
        platform="oms",
        store="wizamart",
        integration_id=LAMP.item_id,
        job_id=LAMP.item_id,
        chunk=3,
        cursor="x",
    )
    assert read_message(item.model_dump_json()) == item
    assert read_message(chunk.model_dump_json()) == chunk
    for body in ("{}", "not json", '{"type": "item", "platform": "OMS", "store": "w", "kind": "product"}'):
        with pytest.raises(ValueError, match="validation error"):
            read_message(body)
