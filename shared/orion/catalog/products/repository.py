"""Reading a store's products: a product's partition (the product and its variants), its handle, SKU
and external-id pointers, and variants by SKU with their stock levels."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence

from orion.catalog.items import PointerItem, ProductItem, StoredProduct, VariantItem
from orion.catalog.models import FeedProduct, Product, ProductSummary, Variant
from orion.catalog.stock.rules import StockLevel
from orion.data import keys
from orion.data.table import TableItem, get_or_none
from orion.tenant import Tenant


class ProductRepository:
    """Reads a store's products; every call takes the tenant first (their writes: ProductWriter)."""

    def product_id_for_handle(self, tenant: Tenant, handle: str) -> str | None:
        item = get_or_none(PointerItem, _pointer_pk(tenant, keys.product_handle_pk, handle), keys.POINTER_SK)
        return item.product_id if item else None

    def product_id_for_external_id(self, tenant: Tenant, external_id: str) -> str | None:
        pk = _pointer_pk(tenant, keys.product_external_id_pk, external_id)
        item = get_or_none(PointerItem, pk, keys.POINTER_SK, consistent_read=True)
        return item.product_id if item else None

    def feed_products(self, tenant: Tenant, external_ids: Iterable[str]) -> dict[str, FeedProduct]:
        """The store's products with these external ids, by external id (ids it has no product for are
        left out): the pointers, then the products they name, each in consistent BatchGetItems of at
        most 100 keys (PynamoDB's ``batch_get`` pages by DynamoDB's limit and asks again for the keys
        an answer leaves unprocessed), instead of a GetItem and a Query per id."""
        by_pointer = {
            _pointer_pk(tenant, keys.product_external_id_pk, external_id): external_id
            for external_id in dict.fromkeys(external_ids)
        }
        product_ids: dict[str, str] = {}
        wanted = [(pk, keys.POINTER_SK) for pk in by_pointer]
        for item in TableItem.batch_get(wanted, consistent_read=True):
            if isinstance(item, PointerItem):
                product_ids[by_pointer[item.pk]] = item.product_id
        platform, store = tenant.platform, tenant.require_store()
        found: dict[str, FeedProduct] = {}
        wanted = [
            (keys.product_pk(platform, store, pid), keys.PRODUCT_SK)
            for pid in dict.fromkeys(product_ids.values())
        ]
        for item in TableItem.batch_get(wanted, consistent_read=True):
            if isinstance(item, ProductItem):
                fields = json.loads(item.data)
                found[item.id] = FeedProduct(
                    product_id=item.id,
                    source_id=fields.get("source_id"),
                    feed_status=(fields.get("source") or {}).get("status"),
                )
        return {external_id: found[pid] for external_id, pid in product_ids.items() if pid in found}

    def sku_pointer(self, tenant: Tenant, sku: str) -> tuple[str, ProductSummary] | None:
        item = get_or_none(PointerItem, _pointer_pk(tenant, keys.product_sku_pk, sku), keys.POINTER_SK)
        if item is None or item.summary is None:
            return None
        return item.product_id, ProductSummary.model_validate_json(item.summary)

    def sku_pointer_any_case(self, tenant: Tenant, sku: str) -> tuple[str, ProductSummary] | None:
        """The product of ``sku`` as typed or in upper case (SKUs are usually printed upper case, and
        shoppers type them in lower): one BatchGetItem; the exact spelling wins."""
        spellings = list(dict.fromkeys((sku, sku.upper())))
        if len(spellings) == 1:
            return self.sku_pointer(tenant, sku)
        found: dict[str, tuple[str, ProductSummary]] = {}
        wanted = [(_pointer_pk(tenant, keys.product_sku_pk, s), keys.POINTER_SK) for s in spellings]
        for item in TableItem.batch_get(wanted):
            if isinstance(item, PointerItem) and item.summary is not None:
                found[item.pk] = (item.product_id, ProductSummary.model_validate_json(item.summary))
        return next((found[pk] for pk, _ in wanted if pk in found), None)

    def get(self, tenant: Tenant, product_id: str, *, consistent: bool = False) -> Product | None:
        """The product and its variants: one Query over its partition."""
        stored = self._read_partition(tenant, product_id, everything=False, consistent=consistent)
        return stored.product if stored else None

    def summaries(self, tenant: Tenant, product_ids: Sequence[str]) -> dict[str, ProductSummary]:
        """The listing summaries of these products, by id (absent ones left out): one BatchGetItem per
        100."""
        platform, store = tenant.platform, tenant.require_store()
        wanted = [
            (keys.product_pk(platform, store, pid), keys.PRODUCT_SK) for pid in dict.fromkeys(product_ids)
        ]
        return {
            item.id: ProductSummary.model_validate_json(item.summary)
            for item in TableItem.batch_get(wanted)
            if isinstance(item, ProductItem)
        }

    def read_for_update(self, tenant: Tenant, product_id: str) -> StoredProduct | None:
        """The product with every item key of its partition and its variants' stock levels, read
        consistently: what a save or a delete is planned on and conditioned on."""
        return self._read_partition(tenant, product_id, everything=True, consistent=True)

    def variants_with_levels(
        self, tenant: Tenant, refs: Sequence[tuple[str, str]]
    ) -> dict[str, tuple[ProductSummary, Variant, StockLevel]]:
        """Variants by ``(product id, sku)``, keyed by SKU, with their products' summaries and their
        stock levels (for a stock change to be conditioned on): one consistent BatchGetItem."""
        platform, store = tenant.platform, tenant.require_store()
        wanted: list[tuple[str, str]] = []
        for product_id, sku in refs:
            pk = keys.product_pk(platform, store, product_id)
            wanted.extend([(pk, keys.PRODUCT_SK), (pk, keys.variant_sk(sku))])
        products: dict[str, ProductSummary] = {}
        variants: dict[str, VariantItem] = {}
        for item in TableItem.batch_get(list(dict.fromkeys(wanted)), consistent_read=True):
            if isinstance(item, ProductItem):
                products[item.id] = ProductSummary.model_validate_json(item.summary)
            elif isinstance(item, VariantItem):
                variants[item.sku] = item
        return {
            sku: (products[item.product_id], item.to_model(), item.level())
            for sku, item in variants.items()
            if item.product_id in products
        }

    def _read_partition(
        self, tenant: Tenant, product_id: str, *, everything: bool, consistent: bool
    ) -> StoredProduct | None:
        platform, store = tenant.platform, tenant.require_store()
        pk = keys.product_pk(platform, store, product_id)
        condition = None if everything else TableItem.sk.startswith(keys.PRODUCT_SK)
        product_item: ProductItem | None = None
        variants: list[tuple[int, Variant]] = []
        seen: set[tuple[str, str]] = set()
        levels: dict[str, StockLevel] = {}
        for item in TableItem.query(pk, condition, consistent_read=consistent):
            seen.add((item.pk, item.sk))
            if isinstance(item, ProductItem):
                product_item = item
            elif isinstance(item, VariantItem):
                variants.append((int(item.position), item.to_model()))
                levels[item.sku] = item.level()
        if product_item is None:
            return None
        ordered = [variant for _, variant in sorted(variants, key=lambda pair: pair[0])]
        return StoredProduct(_product_from(product_item.data, ordered), frozenset(seen), levels)


def _product_from(data: str, variants: list[Variant]) -> Product:
    fields = json.loads(data)
    fields["variants"] = [v.model_dump() for v in variants]
    return Product.model_validate(fields)


def _pointer_pk(tenant: Tenant, builder: Callable[[str, str, str], str], value: str) -> str:
    return builder(tenant.platform, tenant.require_store(), value)
