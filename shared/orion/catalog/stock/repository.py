"""A store's stock in the table: a variant's level, relative adjustments, the low-stock threshold, the
sparse low-stock index and the recount of every variant under a new threshold."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from pynamodb.exceptions import TransactWriteError, UpdateError

from orion import runtime
from orion.catalog.errors import ThresholdMoved
from orion.catalog.items import PointerItem, VariantItem
from orion.catalog.models import SKU_PATTERN
from orion.catalog.stock.changes import plan_stock_change
from orion.catalog.stock.rules import (
    DEFAULT_LOW_STOCK_THRESHOLD,
    RECOUNTED_SETTING,
    STOCK_COUNTER_GROUP,
    THRESHOLD_SETTING,
    LowStockVariant,
    Recount,
    StockLevel,
    StockState,
    add_deltas,
    nonzero,
    state_of,
)
from orion.data import keys
from orion.data.conditions import refused
from orion.data.cursors import IndexKey, decode_cursor, encode_cursor, start_key
from orion.data.retry import back_off
from orion.data.table import MAX_TRANSACTION_ITEMS, get_or_none, transaction
from orion.errors import Conflict, NotFound
from orion.ids import ID_PATTERN
from orion.metrics.counters import CounterRepository
from orion.tenant import Tenant

# Reads and conditional writes of one stock change before giving up (each retry follows a concurrent
# change of the same variant that moved it out of the band its write was conditioned on).
STOCK_ATTEMPTS = 8
# A variant's sort key in the low-stock index (see stock.changes.low_stock_keys): rank, then SKU.
_LOW_STOCK_SORT_KEY = re.compile(r"[01]#" + SKU_PATTERN.pattern.removeprefix("^").removesuffix("$"))


class StockRepository:
    """Reads and writes a store's stock; every call takes the tenant first."""

    def low_stock_threshold_setting(self, tenant: Tenant) -> tuple[int | None, int]:
        """The store's low-stock threshold as stored (None: never set) and in effect (consistent)."""
        stored = runtime.repository(CounterRepository).read_setting(
            tenant, STOCK_COUNTER_GROUP, THRESHOLD_SETTING
        )
        return stored, DEFAULT_LOW_STOCK_THRESHOLD if stored is None else stored

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
                raise NotFound.worded("There is no product with SKU {sku}.", sku=sku)
            level = item.level()
            if level.stock + delta < 0:
                raise Conflict.worded(
                    "Not enough stock of {sku} to remove {n}.", sku=sku, n=-delta, extra={"sku": sku}
                )
            if not delta:
                return level.stock
            move = plan_stock_change(tenant, level, delta)
            try:
                if not move.deltas:
                    move.item.update(actions=move.actions, condition=move.condition)
                    return int(move.item.stock)  # UpdateItem's new values: exact
                # A crossing: pinned to the stock read, so the new stock is known exactly.
                exact = plan_stock_change(tenant, level, delta, exact=True)
                with transaction() as tx:
                    tx.update(exact.item, actions=exact.actions, condition=exact.condition)
                    CounterRepository.add_in_transaction(tx, tenant, STOCK_COUNTER_GROUP, exact.deltas)
                return level.stock + delta
            except (UpdateError, TransactWriteError) as exc:
                if not refused(exc):
                    raise
        raise Conflict.worded(
            "The stock of {sku} is changing fast; please try again.", sku=sku, extra={"sku": sku}
        )

    # --- low stock ---

    def low_stock(
        self, tenant: Tenant, *, limit: int, after: str | None
    ) -> tuple[list[LowStockVariant], str | None]:
        """The store's variants at or below its threshold, out of stock first: one Query on the
        sparse low-stock index; the cursor continues after the last one."""
        platform, store = tenant.platform, tenant.require_store()
        gsi1pk = keys.low_stock_gsi1pk(platform, store)
        start = None
        if after:
            product_id, gsi1sk = decode_cursor(after, ID_PATTERN, _LOW_STOCK_SORT_KEY)
            start = start_key(
                keys.product_pk(platform, store, product_id),
                keys.variant_sk(gsi1sk.split("#", 1)[1]),
                IndexKey("GSI1", gsi1pk, gsi1sk),
            )
        # One more than the page (as in listings): a next page is named only when a variant follows.
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
        last = shown[-1] if len(found) > limit else None
        return rows, encode_cursor(last.product_id, last.gsi1sk or "") if last else None

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
        except ThresholdMoved:
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
            with transaction() as tx:
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
                raise ThresholdMoved() from exc
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
