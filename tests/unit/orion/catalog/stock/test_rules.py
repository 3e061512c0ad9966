"""The stock bands low-stock counting relies on: every stock in a change's band leads from the same
state to the same state, the stock read is always inside, and a band never allows going below zero."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orion.catalog.stock.rules import (
    Band,
    StockState,
    band,
    counter_deltas,
    state_of,
)

stocks = st.integers(min_value=0, max_value=300)
thresholds = st.integers(min_value=0, max_value=60)
deltas = st.integers(min_value=-120, max_value=120)


@pytest.mark.parametrize(
    ("stock", "threshold", "state"),
    [(0, 5, StockState.OUT), (1, 5, StockState.LOW), (5, 5, StockState.LOW), (6, 5, StockState.OK),
     (0, 0, StockState.OUT), (1, 0, StockState.OK)],
)  # fmt: skip
def test_states(stock: int, threshold: int, state: StockState) -> None:
    assert state_of(stock, threshold) is state
    assert state_of(stock, threshold, counted=False) is StockState.OFF


def test_bands_far_from_the_threshold_are_wide_and_crossings_are_narrow() -> None:
    assert band(100, -1, 5) == Band(7, None)  # any stock of 7 or more ends ok
    assert band(6, -1, 5) == Band(6, 6)  # the crossing into low
    assert band(4, -1, 5) == Band(2, 5)  # low to low
    assert band(1, -1, 5) == Band(1, 1)  # the crossing into out
    assert band(0, 3, 5) == Band(0, 0)  # a restock from zero
    assert band(3, 10, 5) == Band(1, 5)  # low to ok: any low stock
    with pytest.raises(ValueError, match="below zero"):
        band(2, -3, 5)


@given(stocks, deltas, thresholds, thresholds)
def test_every_stock_in_a_band_makes_the_same_move(stock: int, delta: int, old: int, new: int) -> None:
    if stock + delta < 0:
        return
    levels = band(stock, delta, old, new)
    assert stock in levels
    expected = (state_of(stock, old), state_of(stock + delta, new))
    top = levels.high if levels.high is not None else stock + 400
    for candidate in range(max(levels.low - 3, 0), top + 4):
        inside = candidate in levels
        same = candidate + delta >= 0 and (
            (state_of(candidate, old), state_of(candidate + delta, new)) == expected
        )
        assert inside == same, (candidate, levels)


def test_counter_moves() -> None:
    assert counter_deltas(StockState.OK, StockState.LOW) == {"low_stock": 1}
    assert counter_deltas(StockState.LOW, StockState.OUT) == {"out_of_stock": 1}
    assert counter_deltas(StockState.OK, StockState.OUT) == {"low_stock": 1, "out_of_stock": 1}
    assert counter_deltas(StockState.OUT, StockState.OFF) == {"low_stock": -1, "out_of_stock": -1}
    assert counter_deltas(StockState.LOW, None) == {"low_stock": -1}
    assert counter_deltas(None, StockState.OK) == {}
    assert counter_deltas(StockState.LOW, StockState.LOW) == {}
