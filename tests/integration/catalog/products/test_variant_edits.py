"""Editing one variant or translation goes through the product's one save path: listings, search and
SKU pointers follow in the same transaction, and a write that raced the edit is never lost."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from orion.catalog import service
from orion.catalog.models import (
    ProductInput,
    ProductSort,
    ProductStatus,
    Translation,
    Variant,
    VariantChanges,
    VariantInput,
)
from orion.catalog.products.repository import ProductRepository
from orion.errors import Conflict, Invalid, NotFound
from orion.tenant import Tenant

WIZ = Tenant("oms", "wizamart")
BAKERY = Tenant("oms", "bakery")
LANGUAGES = ("en", "fr", "de")


@pytest.fixture
def mug(aws: None) -> str:
    created = service.create_product(
        WIZ,
        ProductInput(
            title="Mug",
            status=ProductStatus.ACTIVE,
            variants=(Variant(sku="MUG-S", price=900, stock=5), Variant(sku="MUG-L", price=1200, stock=5)),
        ),
    )
    return created.id


@contextmanager
def meanwhile(action: Callable[[], Any]) -> Iterator[None]:
    """Run ``action`` once, right after the next edit has read the product and before it writes:
    what a checkout or another staff member does in that moment."""
    original = ProductRepository.read_for_update
    done = False

    def read_then_act(self: ProductRepository, tenant: Tenant, product_id: str) -> Any:
        nonlocal done
        stored = original(self, tenant, product_id)
        if not done:
            done = True
            ProductRepository.read_for_update = original  # type: ignore[method-assign]
            action()
        return stored

    ProductRepository.read_for_update = read_then_act  # type: ignore[method-assign]
    try:
        yield
    finally:
        ProductRepository.read_for_update = original  # type: ignore[method-assign]


def test_a_new_cheapest_variant_moves_the_product_in_the_price_listing(mug: str) -> None:
    other = service.create_product(
        WIZ, ProductInput(title="Cup", status=ProductStatus.ACTIVE, variants=(Variant(sku="CUP", price=800),))
    )
    assert [p.id for p in service.list_products(WIZ, sort=ProductSort.PRICE_ASC).items] == [other.id, mug]
    service.add_variant(WIZ, mug, VariantInput(sku="MUG-XS", price=500))
    listing = service.list_products(WIZ, sort=ProductSort.PRICE_ASC).items
    assert [(p.id, p.price) for p in listing] == [(mug, 500), (other.id, 800)]
    assert service.get_variant_by_sku(WIZ, "MUG-XS").product_id == mug


def test_a_removed_variant_leaves_no_pointer_behind(mug: str) -> None:
    service.remove_variant(WIZ, mug, "MUG-S")
    with pytest.raises(NotFound):
        service.get_variant_by_sku(WIZ, "MUG-S")
    assert service.list_products(WIZ).items[0].price == 1200
    with pytest.raises(Conflict):
        service.remove_variant(WIZ, mug, "MUG-L")


def test_a_checkout_between_the_read_and_the_write_is_never_overwritten(mug: str) -> None:
    # The save is refused (the stock it read is gone) and the edit is applied again on a fresh read:
    # the new price lands and the sale still counts.
    with meanwhile(lambda: service.adjust_stock(WIZ, "MUG-S", -2)):
        edited = service.update_variant(WIZ, mug, "MUG-S", VariantChanges(price=950))
    assert (edited.variant("MUG-S").price, edited.variant("MUG-S").stock) == (950, 3)  # type: ignore[union-attr]
    variant = service.get_variant(WIZ, mug, "MUG-S")
    assert (variant.price, variant.stock) == (950, 3)


def test_a_save_that_keeps_losing_to_checkouts_gives_up_with_a_conflict(
    mug: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = ProductRepository.read_for_update

    def a_sale_after_every_read(self: ProductRepository, tenant: Tenant, product_id: str) -> Any:
        stored = original(self, tenant, product_id)
        service.adjust_stock(WIZ, "MUG-S", -1)
        return stored

    monkeypatch.setattr(ProductRepository, "read_for_update", a_sale_after_every_read)
    with pytest.raises(Conflict):
        service.update_variant(WIZ, mug, "MUG-S", VariantChanges(price=950))
    monkeypatch.setattr(ProductRepository, "read_for_update", original)
    variant = service.get_variant(WIZ, mug, "MUG-S")
    assert variant.price == 900
    assert variant.stock < 5  # every sale counted, none undone by the refused saves


def test_a_concurrent_edit_fails_the_later_save_instead_of_being_lost(mug: str) -> None:
    with (
        meanwhile(lambda: service.add_variant(WIZ, mug, VariantInput(sku="MUG-M", price=1000))),
        pytest.raises(Conflict),
    ):
        service.add_variant(WIZ, mug, VariantInput(sku="MUG-XL", price=1500))
    product = service.get_product(WIZ, mug)
    assert [v.sku for v in product.variants] == ["MUG-S", "MUG-L", "MUG-M"]
    with pytest.raises(NotFound):
        service.get_variant_by_sku(WIZ, "MUG-XL")


def test_publishing_status_keeps_stock_sold_meanwhile(mug: str) -> None:
    with meanwhile(lambda: service.adjust_stock(WIZ, "MUG-L", -1)):
        unpublished = service.set_product_status(WIZ, mug, ProductStatus.DRAFT)
    assert unpublished.status is ProductStatus.DRAFT
    assert service.get_variant(WIZ, mug, "MUG-L").stock == 4


def test_a_translated_title_reaches_listings_and_can_be_removed(mug: str) -> None:
    service.set_product_translation(WIZ, mug, "fr", Translation(title="Tasse"), offered=LANGUAGES)
    summary = service.list_products(WIZ).items[0]
    assert summary.title_in("fr") == "Tasse"
    service.remove_product_translation(WIZ, mug, "fr")
    assert service.list_products(WIZ).items[0].title_in("fr") == "Mug"
    with pytest.raises(NotFound):
        service.remove_product_translation(WIZ, mug, "fr")


def test_a_language_the_store_does_not_offer_is_refused(mug: str) -> None:
    with pytest.raises(Invalid):
        service.set_product_translation(WIZ, mug, "lb", Translation(title="Taass"), offered=LANGUAGES)
    with pytest.raises(Invalid):
        service.set_product_translation(WIZ, mug, "de", Translation(), offered=LANGUAGES)
    assert service.get_product(WIZ, mug).translations == {}


def test_another_store_cannot_edit_the_product(mug: str) -> None:
    with pytest.raises(NotFound):
        service.add_variant(BAKERY, mug, VariantInput(sku="B-1", price=100))
    with pytest.raises(NotFound):
        service.update_variant(BAKERY, mug, "MUG-S", VariantChanges(price=1))
    with pytest.raises(NotFound):
        service.set_product_translation(BAKERY, mug, "fr", Translation(title="x"), offered=LANGUAGES)
    assert service.get_variant(WIZ, mug, "MUG-S").price == 900


def test_a_product_deleted_while_an_edit_lands_leaves_nothing_behind(mug: str) -> None:
    # The delete read the product before the new variant was saved: it must not delete only what it
    # read, leaving the variant, its SKU pointer and its low-stock count behind.
    with meanwhile(lambda: service.add_variant(WIZ, mug, VariantInput(sku="MUG-XL", price=1500, stock=1))):
        service.delete_product(WIZ, mug)
    with pytest.raises(NotFound):
        service.get_variant_by_sku(WIZ, "MUG-XL")
    assert service.list_low_stock(WIZ).items == []
    again = service.create_product(
        WIZ, ProductInput(title="Big mug", variants=(Variant(sku="MUG-XL", price=1500),))
    )
    assert service.get_variant_by_sku(WIZ, "MUG-XL").product_id == again.id


def test_replacing_a_product_never_undoes_the_sales_made_since_the_caller_read_it(mug: str) -> None:
    # Staff loaded the product (5 of each), a shopper bought 2 of MUG-S, staff save their copy back
    loaded = service.get_product(WIZ, mug)
    service.adjust_stock(WIZ, "MUG-S", -2)
    edited = ProductInput(
        **{
            **loaded.model_dump(include=set(ProductInput.model_fields)),
            "title": "Mug (new)",
            "variants": (*loaded.variants, Variant(sku="MUG-XL", price=1500, stock=7)),
        }
    )
    saved = service.update_product(WIZ, mug, edited)
    assert saved.title == "Mug (new)"
    assert [(v.sku, v.stock) for v in saved.variants] == [("MUG-S", 3), ("MUG-L", 5), ("MUG-XL", 7)]
    assert service.get_variant(WIZ, mug, "MUG-S").stock == 3
