"""Customers: the store's shopper accounts, newest first or found by the start of their e-mail address
or name; an account with its addresses and orders; for managers, its data as a download and its
erasure (its orders stay, anonymised).

The same ``orion.customers`` services, permissions (``customers.view`` / ``customers.manage``) and audit
records (``customer.exported``, ``customer.erased``) as the staff API's ``/api/v1/customers``.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from functions.console import auditing
from functions.console.web import NO_STORE, Console, Posted, SignedIn
from orion.customers import service as customers
from orion.customers.models import Customer, CustomerList
from orion.errors import BadRequest, Invalid
from orion.orders.service import customer_orders

router = APIRouter()

PAGE_SIZE = 25
ORDERS_PAGE_SIZE = 20
MAX_QUERY = 254


@router.get("/admin/customers")
def list_customers(console: SignedIn, q: str = "", after: str = "") -> HTMLResponse:
    console.need("customers.view")
    text = q.strip()[: MAX_QUERY + 1]
    page = CustomerList(items=[])
    errors: dict[str, str] = {}
    message: str | None = None
    try:
        page = customers.list_customers(console.access.tenant, text, limit=PAGE_SIZE, after=after or None)
    except Invalid:
        errors["q"] = console._("Enter at most {n} characters.", n=MAX_QUERY)
    except BadRequest:
        message = console._("This page link is out of date; start again from the first page.")
    return console.render(
        "customers.html",
        422 if errors else (400 if message else 200),
        page=page,
        errors=errors,
        message=message or (console._("Please correct the fields marked below.") if errors else None),
        values={"q": q},
        searching=bool(text),
        after=after,
        next_query=_query(q=q, after=page.next_cursor or ""),
        first_query=_query(q=q),
    )


def _query(**values: str) -> str:
    return urlencode({name: value for name, value in values.items() if value})


def _detail(
    console: Console, customer: Customer, status: int = 200, orders_after: str = "", **context: Any
) -> HTMLResponse:
    message: str | None = None
    try:
        orders, next_cursor = customer_orders(
            console.access.tenant, customer.id, limit=ORDERS_PAGE_SIZE, after=orders_after or None
        )
    except BadRequest:
        orders, next_cursor = [], None
        message, status = console._("This page link is out of date; start again from the first page."), 400
    return console.render(
        "customer.html",
        status,
        customer=customer,
        orders=orders,
        orders_after=orders_after,
        orders_next=_query(orders_after=next_cursor or ""),
        **{"errors": {}, "values": {}, "message": message, **context},
    )


@router.get("/admin/customers/{customer_id}")
def customer_page(console: SignedIn, customer_id: str, orders_after: str = "") -> HTMLResponse:
    console.need("customers.view")
    customer = customers.get_customer(console.access.tenant, customer_id)
    return _detail(console, customer, orders_after=orders_after)


@router.get("/admin/customers/{customer_id}/export")
def export(console: SignedIn, customer_id: str) -> Response:
    access = console.need("customers.manage")
    customer = customers.get_customer(access.tenant, customer_id)  # 404 for another store's account
    exported = customers.export_data(access.tenant, customer.id)
    auditing.record(console, "customer.exported", f"customer:{customer.id}")
    filename = f"customer-{access.tenant.store}-{customer.id}.json"
    return Response(
        json.dumps(exported, indent=2, ensure_ascii=False),
        media_type="application/json",
        headers={**NO_STORE, "Content-Disposition": f'attachment; filename="{quote(filename)}"'},
    )


@router.post("/admin/customers/{customer_id}/erase")
def erase(console: Posted, customer_id: str) -> Any:
    access = console.need("customers.manage")
    customer = customers.get_customer(access.tenant, customer_id)
    typed = console.form.get("confirm_email").strip()
    if customers.normalized_email(typed) != customer.email:
        return _detail(
            console,
            customer,
            422,
            errors={"confirm_email": console._("Type the account's e-mail address to confirm.")},
            values={"confirm_email": typed},
            message=console._("The account was not erased."),
        )
    anonymised = customers.erase(access.tenant, customer.id)
    auditing.record(console, "customer.erased", f"customer:{customer.id}", {"anonymised_orders": anonymised})
    return console.redirect("/admin/customers", "The account was erased; its orders were anonymised.")
