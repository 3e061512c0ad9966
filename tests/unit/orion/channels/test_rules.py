"""Publishing rules: which products an integration publishes, and what a request may ask."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from orion.catalog.models import Product, ProductStatus, Variant
from orion.channels.adapters import content_hash
from orion.channels.models import ProductRule, ProductSelection, PublishingRules, PublishRequest
from orion.channels.service import selects

NOW = datetime(2026, 12, 1, tzinfo=UTC)
LAMP_ID = "01JAAAAAAAAAAAAAAAAAAAAAAA"


def lamp(status: ProductStatus = ProductStatus.ACTIVE) -> Product:
    return Product(
        id=LAMP_ID,
        handle="lamp",
        title="Lamp",
        status=status,
        categories=("lamps",),
        variants=(Variant(sku="L-1", price=100),),
        created_at=NOW,
        updated_at=NOW,
    )


@pytest.mark.parametrize(
    ("rule", "published"),
    [
        (ProductRule(), True),
        (ProductRule(selection=ProductSelection.CATEGORIES, categories=("lamps", "desks")), True),
        (ProductRule(selection=ProductSelection.CATEGORIES, categories=("chairs",)), False),
        (ProductRule(selection=ProductSelection.CHOSEN, product_ids=(LAMP_ID,)), True),
        (ProductRule(selection=ProductSelection.CHOSEN, product_ids=("01JBBBBBBBBBBBBBBBBBBBBBBB",)), False),
    ],
)
def test_the_rules_select_active_products_only(rule: ProductRule, published: bool) -> None:
    rules = PublishingRules(products=rule)
    assert selects(rules, lamp()) is published
    assert not selects(rules, lamp(ProductStatus.DRAFT))
    assert not selects(rules, lamp(ProductStatus.ARCHIVED))


def test_rules_and_requests_that_say_nothing_clear_are_refused() -> None:
    with pytest.raises(ValidationError, match="at least one category"):
        ProductRule(selection=ProductSelection.CATEGORIES)
    with pytest.raises(ValidationError, match="unknown fields in field_ownership: stock"):
        PublishingRules(field_ownership={"stock": "remote"})
    for body in ({}, {"all": True, "product_ids": [LAMP_ID]}):
        with pytest.raises(ValidationError, match="either"):
            PublishRequest.model_validate(body)


def test_the_content_hash_ignores_key_order() -> None:
    assert content_hash({"a": 1, "b": [1, 2]}) == content_hash({"b": [1, 2], "a": 1})
    assert content_hash({"a": 1}) != content_hash({"a": 2})
