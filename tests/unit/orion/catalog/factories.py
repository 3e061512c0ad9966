"""A valid product to vary one field at a time in the catalogue's unit tests."""

from __future__ import annotations

from datetime import UTC, datetime

from orion.catalog.models import Product


def make(**fields: object) -> Product:
    """A one-variant mug, with ``fields`` replacing its defaults."""
    base: dict[str, object] = {
        "id": "01JAAAAAAAAAAAAAAAAAAAAAAA",
        "handle": "mug",
        "title": "Mug",
        "created_at": datetime(2026, 1, 1, tzinfo=UTC),
        "updated_at": datetime(2026, 1, 1, tzinfo=UTC),
        "variants": [{"sku": "M-1", "price": 500}],
    }
    base.update(fields)
    return Product.model_validate(base)
