"""Low stock, counted exactly on write (pure rules, no table access): each variant's stock state, and
the band of stock levels a change is conditioned on, so the counters it moves are right however other
writes interleave.

A variant of an active product is ``out`` at stock 0, ``low`` up to the store's threshold, else
``ok``; variants of draft or archived products are ``off`` (not counted). The store's counters
``low_stock`` (low + out) and ``out_of_stock`` live on its ``STOCK`` counter item, next to the
threshold they are counted under.

Every stock write is a DynamoDB write conditioned on the variant's stored state, the threshold that
state was computed with, and a *band*: the stock levels for which the change leaves the same state
before and after as the stock that was read. Far from the threshold the band is wide (``stock >= 8``
for one unit off with a threshold of 5), so concurrent checkouts never get in each other's way; only
the write that actually crosses the threshold changes the state and adds the counter move to its own
transaction. A concurrent write that moved the stock out of the band makes the condition fail, and
the caller reads again and retries. orion.catalog.stock.changes turns these rules into the
conditional writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

DEFAULT_LOW_STOCK_THRESHOLD = 5
MAX_LOW_STOCK_THRESHOLD = 10_000

STOCK_COUNTER_GROUP = "STOCK"
THRESHOLD_SETTING = "low_stock_threshold"
# The threshold the store's last complete recount counted every variant under (absent: none finished).
RECOUNTED_SETTING = "low_stock_recounted"
LOW_STOCK = "low_stock"  # variants of active products at or below the threshold, out of stock included
OUT_OF_STOCK = "out_of_stock"


class StockState(StrEnum):
    OK = "ok"
    LOW = "low"
    OUT = "out"
    OFF = "off"  # the product is not active: its variants are not counted

    @property
    def counts(self) -> Mapping[str, int]:
        """What this state adds to the store's low-stock counters."""
        if self is StockState.OUT:
            return {LOW_STOCK: 1, OUT_OF_STOCK: 1}
        if self is StockState.LOW:
            return {LOW_STOCK: 1}
        return {}

    @property
    def is_low(self) -> bool:
        return self in (StockState.LOW, StockState.OUT)


def state_of(stock: int, threshold: int, *, counted: bool = True) -> StockState:
    if not counted:
        return StockState.OFF
    if stock <= 0:
        return StockState.OUT
    return StockState.LOW if stock <= threshold else StockState.OK


def counter_deltas(before: StockState | None, after: StockState | None) -> dict[str, int]:
    """The counter moves of a variant going from ``before`` to ``after`` (None: no item, or an item
    written before states existed, which is counted nowhere); only the non-zero ones."""
    moves: dict[str, int] = {}
    for name, count in (before.counts if before else {}).items():
        moves[name] = moves.get(name, 0) - count
    for name, count in (after.counts if after else {}).items():
        moves[name] = moves.get(name, 0) + count
    return nonzero(moves)


def nonzero(deltas: Mapping[str, int]) -> dict[str, int]:
    """The counter moves that move something."""
    return {name: value for name, value in deltas.items() if value}


def add_deltas(total: dict[str, int], more: Mapping[str, int]) -> None:
    for name, value in more.items():
        total[name] = total.get(name, 0) + value


@dataclass(frozen=True)
class Band:
    """Stock levels ``low..high`` (inclusive; ``high`` None: no upper bound)."""

    low: int
    high: int | None

    def __contains__(self, stock: object) -> bool:
        return isinstance(stock, int) and stock >= self.low and (self.high is None or stock <= self.high)


def _levels_of(state: StockState, threshold: int) -> Band:
    if state is StockState.OUT:
        return Band(0, 0)
    if state is StockState.LOW:
        return Band(1, threshold)
    return Band(threshold + 1, None)


def band(stock: int, delta: int, threshold: int, new_threshold: int | None = None) -> Band:
    """The stock levels ``s`` for which a change of ``delta`` (with the threshold moving to
    ``new_threshold``, for a recount) takes a counted variant from the same state to the same state as
    it takes ``stock``, and never below zero. ``stock`` itself is always inside."""
    after_threshold = threshold if new_threshold is None else new_threshold
    if stock + delta < 0:
        raise ValueError("a stock change may not leave the stock below zero")
    before = _levels_of(state_of(stock, threshold), threshold)
    after = _levels_of(state_of(stock + delta, after_threshold), after_threshold)
    low = max(before.low, after.low - delta)
    highs = [h for h in (before.high, None if after.high is None else after.high - delta) if h is not None]
    return Band(low, min(highs) if highs else None)


@dataclass(frozen=True)
class StockLevel:
    """A variant's stock as read, with the state it is counted in and the threshold of that state
    (``state`` None: written before stock states existed; counted nowhere until its next save)."""

    product_id: str
    sku: str
    stock: int
    state: StockState | None
    threshold: int | None

    @property
    def counted(self) -> bool:
        return self.state is not None and self.state is not StockState.OFF and self.threshold is not None

    def after(self, delta: int) -> StockState | None:
        """The state ``delta`` leads to (an uncounted variant stays uncounted)."""
        if not self.counted or self.threshold is None:
            return self.state
        return state_of(self.stock + delta, self.threshold)


@dataclass(frozen=True)
class LowStockVariant:
    """A row of the store's low-stock list."""

    product_id: str
    sku: str
    title: str
    label: str
    stock: int
    state: StockState

    def as_dict(self) -> dict[str, object]:
        return {
            "product_id": self.product_id,
            "sku": self.sku,
            "title": self.title,
            "variant": self.label,
            "stock": self.stock,
            "out_of_stock": self.state is StockState.OUT,
        }


@dataclass(frozen=True)
class LowStockPage:
    threshold: int
    items: list[LowStockVariant]
    next_cursor: str | None = None


@dataclass(frozen=True)
class Recount:
    """What a threshold change did: variants looked at, and how many changed state."""

    threshold: int
    variants: int
    changed: int
