"""``/api/v1/orders``: list by status and date, detail with history, transitions, notes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field

from functions.staff_api.common.access import record_audit, require
from orion.identity.models import StaffAccess
from orion.orders import service as orders
from orion.orders.models import Order, OrderList, OrderStatus

router = APIRouter(prefix="/orders", tags=["orders"])

OrderId = Annotated[str, Path(pattern=r"^[0-9A-Z]{26}$", description="the order's id")]
View = Annotated[StaffAccess, Depends(require("orders.view"))]
Edit = Annotated[StaffAccess, Depends(require("orders.edit"))]


class Transition(BaseModel):
    status: OrderStatus = Field(
        description="pending -> paid -> fulfilled -> shipped -> delivered; cancelled, refunded"
    )
    note: str = Field(default="", max_length=500)
    carrier: str = Field(default="", max_length=200, description="required for shipped: who carries it")
    tracking_number: str = Field(
        default="", max_length=200, description="required for shipped: letters, digits, - and spaces"
    )
    tracking_url: str = Field(default="", max_length=1000, description="for shipped: a tracking page")


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
