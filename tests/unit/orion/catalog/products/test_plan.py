"""Planning a product save: the sort values of its listing entries and the words of its search entries."""

from __future__ import annotations

from orion.catalog.products.plan import listing_sort_value, search_tokens
from tests.unit.orion.catalog.factories import make


def test_price_sort_values_order_numerically() -> None:
    cheap = listing_sort_value(make(variants=[{"sku": "A", "price": 900}]), "PRICE")
    dear = listing_sort_value(make(variants=[{"sku": "A", "price": 10000}]), "PRICE")
    assert cheap < dear


def test_search_tokens_are_bounded_words_of_brand_and_title() -> None:
    tokens = search_tokens(make(title="Le Grand Café Crème au lait chaud du matin", brand="Bodum"))
    assert tokens[:3] == ["bodum", "le", "grand"]
    assert len(tokens) == 8
