"""The catalogue service against the table (moto): products, listings, search, stock, categories."""

from __future__ import annotations

import pytest

from orion.catalog import service
from orion.catalog.models import Category, CategoryInput, ProductInput, ProductSort, ProductStatus, Variant
from orion.catalog.repository import ProductRepository
from orion.errors import BadRequest, Conflict, NotFound
from orion.tenant import Tenant
from tests.api_calls import dynamodb_stops_at_limit

WIZ = Tenant("oms", "wizamart")
BAKERY = Tenant("oms", "bakery")


def product(title: str, *skus_prices: tuple[str, int], **extra: object) -> ProductInput:
    variants = tuple(Variant(sku=sku, price=price, stock=5) for sku, price in skus_prices)
    fields: dict[str, object] = {"title": title, "status": ProductStatus.ACTIVE, "variants": variants}
    fields.update(extra)
    return ProductInput.model_validate(fields)


@pytest.fixture
def store(aws: None) -> Tenant:
    return WIZ


def test_a_created_product_is_found_by_id_and_handle(store: Tenant) -> None:
    created = service.create_product(store, product("Crème Brûlée Mug", ("MUG-1", 1299)))
    assert created.handle == "creme-brulee-mug"
    assert service.get_product(store, created.id).variants[0].price == 1299
    assert service.get_product_by_handle(store, "creme-brulee-mug").id == created.id


def test_another_store_never_sees_the_product(store: Tenant) -> None:
    created = service.create_product(store, product("Secret", ("SEC-1", 100)))
    with pytest.raises(NotFound):
        service.get_product(BAKERY, created.id)
    with pytest.raises(NotFound):
        service.get_product_by_handle(BAKERY, created.handle)
    assert service.list_products(BAKERY).items == []
    assert service.search_products(BAKERY, "secret") == []
    with pytest.raises(NotFound):
        service.get_variant_by_sku(BAKERY, "SEC-1")


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


def test_skus_and_handles_are_unique_per_store(store: Tenant) -> None:
    service.create_product(store, product("Mug", ("M-1", 100), handle="mug"))
    with pytest.raises(Conflict):
        service.create_product(store, product("Other", ("M-1", 100)))
    with pytest.raises(Conflict):
        service.create_product(store, product("Other", ("M-2", 100), handle="mug"))
    # the same SKU in another store is fine
    service.create_product(BAKERY, product("Mug", ("M-1", 100), handle="mug"))


def test_changing_variants_and_handle_moves_the_pointers(store: Tenant) -> None:
    created = service.create_product(store, product("Mug", ("M-1", 100), ("M-2", 200), handle="mug"))
    service.update_product(store, created.id, product("Mug", ("M-3", 300), handle="big-mug"))
    with pytest.raises(NotFound):
        service.get_variant_by_sku(store, "M-1")
    with pytest.raises(NotFound):
        service.get_product_by_handle(store, "mug")
    assert service.get_variant_by_sku(store, "M-3").product_id == created.id
    # the freed SKU can be used again
    service.create_product(store, product("Cup", ("M-1", 100)))


def test_upsert_by_external_id_creates_once_then_updates(store: Tenant) -> None:
    first, created = service.upsert_product_by_external_id(store, "ext#1", product("Lamp", ("L-1", 100)))
    second, created_again = service.upsert_product_by_external_id(
        store, "ext#1", product("Lamp 2", ("L-1", 150))
    )
    assert created
    assert not created_again
    assert first.id == second.id
    assert service.get_product(store, first.id).title == "Lamp 2"
    assert len(service.list_products(store).items) == 1


def test_stock_never_goes_below_zero(store: Tenant) -> None:
    service.create_product(store, product("Mug", ("M-1", 100)))
    assert service.adjust_stock(store, "M-1", -3) == 2
    with pytest.raises(Conflict):
        service.adjust_stock(store, "M-1", -3)
    assert service.adjust_stock(store, "M-1", 10) == 12
    with pytest.raises(NotFound):
        service.adjust_stock(store, "NOPE", 1)


def test_categories_crud(store: Tenant) -> None:
    service.create_category(store, CategoryInput(slug="b", name="B", position=2))
    service.create_category(store, CategoryInput(slug="a", name="A", position=1, translations={"fr": "Aa"}))
    assert [c.slug for c in service.list_categories(store)] == ["a", "b"]
    with pytest.raises(Conflict):
        service.create_category(store, CategoryInput(slug="a", name="again"))
    service.update_category(store, "a", CategoryInput(slug="a", name="A2", position=3))
    assert [c.slug for c in service.list_categories(store)] == ["b", "a"]
    assert service.get_category(store, "a").name_in("fr") == "A2"
    service.delete_category(store, "b")
    with pytest.raises(NotFound):
        service.get_category(store, "b")
    assert service.list_categories(BAKERY) == []


def test_two_category_translations_at_once_both_land(store: Tenant) -> None:
    service.create_category(store, CategoryInput(slug="mugs", name="Mugs"))
    repository = ProductRepository()
    edits: list[str] = []

    def add_de(current: Category) -> Category:
        if not edits:  # between this edit's read and its write, another request adds French
            service.set_category_translation(store, "mugs", "fr", "Tasses", offered=("en", "fr", "de"))
        edits.append("de")
        return current.model_copy(update={"translations": {**current.translations, "de": "Becher"}})

    repository.edit_category(store, "mugs", add_de)
    assert edits == ["de", "de"]  # the first write was refused and the edit applied again
    assert service.get_category(store, "mugs").translations == {"fr": "Tasses", "de": "Becher"}
    service.remove_category_translation(store, "mugs", "fr")
    assert service.get_category(store, "mugs").translations == {"de": "Becher"}
    with pytest.raises(NotFound):
        service.remove_category_translation(store, "mugs", "fr")
    with pytest.raises(NotFound):
        service.set_category_translation(BAKERY, "mugs", "fr", "Tasses", offered=("en", "fr"))


def test_delete_product_removes_everything(store: Tenant) -> None:
    created = service.create_product(store, product("Mug", ("M-1", 100)))
    service.delete_product(store, created.id)
    assert service.list_products(store).items == []
    assert service.search_products(store, "mug") == []
    with pytest.raises(NotFound):
        service.get_variant_by_sku(store, "M-1")
