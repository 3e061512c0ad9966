"""The order status state machine."""

from __future__ import annotations

import itertools

import pytest

from orion.orders.models import RESTORES_STOCK, TRANSITIONS, OrderStatus, can_transition


def test_the_happy_path_is_allowed_step_by_step() -> None:
    path = [
        OrderStatus.PENDING,
        OrderStatus.PAID,
        OrderStatus.FULFILLED,
        OrderStatus.SHIPPED,
        OrderStatus.DELIVERED,
    ]
    for current, target in itertools.pairwise(path):
        assert can_transition(current, target)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (OrderStatus.PENDING, OrderStatus.SHIPPED),
        (OrderStatus.DELIVERED, OrderStatus.PENDING),
        (OrderStatus.CANCELLED, OrderStatus.PAID),
        (OrderStatus.REFUNDED, OrderStatus.CANCELLED),
        (OrderStatus.SHIPPED, OrderStatus.CANCELLED),
    ],
)
def test_skipping_or_going_back_is_refused(current: OrderStatus, target: OrderStatus) -> None:
    assert not can_transition(current, target)


def test_cancelled_and_refunded_are_final_and_restock() -> None:
    assert {OrderStatus.CANCELLED, OrderStatus.REFUNDED} == RESTORES_STOCK
    assert all(not TRANSITIONS[status] for status in RESTORES_STOCK)
    assert set(TRANSITIONS) == set(OrderStatus)
