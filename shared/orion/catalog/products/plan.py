"""Planning a product save: every item it writes (the product, its pointers and variants, its listing
and search entries) with the condition each is written under, what the save leaves behind to delete,
and the low-stock counter moves of it all. Nothing here reads or writes the table."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pynamodb.expressions.condition import Condition

from orion.catalog.items import (
    ORDERS,
    SCOPE_ALL,
    SCOPE_FEATURED,
    ListingEntryItem,
    PointerItem,
    ProductItem,
    SearchEntryItem,
    StoredProduct,
    VariantItem,
    category_scope,
)
from orion.catalog.models import MAX_SEARCH_TOKENS, Product, ProductStatus, Variant, fold
from orion.catalog.stock.changes import low_stock_keys, state_is
from orion.catalog.stock.rules import StockLevel, StockState, add_deltas, counter_deltas, state_of
from orion.data import keys
from orion.data.table import TableItem
from orion.tenant import Tenant

_TOKEN = re.compile(r"[a-z0-9]{2,}")


@dataclass
class SavePlan:
    """A save's items to put (with their conditions), the keys it deletes (removed variants with the
    condition that they are still in the state read) and the store's low-stock counter moves."""

    puts: list[tuple[TableItem, Any]]
    stale: list[tuple[str, str]]
    stale_conditions: dict[tuple[str, str], Condition]
    deltas: dict[str, int]


def plan_save(tenant: Tenant, product: Product, previous: StoredProduct | None, threshold: int) -> SavePlan:
    """The plan of saving ``product`` over ``previous`` (None: a new product), its variants counted
    under the low-stock ``threshold``."""
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
        categories=category_marks(product.categories),
    )
    # A save of a product read earlier: another save since our read would be overwritten (and its new
    # parts left behind), so refuse.
    product_condition = ProductItem.pk.does_not_exist() if previous is None else unchanged_since(previous)
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
            variant_condition = state_is(old) & (VariantItem.stock == old.stock)
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
                puts.append((listing_entry(tenant, product, scope, order, summary_json), None))
        if product.featured:
            puts.append((listing_entry(tenant, product, SCOPE_FEATURED, "NEWEST", summary_json), None))
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
    return SavePlan(puts, stale, stale_conditions, deltas)


def listing_entry(
    tenant: Tenant, product: Product, scope: str, order: str, summary_json: str
) -> ListingEntryItem:
    """The product's entry in one listing (``scope``, stored ``order``), carrying its card's summary."""
    platform, store = tenant.platform, tenant.require_store()
    return ListingEntryItem(
        keys.product_pk(platform, store, product.id),
        keys.listing_sk(scope, order),
        gsi1pk=keys.listing_gsi1pk(platform, store, scope, order),
        gsi1sk=listing_sort_value(product, order),
        product_id=product.id,
        summary=summary_json,
    )


def category_marks(slugs: tuple[str, ...]) -> str | None:
    """The product item's ``categories`` attribute: ``|a|b|`` (None without categories)."""
    return f"|{'|'.join(slugs)}|" if slugs else None


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


def unchanged_since(stored: StoredProduct) -> Condition:
    """The product item is still the version ``stored`` was read at (no save since)."""
    read_version = stored.product.updated_at.isoformat()
    unchanged: Condition = ProductItem.pk.exists() & (
        (ProductItem.version == read_version) | ProductItem.version.does_not_exist()
    )
    return unchanged


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
                stale_conditions[(pk, keys.variant_sk(variant.sku))] = state_is(removed)
                add_deltas(deltas, counter_deltas(removed.state, None))
    return stale, stale_conditions


def _variant_item(
    tenant: Tenant, product: Product, position: int, variant: Variant, threshold: int, *, counted: bool
) -> tuple[VariantItem, StockState]:
    """A variant's item as a save writes it, in the stock state its stock has under ``threshold``."""
    state = state_of(variant.stock, threshold, counted=counted)
    gsi1pk, gsi1sk = low_stock_keys(tenant, variant.sku, state) if state.is_low else (None, None)
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
