"""Categories against the table (moto): create, list in order, update, delete, translations."""

from __future__ import annotations

import pytest

from orion.catalog import service
from orion.catalog.categories.repository import CategoryRepository
from orion.catalog.models import Category, CategoryInput
from orion.errors import Conflict, NotFound
from orion.tenant import Tenant
from tests.integration.catalog.inputs import BAKERY


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
    repository = CategoryRepository()
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
