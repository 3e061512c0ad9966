"""Orders: the list (by status, or found by number or e-mail), an order with its lines, shopper, address,
payment and history, its next statuses, internal notes, refunds and a printable packing slip.

The same ``orion.orders`` services, permissions (``orders.view`` / ``orders.edit``), rules (the state
machine, the restock on cancel and refund) and audit records (``order.transition``, ``order.note``) as
the staff API's ``/api/v1/orders``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse

from functions.console import auditing
from functions.console.web import Console, Posted, SignedIn, field_errors
from orion.errors import BadRequest, Invalid
from orion.money import parse_amount
from orion.orders import service as orders
from orion.orders.models import (
    REFUNDABLE,
    RESTORES_STOCK,
    Order,
    OrderList,
    OrderStatus,
    RefundLine,
    next_statuses,
)
from orion.payments.errors import PaymentServiceUnreachable
from orion.payments.service import refund_order

router = APIRouter()

PAGE_SIZE = 25
MAX_NOTE = 500  # as the staff API's note fields
MAX_QUERY = 254
SHIPMENT_FIELDS = ("carrier", "tracking_number", "tracking_url")  # asked when an order is shipped


def _status_options(console: Console) -> list[tuple[str, str]]:
    return [("", console._("Any status"))] + [
        (status.value, console._(status_label(status))) for status in OrderStatus
    ]


def status_label(status: OrderStatus) -> str:
    """A status as the console names it, in English (``Partially refunded``), before translation."""
    return status.value.replace("_", " ").capitalize()


@router.get("/admin/orders")
def list_orders(console: SignedIn, status: str = "", q: str = "", after: str = "") -> HTMLResponse:
    console.need("orders.view")
    tenant = console.access.tenant
    errors: dict[str, str] = {}
    chosen: OrderStatus | None = None
    if status:
        try:
            chosen = OrderStatus(status)
        except ValueError:
            errors["status"] = console._("Choose a status from the list.")
    text = q.strip()[: MAX_QUERY + 1]
    page = OrderList(items=[])
    message: str | None = None
    if not errors:
        try:
            if text:
                page = orders.search_orders(tenant, text, limit=PAGE_SIZE, after=after or None)
                if chosen is not None:  # a shopper's orders, in the chosen status
                    page = page.model_copy(update={"items": [o for o in page.items if o.status is chosen]})
            else:
                page = orders.list_orders(tenant, status=chosen, limit=PAGE_SIZE, after=after or None)
        except Invalid:
            errors["q"] = console._("Enter an order number or an e-mail address.")
        except BadRequest:
            message = console._("This page link is out of date; start again from the first page.")
    return console.render(
        "orders.html",
        422 if errors else (400 if message else 200),
        page=page,
        errors=errors,
        message=message or (console._("Please correct the fields marked below.") if errors else None),
        values={"status": status, "q": q},
        status_options=_status_options(console),
        searching=bool(text),
        after=after,
        next_query=_query(status=status, q=q, after=page.next_cursor or ""),
        first_query=_query(status=status, q=q),
    )


def _query(**values: str) -> str:
    from urllib.parse import urlencode

    return urlencode({name: value for name, value in values.items() if value})


@dataclass(frozen=True)
class Move:
    value: str
    label: str
    closes: bool  # cancel or refund: the stock goes back


def _moves(console: Console, order: Order) -> list[Move]:
    labels = {
        OrderStatus.PAID: console._("Mark as paid"),
        OrderStatus.FULFILLED: console._("Mark as packed"),
        OrderStatus.SHIPPED: console._("Mark as shipped"),
        OrderStatus.DELIVERED: console._("Mark as delivered"),
        OrderStatus.CANCELLED: console._("Cancel the order"),
        OrderStatus.REFUNDED: console._("Refund the order"),
    }
    return [
        Move(status.value, labels.get(status, status.value), status in RESTORES_STOCK)
        for status in next_statuses(order.status)
        if status is not OrderStatus.PARTIALLY_REFUNDED  # made with the refund form
    ]


def _actors(console: Console, order: Order) -> dict[str, str]:
    """Who changed the order, as people read it: a member's name for ``staff:<id>`` (one Query of the
    team, only when a member acted), "Shopper" for the shopper."""
    names = {"shopper": console._("Shopper"), "system": console._("Orion")}
    if any(change.actor.startswith("staff:") for change in order.history):
        from orion.identity import service as identity

        names.update({f"staff:{m.user_id}": m.name for m in identity.list_members(console.access)})
    return names


def _shipment_messages(console: Console) -> dict[str, str]:
    """What a missing or wrong shipment field says (the service's SHIPMENT_MESSAGES, as people read
    them in the console's language)."""
    return {
        "carrier": console._("Enter the carrier (at most 80 characters)."),
        "tracking_number": console._(
            "Enter the tracking number: at most 80 letters, digits, hyphens or spaces."
        ),
        "tracking_url": console._("Enter a web address starting with https:// (at most 500 characters)."),
    }


def _detail(console: Console, order: Order, status: int = 200, **context: Any) -> HTMLResponse:
    return console.render(
        "order.html",
        status,
        order=order,
        actors=_actors(console, order),
        transitions=_moves(console, order),
        refundable=order.status in REFUNDABLE and order.refundable_amount > 0,
        status_label=status_label,
        **{"errors": {}, "values": {}, **context},
    )


@router.get("/admin/orders/{order_id}")
def order_page(console: SignedIn, order_id: str) -> HTMLResponse:
    console.need("orders.view")
    return _detail(console, orders.get_order(console.access.tenant, order_id))


@router.get("/admin/orders/{order_id}/packing-slip")
def packing_slip(console: SignedIn, order_id: str) -> HTMLResponse:
    console.need("orders.view")
    order = orders.get_order(console.access.tenant, order_id)
    return console.render("order_slip.html", order=order)


@router.post("/admin/orders/{order_id}/transition")
def transition(console: Posted, order_id: str) -> Any:
    access = console.need("orders.edit")
    tenant = access.tenant
    wanted, note = console.form.get("to"), console.form.get("transition_note").strip()
    shipment = {name: console.form.get(name).strip() for name in SHIPMENT_FIELDS}
    errors: dict[str, str] = {}
    target: OrderStatus | None = None
    try:
        target = OrderStatus(wanted)
    except ValueError:
        errors["to"] = console._("Choose one of the statuses offered.")
    if len(note) > MAX_NOTE:
        errors["transition_note"] = console._("At most {n} characters.", n=MAX_NOTE)
    if errors or target is None:
        order = orders.get_order(tenant, order_id)
        return _detail(
            console,
            order,
            422,
            errors=errors,
            values={"transition_note": note, **shipment},
            message=console._("The order was not changed."),
        )
    # Not allowed from the order's status: a Conflict (409 page), nothing written. Shipping without
    # the carrier or tracking number: the form again (422), nothing written.
    try:
        orders.transition_order(
            tenant, order_id, target, note=note, actor=f"staff:{access.user_id}", **shipment
        )
    except Invalid as exc:
        messages = _shipment_messages(console)
        return _detail(
            console,
            orders.get_order(tenant, order_id),
            422,
            errors={name: messages.get(name, console._(text)) for name, text in field_errors(exc).items()},
            values={"transition_note": note, **shipment},
            message=console._("The order was not changed."),
        )
    auditing.record(console, "order.transition", f"order:{order_id}", {"status": target.value})
    return _back(console, order_id, "The order's status was changed.")


@router.post("/admin/orders/{order_id}/notes")
def add_note(console: Posted, order_id: str) -> Any:
    access = console.need("orders.edit")
    tenant = access.tenant
    note = console.form.get("note")
    error = None
    if not note.strip():
        error = console._("Write the note first.")
    elif len(note.strip()) > MAX_NOTE:
        error = console._("At most {n} characters.", n=MAX_NOTE)
    if error is None:
        try:
            orders.add_order_note(tenant, order_id, note, actor=f"staff:{access.user_id}")
        except Invalid:
            error = console._("Write the note first.")
    if error is not None:
        return _detail(
            console,
            orders.get_order(tenant, order_id),
            422,
            errors={"note": error},
            values={"note": note},
            message=console._("The note was not saved."),
        )
    auditing.record(console, "order.note", f"order:{order_id}")
    return _back(console, order_id, "The note was added.")


@router.post("/admin/orders/{order_id}/refunds")
def refund(console: Posted, order_id: str) -> Any:
    """The refund form: units per line to put back in stock (``refund_qty_<position>``), the amount
    (empty: the chosen lines' value) and a reason. A card order's refund waits for Stripe's webhook."""
    access = console.need("orders.refund")
    tenant = access.tenant
    order = orders.get_order(tenant, order_id)
    values = {
        f"refund_qty_{line.position}": console.form.get(f"refund_qty_{line.position}").strip()
        for line in order.lines
    }
    values |= {
        "refund_amount": console.form.get("refund_amount").strip(),
        "refund_reason": console.form.get("refund_reason").strip(),
    }
    errors: dict[str, str] = {}
    lines: list[RefundLine] = []
    for line in order.lines:
        text = values[f"refund_qty_{line.position}"] or "0"
        if not text.isdigit() or int(text) > line.quantity:
            errors[f"refund_qty_{line.position}"] = console._(
                "Enter a number of units from 0 to {n}.", n=line.quantity
            )
        elif int(text):
            lines.append(RefundLine(sku=line.sku, quantity=int(text)))
    amount: int | None = None
    if values["refund_amount"]:
        try:
            amount = parse_amount(values["refund_amount"])
        except ValueError:
            errors["refund_amount"] = console._("Enter an amount like 12.50, or leave it empty.")
    if len(values["refund_reason"]) > MAX_NOTE:
        errors["refund_reason"] = console._("At most {n} characters.", n=MAX_NOTE)
    if not errors:
        try:
            refund_order(
                tenant,
                order_id,
                lines,
                amount=amount,
                reason=values["refund_reason"],
                actor=f"staff:{access.user_id}",
            )
        except Invalid as exc:
            errors = _refund_errors(console, order, field_errors(exc))
        except PaymentServiceUnreachable:
            return _detail(
                console,
                orders.get_order(tenant, order_id),
                503,
                values=values,
                message=console._("We could not reach Stripe; nothing was refunded. Try again."),
            )
    if errors:
        return _detail(
            console,
            orders.get_order(tenant, order_id),
            422,
            errors=errors,
            values=values,
            message=console._("Nothing was refunded."),
        )
    auditing.record(console, "order.refund", f"order:{order_id}")
    if order.payment_provider == "stripe":
        return _back(
            console, order_id, "The refund was sent to Stripe; the order changes when Stripe confirms it."
        )
    return _back(console, order_id, "The refund was recorded.")


def _refund_errors(console: Console, order: Order, found: dict[str, str]) -> dict[str, str]:
    """The service's refund errors on the form's fields, as people read them."""
    errors: dict[str, str] = {}
    for name in found:
        if name == "amount":
            left = order.refundable_amount
            errors["refund_amount"] = console._(
                "At most {amount} can still be refunded.", amount=f"{left // 100}.{left % 100:02d}"
            )
        elif name == "reason":
            errors["refund_reason"] = console._("At most {n} characters.", n=MAX_NOTE)
        else:  # a line: more units than are left to refund
            errors["refund_lines"] = console._("Choose at most the units not refunded yet.")
    return errors


def _back(console: Console, order_id: str, notice: str) -> RedirectResponse:
    return console.redirect(f"/admin/orders/{order_id}", notice)
