"""``/api/v1/orders``: list by status and date, detail with history, transitions, notes, refunds."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel, Field

from functions.staff_api.common.access import record_audit, require
from orion.identity.models import StaffAccess
from orion.orders import service as orders
from orion.orders.models import Order, OrderList, OrderStatus, RefundLine
from orion.payments.service import refund_order

router = APIRouter(prefix="/orders", tags=["orders"])

OrderId = Annotated[str, Path(pattern=r"^[0-9A-Z]{26}$", description="the order's id")]
View = Annotated[StaffAccess, Depends(require("orders.view"))]
Edit = Annotated[StaffAccess, Depends(require("orders.edit"))]
Refunder = Annotated[StaffAccess, Depends(require("orders.refund"))]


class Transition(BaseModel):
    status: OrderStatus = Field(
        description=(
            "pending -> paid -> fulfilled -> shipped -> delivered; cancelled, refunded"
            " (partially_refunded only through POST /orders/{id}/refunds)"
        )
    )
    note: str = Field(default="", max_length=500)
    carrier: str = Field(default="", max_length=200, description="required for shipped: who carries it")
    tracking_number: str = Field(
        default="", max_length=200, description="required for shipped: letters, digits, - and spaces"
    )
    tracking_url: str = Field(default="", max_length=1000, description="for shipped: a tracking page")


class RefundLineIn(BaseModel):
    sku: str = Field(min_length=1, max_length=100)
    quantity: int = Field(ge=1, le=10_000, description="units of the line to put back in stock")


class RefundIn(BaseModel):
    lines: list[RefundLineIn] = Field(
        default_factory=list, max_length=40, description="lines whose units go back in stock"
    )
    amount: int | None = Field(
        default=None, ge=1, description="minor units to give back; default: the chosen lines' value"
    )
    reason: str = Field(default="", max_length=500)


class Note(BaseModel):
    note: str = Field(min_length=1, max_length=500)


@router.get("", summary="List orders, newest first, by status and date")
def list_orders(
    access: View,
    *,
    status: Annotated[OrderStatus | None, Query()] = None,
    since: Annotated[datetime | None, Query(description="placed at or after (ISO-8601)")] = None,
    until: Annotated[datetime | None, Query(description="placed at or before (ISO-8601)")] = None,
    after: Annotated[
        str | None, Query(max_length=500, description="next_cursor of the previous page")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> OrderList:
    return orders.list_orders(
        access.tenant, status=status, limit=limit, after=after, since=since, until=until
    )


@router.get("/{order_id}", summary="An order with its lines and status history")
def get_order(order_id: OrderId, access: View) -> Order:
    return orders.get_order(access.tenant, order_id)


@router.post("/{order_id}/transitions", summary="Move an order to another status (cancel/refund restock)")
def transition(order_id: OrderId, body: Transition, request: Request, access: Edit) -> Order:
    """Shipped needs ``carrier`` and ``tracking_number`` (422 naming each missing one; other statuses
    ignore them). The shopper gets an e-mail for paid, shipped, delivered, cancelled and refunded,
    unless the store switched it off."""
    order = orders.transition_order(
        access.tenant,
        order_id,
        body.status,
        note=body.note,
        actor=f"staff:{access.user_id}",
        carrier=body.carrier,
        tracking_number=body.tracking_number,
        tracking_url=body.tracking_url,
    )
    record_audit(request, access, "order.transition", f"order:{order_id}", {"status": body.status.value})
    return order


@router.post("/{order_id}/notes", summary="Add a note to the order's history")
def add_note(order_id: OrderId, body: Note, request: Request, access: Edit) -> Order:
    order = orders.add_order_note(access.tenant, order_id, body.note, actor=f"staff:{access.user_id}")
    record_audit(request, access, "order.note", f"order:{order_id}")
    return order


@router.post(
    "/{order_id}/refunds",
    summary="Refund all or part of a paid order (card orders: through Stripe)",
    responses={202: {"description": "a card order's refund, asked of Stripe, waits for its webhook"}},
)
def refund(
    order_id: OrderId, body: RefundIn, request: Request, response: Response, access: Refunder
) -> Order:
    """``amount`` defaults to the chosen lines' value; 422 for unknown lines, more units than are left
    to refund, or more money than was paid and not yet refunded; 409 when the order was not paid.
    A card order: Stripe is asked (idempotency key ``<order id>-refund-<n>``) and the refund waits as
    ``pending`` in ``refunds``; the order becomes ``partially_refunded`` or ``refunded`` and the lines'
    stock comes back when Stripe's ``charge.refunded`` webhook arrives (503 when Stripe did not
    answer: nothing refunded). Any other order is refunded at once (staff gave the money back)."""
    order = refund_order(
        access.tenant,
        order_id,
        [RefundLine(sku=line.sku, quantity=line.quantity) for line in body.lines],
        amount=body.amount,
        reason=body.reason,
        actor=f"staff:{access.user_id}",
    )
    record_audit(
        request,
        access,
        "order.refund",
        f"order:{order_id}",
        {"amount": order.refunds[-1].amount, "number": order.refunds[-1].number},
    )
    if order.refunds[-1].status.value == "pending":
        response.status_code = 202
    return order
