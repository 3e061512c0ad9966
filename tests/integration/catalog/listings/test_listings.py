"""Listings and search against the table (moto): sorts, cursors, staff listings, categories, search."""

from __future__ import annotations

import pytest

from orion.catalog import service
from orion.catalog.models import CategoryInput, ProductSort, ProductStatus
from orion.errors import BadRequest
from orion.tenant import Tenant
from tests.api_calls import dynamodb_stops_at_limit
from tests.integration.catalog.inputs import product


def test_listing_sorts_and_pages_with_a_cursor(store: Tenant) -> None:
    for index, price in enumerate([500, 100, 300, 200, 400]):
        service.create_product(store, product(f"Item {'EDCBA'[index]}", (f"S-{index}", price)))
    by_price = service.list_products(store, sort=ProductSort.PRICE_ASC, limit=2)
    assert [p.price for p in by_price.items] == [100, 200]
    assert by_price.next_cursor
    second = service.list_products(store, sort=ProductSort.PRICE_ASC, limit=2, after=by_price.next_cursor)
    assert [p.price for p in second.items] == [300, 400]
    third = service.list_products(store, sort=ProductSort.PRICE_ASC, limit=2, after=second.next_cursor)
    assert [p.price for p in third.items] == [500]
    assert third.next_cursor is None
    desc = service.list_products(store, sort=ProductSort.PRICE_DESC, limit=5)
    assert [p.price for p in desc.items] == [500, 400, 300, 200, 100]
    titles = service.list_products(store, sort=ProductSort.TITLE)
    assert [p.title for p in titles.items] == ["Item A", "Item B", "Item C", "Item D", "Item E"]
    newest = service.list_products(store, sort=ProductSort.NEWEST)
    assert newest.items[0].title == "Item A"


def test_staff_listings_end_without_an_empty_last_page(store: Tenant) -> None:
    for index in range(4):
        status = ProductStatus.ACTIVE if index % 2 else ProductStatus.DRAFT
        service.create_product(store, product(f"Item {index}", (f"S-{index}", 100), status=status))
    with dynamodb_stops_at_limit():
        for sort in (ProductSort.NEWEST, ProductSort.TITLE):
            first = service.list_products(store, include_unpublished=True, sort=sort, limit=2)
            second = service.list_products(
                store, include_unpublished=True, sort=sort, limit=2, after=first.next_cursor
            )
            assert len(first.items) == len(second.items) == 2
            assert second.next_cursor is None  # four products, two pages: no third, empty one
            assert {p.id for p in first.items}.isdisjoint(p.id for p in second.items)
        drafts = service.list_products(store, include_unpublished=True, status=ProductStatus.DRAFT, limit=2)
        assert [p.title for p in drafts.items] == ["Item 2", "Item 0"]
        assert drafts.next_cursor is None


def test_a_forged_cursor_is_a_bad_request(store: Tenant) -> None:
    with pytest.raises(BadRequest):
        service.list_products(store, after="not-a-cursor")


def test_only_active_products_are_listed_and_searchable(store: Tenant) -> None:
    draft = service.create_product(store, product("Draft lamp", ("L-1", 100), status=ProductStatus.DRAFT))
    assert service.list_products(store).items == []
    assert service.search_products(store, "lamp") == []
    service.set_product_status(store, draft.id, ProductStatus.ACTIVE)
    assert [p.id for p in service.list_products(store).items] == [draft.id]
    service.set_product_status(store, draft.id, ProductStatus.ARCHIVED)
    assert service.list_products(store).items == []
    assert service.list_products(store, include_unpublished=True).items[0].status is ProductStatus.ARCHIVED


def test_category_listing_follows_the_products_categories(store: Tenant) -> None:
    service.create_category(store, CategoryInput(slug="kitchen", name="Kitchen"))
    mug = service.create_product(store, product("Mug", ("M-1", 100), categories=("kitchen",)))
    service.create_product(store, product("Chair", ("C-1", 100)))
    assert [p.id for p in service.list_products(store, category="kitchen").items] == [mug.id]
    service.update_product(store, mug.id, product("Mug", ("M-1", 100)))
    assert service.list_products(store, category="kitchen").items == []


def test_search_by_words_brand_and_sku(store: Tenant) -> None:
    kettle = service.create_product(store, product("Electric Kettle 1.7L", ("KET-17", 3999), brand="Bosch"))
    service.create_product(store, product("Teapot", ("TEA-1", 1999), brand="Bodum"))
    assert [p.id for p in service.search_products(store, "kett")] == [kettle.id]
    assert [p.id for p in service.search_products(store, "bosch electric")] == [kettle.id]
    assert [p.id for p in service.search_products(store, "KET-17")] == [kettle.id]
    assert service.search_products(store, "bosch teapot") == []
