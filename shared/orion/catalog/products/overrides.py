"""Lasting overrides: a product that came from a feed keeps the feed's last values (``Product.source``)
apart from the fields the store changed (``Product.overrides``), so a re-import updates only what the
store did not override.

Field names: ``title``, ``description``, ``price``, ``compare_at_price``, ``images``, ``status``, and per
language ``title.<lang>`` and ``description.<lang>`` (``title.fr``). ``price`` and ``compare_at_price``
cover every variant of the product: their value is the price of each SKU. Nothing here reads or writes
the table; products.service applies these rules inside its one save path.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from orion.catalog.models import TRANSLATION_LANGUAGES, Product, ProductInput, ProductStatus, Translation
from orion.errors import FieldError, Invalid

BASE_FIELDS = ("title", "description", "price", "compare_at_price", "images", "status")
TRANSLATED_FIELDS = ("title", "description")

FieldValues = dict[str, Any]


def overridable(field: str) -> bool:
    """Whether ``field`` names a field a store can override (``title``, ``title.fr`` ...)."""
    if field in BASE_FIELDS:
        return True
    name, _, lang = field.partition(".")
    return name in TRANSLATED_FIELDS and lang in TRANSLATION_LANGUAGES


def check_field(field: str) -> None:
    """Invalid (422) for a name that is no overridable field."""
    if not overridable(field):
        languages = ", ".join(TRANSLATION_LANGUAGES)
        raise Invalid(
            f"{field!r} is no field a store overrides: one of {', '.join(BASE_FIELDS)}, or title.<lang> "
            f"or description.<lang> with <lang> one of {languages}.",
            errors=[FieldError("field", "unknown field")],
        )


def field_values(data: ProductInput) -> FieldValues:
    """The overridable fields' values of ``data``, JSON-shaped (what ``Product.source`` holds)."""
    values: FieldValues = {
        "title": data.title,
        "description": data.description,
        "price": {v.sku: v.price for v in data.variants},
        "compare_at_price": {v.sku: v.compare_at_price for v in data.variants},
        "images": list(data.images),
        "status": data.status.value,
    }
    for lang, translation in sorted(data.translations.items()):
        values[f"title.{lang}"] = translation.title
        values[f"description.{lang}"] = translation.description
    return values


def with_values(data: ProductInput, values: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of ``data`` (a dump, ready for a model) with ``values`` (some of :func:`field_values`'
    keys; a missing translated value is None) put in. A price names SKUs; a variant it does not name
    keeps its own."""
    fields = data.model_dump()
    if "title" in values:
        fields["title"] = values["title"]
    if "description" in values:
        fields["description"] = values["description"]
    if "status" in values:
        fields["status"] = ProductStatus(values["status"])
    if "images" in values:
        fields["images"] = tuple(values["images"])
    for name in ("price", "compare_at_price"):
        if name in values:
            by_sku: Mapping[str, int | None] = values[name] or {}
            fields["variants"] = [
                {**variant, name: by_sku[variant["sku"]]} if variant["sku"] in by_sku else variant
                for variant in fields["variants"]
            ]
    translations = {lang: Translation(**t) for lang, t in fields["translations"].items()}
    for key, value in values.items():
        name, _, lang = key.partition(".")
        if not lang:
            continue
        current = translations.get(lang, Translation())
        changed = current.model_copy(update={name: value})
        if changed.title or changed.description:
            translations[lang] = changed
        else:
            translations.pop(lang, None)
    fields["translations"] = translations
    return fields


def source_view(product: Product) -> Product:
    """``product`` as its feed last said it (overridden fields back at the source's values): what an
    import builds its next values from."""
    if not product.overrides:
        return product
    values = {field: product.source.get(field) for field in product.overrides}
    return Product(**{**product.model_dump(), **with_values(product, values)})


def kept_overrides(feed: ProductInput, current: Product) -> tuple[ProductInput, tuple[str, ...]]:
    """A re-import's fields: the feed's values with the store's overridden ones on top, and the
    overrides that still apply (all of them: an override lasts until staff reset it)."""
    mine = field_values(current)
    values = {field: mine.get(field) for field in current.overrides}
    return ProductInput(**with_values(feed, values)), current.overrides


def edited_overrides(current: Product, edited: Product) -> tuple[str, ...]:
    """The overrides after a staff edit of a product from a feed: those it had, plus every field the
    edit changed, minus any now equal to the source's value again. A product not from a feed has none.
    Prices compare SKU by SKU over the variants both sides have: adding or removing a variant
    overrides no price."""
    if not current.source:
        return ()
    before, after = field_values(current), field_values(edited)
    changed = {f for f in before.keys() | after.keys() if _differs(f, before.get(f), after.get(f))}
    back = {f for f in changed if not _differs(f, after.get(f), current.source.get(f))}
    return ordered((set(current.overrides) | changed) - back)


def _differs(field: str, one: Any, other: Any) -> bool:
    if field in ("price", "compare_at_price") and isinstance(one, dict) and isinstance(other, dict):
        return any(one[sku] != other[sku] for sku in one.keys() & other.keys())
    return bool(one != other)


def ordered(fields: Iterable[str]) -> tuple[str, ...]:
    """Field names in a stable order: the base fields first, then the translated ones by language."""
    rank = {name: index for index, name in enumerate(BASE_FIELDS)}
    return tuple(sorted(set(fields), key=lambda f: (rank.get(f, len(rank)), f)))
