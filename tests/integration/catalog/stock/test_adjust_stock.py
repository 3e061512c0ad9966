"""Staff stock adjustments against the table (moto): relative, never below zero, unknown SKUs refused."""

from __future__ import annotations

import pytest

from orion.catalog import service
from orion.errors import Conflict, NotFound
from orion.tenant import Tenant
from tests.integration.catalog.inputs import product


def test_stock_never_goes_below_zero(store: Tenant) -> None:
    service.create_product(store, product("Mug", ("M-1", 100)))
    assert service.adjust_stock(store, "M-1", -3) == 2
    with pytest.raises(Conflict):
        service.adjust_stock(store, "M-1", -3)
    assert service.adjust_stock(store, "M-1", 10) == 12
    with pytest.raises(NotFound):
        service.adjust_stock(store, "NOPE", 1)
