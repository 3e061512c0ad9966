"""The table layout of the catalogue: products, variants, pointers, listing and search entries, categories.

Layout (see orion.data.keys): a product's partition ``P#<p>#S#<s>#PRODUCT#<id>`` holds the product
(``SK=PRODUCT``), its variants (``SK=PRODUCT#VARIANT#<sku>``), its storefront listing entries
(``SK=LIST#<scope>#<order>``, GSI1 = the listing) and its search entries (``SK=SEARCH#<token>``, GSI2 =
the store's search index). Handles, SKUs and external ids are pointer items, so each is unique per store
and found with one GetItem. Every save is one transaction, so listings never disagree with products.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from orion.catalog.models import (
    MAX_SEARCH_TOKENS,
    MAX_STOCK,
    Category,
    Product,
    ProductList,
    ProductSort,
    ProductStatus,
    ProductSummary,
    Variant,
    fold,
)
from orion.data import keys
from orion.data.table import TableItem, bind_table, get_or_none
from orion.errors import BadRequest, Conflict, NotFound
from orion.tenancy.models import Tenant

MAX_TRANSACTION_ITEMS = 100
_ID = re.compile(r"^[0-9A-Z]{26}$")
_TOKEN = re.compile(r"[a-z0-9]{2,}")

# Which stored order serves each listing sort, and in which direction it is read.
SORT_ORDERS: dict[ProductSort, tuple[str, bool]] = {
    ProductSort.NEWEST: ("NEWEST", False),
    ProductSort.PRICE_ASC: ("PRICE", True),
    ProductSort.PRICE_DESC: ("PRICE", False),
    ProductSort.TITLE: ("TITLE", True),
}
ORDERS = ("PRICE", "NEWEST", "TITLE")
SCOPE_ALL = "ALL"
SCOPE_FEATURED = "FEATURED"


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


class VariantItem(TableItem, discriminator="Variant"):
    product_id = UnicodeAttribute()
    sku = UnicodeAttribute()
    position = NumberAttribute()
    stock = NumberAttribute()
    data = UnicodeAttribute()  # the Variant as JSON (its ``stock`` field is ignored: the attribute wins)

    def to_model(self) -> Variant:
        variant = Variant.model_validate_json(self.data)
        return variant.model_copy(update={"stock": int(self.stock)})


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
    visible = BooleanAttribute(default=True)


@dataclass(frozen=True)
class StoredProduct:
    """A product with every item key its partition held when it was read (to delete what goes away)."""

    product: Product
    keys_in_partition: frozenset[tuple[str, str]]


def listing_sort_value(product: Product, order: str) -> str:
    if order == "PRICE":
        value = f"{product.min_price:012d}"
    elif order == "NEWEST":
        value = product.created_at.isoformat()
    else:
        value = fold(product.title)[:80]
    return f"{value}#{product.id}"


def search_tokens(product: Product) -> list[str]:
    """Words of the title and brand that search matches by prefix (at most MAX_SEARCH_TOKENS)."""
    found: list[str] = []
    for word in _TOKEN.findall(fold(f"{product.brand or ''} {product.title}")):
        if word not in found:
            found.append(word)
        if len(found) == MAX_SEARCH_TOKENS:
            break
    return found


def encode_cursor(sort_value: str) -> str:
    return base64.urlsafe_b64encode(sort_value.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, str]:
    """``(sort value, product id)`` from an ``?after=`` cursor; a cursor we did not issue is a 400."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise BadRequest("The page link is not valid.") from exc
    product_id = raw.rsplit("#", 1)[-1]
    if "#" not in raw or not _ID.fullmatch(product_id) or len(raw) > 200:
        raise BadRequest("The page link is not valid.")
    return raw, product_id


class ProductRepository:
    """Reads and writes a store's catalogue; every call takes the tenant first."""

    def __init__(self) -> None:
        bind_table()

    # --- reads on the request path ---

    def product_id_for_handle(self, tenant: Tenant, handle: str) -> str | None:
        item = get_or_none(PointerItem, _pk(tenant, keys.product_handle_pk, handle), keys.POINTER_SK)
        return item.product_id if item else None

    def product_id_for_external_id(self, tenant: Tenant, external_id: str) -> str | None:
        pk = _pk(tenant, keys.product_external_id_pk, external_id)
        item = get_or_none(PointerItem, pk, keys.POINTER_SK, consistent_read=True)
        return item.product_id if item else None

    def sku_pointer(self, tenant: Tenant, sku: str) -> tuple[str, ProductSummary] | None:
        item = get_or_none(PointerItem, _pk(tenant, keys.product_sku_pk, sku), keys.POINTER_SK)
        if item is None or item.summary is None:
            return None
        return item.product_id, ProductSummary.model_validate_json(item.summary)

    def get(self, tenant: Tenant, product_id: str, *, consistent: bool = False) -> Product | None:
        """The product and its variants: one Query over its partition."""
        stored = self._read_partition(tenant, product_id, everything=False, consistent=consistent)
        return stored.product if stored else None

    def get_variants(
        self, tenant: Tenant, refs: Sequence[tuple[str, str]]
    ) -> dict[str, tuple[ProductSummary, Variant]]:
        """Variants by ``(product id, sku)`` with their products' summaries: one BatchGetItem."""
        platform, store = tenant.platform, tenant.require_store()
        wanted: list[tuple[str, str]] = []
        for product_id, sku in refs:
            pk = keys.product_pk(platform, store, product_id)
            wanted.extend([(pk, keys.PRODUCT_SK), (pk, keys.variant_sk(sku))])
        products: dict[str, ProductSummary] = {}
        variants: dict[str, tuple[str, Variant]] = {}
        for item in TableItem.batch_get(list(dict.fromkeys(wanted)), consistent_read=True):
            if isinstance(item, ProductItem):
                products[item.id] = ProductSummary.model_validate_json(item.summary)
            elif isinstance(item, VariantItem):
                variants[item.sku] = (item.product_id, item.to_model())
        return {
            sku: (products[product_id], variant)
            for sku, (product_id, variant) in variants.items()
            if product_id in products
        }

    def listing(
        self, tenant: Tenant, scope: str, sort: ProductSort, *, limit: int, after: str | None
    ) -> ProductList:
        """One page of a storefront listing: one Query on GSI1."""
        platform, store = tenant.platform, tenant.require_store()
        order, forward = SORT_ORDERS[sort]
        gsi1pk = keys.listing_gsi1pk(platform, store, scope, order)
        start: dict[str, dict[str, Any]] | None = None
        if after:
            sort_value, product_id = decode_cursor(after)
            start = {
                "PK": {"S": keys.product_pk(platform, store, product_id)},
                "SK": {"S": keys.listing_sk(scope, order)},
                "GSI1PK": {"S": gsi1pk},
                "GSI1SK": {"S": sort_value},
            }
        result = ListingEntryItem.gsi1.query(
            gsi1pk, scan_index_forward=forward, limit=limit, last_evaluated_key=start, page_size=limit
        )
        items: list[ProductSummary] = []
        last_sort_value: str | None = None
        for entry in result:
            if isinstance(entry, ListingEntryItem):
                items.append(ProductSummary.model_validate_json(entry.summary))
                last_sort_value = entry.gsi1sk
        more = result.last_evaluated_key is not None and len(items) == limit
        return ProductList(
            items=items, next_cursor=encode_cursor(last_sort_value) if more and last_sort_value else None
        )

    def staff_listing(
        self,
        tenant: Tenant,
        sort: ProductSort,
        *,
        limit: int,
        after: str | None,
        status: ProductStatus | None,
    ) -> ProductList:
        """Every product of the store, any status, newest first or by title: one Query page."""
        platform, store = tenant.platform, tenant.require_store()
        if sort is ProductSort.TITLE:
            index: Any = ProductItem.gsi2
            partition, names = keys.products_by_title_gsi2pk(platform, store), ("GSI2PK", "GSI2SK")
            forward = True
        elif sort is ProductSort.NEWEST:
            index = ProductItem.gsi1
            partition, names = keys.products_gsi1pk(platform, store), ("GSI1PK", "GSI1SK")
            forward = False
        else:
            raise BadRequest("Products of every status can be listed newest first or by title.")
        start: dict[str, dict[str, Any]] | None = None
        if after:
            sort_value, product_id = decode_cursor(after)
            start = {
                "PK": {"S": keys.product_pk(platform, store, product_id)},
                "SK": {"S": keys.PRODUCT_SK},
                names[0]: {"S": partition},
                names[1]: {"S": sort_value},
            }
        condition = ProductItem.status == status.value if status else None
        result = index.query(
            partition,
            scan_index_forward=forward,
            limit=limit,
            last_evaluated_key=start,
            filter_condition=condition,
            page_size=limit,
        )
        items: list[ProductSummary] = []
        last: str | None = None
        for entry in result:
            if isinstance(entry, ProductItem):
                items.append(ProductSummary.model_validate_json(entry.summary))
                last = entry.gsi2sk if sort is ProductSort.TITLE else entry.gsi1sk
        more = result.last_evaluated_key is not None
        return ProductList(items=items, next_cursor=encode_cursor(last) if more and last else None)

    def search(self, tenant: Tenant, token: str, *, limit: int) -> list[tuple[str, ProductSummary]]:
        """Search entries whose token starts with ``token``: one Query on GSI2, ``(text, summary)``."""
        platform, store = tenant.platform, tenant.require_store()
        found: list[tuple[str, ProductSummary]] = []
        for entry in SearchEntryItem.gsi2.query(
            keys.search_gsi2pk(platform, store),
            SearchEntryItem.gsi2sk.startswith(token),
            limit=limit,
            page_size=limit,
        ):
            if isinstance(entry, SearchEntryItem):
                found.append((entry.text, ProductSummary.model_validate_json(entry.summary)))
        return found

    # --- writes ---

    def read_for_update(self, tenant: Tenant, product_id: str) -> StoredProduct | None:
        return self._read_partition(tenant, product_id, everything=True, consistent=True)

    def save(self, tenant: Tenant, product: Product, previous: StoredProduct | None) -> None:
        """Write ``product`` and everything derived from it in one transaction.

        Item budget (DynamoDB allows 100 per transaction): puts = product 1 + handle 1 + external id 1 +
        variants 12 + SKU pointers 12 + listing entries 13 (3 orders x (all + 3 categories) + featured)
        + search entries 8 = 48; deletes of what a replacement drops are at most as many, minus the
        product itself: 47. 95 in all, so the model's bounds (MAX_VARIANTS, MAX_CATEGORIES,
        MAX_SEARCH_TOKENS) keep every save within one transaction.
        """
        puts, stale = self._plan(tenant, product, previous)
        self._write(product, puts, stale)

    def _plan(
        self, tenant: Tenant, product: Product, previous: StoredProduct | None
    ) -> tuple[list[tuple[TableItem, Any]], list[tuple[str, str]]]:
        """The items a save puts (with their conditions) and the keys it deletes."""
        platform, store = tenant.platform, tenant.require_store()
        pk = keys.product_pk(platform, store, product.id)
        summary = product.summary()
        summary_json = summary.model_dump_json()
        puts: list[tuple[TableItem, Any]] = []
        product_item = ProductItem(
            pk,
            keys.PRODUCT_SK,
            gsi1pk=keys.products_gsi1pk(platform, store),
            gsi1sk=f"{product.created_at.isoformat()}#{product.id}",
            gsi2pk=keys.products_by_title_gsi2pk(platform, store),
            gsi2sk=listing_sort_value(product, "TITLE"),
            id=product.id,
            handle=product.handle,
            status=product.status.value,
            data=product.model_dump_json(exclude={"variants"}),
            summary=summary_json,
            version=product.updated_at.isoformat(),
        )
        if previous is None:
            product_condition = ProductItem.pk.does_not_exist()
        else:
            # Another save since our read would be overwritten (and its new parts left behind): refuse.
            read_version = previous.product.updated_at.isoformat()
            product_condition = ProductItem.pk.exists() & (
                (ProductItem.version == read_version) | ProductItem.version.does_not_exist()
            )
        puts.append((product_item, product_condition))
        mine = PointerItem.pk.does_not_exist() | (PointerItem.product_id == product.id)
        puts.append(
            (
                PointerItem(
                    keys.product_handle_pk(platform, store, product.handle),
                    keys.POINTER_SK,
                    product_id=product.id,
                ),
                mine,
            )
        )
        if product.external_id:
            puts.append(
                (
                    PointerItem(
                        keys.product_external_id_pk(platform, store, product.external_id),
                        keys.POINTER_SK,
                        product_id=product.id,
                    ),
                    mine,
                )
            )
        for position, variant in enumerate(product.variants):
            before = previous.product.variant(variant.sku) if previous is not None else None
            # Stock moves under checkouts between our read and this write; a stale value must not win.
            stock_unchanged = VariantItem.stock == before.stock if before is not None else None
            puts.append(
                (
                    VariantItem(
                        pk,
                        keys.variant_sk(variant.sku),
                        product_id=product.id,
                        sku=variant.sku,
                        position=position,
                        stock=variant.stock,
                        data=variant.model_dump_json(exclude={"stock"}),
                    ),
                    stock_unchanged,
                )
            )
            puts.append(
                (
                    PointerItem(
                        keys.product_sku_pk(platform, store, variant.sku),
                        keys.POINTER_SK,
                        product_id=product.id,
                        summary=summary_json,
                    ),
                    mine,
                )
            )
        if product.status is ProductStatus.ACTIVE:
            scopes = [SCOPE_ALL, *(category_scope(slug) for slug in product.categories)]
            for scope in scopes:
                for order in ORDERS:
                    puts.append((self._listing_entry(tenant, product, scope, order, summary_json), None))
            if product.featured:
                puts.append(
                    (self._listing_entry(tenant, product, SCOPE_FEATURED, "NEWEST", summary_json), None)
                )
            text = fold(f"{product.title} {product.brand or ''}")
            for token in search_tokens(product):
                puts.append(
                    (
                        SearchEntryItem(
                            pk,
                            keys.search_sk(token),
                            gsi2pk=keys.search_gsi2pk(platform, store),
                            gsi2sk=f"{token}#{product.id}",
                            product_id=product.id,
                            text=text,
                            summary=summary_json,
                        ),
                        None,
                    )
                )
        written = {(item.pk, item.sk) for item, _ in puts}
        stale = sorted((previous.keys_in_partition if previous else frozenset()) - written)
        if previous is not None:
            old = previous.product
            if old.handle != product.handle:
                stale.append((keys.product_handle_pk(platform, store, old.handle), keys.POINTER_SK))
            if old.external_id and old.external_id != product.external_id:
                stale.append((keys.product_external_id_pk(platform, store, old.external_id), keys.POINTER_SK))
            for variant in old.variants:
                if product.variant(variant.sku) is None:
                    stale.append((keys.product_sku_pk(platform, store, variant.sku), keys.POINTER_SK))
        return puts, stale

    def _write(
        self, product: Product, puts: list[tuple[TableItem, Any]], stale: list[tuple[str, str]]
    ) -> None:
        if len(puts) + len(stale) > MAX_TRANSACTION_ITEMS:  # the model's bounds should make this impossible
            raise Conflict("This product has too many parts to save at once.")
        try:
            with _transaction() as tx:
                for item, condition in puts:
                    tx.save(item, condition=condition)
                for stale_pk, stale_sk in stale:
                    if stale_sk == keys.POINTER_SK:
                        tx.delete(
                            PointerItem(stale_pk, stale_sk), condition=PointerItem.product_id == product.id
                        )
                    else:
                        tx.delete(TableItem(stale_pk, stale_sk))
        except TransactWriteError as exc:
            raise _save_conflict(exc, [item for item, _ in puts], deletes=len(stale)) from exc

    def bulk_create(self, tenant: Tenant, products: Sequence[Product]) -> None:
        """Write new products with batch writes instead of one transaction each (demo data and
        benchmarks: thousands of products in seconds). Handles, SKUs and external ids are checked
        against the store and each other first; unlike :meth:`save` this is not atomic, so nothing
        that may run concurrently with shoppers or staff uses it."""
        platform, store = tenant.platform, tenant.require_store()
        wanted: list[tuple[str, str]] = []
        for product in products:
            wanted.append((keys.product_handle_pk(platform, store, product.handle), keys.POINTER_SK))
            wanted.extend(
                (keys.product_sku_pk(platform, store, v.sku), keys.POINTER_SK) for v in product.variants
            )
            if product.external_id:
                wanted.append(
                    (keys.product_external_id_pk(platform, store, product.external_id), keys.POINTER_SK)
                )
        if len(set(wanted)) != len(wanted):
            raise Conflict("Two of the new products share a handle, SKU or external id.")
        for start in range(0, len(wanted), 100):
            if list(TableItem.batch_get(wanted[start : start + 100])):
                raise Conflict("A handle, SKU or external id of the new products is already in use.")
        with TableItem.batch_write() as batch:
            for product in products:
                puts, _ = self._plan(tenant, product, None)
                for item, _condition in puts:
                    batch.save(item)

    def delete(self, tenant: Tenant, stored: StoredProduct) -> None:
        platform, store = tenant.platform, tenant.require_store()
        product = stored.product
        doomed = set(stored.keys_in_partition)
        doomed.add((keys.product_handle_pk(platform, store, product.handle), keys.POINTER_SK))
        if product.external_id:
            doomed.add((keys.product_external_id_pk(platform, store, product.external_id), keys.POINTER_SK))
        for variant in product.variants:
            doomed.add((keys.product_sku_pk(platform, store, variant.sku), keys.POINTER_SK))
        with _transaction() as tx:
            for pk, sk in sorted(doomed):
                tx.delete(TableItem(pk, sk))

    def adjust_stock(self, tenant: Tenant, product_id: str, sku: str, delta: int) -> int:
        """Add ``delta`` to a variant's stock unless it would go below zero (or above MAX_STOCK, which
        the model would refuse to read back); the new stock."""
        platform, store = tenant.platform, tenant.require_store()
        item = VariantItem(keys.product_pk(platform, store, product_id), keys.variant_sk(sku))
        condition = VariantItem.pk.exists()
        if delta < 0:
            condition &= VariantItem.stock >= -delta
        elif delta > 0:
            condition &= VariantItem.stock <= MAX_STOCK - delta
        try:
            item.update(actions=[VariantItem.stock.add(delta)], condition=condition)
        except UpdateError as exc:
            if getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException":
                if delta > 0:
                    raise Conflict(
                        f"The stock of {sku} cannot exceed {MAX_STOCK:,}.", extra={"sku": sku}
                    ) from exc
                raise Conflict(f"Not enough stock of {sku} to remove {-delta}.", extra={"sku": sku}) from exc
            raise
        return int(item.stock)

    @staticmethod
    def add_stock_change(tx: TransactWrite, tenant: Tenant, product_id: str, sku: str, delta: int) -> None:
        """Add a stock change to someone else's transaction (checkout, cancellation): the variant must
        exist, and a decrement must leave the stock at zero or more, else the transaction is cancelled."""
        platform, store = tenant.platform, tenant.require_store()
        item = VariantItem(keys.product_pk(platform, store, product_id), keys.variant_sk(sku))
        condition = VariantItem.pk.exists()
        if delta < 0:
            condition &= VariantItem.stock >= -delta
        tx.update(item, actions=[VariantItem.stock.add(delta)], condition=condition)

    # --- categories ---

    def get_category(self, tenant: Tenant, slug: str) -> Category | None:
        item = get_or_none(CategoryItem, _pk(tenant, keys.category_pk, slug), keys.CATEGORY_SK)
        return Category.model_validate_json(item.data) if item else None

    def list_categories(self, tenant: Tenant) -> list[Category]:
        platform, store = tenant.platform, tenant.require_store()
        return [
            Category.model_validate_json(item.data)
            for item in CategoryItem.gsi1.query(keys.categories_gsi1pk(platform, store))
            if isinstance(item, CategoryItem)
        ]

    def put_category(self, tenant: Tenant, category: Category, *, create: bool) -> None:
        platform, store = tenant.platform, tenant.require_store()
        item = CategoryItem(
            keys.category_pk(platform, store, category.slug),
            keys.CATEGORY_SK,
            gsi1pk=keys.categories_gsi1pk(platform, store),
            gsi1sk=f"{category.position:04d}#{category.slug}",
            slug=category.slug,
            data=category.model_dump_json(),
        )
        condition = CategoryItem.pk.does_not_exist() if create else CategoryItem.pk.exists()
        try:
            item.save(condition=condition)
        except Exception as exc:
            if getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException":
                if create:
                    raise Conflict(f"A category {category.slug!r} already exists.") from exc
                raise NotFound(f"No category {category.slug!r}.") from exc
            raise

    def delete_category(self, tenant: Tenant, slug: str) -> None:
        CategoryItem(_pk(tenant, keys.category_pk, slug), keys.CATEGORY_SK).delete()

    # --- internals ---

    def _read_partition(
        self, tenant: Tenant, product_id: str, *, everything: bool, consistent: bool
    ) -> StoredProduct | None:
        platform, store = tenant.platform, tenant.require_store()
        pk = keys.product_pk(platform, store, product_id)
        condition = None if everything else TableItem.sk.startswith(keys.PRODUCT_SK)
        product_item: ProductItem | None = None
        variants: list[tuple[int, Variant]] = []
        seen: set[tuple[str, str]] = set()
        for item in TableItem.query(pk, condition, consistent_read=consistent):
            seen.add((item.pk, item.sk))
            if isinstance(item, ProductItem):
                product_item = item
            elif isinstance(item, VariantItem):
                variants.append((int(item.position), item.to_model()))
        if product_item is None:
            return None
        ordered = [variant for _, variant in sorted(variants, key=lambda pair: pair[0])]
        return StoredProduct(_product_from(product_item.data, ordered), frozenset(seen))

    @staticmethod
    def _listing_entry(
        tenant: Tenant, product: Product, scope: str, order: str, summary_json: str
    ) -> ListingEntryItem:
        platform, store = tenant.platform, tenant.require_store()
        return ListingEntryItem(
            keys.product_pk(platform, store, product.id),
            keys.listing_sk(scope, order),
            gsi1pk=keys.listing_gsi1pk(platform, store, scope, order),
            gsi1sk=listing_sort_value(product, order),
            product_id=product.id,
            summary=summary_json,
        )


def _product_from(data: str, variants: list[Variant]) -> Product:
    fields = json.loads(data)
    fields["variants"] = [v.model_dump() for v in variants]
    return Product.model_validate(fields)


def _pk(tenant: Tenant, builder: Any, value: str) -> str:
    key: str = builder(tenant.platform, tenant.require_store(), value)
    return key


def _transaction() -> TransactWrite:
    return TransactWrite(connection=TableItem._get_connection().connection)


def _save_conflict(exc: TransactWriteError, items: Iterable[TableItem], *, deletes: int) -> Exception:
    """The conflict a cancelled save means. PynamoDB sends deletes before puts, and the cancellation
    reasons follow that order, so the puts' reasons start after the deletes'."""
    reasons = exc.cancellation_reasons if exc.cause_response_code == "TransactionCanceledException" else []
    if any(reason is not None for reason in reasons[:deletes]):
        return Conflict("The product changed meanwhile; reload it and try again.")
    reasons = reasons[deletes:]
    for item, reason in zip(items, reasons, strict=False):
        if reason is None or reason.code != "ConditionalCheckFailed":
            continue
        if isinstance(item, ProductItem):
            return Conflict("The product changed or already exists; reload and try again.")
        if "#HANDLE#" in item.pk:
            return Conflict("Another product already uses this handle.", extra={"field": "handle"})
        if "#SKU#" in item.pk:
            return Conflict(
                f"Another product already uses SKU {item.pk.rsplit('#', 1)[-1]}.", extra={"field": "variants"}
            )
        if "#EXTID#" in item.pk:
            return Conflict("Another product already uses this external id.", extra={"field": "external_id"})
    if reasons:
        return Conflict("The product could not be saved because it changed meanwhile; try again.")
    return exc
