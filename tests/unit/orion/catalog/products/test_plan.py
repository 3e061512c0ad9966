"""Planning a product save: the sort values of its listing entries and the words of its search entries."""

from __future__ import annotations

from datetime import UTC, datetime

from orion.catalog.models import Product
from orion.catalog.products.plan import listing_sort_value, search_tokens


def make(**fields: object) -> Product:
    base: dict[str, object] = {
        "id": "01JAAAAAAAAAAAAAAAAAAAAAAA",
        "handle": "mug",
        "title": "Mug",
        "created_at": datetime(2026, 1, 1, tzinfo=UTC),
        "updated_at": datetime(2026, 1, 1, tzinfo=UTC),
        "variants": [{"sku": "M-1", "price": 500}],
    }
    base.update(fields)
    return Product.model_validate(base)


def test_price_sort_values_order_numerically() -> None:
    cheap = listing_sort_value(make(variants=[{"sku": "A", "price": 900}]), "PRICE")
    dear = listing_sort_value(make(variants=[{"sku": "A", "price": 10000}]), "PRICE")
    assert cheap < dear


def test_search_tokens_are_bounded_words_of_brand_and_title() -> None:
    tokens = search_tokens(make(title="Le Grand Café Crème au lait chaud du matin", brand="Bodum"))
    assert tokens[:3] == ["bodum", "le", "grand"]
    assert len(tokens) == 8
