"""Products against the table (moto): found by id and handle, one store's only, unique SKUs and
handles, pointers that follow edits, upserts by external id, deletion."""

from __future__ import annotations

import pytest

from orion.catalog import service
from orion.errors import Conflict, NotFound
from orion.tenant import Tenant
from tests.integration.catalog.inputs import BAKERY, product


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


def test_delete_product_removes_everything(store: Tenant) -> None:
    created = service.create_product(store, product("Mug", ("M-1", 100)))
    service.delete_product(store, created.id)
    assert service.list_products(store).items == []
    assert service.search_products(store, "mug") == []
    with pytest.raises(NotFound):
        service.get_variant_by_sku(store, "M-1")
