"""Stock changes that join someone else's transaction: the catalogue's surface for a feature whose own
write moves stock (orders: a checkout takes it, a cancellation or refund puts it back).

The caller reads the variants with their stock levels (:func:`variants_with_levels`), adds one
conditional stock update per variant to its transaction through :class:`StockChanges` (or a check that
its stock is still as read, :meth:`StockChanges.hold`), then the one update of the store's low-stock
counters they add up to (:meth:`StockChanges.count`), and commits. A variant whose stock moved out of
the band its update was conditioned on (see orion.catalog.stock.rules) cancels the transaction: the
caller reads the levels again and retries.
"""

from __future__ import annotations

from collections.abc import Sequence

from pynamodb.transactions import TransactWrite

from orion import runtime
from orion.catalog.items import VariantItem
from orion.catalog.models import ProductSummary, Variant
from orion.catalog.products.repository import ProductRepository
from orion.catalog.stock.changes import plan_stock_change
from orion.catalog.stock.rules import STOCK_COUNTER_GROUP, StockLevel, add_deltas, nonzero
from orion.errors import BadRequest
from orion.metrics.counters import CounterRepository
from orion.tenant import Tenant

__all__ = ["StockChanges", "StockLevel", "variants_with_levels"]


def variants_with_levels(
    tenant: Tenant, refs: Sequence[tuple[str, str]]
) -> dict[str, tuple[ProductSummary, Variant, StockLevel]]:
    """Current variants by ``(product id, sku)``, keyed by SKU (absent ones left out), with their
    products' summaries and their stock levels for :meth:`StockChanges.change`: one consistent
    BatchGetItem."""
    if len(refs) > 50:
        raise BadRequest("at most 50 variants at once")
    return runtime.repository(ProductRepository).variants_with_levels(tenant, refs)


class StockChanges:
    """Stock changes in the caller's transaction (checkout, cancellation), and the one update of the
    store's STOCK counters they add up to, in the same transaction."""

    def __init__(self, tenant: Tenant) -> None:
        self._tenant = tenant
        self.deltas: dict[str, int] = {}

    def change(self, tx: TransactWrite, level: StockLevel, delta: int) -> None:
        """Add ``delta`` to the stock of the variant read as ``level``, on condition it is still in the
        band ``level`` allows (a Conflict at once if the stock would exceed MAX_STOCK)."""
        move = plan_stock_change(self._tenant, level, delta)
        tx.update(move.item, actions=move.actions, condition=move.condition)
        add_deltas(self.deltas, move.deltas)

    def hold(self, tx: TransactWrite, level: StockLevel) -> None:
        """Hold the transaction to the stock of the variant read as ``level``, without changing it (a
        line wholly on backorder: had stock come in meanwhile, the line would have taken it). A
        condition check, so it comes first among the transaction's items."""
        move = plan_stock_change(self._tenant, level, 0, exact=True)
        tx.condition_check(VariantItem, move.item.pk, move.item.sk, condition=move.condition)

    def count(self, tx: TransactWrite) -> bool:
        """Add the counter update if the changes cross a threshold; whether one was added."""
        moves = nonzero(self.deltas)
        if not moves:
            return False
        CounterRepository.add_in_transaction(tx, self._tenant, STOCK_COUNTER_GROUP, moves)
        return True
