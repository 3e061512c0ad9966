"""Writing a store's products: a save (one transaction from its plan, see products.plan), new products
in bulk, a delete, and what a refused transaction means for the caller."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pynamodb.exceptions import TransactWriteError

from orion import runtime
from orion.catalog.errors import ProductChanged, ThresholdMoved
from orion.catalog.items import PointerItem, ProductItem, StoredProduct, VariantItem
from orion.catalog.models import Product
from orion.catalog.products.plan import SavePlan, plan_save, unchanged_since
from orion.catalog.stock.changes import state_is
from orion.catalog.stock.repository import StockRepository
from orion.catalog.stock.rules import (
    STOCK_COUNTER_GROUP,
    THRESHOLD_SETTING,
    add_deltas,
    counter_deltas,
    nonzero,
)
from orion.data import keys
from orion.data.conditions import TRANSACTION_CANCELLED, error_code
from orion.data.retry import back_off
from orion.data.table import MAX_TRANSACTION_ITEMS, TableItem, transaction
from orion.errors import Conflict
from orion.metrics.counters import CounterRepository
from orion.tenant import Tenant

SAVE_ATTEMPTS = 3


class ProductWriter:
    """Writes a store's products, each in one transaction with its low-stock counter moves; every
    call takes the tenant first (their reads: ProductRepository)."""

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
        stock = runtime.repository(StockRepository)
        for attempt in range(SAVE_ATTEMPTS):
            back_off(attempt)
            stored, threshold = stock.low_stock_threshold_setting(tenant)
            plan = plan_save(tenant, product, previous, threshold)
            try:
                self._write(tenant, product, plan, threshold_setting=stored)
                return
            except ThresholdMoved:
                continue  # a threshold change or a concurrent counter move: plan again
        raise Conflict("The store's stock counters are busy; please save again.")

    def _write(
        self, tenant: Tenant, product: Product, plan: SavePlan, *, threshold_setting: int | None
    ) -> None:
        puts, stale = plan.puts, plan.stale
        if len(puts) + len(stale) + 1 > MAX_TRANSACTION_ITEMS:  # the model's bounds make this impossible
            raise Conflict("This product has too many parts to save at once.")
        moves = nonzero(plan.deltas)
        try:
            with transaction() as tx:
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
                raise ThresholdMoved() from exc
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
        _, threshold = runtime.repository(StockRepository).low_stock_threshold_setting(tenant)
        deltas: dict[str, int] = {}
        with TableItem.batch_write() as batch:
            for product in products:
                plan = plan_save(tenant, product, None, threshold)
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
            with transaction() as tx:
                for key in sorted(doomed):
                    read = variant_keys.get(key)
                    if key == product_key:
                        # A save since the read added items this delete does not know of (a variant,
                        # listing or search entries): delete nothing, read again.
                        tx.delete(ProductItem(*key), condition=unchanged_since(stored))
                    elif read is None:
                        tx.delete(TableItem(*key))
                    else:
                        tx.delete(VariantItem(*key), condition=state_is(read))
                moves = nonzero(deltas)
                if moves:
                    CounterRepository.add_in_transaction(tx, tenant, STOCK_COUNTER_GROUP, moves)
        except TransactWriteError as exc:
            raise ProductChanged("The product changed meanwhile; reload it and try again.") from exc


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
            return Conflict.worded(
                "Another product already uses SKU {sku}.",
                sku=item.pk.rsplit("#", 1)[-1],
                extra={"field": "variants"},
            )
        if "#EXTID#" in item.pk:
            return Conflict("Another product already uses this external id.", extra={"field": "external_id"})
    if reasons:
        return Conflict("The product could not be saved because it changed meanwhile; try again.")
    return exc
