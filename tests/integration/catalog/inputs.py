"""What the catalogue's integration tests create: two stores, and active products with variants."""

from __future__ import annotations

from orion.catalog.models import ProductInput, ProductStatus, Variant
from orion.tenant import Tenant

WIZ = Tenant("oms", "wizamart")
BAKERY = Tenant("oms", "bakery")


def product(title: str, *skus_prices: tuple[str, int], **extra: object) -> ProductInput:
    variants = tuple(Variant(sku=sku, price=price, stock=5) for sku, price in skus_prices)
    fields: dict[str, object] = {"title": title, "status": ProductStatus.ACTIVE, "variants": variants}
    fields.update(extra)
    return ProductInput.model_validate(fields)
