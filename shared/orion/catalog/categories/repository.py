"""A store's categories in the table: one item each (``P#<p>#S#<s>#CATEGORY#<slug>``), listed in order
from the store's categories index (GSI1)."""

from __future__ import annotations

from collections.abc import Callable

from pynamodb.exceptions import PutError

from orion.catalog.items import CategoryItem
from orion.catalog.models import Category
from orion.data import keys
from orion.data.conditions import condition_failed
from orion.data.retry import back_off
from orion.data.table import get_or_none
from orion.errors import Conflict, NotFound
from orion.tenant import Tenant

EDIT_ATTEMPTS = 3


class CategoryRepository:
    """Reads and writes a store's categories; every call takes the tenant first."""

    def get_category(self, tenant: Tenant, slug: str) -> Category | None:
        item = get_or_none(CategoryItem, _category_pk(tenant, slug), keys.CATEGORY_SK)
        return Category.model_validate_json(item.data) if item else None

    def list_categories(self, tenant: Tenant) -> list[Category]:
        platform, store = tenant.platform, tenant.require_store()
        return [
            Category.model_validate_json(item.data)
            for item in CategoryItem.gsi1.query(keys.categories_gsi1pk(platform, store))
            if isinstance(item, CategoryItem)
        ]

    def put_category(self, tenant: Tenant, category: Category, *, create: bool) -> None:
        condition = CategoryItem.pk.does_not_exist() if create else CategoryItem.pk.exists()
        try:
            _category_item(tenant, category).save(condition=condition)
        except PutError as exc:
            if condition_failed(exc):
                if create:
                    raise Conflict.worded(
                        "A category {slug} already exists.", slug=repr(category.slug)
                    ) from exc
                raise NotFound.worded("No category {slug}.", slug=repr(category.slug)) from exc
            raise

    def edit_category(self, tenant: Tenant, slug: str, change: Callable[[Category], Category]) -> Category:
        """Read the category, apply ``change`` and write the result only if the stored category is
        still the one read, so two edits at once (two translations) never lose one; a lost race
        reads again."""
        for attempt in range(EDIT_ATTEMPTS):
            back_off(attempt)
            item = get_or_none(
                CategoryItem, _category_pk(tenant, slug), keys.CATEGORY_SK, consistent_read=True
            )
            if item is None:
                raise NotFound("We could not find that category.")
            category = change(Category.model_validate_json(item.data))
            try:
                _category_item(tenant, category).save(condition=CategoryItem.data == item.data)
            except PutError as exc:
                if condition_failed(exc):
                    continue
                raise
            return category
        raise Conflict.worded("The category {slug} is changing fast; please try again.", slug=repr(slug))

    def delete_category(self, tenant: Tenant, slug: str) -> None:
        CategoryItem(_category_pk(tenant, slug), keys.CATEGORY_SK).delete()


def _category_pk(tenant: Tenant, slug: str) -> str:
    return keys.category_pk(tenant.platform, tenant.require_store(), slug)


def _category_item(tenant: Tenant, category: Category) -> CategoryItem:
    platform, store = tenant.platform, tenant.require_store()
    return CategoryItem(
        keys.category_pk(platform, store, category.slug),
        keys.CATEGORY_SK,
        gsi1pk=keys.categories_gsi1pk(platform, store),
        gsi1sk=f"{category.position:04d}#{category.slug}",
        slug=category.slug,
        data=category.model_dump_json(),
    )
