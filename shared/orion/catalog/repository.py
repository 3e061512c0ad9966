"""The table layout of the catalogue: products, variants, pointers, listing and search entries, categories.

Layout (see orion.data.keys): a product's partition ``P#<p>#S#<s>#PRODUCT#<id>`` holds the product
(``SK=PRODUCT``), its variants (``SK=PRODUCT#VARIANT#<sku>``), its storefront listing entries
(``SK=LIST#<scope>#<order>``, GSI1 = the listing) and its search entries (``SK=SEARCH#<token>``, GSI2 =
the store's search index). Handles, SKUs and external ids are pointer items, so each is unique per store
and found with one GetItem. Every save is one transaction, so listings never disagree with products.

Each variant carries its low-stock state (see orion.catalog.stock); a low or out-of-stock variant is
also in the store's sparse low-stock index (GSI1), and every write that changes a state moves the
store's ``STOCK`` counters in the same transaction.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError, TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from orion import runtime
from orion.catalog.models import (
    MAX_SEARCH_TOKENS,
    MAX_STOCK,
    SKU_PATTERN,
    Category,
    Product,
    ProductList,
    ProductSort,
    ProductStatus,
    ProductSummary,
    Variant,
    fold,
)
from orion.catalog.stock import (
    DEFAULT_LOW_STOCK_THRESHOLD,
    RECOUNTED_SETTING,
    STOCK_COUNTER_GROUP,
    THRESHOLD_SETTING,
    LowStockVariant,
    Recount,
    StockLevel,
    StockState,
    add_deltas,
    band,
    counter_deltas,
    nonzero,
    state_of,
)
from orion.data import keys
from orion.data.conditions import TRANSACTION_CANCELLED, condition_failed, error_code, refused
from orion.data.retry import back_off
from orion.data.table import TableItem, get_or_none
from orion.errors import BadRequest, Conflict, NotFound
from orion.metrics.counters import CounterRepository
from orion.tenant import Tenant

MAX_TRANSACTION_ITEMS = 100
SAVE_ATTEMPTS = 3
# Reads and conditional writes of one stock change before giving up (each retry follows a concurrent
# change of the same variant that moved it out of the band its write was conditioned on).
STOCK_ATTEMPTS = 8
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


class ProductChanged(Conflict):
    """The product (or a variant's stock state) changed between the read and the write; reading it
    again and repeating the write is safe."""


class _ThresholdMoved(Exception):
    """The store's low-stock threshold changed while a save was computed under the old one."""


@dataclass
class _SavePlan:
    puts: list[tuple[TableItem, Any]]
    stale: list[tuple[str, str]]
    stale_conditions: dict[tuple[str, str], Condition]
    deltas: dict[str, int]


@dataclass(frozen=True)
class StockMove:
    """One variant's stock change as a conditional update, and the counter moves it causes."""

    item: VariantItem
    actions: list[Action]
    condition: Condition
    deltas: dict[str, int]


def plan_stock_change(
    tenant: Tenant, level: StockLevel, delta: int, *, exact: bool = False, threshold: int | None = None
) -> StockMove:
    """The update that adds ``delta`` to a variant read as ``level`` (and, with ``threshold``, counts it
    under a new threshold). It holds only while the variant is in the same state, under the same
    threshold, with its stock in the band where the change ends in the same state (``exact``: at the
    very stock read); else DynamoDB refuses it and the caller reads again. A change that would take the
    stock past MAX_STOCK (a restock or a cancelled order's return) is refused at once, saying why."""
    if level.stock + delta > MAX_STOCK:
        raise Conflict(
            f"The stock of {level.sku} cannot exceed {MAX_STOCK:,}; lower it first.", extra={"sku": level.sku}
        )
    platform, store = tenant.platform, tenant.require_store()
    item = VariantItem(keys.product_pk(platform, store, level.product_id), keys.variant_sk(level.sku))
    actions: list[Action] = [VariantItem.stock.add(delta)] if delta else []
    condition: Condition = VariantItem.pk.exists() & _state_is(level)
    if delta > 0 and not exact:  # concurrent restocks must not pass the ceiling together
        condition &= VariantItem.stock <= MAX_STOCK - delta
    if not level.counted or level.threshold is None:
        if exact:
            condition &= VariantItem.stock == level.stock
        elif delta < 0:
            condition &= VariantItem.stock >= -delta
        return StockMove(item, actions, condition, {})
    new_threshold = level.threshold if threshold is None else threshold
    after = state_of(level.stock + delta, new_threshold)
    condition &= VariantItem.low_at == level.threshold
    if exact:
        condition &= VariantItem.stock == level.stock
    else:
        levels = band(level.stock, delta, level.threshold, new_threshold)
        if levels.high is None:
            condition &= VariantItem.stock >= levels.low
        else:
            condition &= VariantItem.stock.between(levels.low, levels.high)
    if after is not level.state:
        actions.append(VariantItem.stock_state.set(after.value))
        if after.is_low:
            gsi1pk, gsi1sk = _low_stock_keys(tenant, level.sku, after)
            actions += [VariantItem.gsi1pk.set(gsi1pk), VariantItem.gsi1sk.set(gsi1sk)]
        elif level.state is not None and level.state.is_low:
            actions += [VariantItem.gsi1pk.remove(), VariantItem.gsi1sk.remove()]
    if new_threshold != level.threshold:
        actions.append(VariantItem.low_at.set(new_threshold))
    return StockMove(item, actions, condition, counter_deltas(level.state, after))


def _low_stock_keys(tenant: Tenant, sku: str, state: StockState) -> tuple[str, str]:
    rank = "0" if state is StockState.OUT else "1"
    return keys.low_stock_gsi1pk(tenant.platform, tenant.require_store()), f"{rank}#{sku}"


class StockChanges:
    """Stock changes that join someone else's transaction (checkout, cancellation), and the one
    update of the store's STOCK counters they add up to, in the same transaction."""

    def __init__(self, tenant: Tenant) -> None:
        self._tenant = tenant
        self.deltas: dict[str, int] = {}

    def change(self, tx: TransactWrite, level: StockLevel, delta: int) -> None:
        move = plan_stock_change(self._tenant, level, delta)
        tx.update(move.item, actions=move.actions, condition=move.condition)
        add_deltas(self.deltas, move.deltas)

    def count(self, tx: TransactWrite) -> bool:
        """Add the counter update if the changes cross a threshold; whether one was added."""
        moves = nonzero(self.deltas)
        if not moves:
            return False
        CounterRepository.add_in_transaction(tx, self._tenant, STOCK_COUNTER_GROUP, moves)
        return True


def listing_sort_value(product: Product, order: str) -> str:
    if order == "PRICE":
        value = f"{product.min_price:012d}"
    elif order == "NEWEST":
        value = product.created_at.isoformat()
    else:
        value = fold(product.title)[:80]
    return f"{value}#{product.id}"


def search_text(product: Product) -> str:
    """The folded words a search matches: brand and title, then the translated titles (a shopper
    searching in French finds "Poêle en fonte")."""
    translated = " ".join(t.title for _, t in sorted(product.translations.items()) if t.title)
    return fold(f"{product.brand or ''} {product.title} {translated}")


def search_tokens(product: Product) -> list[str]:
    """Words of :func:`search_text` that search matches by prefix (the first MAX_SEARCH_TOKENS)."""
    found: list[str] = []
    for word in _TOKEN.findall(search_text(product)):
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

    def sku_pointer_any_case(self, tenant: Tenant, sku: str) -> tuple[str, ProductSummary] | None:
        """The product of ``sku`` as typed or in upper case (SKUs are usually printed upper case, and
        shoppers type them in lower): one BatchGetItem; the exact spelling wins."""
        spellings = list(dict.fromkeys((sku, sku.upper())))
        if len(spellings) == 1:
            return self.sku_pointer(tenant, sku)
        found: dict[str, tuple[str, ProductSummary]] = {}
        wanted = [(_pk(tenant, keys.product_sku_pk, s), keys.POINTER_SK) for s in spellings]
        for item in TableItem.batch_get(wanted):
            if isinstance(item, PointerItem) and item.summary is not None:
                found[item.pk] = (item.product_id, ProductSummary.model_validate_json(item.summary))
        return next((found[pk] for pk, _ in wanted if pk in found), None)

    def get(self, tenant: Tenant, product_id: str, *, consistent: bool = False) -> Product | None:
        """The product and its variants: one Query over its partition."""
        stored = self._read_partition(tenant, product_id, everything=False, consistent=consistent)
        return stored.product if stored else None

    def get_variants(
        self, tenant: Tenant, refs: Sequence[tuple[str, str]]
    ) -> dict[str, tuple[ProductSummary, Variant]]:
        """Variants by ``(product id, sku)`` with their products' summaries: one BatchGetItem."""
        found = self.get_variants_with_levels(tenant, refs)
        return {sku: (summary, variant) for sku, (summary, variant, _) in found.items()}

    def get_variants_with_levels(
        self, tenant: Tenant, refs: Sequence[tuple[str, str]]
    ) -> dict[str, tuple[ProductSummary, Variant, StockLevel]]:
        """The same read, with each variant's stock level for a stock change to be conditioned on."""
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
        # One item more than the page: DynamoDB names a LastEvaluatedKey whenever it stops at Limit, even
        # with nothing after it, so only the extra item tells that a next page exists (no empty last page).
        result = ListingEntryItem.gsi1.query(
            gsi1pk,
            scan_index_forward=forward,
            limit=limit + 1,
            last_evaluated_key=start,
            page_size=limit + 1,
        )
        entries = [entry for entry in result if isinstance(entry, ListingEntryItem)]
        shown = entries[:limit]
        items = [ProductSummary.model_validate_json(entry.summary) for entry in shown]
        more = len(entries) > limit
        return ProductList(items=items, next_cursor=encode_cursor(shown[-1].gsi1sk) if more else None)

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
        # One more than the page (as in listing): a next page is named only when a product follows.
        result = index.query(
            partition,
            scan_index_forward=forward,
            limit=limit + 1,
            last_evaluated_key=start,
            filter_condition=condition,
            page_size=limit + 1,
        )
        entries = [entry for entry in result if isinstance(entry, ProductItem)]
        shown = entries[:limit]
        items = [ProductSummary.model_validate_json(entry.summary) for entry in shown]
        if len(entries) <= limit:
            return ProductList(items=items, next_cursor=None)
        last = shown[-1].gsi2sk if sort is ProductSort.TITLE else shown[-1].gsi1sk
        return ProductList(items=items, next_cursor=encode_cursor(last) if last else None)

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
        product itself: 47; and the store's STOCK counters 1 (its low-stock moves, conditioned on the
        threshold the variants' states were computed with). 96 in all, so the model's bounds
        (MAX_VARIANTS, MAX_CATEGORIES, MAX_SEARCH_TOKENS) keep every save within one transaction.

        Each variant that existed is replaced only if its stock state is still the one read, so a
        checkout crossing the threshold meanwhile makes the save a ProductChanged (read and retry).
        """
        for attempt in range(SAVE_ATTEMPTS):
            back_off(attempt)
            stored, threshold = self.low_stock_threshold_setting(tenant)
            plan = self._plan(tenant, product, previous, threshold)
            try:
                self._write(tenant, product, plan, threshold_setting=stored)
                return
            except _ThresholdMoved:
                continue  # a threshold change or a concurrent counter move: plan again
        raise Conflict("The store's stock counters are busy; please save again.")

    def low_stock_threshold_setting(self, tenant: Tenant) -> tuple[int | None, int]:
        """The store's low-stock threshold as stored (None: never set) and in effect (consistent)."""
        stored = runtime.repository(CounterRepository).read_setting(
            tenant, STOCK_COUNTER_GROUP, THRESHOLD_SETTING
        )
        return stored, DEFAULT_LOW_STOCK_THRESHOLD if stored is None else stored

    def _plan(
        self, tenant: Tenant, product: Product, previous: StoredProduct | None, threshold: int
    ) -> _SavePlan:
        """The items a save puts (with their conditions), the keys it deletes (variants conditioned on
        the state they were read in) and the low-stock counter moves of it all."""
        platform, store = tenant.platform, tenant.require_store()
        counted = product.status is ProductStatus.ACTIVE
        old_levels: Mapping[str, StockLevel] = previous.levels if previous else {}
        deltas: dict[str, int] = {}
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
        product_condition: Condition
        if previous is None:
            product_condition = ProductItem.pk.does_not_exist()
        else:
            # Another save since our read would be overwritten (and its new parts left behind): refuse.
            product_condition = _unchanged_since(previous)
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
            old = old_levels.get(variant.sku)
            item, state = _variant_item(tenant, product, position, variant, threshold, counted=counted)
            if old is None:
                variant_condition: Condition = VariantItem.pk.does_not_exist()
            else:
                # Stock moves under checkouts between our read and this write: a stale value must not
                # win, and the counters hold only while the state is the one read.
                variant_condition = _state_is(old) & (VariantItem.stock == old.stock)
            add_deltas(deltas, counter_deltas(old.state if old else None, state))
            puts.append((item, variant_condition))
            puts.append(
                (
                    PointerItem(
                        keys.product_sku_pk(platform, store, variant.sku),
                        keys.POINTER_SK,
                        gsi2pk=keys.store_skus_gsi2pk(platform, store),
                        gsi2sk=variant.sku,
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
            text = search_text(product)
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
        stale, stale_conditions = _left_behind(tenant, product, previous, written, deltas)
        return _SavePlan(puts, stale, stale_conditions, deltas)

    def _write(
        self, tenant: Tenant, product: Product, plan: _SavePlan, *, threshold_setting: int | None
    ) -> None:
        puts, stale = plan.puts, plan.stale
        if len(puts) + len(stale) + 1 > MAX_TRANSACTION_ITEMS:  # the model's bounds make this impossible
            raise Conflict("This product has too many parts to save at once.")
        moves = nonzero(plan.deltas)
        try:
            with _transaction() as tx:
                for item, condition in puts:
                    tx.save(item, condition=condition)
                for stale_pk, stale_sk in stale:
                    if stale_sk == keys.POINTER_SK:
                        tx.delete(
                            PointerItem(stale_pk, stale_sk), condition=PointerItem.product_id == product.id
                        )
                    elif (stale_pk, stale_sk) in plan.stale_conditions:
                        tx.delete(
                            VariantItem(stale_pk, stale_sk),
                            condition=plan.stale_conditions[(stale_pk, stale_sk)],
                        )
                    else:
                        tx.delete(TableItem(stale_pk, stale_sk))
                # Always, even with nothing to move: the variants' states were computed under the
                # threshold read, and this holds the save to it.
                CounterRepository.add_in_transaction(
                    tx,
                    tenant,
                    STOCK_COUNTER_GROUP,
                    moves,
                    setting=(THRESHOLD_SETTING, threshold_setting),
                )
        except TransactWriteError as exc:
            reasons = exc.cancellation_reasons if error_code(exc) == TRANSACTION_CANCELLED else []
            counters = reasons[len(stale) + len(puts)] if len(reasons) > len(stale) + len(puts) else None
            if (counters is not None and counters.code == "ConditionalCheckFailed") or any(
                reason is not None and reason.code == "TransactionConflict" for reason in reasons
            ):
                raise _ThresholdMoved() from exc
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
        _, threshold = self.low_stock_threshold_setting(tenant)
        deltas: dict[str, int] = {}
        with TableItem.batch_write() as batch:
            for product in products:
                plan = self._plan(tenant, product, None, threshold)
                add_deltas(deltas, plan.deltas)
                for item, _condition in plan.puts:
                    batch.save(item)
        # Batch writes are not transactions: the low-stock counters move right after (demo data and
        # benchmarks only; a process dying in between would leave them short by these products).
        moves = nonzero(deltas)
        if moves:
            runtime.repository(CounterRepository).add(tenant, moves, group=STOCK_COUNTER_GROUP)

    def delete(self, tenant: Tenant, stored: StoredProduct) -> None:
        """Delete the product's items and pointers in one transaction, with its variants' low-stock
        counts; ProductChanged if a variant's stock state moved since ``stored`` was read."""
        platform, store = tenant.platform, tenant.require_store()
        product = stored.product
        pk = keys.product_pk(platform, store, product.id)
        doomed = set(stored.keys_in_partition)
        doomed.add((keys.product_handle_pk(platform, store, product.handle), keys.POINTER_SK))
        if product.external_id:
            doomed.add((keys.product_external_id_pk(platform, store, product.external_id), keys.POINTER_SK))
        for variant in product.variants:
            doomed.add((keys.product_sku_pk(platform, store, variant.sku), keys.POINTER_SK))
        variant_keys = {(pk, keys.variant_sk(sku)): level for sku, level in stored.levels.items()}
        deltas: dict[str, int] = {}
        for level in stored.levels.values():
            add_deltas(deltas, counter_deltas(level.state, None))
        product_key = (pk, keys.PRODUCT_SK)
        try:
            with _transaction() as tx:
                for key in sorted(doomed):
                    read = variant_keys.get(key)
                    if key == product_key:
                        # A save since the read added items this delete does not know of (a variant,
                        # listing or search entries): delete nothing, read again.
                        tx.delete(ProductItem(*key), condition=_unchanged_since(stored))
                    elif read is None:
                        tx.delete(TableItem(*key))
                    else:
                        tx.delete(VariantItem(*key), condition=_state_is(read))
                moves = nonzero(deltas)
                if moves:
                    CounterRepository.add_in_transaction(tx, tenant, STOCK_COUNTER_GROUP, moves)
        except TransactWriteError as exc:
            raise ProductChanged("The product changed meanwhile; reload it and try again.") from exc

    def adjust_stock(self, tenant: Tenant, product_id: str, sku: str, delta: int) -> int:
        """Add ``delta`` to a variant's stock unless it would go below zero (or above MAX_STOCK, which
        the model would refuse to read back); the new stock.

        A change that crosses the low-stock threshold moves the store's counters in the same
        transaction; the variant is read again and the change retried if a concurrent one got there
        first."""
        platform, store = tenant.platform, tenant.require_store()
        pk, sk = keys.product_pk(platform, store, product_id), keys.variant_sk(sku)
        for attempt in range(STOCK_ATTEMPTS):
            back_off(attempt)
            item = get_or_none(VariantItem, pk, sk, consistent_read=True)
            if item is None:
                raise NotFound(f"There is no product with SKU {sku}.")
            level = item.level()
            if level.stock + delta < 0:
                raise Conflict(f"Not enough stock of {sku} to remove {-delta}.", extra={"sku": sku})
            if not delta:
                return level.stock
            move = plan_stock_change(tenant, level, delta)
            try:
                if not move.deltas:
                    move.item.update(actions=move.actions, condition=move.condition)
                    return int(move.item.stock)  # UpdateItem's new values: exact
                # A crossing: pinned to the stock read, so the new stock is known exactly.
                exact = plan_stock_change(tenant, level, delta, exact=True)
                with _transaction() as tx:
                    tx.update(exact.item, actions=exact.actions, condition=exact.condition)
                    CounterRepository.add_in_transaction(tx, tenant, STOCK_COUNTER_GROUP, exact.deltas)
                return level.stock + delta
            except (UpdateError, TransactWriteError) as exc:
                if not refused(exc):
                    raise
        raise Conflict(f"The stock of {sku} is changing fast; please try again.", extra={"sku": sku})

    def stock_level(self, tenant: Tenant, product_id: str, sku: str) -> StockLevel | None:
        """One variant's stock level (consistent GetItem)."""
        platform, store = tenant.platform, tenant.require_store()
        item = get_or_none(
            VariantItem,
            keys.product_pk(platform, store, product_id),
            keys.variant_sk(sku),
            consistent_read=True,
        )
        return item.level() if item else None

    # --- low stock ---

    def low_stock(
        self, tenant: Tenant, *, limit: int, after: str | None
    ) -> tuple[list[LowStockVariant], str | None]:
        """The store's variants at or below its threshold, out of stock first: one Query on the
        sparse low-stock index; the cursor continues after the last one."""
        platform, store = tenant.platform, tenant.require_store()
        gsi1pk = keys.low_stock_gsi1pk(platform, store)
        start: dict[str, dict[str, Any]] | None = None
        if after:
            product_id, gsi1sk = _decode_low_stock_cursor(after)
            start = {
                "PK": {"S": keys.product_pk(platform, store, product_id)},
                "SK": {"S": keys.variant_sk(gsi1sk.split("#", 1)[1])},
                "GSI1PK": {"S": gsi1pk},
                "GSI1SK": {"S": gsi1sk},
            }
        # One more than the page (as in listing): a next page is named only when a variant follows.
        result = VariantItem.gsi1.query(
            gsi1pk, limit=limit + 1, last_evaluated_key=start, page_size=limit + 1
        )
        found = [item for item in result if isinstance(item, VariantItem) and item.stock_state]
        shown = found[:limit]
        rows = [
            LowStockVariant(
                product_id=item.product_id,
                sku=item.sku,
                title=item.title or "",
                label=item.to_model().label,
                stock=int(item.stock),
                state=StockState(item.stock_state or ""),
            )
            for item in shown
        ]
        cursor = _encode_low_stock_cursor(shown[-1]) if len(found) > limit else None
        return rows, cursor

    def recount_low_stock(self, tenant: Tenant, threshold: int) -> Recount:
        """Set the store's threshold and count every variant under it: walk the store's SKUs (GSI2),
        read their variants (BatchGetItem of 100) and move each whose threshold differs to its state
        under the new one, up to 99 variants and the counter move per transaction. Every write is
        conditioned on the threshold still being this one, so of two changes at once the later wins.
        A variant that a checkout moved meanwhile is read again and done on its own."""
        counters = runtime.repository(CounterRepository)
        counters.set_setting(tenant, STOCK_COUNTER_GROUP, THRESHOLD_SETTING, threshold)
        seen = changed = 0
        try:
            for refs in self._sku_pages(tenant):
                levels = self._stock_levels(tenant, refs)
                seen += len(levels)
                due = [level for level in levels if level.counted and level.threshold != threshold]
                for start in range(0, len(due), MAX_TRANSACTION_ITEMS - 1):
                    chunk = due[start : start + MAX_TRANSACTION_ITEMS - 1]
                    try:
                        changed += self._recount(tenant, chunk, threshold)
                    except TransactWriteError:  # one of them moved meanwhile: one at a time, read again
                        changed += sum(self._recount_one(tenant, level, threshold) for level in chunk)
        except _ThresholdMoved:
            return Recount(threshold, seen, changed)  # a later change took over; it recounts everything
        # Every variant is counted under ``threshold`` now: a later call with it has nothing to do. A
        # recount cut off before here (a timeout) leaves the marker behind, so the next call goes on.
        counters.set_setting(tenant, STOCK_COUNTER_GROUP, RECOUNTED_SETTING, threshold)
        return Recount(threshold, seen, changed)

    def recounted_threshold(self, tenant: Tenant) -> int | None:
        """The threshold of the store's last complete recount (None: none finished)."""
        return runtime.repository(CounterRepository).read_setting(
            tenant, STOCK_COUNTER_GROUP, RECOUNTED_SETTING
        )

    def _recount(self, tenant: Tenant, levels: Sequence[StockLevel], threshold: int) -> int:
        deltas: dict[str, int] = {}
        changed = 0
        try:
            with _transaction() as tx:
                for level in levels:
                    move = plan_stock_change(tenant, level, 0, threshold=threshold)
                    tx.update(move.item, actions=move.actions, condition=move.condition)
                    add_deltas(deltas, move.deltas)
                    changed += int(state_of(level.stock, threshold) is not level.state)
                moves = nonzero(deltas)
                CounterRepository.add_in_transaction(
                    tx, tenant, STOCK_COUNTER_GROUP, moves, setting=(THRESHOLD_SETTING, threshold)
                )
        except TransactWriteError as exc:
            reasons = exc.cancellation_reasons or []
            counters = reasons[len(levels)] if len(reasons) > len(levels) else None
            if counters is not None and counters.code == "ConditionalCheckFailed":
                raise _ThresholdMoved() from exc
            raise
        return changed

    def _recount_one(self, tenant: Tenant, level: StockLevel, threshold: int) -> int:
        for attempt in range(STOCK_ATTEMPTS):
            back_off(attempt)
            current = self.stock_level(tenant, level.product_id, level.sku)
            if current is None or not current.counted or current.threshold == threshold:
                return 0
            try:
                return self._recount(tenant, [current], threshold)
            except TransactWriteError:
                continue
        raise Conflict("Some variants' stock kept changing during the recount; save the settings again.")

    def _sku_pages(self, tenant: Tenant) -> Iterator[list[tuple[str, str]]]:
        """The store's ``(product id, sku)`` pairs from its SKU pointers, 100 at a time."""
        platform, store = tenant.platform, tenant.require_store()
        page: list[tuple[str, str]] = []
        for item in PointerItem.gsi2.query(keys.store_skus_gsi2pk(platform, store)):
            if isinstance(item, PointerItem) and item.gsi2sk:
                page.append((item.product_id, item.gsi2sk))
                if len(page) == 100:
                    yield page
                    page = []
        if page:
            yield page

    def _stock_levels(self, tenant: Tenant, refs: Sequence[tuple[str, str]]) -> list[StockLevel]:
        platform, store = tenant.platform, tenant.require_store()
        wanted = [(keys.product_pk(platform, store, pid), keys.variant_sk(sku)) for pid, sku in refs]
        return [
            item.level()
            for item in VariantItem.batch_get(wanted, consistent_read=True)
            if isinstance(item, VariantItem)
        ]

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
        condition = CategoryItem.pk.does_not_exist() if create else CategoryItem.pk.exists()
        try:
            _category_item(tenant, category).save(condition=condition)
        except PutError as exc:
            if condition_failed(exc):
                if create:
                    raise Conflict(f"A category {category.slug!r} already exists.") from exc
                raise NotFound(f"No category {category.slug!r}.") from exc
            raise

    def edit_category(self, tenant: Tenant, slug: str, change: Callable[[Category], Category]) -> Category:
        """Read the category, apply ``change`` and write the result only if the stored category is
        still the one read, so two edits at once (two translations) never lose one; a lost race
        reads again."""
        for attempt in range(SAVE_ATTEMPTS):
            back_off(attempt)
            item = get_or_none(
                CategoryItem, _pk(tenant, keys.category_pk, slug), keys.CATEGORY_SK, consistent_read=True
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
        raise Conflict(f"The category {slug!r} is changing fast; please try again.")

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


def _left_behind(
    tenant: Tenant,
    product: Product,
    previous: StoredProduct | None,
    written: set[tuple[str, str]],
    deltas: dict[str, int],
) -> tuple[list[tuple[str, str]], dict[tuple[str, str], Condition]]:
    """What a save of ``product`` over ``previous`` deletes (items of the partition it no longer writes,
    pointers of a changed handle, external id or removed SKU), with the conditions on removed variants
    (still in the state read) and their counter moves added to ``deltas``."""
    platform, store = tenant.platform, tenant.require_store()
    stale = sorted((previous.keys_in_partition if previous else frozenset()) - written)
    stale_conditions: dict[tuple[str, str], Condition] = {}
    if previous is None:
        return stale, stale_conditions
    pk = keys.product_pk(platform, store, product.id)
    old_product = previous.product
    if old_product.handle != product.handle:
        stale.append((keys.product_handle_pk(platform, store, old_product.handle), keys.POINTER_SK))
    if old_product.external_id and old_product.external_id != product.external_id:
        stale.append((keys.product_external_id_pk(platform, store, old_product.external_id), keys.POINTER_SK))
    for variant in old_product.variants:
        if product.variant(variant.sku) is None:
            stale.append((keys.product_sku_pk(platform, store, variant.sku), keys.POINTER_SK))
            removed = previous.levels.get(variant.sku)
            if removed is not None:
                stale_conditions[(pk, keys.variant_sk(variant.sku))] = _state_is(removed)
                add_deltas(deltas, counter_deltas(removed.state, None))
    return stale, stale_conditions


def _variant_item(
    tenant: Tenant, product: Product, position: int, variant: Variant, threshold: int, *, counted: bool
) -> tuple[VariantItem, StockState]:
    """A variant's item as a save writes it, in the stock state its stock has under ``threshold``."""
    state = state_of(variant.stock, threshold, counted=counted)
    gsi1pk, gsi1sk = _low_stock_keys(tenant, variant.sku, state) if state.is_low else (None, None)
    item = VariantItem(
        keys.product_pk(tenant.platform, tenant.require_store(), product.id),
        keys.variant_sk(variant.sku),
        gsi1pk=gsi1pk,
        gsi1sk=gsi1sk,
        product_id=product.id,
        sku=variant.sku,
        position=position,
        stock=variant.stock,
        data=variant.model_dump_json(exclude={"stock"}),
        stock_state=state.value,
        low_at=threshold,
        title=product.title,
    )
    return item, state


def _unchanged_since(stored: StoredProduct) -> Condition:
    """The product item is still the version ``stored`` was read at (no save since)."""
    read_version = stored.product.updated_at.isoformat()
    unchanged: Condition = ProductItem.pk.exists() & (
        (ProductItem.version == read_version) | ProductItem.version.does_not_exist()
    )
    return unchanged


def _state_is(level: StockLevel) -> Condition:
    """The variant is still in the stock state it was read in."""
    if level.state is None:
        return VariantItem.stock_state.does_not_exist()
    return VariantItem.stock_state == level.state.value


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


def _encode_low_stock_cursor(item: VariantItem) -> str:
    raw = f"{item.product_id}|{item.gsi1sk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_low_stock_cursor(cursor: str) -> tuple[str, str]:
    """``(product id, GSI1SK)`` of a low-stock cursor we issued; anything else is a 400."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise BadRequest("The page link is not valid.") from exc
    product_id, _, gsi1sk = raw.partition("|")
    rank, _, sku = gsi1sk.partition("#")
    if not _ID.fullmatch(product_id) or rank not in {"0", "1"} or not SKU_PATTERN.fullmatch(sku):
        raise BadRequest("The page link is not valid.")
    return product_id, gsi1sk


def _save_conflict(exc: TransactWriteError, items: Iterable[TableItem], *, deletes: int) -> Exception:
    """The conflict a cancelled save means. PynamoDB sends deletes before puts, and the cancellation
    reasons follow that order, so the puts' reasons start after the deletes'."""
    reasons = exc.cancellation_reasons if error_code(exc) == TRANSACTION_CANCELLED else []
    if any(reason is not None for reason in reasons[:deletes]):
        return ProductChanged("The product changed meanwhile; reload it and try again.")
    reasons = reasons[deletes:]
    for item, reason in zip(items, reasons, strict=False):
        if reason is None or reason.code != "ConditionalCheckFailed":
            continue
        if isinstance(item, VariantItem):  # its stock state moved (a checkout) since it was read
            return ProductChanged("The product's stock changed meanwhile; reload it and try again.")
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
