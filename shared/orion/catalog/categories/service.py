"""Category use cases: create, replace, read, list, delete a store's categories, and their names in
the store's languages."""

from __future__ import annotations

from collections.abc import Sequence

from orion import runtime
from orion.catalog.categories.repository import CategoryRepository
from orion.catalog.models import Category, CategoryInput, check_language_offered
from orion.errors import FieldError, Invalid, NotFound
from orion.tenant import Tenant


def create_category(tenant: Tenant, data: CategoryInput) -> Category:
    category = Category(**data.model_dump())
    runtime.repository(CategoryRepository).put_category(tenant, category, create=True)
    return category


def update_category(tenant: Tenant, slug: str, data: CategoryInput) -> Category:
    if data.slug != slug:
        raise Invalid(errors=[FieldError("slug", "a category's slug cannot change")])
    category = Category(**data.model_dump())
    runtime.repository(CategoryRepository).put_category(tenant, category, create=False)
    return category


def get_category(tenant: Tenant, slug: str) -> Category:
    category = runtime.repository(CategoryRepository).get_category(tenant, slug)
    if category is None:
        raise NotFound("We could not find that category.")
    return category


def list_categories(tenant: Tenant) -> list[Category]:
    """A store's categories by position, then slug: one Query."""
    return runtime.repository(CategoryRepository).list_categories(tenant)


def delete_category(tenant: Tenant, slug: str) -> None:
    """Delete a category. Products keep the slug until they are next saved; its page is a 404 at once."""
    get_category(tenant, slug)
    runtime.repository(CategoryRepository).delete_category(tenant, slug)


def set_category_translation(
    tenant: Tenant, slug: str, lang: str, name: str, *, offered: Sequence[str]
) -> Category:
    """Create or replace a category's name in ``lang``, one of the store's languages."""
    check_language_offered(lang, offered)
    name = name.strip()
    if not 1 <= len(name) <= 120:
        raise Invalid("A category's name has 1 to 120 characters.", errors=[FieldError("name", "1-120")])
    return runtime.repository(CategoryRepository).edit_category(
        tenant,
        slug,
        lambda current: current.model_copy(update={"translations": {**current.translations, lang: name}}),
    )


def remove_category_translation(tenant: Tenant, slug: str, lang: str) -> Category:
    def drop(current: Category) -> Category:
        if lang not in current.translations:
            raise NotFound.worded("The category has no {lang} translation.", lang=repr(lang))
        return current.model_copy(
            update={"translations": {k: v for k, v in current.translations.items() if k != lang}}
        )

    return runtime.repository(CategoryRepository).edit_category(tenant, slug, drop)
