"""Catalogue models: validation bounds, handles, translations, key-safe identifiers."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from orion.catalog.models import MAX_VARIANTS, ProductInput, Variant, fold, slugify
from orion.data import keys
from tests.unit.orion.catalog.factories import make


def test_handles_are_folded_from_titles() -> None:
    assert slugify("Crème Brûlée — Deluxe!") == "creme-brulee-deluxe"
    assert fold("Ölkanne") == "olkanne"


def test_a_product_needs_unique_skus_and_bounded_variants() -> None:
    with pytest.raises(ValidationError):
        ProductInput(title="x", variants=(Variant(sku="A", price=1), Variant(sku="A", price=2)))
    with pytest.raises(ValidationError):
        ProductInput(
            title="x", variants=tuple(Variant(sku=f"S{i}", price=1) for i in range(MAX_VARIANTS + 1))
        )
    with pytest.raises(ValidationError):
        ProductInput(title="x", variants=(Variant(sku="bad#sku", price=1),))
    with pytest.raises(ValidationError):
        ProductInput(title="x", variants=(Variant(sku="A", price=-1),))


def test_translations_fall_back_to_the_default_language() -> None:
    product = make(translations={"fr": {"title": "Tasse"}})
    assert product.title_in("fr") == "Tasse"
    assert product.title_in("de") == "Mug"
    assert product.description_in("fr") == ""


def test_free_form_identifiers_cannot_break_a_key() -> None:
    assert keys.product_external_id_pk("oms", "wizamart", "a#b%c") == "P#oms#S#wizamart#EXTID#a%23b%25c"


@pytest.mark.parametrize("field", ["price", "stock", "compare_at_price"])
def test_json_booleans_are_not_prices_or_stock(field: str) -> None:
    with pytest.raises(ValidationError):
        Variant.model_validate({"sku": "MUG-1", "price": 100, field: True})
    assert getattr(Variant.model_validate({"sku": "MUG-1", "price": 100, field: "7"}), field) == 7
