"""The table layout of the catalogue: products, variants, pointers, listing and search entries, categories.

Layout (see orion.data.keys): a product's partition ``P#<p>#S#<s>#PRODUCT#<id>`` holds the product
(``SK=PRODUCT``), its variants (``SK=PRODUCT#VARIANT#<sku>``), its storefront listing entries
(``SK=LIST#<scope>#<order>``, GSI1 = the listing) and its search entries (``SK=SEARCH#<token>``, GSI2 =
the store's search index). Handles, SKUs and external ids are pointer items, so each is unique per store
and found with one GetItem. Every save is one transaction, so listings never disagree with products.

Each variant carries its low-stock state (see orion.catalog.stock.rules); a low or out-of-stock variant
is also in the store's sparse low-stock index (GSI1), and every write that changes a state moves the
store's ``STOCK`` counters in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from orion.catalog.models import Product, Variant
from orion.catalog.stock.rules import StockLevel, StockState
from orion.data.table import TableItem

# The listings a product is in (``LIST#<scope>#<order>``): the whole store, each of its categories, and
# the featured products; each stored in these orders (featured: NEWEST only).
SCOPE_ALL = "ALL"
SCOPE_FEATURED = "FEATURED"
ORDERS = ("PRICE", "NEWEST", "TITLE")


def category_scope(slug: str) -> str:
    return f"CAT#{slug}"


class ProductItem(TableItem, discriminator="Product"):
    id = UnicodeAttribute()
    handle = UnicodeAttribute()
    status = UnicodeAttribute()
    data = UnicodeAttribute()  # the Product without variants, as JSON
    summary = UnicodeAttribute()  # its ProductSummary, as JSON
    # The product's updated_at: a save of a product read earlier requires it unchanged (optimistic lock).
    version = UnicodeAttribute(null=True)
    # The product's category slugs as ``|a|b|`` (the staff listing filters on one of them).
    categories = UnicodeAttribute(null=True)


class VariantItem(TableItem, discriminator="Variant"):
    product_id = UnicodeAttribute()
    sku = UnicodeAttribute()
    position = NumberAttribute()
    stock = NumberAttribute()
    data = UnicodeAttribute()  # the Variant as JSON (its ``stock`` field is ignored: the attribute wins)
    # The low-stock state the store's counters count this variant in, and the threshold it was
    # computed with (absent on variants written before states existed: counted nowhere).
    stock_state = UnicodeAttribute(null=True)
    low_at = NumberAttribute(null=True)
    title = UnicodeAttribute(null=True)  # the product's title, for the low-stock list

    def to_model(self) -> Variant:
        variant = Variant.model_validate_json(self.data)
        return variant.model_copy(update={"stock": int(self.stock)})

    def level(self) -> StockLevel:
        return StockLevel(
            product_id=self.product_id,
            sku=self.sku,
            stock=int(self.stock),
            state=StockState(self.stock_state) if self.stock_state else None,
            threshold=int(self.low_at) if self.low_at is not None else None,
        )


class PointerItem(TableItem, discriminator="Pointer"):
    """Handle, SKU or external id -> product id (SKU pointers also carry the product summary)."""

    product_id = UnicodeAttribute()
    summary = UnicodeAttribute(null=True)


class ListingEntryItem(TableItem, discriminator="ListingEntry"):
    product_id = UnicodeAttribute()
    summary = UnicodeAttribute()


class SearchEntryItem(TableItem, discriminator="SearchEntry"):
    product_id = UnicodeAttribute()
    text = UnicodeAttribute()  # folded title and brand, to check every word of a query
    summary = UnicodeAttribute()


class CategoryItem(TableItem, discriminator="Category"):
    slug = UnicodeAttribute()
    data = UnicodeAttribute()


@dataclass(frozen=True)
class StoredProduct:
    """A product with every item key its partition held when it was read (to delete what goes away)
    and its variants' stock levels as read (a save or delete is conditioned on their states)."""

    product: Product
    keys_in_partition: frozenset[tuple[str, str]]
    levels: Mapping[str, StockLevel] = field(default_factory=dict)
