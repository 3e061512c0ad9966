"""Cart forms take quantities from form fields and JSON numbers, never from JSON booleans."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from orion.orders.checkout.models import AddToCartForm, ChangeQuantityForm


@pytest.mark.parametrize("value", [True, False, "lots", 1.5, 100, -1])
def test_a_quantity_must_be_a_bounded_whole_number(value: object) -> None:
    with pytest.raises(ValidationError):
        AddToCartForm.model_validate({"sku": "MUG-1", "quantity": value})
    with pytest.raises(ValidationError):
        ChangeQuantityForm.model_validate({"quantity": value})


def test_form_strings_and_json_numbers_are_quantities() -> None:
    assert AddToCartForm.model_validate({"sku": "MUG-1", "quantity": "3"}).quantity == 3
    assert AddToCartForm.model_validate({"sku": "MUG-1", "quantity": 3}).quantity == 3
    assert ChangeQuantityForm.model_validate({"quantity": 0}).quantity == 0
