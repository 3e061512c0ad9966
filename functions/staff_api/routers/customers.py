"""``/api/v1/customers``: the store's shopper accounts for its staff. Find accounts by the start of their
e-mail address or name, read one with its addresses and orders, and, for managers, export everything
the store keeps about it or erase it (its orders are anonymised, not deleted).

Only ``orion.customers``' public services; a password hash or session version is never in an answer.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel, Field

from functions.staff_api.common.access import record_audit, require
from orion.customers import service as customers
from orion.customers.models import Address, Customer
from orion.identity.models import StaffAccess
from orion.orders.models import OrderSummary
from orion.orders.service import customer_orders

router = APIRouter(prefix="/customers", tags=["customers"])

CustomerId = Annotated[str, Path(pattern=r"^[0-9A-Z]{26}$", description="the account's id")]
View = Annotated[StaffAccess, Depends(require("customers.view"))]
Manage = Annotated[StaffAccess, Depends(require("customers.manage"))]
ORDERS_PER_PAGE = 20


class CustomerOut(BaseModel):
    """A shopper account as staff see it (no password hash, no session state)."""

    id: str
    email: str
    name: str
    email_verified: bool
    pending_email: str | None = Field(
        default=None, description="an address the shopper asked to move to, not yet verified"
    )
    language: str
    default_address_id: str | None = None
    created_at: datetime
    updated_at: datetime
    verified_at: datetime | None = None

    @classmethod
    def of(cls, customer: Customer) -> CustomerOut:
        return cls.model_validate(customer.model_dump(include=set(cls.model_fields)))


class CustomerPage(BaseModel):
    items: list[CustomerOut]
    next_cursor: str | None = None


class CustomerDetail(BaseModel):
    customer: CustomerOut
    addresses: list[Address]
    orders: list[OrderSummary] = Field(description="newest first")
    orders_next_cursor: str | None = Field(
        default=None, description="pass as orders_cursor for the account's next orders"
    )


class Erased(BaseModel):
    anonymised_orders: int = Field(description="the account's orders whose buyer details were replaced")


@router.get("", summary="List shopper accounts, newest first, or find them by e-mail or name")
def list_customers(
    access: View,
    *,
    q: Annotated[
        str,
        Query(
            max_length=254,
            description="with '@': the start of the e-mail address; else the start of the name",
        ),
    ] = "",
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[
        str | None, Query(max_length=500, description="next_cursor of the previous page")
    ] = None,
) -> CustomerPage:
    page = customers.list_customers(access.tenant, q, limit=limit, after=cursor)
    return CustomerPage(items=[CustomerOut.of(c) for c in page.items], next_cursor=page.next_cursor)


@router.get("/{customer_id}", summary="A shopper account with its addresses and orders")
def get_customer(
    customer_id: CustomerId,
    access: View,
    orders_cursor: Annotated[
        str | None, Query(max_length=500, description="orders_next_cursor of the previous answer")
    ] = None,
) -> CustomerDetail:
    customer = customers.get_customer(access.tenant, customer_id)
    orders, next_cursor = customer_orders(
        access.tenant, customer.id, limit=ORDERS_PER_PAGE, after=orders_cursor
    )
    return CustomerDetail(
        customer=CustomerOut.of(customer),
        addresses=list(customer.addresses),
        orders=orders,
        orders_next_cursor=next_cursor,
    )


@router.get(
    "/{customer_id}/export",
    summary="Everything the store keeps about a shopper account, as a JSON download",
    response_description="a JSON attachment: exported_at, account, addresses and orders",
)
def export_customer(customer_id: CustomerId, request: Request, access: Manage) -> Response:
    """The same document the shopper downloads from their account (a data access request answered by
    the store). Recorded in the audit log as ``customer.exported``."""
    exported = customers.export_data(access.tenant, customer_id)  # 404 for another store's id
    record_audit(request, access, "customer.exported", f"customer:{customer_id}")
    filename = f"customer-{access.tenant.store}-{customer_id}.json"
    return Response(
        json.dumps(exported, indent=2, ensure_ascii=False),
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{quote(filename)}"',
            "Cache-Control": "no-store",
        },
    )


@router.delete("/{customer_id}", summary="Erase a shopper account for good (its orders are anonymised)")
def erase_customer(customer_id: CustomerId, request: Request, access: Manage) -> Erased:
    """The account, its addresses and sessions are deleted; its orders stay for the books with the
    buyer's name, address and e-mail replaced. Recorded in the audit log as ``customer.erased``."""
    anonymised = customers.erase(access.tenant, customer_id)  # 404 for another store's id
    record_audit(
        request, access, "customer.erased", f"customer:{customer_id}", {"anonymised_orders": anonymised}
    )
    return Erased(anonymised_orders=anonymised)
