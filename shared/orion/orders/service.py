"""Order use cases: place an order (one transaction, never oversells, idempotent), read, transition.

A variant sold on backorder (``Variant.backorder``) is the one exception to "never more than the
stock": its line takes the stock there is and records the rest as ``backordered``; stock never goes
below zero."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import partial
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

from pydantic import ValidationError
from pynamodb.exceptions import PutError

from orion import runtime
from orion.catalog.models import ProductStatus, ProductSummary, TaxClass, Variant
from orion.catalog.stock_api import StockLevel, variants_with_levels
from orion.data.retry import back_off
from orion.errors import BadRequest, Conflict, FieldError, Invalid, NotFound, OrionError
from orion.ids import new_id, new_token
from orion.orders.errors import OutOfStock, PriceChanged, TransactionCancelled, Unavailable
from orion.orders.metrics import record_order_cancelled, record_order_placed
from orion.orders.models import (
    AWAITING_ACTION,
    REFUNDABLE,
    RESTORES_STOCK,
    CustomerDetails,
    LineRequest,
    Order,
    OrderLine,
    OrderList,
    OrderStatus,
    OrderSummary,
    PlacedOrder,
    Refund,
    RefundLine,
    RefundStatus,
    Shipment,
    StatusChange,
    VatLine,
    can_transition,
)
from orion.orders.notifications import notify_new_order, notify_status
from orion.orders.payments import PaymentProvider, payment_provider
from orion.orders.pricing import PricedLine, Totals, totals
from orion.orders.repository import OrderRepository
from orion.orders.shipping import get_shipping_settings
from orion.outbox.service import enqueue_email
from orion.rendering.i18n import format_money, translator
from orion.tenant import Tenant

# DynamoDB transactions hold at most 100 items; an order writes 2 per line + 4 (order, history,
# checkout key, cart), so 48 lines would fit: 40 leaves room and is far beyond any real cart.
MAX_ORDER_LINES = 40
CHECKOUT_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
# Transactions tried per order or restock: each stock write is conditioned on the band of stock levels
# it was computed for (orion.catalog.stock_api), so a concurrent order that moved a line's stock out of
# its band, near the low-stock threshold, sends this one back to read the stock again.
STOCK_ATTEMPTS = 8


# What the shopper reads (translated in orion.rendering.i18n; ``{names}``: the products concerned).
NOT_ENOUGH_STOCK = "Sorry, we do not have enough stock of {names} any more."
PRICE_CHANGED = (
    "The price of {names} changed since you added it to your cart. Please check the new prices and"
    " place your order again."
)
UNAVAILABLE = "Some items are no longer available: {names}"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def place_order(
    tenant: Tenant,
    lines: Sequence[LineRequest],
    customer: CustomerDetails,
    *,
    checkout_key: str,
    payment: str | PaymentProvider = "manual",
    language: str = "en",
    cart_id: str | None = None,
    site_url: str | None = None,
    store_name: str | None = None,
    customer_id: str | None = None,
) -> PlacedOrder:
    """Turn wanted lines into an order at today's prices, in one DynamoDB transaction that decrements
    each variant's stock on condition it suffices, writes the order, its lines and first status, and
    records ``checkout_key``: a second submission with the same key returns the first order
    (``created=False``) and writes nothing. Raises OutOfStock, Unavailable or (for lines with an
    agreed price that is no longer the price) PriceChanged, with nothing written. ``site_url`` (the
    store's address as the shopper used it) puts the order's status link in the confirmation e-mail,
    which names the store as ``store_name`` and speaks the order's language."""
    if not CHECKOUT_KEY.fullmatch(checkout_key):
        raise BadRequest("The checkout form is out of date; please reload it.")
    repository = runtime.repository(OrderRepository)
    replay = _replay(tenant, repository, checkout_key)
    if replay is not None:
        return replay
    if not lines:
        raise Invalid("Your cart is empty.")
    if len(lines) > MAX_ORDER_LINES:
        raise Invalid(f"An order can hold at most {MAX_ORDER_LINES} different items.")
    if len({line.sku for line in lines}) != len(lines):
        raise Invalid("Each item may appear only once in an order.")
    # A provider of an optional module (orion.payments) is handed in by the function that composes them.
    provider = payment_provider(payment) if isinstance(payment, str) else payment
    refs = [(line.product_id, line.sku) for line in lines]
    current = _sellable(lines, variants_with_levels(tenant, refs), language)
    currencies = {current[line.sku][1].currency for line in lines}
    if len(currencies) != 1:
        raise Invalid("All items of an order must be priced in one currency.")
    now = datetime.now(UTC)
    order_lines = tuple(
        OrderLine(
            position=position,
            product_id=line.product_id,
            handle=current[line.sku][0].handle,
            sku=line.sku,
            title=current[line.sku][0].title_in(language),
            variant_label=current[line.sku][1].label,
            unit_price=current[line.sku][1].price,
            quantity=line.quantity,
            currency=current[line.sku][1].currency,
            backordered=current[line.sku][1].backordered(line.quantity, current[line.sku][2].stock),
            tax_class=current[line.sku][0].tax_class.value,
        )
        for position, line in enumerate(lines, start=1)
    )
    # Shipping for the destination and the VAT included (a country not shipped to: 422, nothing written).
    priced = order_totals(tenant, order_lines, customer.country)
    draft = Order(
        id=new_id(),
        status=OrderStatus.PENDING,
        currency=currencies.pop(),
        subtotal=priced.subtotal,
        shipping=priced.shipping,
        vat=tuple(VatLine(rate=v.rate, amount=v.amount) for v in priced.vat),
        total=priced.total,
        customer=customer,
        language=language,
        payment_provider=provider.code,
        customer_id=customer_id,
        created_at=now,
        updated_at=now,
        lines=order_lines,
        site_url=site_url.rstrip("/") if site_url else None,
    )
    start = provider.start(tenant, draft)
    order = draft.model_copy(
        update={
            "status": start.status,
            "payment_instructions": start.instructions,
            "history": (StatusChange(status=start.status, at=now, note="Order placed", actor="shopper"),),
        }
    )
    token = new_token()
    status_url = _status_url(site_url, order.id, token, language)
    for attempt in range(STOCK_ATTEMPTS):
        back_off(attempt)
        try:
            repository.create(
                tenant,
                order,
                token=token,
                token_hash=token_digest(token),
                checkout_key=checkout_key,
                cart_id=cart_id,
                levels={sku: level for sku, (_, _, level) in current.items()},
                status_url=status_url,
            )
            break
        except TransactionCancelled as cancelled:
            if "checkout-key" in cancelled.failed:  # a concurrent duplicate submit won the race
                replay = _replay(tenant, repository, checkout_key)
                if replay is not None:
                    return replay
            if "order" in cancelled.failed:
                raise Conflict("Your order could not be placed; please try again.") from cancelled
            # A line's stock moved since it was read (another order, a restock) or DynamoDB saw a
            # concurrent transaction: read the stock again; out of stock now means no order, and a
            # backorder line takes what the stock is now.
            current = _sellable(lines, variants_with_levels(tenant, refs), language)
            order = order.model_copy(update={"lines": _with_backorders(order.lines, current)})
    else:
        raise Conflict("The stock of your items is changing fast; please try again.")
    record_order_placed(tenant, order)
    _send_confirmation(tenant, order, status_url=status_url, store_name=store_name)
    notify_new_order(tenant, order)
    return PlacedOrder(order=order, token=token, created=True)


def order_totals(tenant: Tenant, lines: Sequence[OrderLine], country: str) -> Totals:
    """What ``lines`` cost delivered to ``country`` under the store's shipping and VAT settings (one
    GetItem); NotShippedTo when the store does not ship there."""
    priced = [PricedLine(line.total, TaxClass(line.tax_class)) for line in lines]
    return totals(priced, country, get_shipping_settings(tenant))


def status_path(order_id: str, token: str) -> str:
    """Where the shopper sees an order (relative to the store's address)."""
    return f"/orders/{order_id}?token={quote(token)}"


def _status_url(site_url: str | None, order_id: str, token: str, language: str) -> str | None:
    """The status page's address, in the order's language (the e-mail's link opens it so)."""
    if not site_url:
        return None
    return f"{site_url.rstrip('/')}{status_path(order_id, token)}&{urlencode({'lang': language})}"


def _sellable(
    lines: Sequence[LineRequest],
    current: dict[str, tuple[ProductSummary, Variant, StockLevel]],
    language: str = "en",
) -> dict[str, tuple[ProductSummary, Variant, StockLevel]]:
    """``current`` if every line is still sold, at the price the shopper agreed to, and in stock;
    else Unavailable, PriceChanged or OutOfStock (their messages name the products as the shopper
    knows them, ``extra`` the SKUs)."""

    def named(sku: str) -> str:
        if sku not in current:
            return sku
        product, variant, _ = current[sku]
        label = f" ({variant.label})" if variant.label else ""
        return f"{product.title_in(language)}{label}"

    unavailable = [
        line.sku
        for line in lines
        if line.sku not in current or current[line.sku][0].status is not ProductStatus.ACTIVE
    ]
    if unavailable:
        raise _for_people(Unavailable, UNAVAILABLE, unavailable, named, extra={"skus": unavailable})
    changes = [
        {"sku": line.sku, "was": line.agreed_price, "now": variant.price, "currency": variant.currency}
        for line in lines
        if line.agreed_price is not None
        and (
            (variant := current[line.sku][1]).price != line.agreed_price
            or (line.agreed_currency is not None and variant.currency != line.agreed_currency)
        )
    ]
    if changes:
        changed = [str(c["sku"]) for c in changes]
        raise _for_people(PriceChanged, PRICE_CHANGED, changed, named, extra={"changes": changes})
    short = [
        line.sku
        for line in lines
        if current[line.sku][1].stock < line.quantity and not current[line.sku][1].backorder
    ]
    if short:
        raise _for_people(OutOfStock, NOT_ENOUGH_STOCK, short, named, extra={"skus": short})
    return current


def _with_backorders(
    lines: Sequence[OrderLine], current: dict[str, tuple[ProductSummary, Variant, StockLevel]]
) -> tuple[OrderLine, ...]:
    """The lines with their backordered units as the stock read in ``current`` leaves them."""
    backordered = {sku: variant.backordered for sku, (_, variant, _) in current.items()}
    return tuple(
        line.model_copy(
            update={"backordered": backordered[line.sku](line.quantity, current[line.sku][2].stock)}
        )
        for line in lines
    )


def _send_confirmation(
    tenant: Tenant, order: Order, *, status_url: str | None, store_name: str | None
) -> None:
    """The order confirmation e-mail in the order's language, through the outbox (sent after the
    request, retried there)."""
    t = translator(order.language)
    store = store_name or tenant.require_store()
    amount = format_money(order.total, order.currency, order.language)
    lines = "\n".join(
        f"  {line.quantity} x {line.title}{f' ({line.variant_label})' if line.variant_label else ''}"
        f"  {format_money(line.total, order.currency, order.language)}"
        for line in order.lines
    )
    follow = f"\n\n{t('Follow your order here: {url}', url=status_url)}\n" if status_url else "\n"
    enqueue_email(
        tenant,
        to=str(order.customer.email),
        subject=t("Your order {id} at {store}", id=order.id, store=store),
        text=(
            f"{t('Thank you for your order, {name}.', name=order.customer.name)}\n\n{lines}\n\n"
            f"{_breakdown(order, t)}\n{t('Total')}: {amount}\n{order.payment_instructions}{follow}"
        ),
        kind="order_confirmation",
        data={"order_id": order.id},
    )


def _breakdown(order: Order, t: Callable[..., str]) -> str:
    """Subtotal, shipping and the VAT included per rate, one line each, for the e-mail."""
    money = partial(format_money, currency=order.currency, lang=order.language)
    shipping = money(order.shipping) if order.shipping else t("Free")
    vat = "".join(f"{t('incl. VAT {rate}%', rate=v.rate)}: {money(v.amount)}\n" for v in order.vat)
    return f"{t('Subtotal')}: {money(order.subtotal)}\n{t('Shipping')}: {shipping}\n{vat}"


def get_order(tenant: Tenant, order_id: str) -> Order:
    """An order with its lines and history (for staff)."""
    found = runtime.repository(OrderRepository).get(tenant, order_id) if _plausible_id(order_id) else None
    if found is None:
        raise NotFound("We could not find that order.")
    return found[0]


def get_order_for_shopper(tenant: Tenant, order_id: str, token: str | None) -> Order:
    """The order whose status-page token is ``token``; a wrong or missing token is a 404 (the order's
    existence is not revealed)."""
    found = (
        runtime.repository(OrderRepository).get(tenant, order_id)
        if _plausible_id(order_id) and token
        else None
    )
    if found is None or not hmac.compare_digest(found[1], token_digest(token or "")):
        raise NotFound("We could not find that order.")
    return found[0]


def list_orders(
    tenant: Tenant,
    *,
    status: OrderStatus | None = None,
    limit: int = 50,
    after: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> OrderList:
    """A store's orders, newest first, optionally in one status and placed within ``[since, until]``;
    one Query per page (the date range is part of the key condition). The orders come without lines
    and history (use :func:`get_order` for those)."""
    if not 1 <= limit <= 100:
        raise BadRequest("limit must be between 1 and 100")
    if since and until and since > until:
        raise BadRequest("'since' must not be after 'until'")
    return runtime.repository(OrderRepository).list(
        tenant, status=status, limit=limit, after=after, since=since, until=until
    )


def search_orders(tenant: Tenant, query: str, *, limit: int = 50, after: str | None = None) -> OrderList:
    """Orders found by their number (the order id: one Query) or by the shopper's e-mail address
    (newest first: one Query and one BatchGetItem per page); anything else is Invalid on ``q``."""
    if not 1 <= limit <= 100:
        raise BadRequest("limit must be between 1 and 100")
    text = query.strip()
    if _plausible_id(text.upper()):
        found = runtime.repository(OrderRepository).get(tenant, text.upper())
        return OrderList(items=[found[0]] if found else [])
    if "@" in text and len(text) <= 254:
        return runtime.repository(OrderRepository).by_email(tenant, text, limit=limit, after=after)
    raise Invalid(errors=[FieldError("q", "enter an order number or an e-mail address")])


def orders_awaiting_action(tenant: Tenant, *, limit: int = 10, scan: int = 100) -> list[Order]:
    """Up to ``limit`` of the store's newest orders waiting for staff (pending payment, paid, packed),
    newest first, from its ``scan`` newest orders (one Query)."""
    found = runtime.repository(OrderRepository).awaiting_action(tenant, AWAITING_ACTION, scan=scan)
    return list(found[:limit])


def add_order_note(tenant: Tenant, order_id: str, note: str, *, actor: str) -> Order:
    """Add a staff note to an order's history (its status does not change)."""
    note = note.strip()
    if not note:
        raise Invalid(errors=[FieldError("note", "must not be empty")])
    order = get_order(tenant, order_id)
    change = StatusChange(status=order.status, at=datetime.now(UTC), note=note[:500], actor=actor[:200])
    try:
        runtime.repository(OrderRepository).add_history_entry(tenant, order, change)
    except PutError as exc:
        raise Conflict("The order changed meanwhile; reload it and try again.") from exc
    return order.model_copy(update={"history": (*order.history, change)})


def transition_order(
    tenant: Tenant,
    order_id: str,
    target: OrderStatus,
    *,
    note: str = "",
    actor: str = "staff",
    carrier: str = "",
    tracking_number: str = "",
    tracking_url: str = "",
) -> Order:
    """Move an order along the state machine (see models.TRANSITIONS), recording who and why.
    Cancelling or refunding puts back the stock the lines took, in the same transaction. Shipping
    needs the ``carrier`` and ``tracking_number`` (Invalid naming each missing or wrong field, nothing
    written; other moves ignore them). The shopper's e-mail for the new status follows (see
    orion.orders.notifications)."""
    order = get_order(tenant, order_id)
    if target is OrderStatus.PARTIALLY_REFUNDED:
        raise Conflict(
            "A partial refund is made with a refund (its amount and lines), not a status change.",
            errors=[FieldError("status", "use the order's refunds")],
        )
    if not can_transition(order.status, target):
        raise Conflict(
            f"An order that is {order.status.value} cannot become {target.value}.",
            errors=[FieldError("status", f"not allowed from {order.status.value}")],
        )
    if target is OrderStatus.SHIPPED:
        shipment = shipment_from(carrier, tracking_number, tracking_url)
        order = order.model_copy(update={"shipment": shipment})
    change = StatusChange(status=target, at=datetime.now(UTC), note=note[:500], actor=actor[:200])
    for attempt in range(STOCK_ATTEMPTS):
        back_off(attempt)
        restock: list[tuple[StockLevel, int]] = []
        if target in RESTORES_STOCK:
            refs = [(line.product_id, line.sku) for line in order.lines]
            existing = variants_with_levels(tenant, refs)
            # less what refunds already put back (a partially refunded order refunded in full)
            back = {line.sku: line.taken - order.restocked(line.sku, done_only=True) for line in order.lines}
            restock = [
                (existing[line.sku][2], back[line.sku])
                for line in order.lines
                if line.sku in existing and back[line.sku] > 0
            ]
        try:
            runtime.repository(OrderRepository).change_status(tenant, order, change, restock)
            break
        except TransactionCancelled as exc:
            if "order" in exc.failed or not restock:
                raise Conflict("The order changed meanwhile; reload it and try again.") from exc
            # a restocked variant's stock moved since it was read: read it again
    else:
        raise Conflict("The stock of this order's items is changing fast; please try again.")
    if target in RESTORES_STOCK:  # terminal states: reached once per order
        record_order_cancelled(tenant, order)
    moved = order.model_copy(
        update={"status": target, "updated_at": change.at, "history": (*order.history, change)}
    )
    repository = runtime.repository(OrderRepository)
    notify_status(tenant, moved, status_url=lambda: repository.status_url(tenant, order.id))
    return moved


# --- refunds ------------------------------------------------------------------------------------------

MAX_REFUND_REASON = 500


def plan_refund(
    order: Order,
    lines: Sequence[RefundLine],
    *,
    amount: int | None = None,
    reason: str = "",
    actor: str = "staff",
) -> Refund:
    """The next refund of ``order`` (pending) for ``lines`` (units to put back in stock) and ``amount``
    (default: the lines' value), or Invalid (422) naming ``lines`` (unknown, repeated, more units than
    the order has left to refund) or ``amount`` (none, or more than was paid and not yet refunded);
    Conflict when the order's money was not taken (not paid) or was all given back."""
    if order.status not in REFUNDABLE:
        raise Conflict(
            f"An order that is {order.status.value} cannot be refunded.",
            errors=[FieldError("status", f"not refundable when {order.status.value}")],
        )
    by_sku = {line.sku: line for line in order.lines}
    errors: list[FieldError] = []
    if len({line.sku for line in lines}) != len(lines):
        errors.append(FieldError("lines", "name each line once"))
    for index, line in enumerate(lines):
        bought = by_sku.get(line.sku)
        if bought is None:
            errors.append(FieldError(f"lines.{index}.sku", f"{line.sku[:60]} is not a line of this order"))
        elif line.quantity > bought.quantity - order.restocked(line.sku):
            left = bought.quantity - order.restocked(line.sku)
            errors.append(FieldError(f"lines.{index}.quantity", f"at most {left} left to refund"))
    value = sum(by_sku[line.sku].unit_price * line.quantity for line in lines if line.sku in by_sku)
    wanted = value if amount is None else amount
    if wanted < 1:
        errors.append(FieldError("amount", "choose lines or give an amount to refund"))
    elif wanted > order.refundable_amount:
        money = format_money(order.refundable_amount, order.currency, "en")
        errors.append(FieldError("amount", f"more than was paid and not yet refunded ({money})"))
    if len(reason.strip()) > MAX_REFUND_REASON:
        errors.append(FieldError("reason", f"at most {MAX_REFUND_REASON} characters"))
    if errors:
        raise Invalid("This refund cannot be made.", errors=errors)
    return Refund(
        number=len(order.refunds) + 1,
        amount=wanted,
        lines=tuple(lines),
        reason=reason.strip(),
        actor=actor[:200],
        created_at=datetime.now(UTC),
    )


def record_refund(
    tenant: Tenant,
    order_id: str,
    lines: Sequence[RefundLine],
    *,
    amount: int | None = None,
    reason: str = "",
    actor: str = "staff",
) -> Order:
    """A refund staff made themselves (a manual, invoice order: the money went back by bank transfer):
    the order becomes ``refunded`` (all the money back) or ``partially_refunded`` at once and the
    chosen lines' units go back in stock."""
    order = get_order(tenant, order_id)
    refund = plan_refund(order, lines, amount=amount, reason=reason, actor=actor)
    done = refund.model_copy(update={"status": RefundStatus.DONE, "completed_at": refund.created_at})
    return _write_refunds(tenant, order, (*order.refunds, done), actor=actor)


def open_refund(
    tenant: Tenant,
    order_id: str,
    lines: Sequence[RefundLine],
    *,
    amount: int | None = None,
    reason: str = "",
    actor: str = "staff",
) -> tuple[Order, Refund]:
    """Record a pending refund (the payment provider is asked next, and its confirmation settles it,
    see :func:`settle_refunds`); its status and stock do not change yet."""
    order = get_order(tenant, order_id)
    refund = plan_refund(order, lines, amount=amount, reason=reason, actor=actor)
    return _write_refunds(tenant, order, (*order.refunds, refund), actor=actor), refund


def mark_refund(
    tenant: Tenant, order_id: str, number: int, *, reference: str | None, failed: bool = False
) -> Order:
    """Keep the provider's reference of refund ``number``, or mark it failed (nothing went back: its
    amount and lines may be refunded again)."""
    for _ in range(STOCK_ATTEMPTS):
        order = get_order(tenant, order_id)
        refunds = tuple(
            r.model_copy(
                update={"reference": reference or r.reference}
                | ({"status": RefundStatus.FAILED} if failed and r.status is RefundStatus.PENDING else {})
            )
            if r.number == number
            else r
            for r in order.refunds
        )
        if refunds == order.refunds:
            return order
        try:
            runtime.repository(OrderRepository).save_refunds(
                tenant, order, order.model_copy(update={"refunds": refunds}), None
            )
            return order.model_copy(update={"refunds": refunds})
        except TransactionCancelled:
            continue
    raise Conflict("The order changed meanwhile; reload it and try again.")


def settle_refunds(tenant: Tenant, order_id: str, refunded: int, *, actor: str) -> str:
    """The payment provider says ``refunded`` minor units of the order's payment went back in all:
    its pending refunds, oldest first, become done as far as that amount covers them (their lines'
    units go back in stock), and the order becomes ``refunded`` when the whole total went back, else
    ``partially_refunded``. Idempotent: the same or an older figure again changes nothing. What was
    done: ``refunded``, ``partially refunded`` or ``unchanged``."""
    for _ in range(STOCK_ATTEMPTS):
        order = get_order(tenant, order_id)
        covered, now, refunds = order.refunded_amount, datetime.now(UTC), []
        for refund in order.refunds:
            if refund.status is RefundStatus.PENDING and covered + refund.amount <= refunded:
                covered += refund.amount
                refunds.append(refund.model_copy(update={"status": RefundStatus.DONE, "completed_at": now}))
            else:
                refunds.append(refund)
        target = _refund_status(order, refunded)
        if tuple(refunds) == order.refunds and (target is None or target is order.status):
            return "unchanged"
        try:
            moved = _write_refunds(tenant, order, tuple(refunds), actor=actor, target=target)
        except Conflict:
            continue  # moved meanwhile (another event, staff): read it again
        return "refunded" if moved.status is OrderStatus.REFUNDED else "partially refunded"
    raise Conflict("The order changed meanwhile; please try again.")


def _refund_status(order: Order, refunded: int) -> OrderStatus | None:
    if refunded <= 0 or order.status not in REFUNDABLE:
        return None
    return OrderStatus.REFUNDED if refunded >= order.total else OrderStatus.PARTIALLY_REFUNDED


def _write_refunds(
    tenant: Tenant,
    order: Order,
    refunds: tuple[Refund, ...],
    *,
    actor: str,
    target: OrderStatus | None = None,
) -> Order:
    """Write ``refunds`` on ``order``; refunds newly done put their lines' units back in stock (only
    units the line took, never twice) and move the order (``target``, else by the money given back)."""
    updated = order.model_copy(update={"refunds": refunds})
    before = {r.number: r.status for r in order.refunds}
    newly = [
        r for r in refunds if r.status is RefundStatus.DONE and before.get(r.number) is not RefundStatus.DONE
    ]
    if target is None and newly:
        target = _refund_status(order, updated.refunded_amount)
    change: StatusChange | None = None
    if target is not None:
        money = format_money(sum(r.amount for r in newly), order.currency, "en")
        reasons = "; ".join(r.reason for r in newly if r.reason)
        note = f"Refunded {money}" + (f": {reasons}" if reasons else "")
        change = StatusChange(status=target, at=datetime.now(UTC), note=note[:500], actor=actor[:200])
        updated = updated.model_copy(
            update={"status": target, "updated_at": change.at, "history": (*order.history, change)}
        )
    back: dict[str, int] = {}
    for refund in newly:
        for line in refund.lines:
            bought = next(b for b in order.lines if b.sku == line.sku)
            already = order.restocked(line.sku, done_only=True) + back.get(line.sku, 0)
            units = min(line.quantity, max(0, bought.taken - already))
            if units:
                back[line.sku] = back.get(line.sku, 0) + units
    repository = runtime.repository(OrderRepository)
    for attempt in range(STOCK_ATTEMPTS):
        back_off(attempt)
        restock: list[tuple[StockLevel, int]] = []
        if back:
            refs = [(line.product_id, line.sku) for line in order.lines if line.sku in back]
            existing = variants_with_levels(tenant, refs)
            restock = [(existing[sku][2], units) for sku, units in back.items() if sku in existing]
        try:
            repository.save_refunds(tenant, order, updated, change, restock)
            break
        except TransactionCancelled as exc:
            if "order" in exc.failed or not restock:
                raise Conflict("The order changed meanwhile; reload it and try again.") from exc
    else:
        raise Conflict("The stock of this order's items is changing fast; please try again.")
    if change is not None:  # each refund done: the shopper hears of it, with the amount
        if change.status is OrderStatus.REFUNDED and order.status is not OrderStatus.REFUNDED:
            record_order_cancelled(tenant, order)
        notify_status(tenant, updated, status_url=lambda: repository.status_url(tenant, order.id))
    return updated


# What staff read when a shipment's details are missing or wrong, by field.
SHIPMENT_MESSAGES = {
    "carrier": "Enter the carrier (at most 80 characters).",
    "tracking_number": "Enter the tracking number: at most 80 letters, digits, hyphens or spaces.",
    "tracking_url": "Enter a web address starting with https:// (at most 500 characters).",
}


def shipment_from(carrier: str, tracking_number: str, tracking_url: str = "") -> Shipment:
    """The shipment staff described, or Invalid with a message per missing or wrong field."""
    try:
        return Shipment(
            carrier=carrier,
            tracking_number=tracking_number,
            tracking_url=tracking_url.strip() or None,
        )
    except ValidationError as exc:
        fields = dict.fromkeys(str(problem["loc"][0]) for problem in exc.errors() if problem["loc"])
        raise Invalid(
            "Give the carrier and the tracking number of the shipment.",
            errors=[FieldError(name, SHIPMENT_MESSAGES.get(name, "invalid")) for name in fields],
        ) from exc


def record_payment(tenant: Tenant, order_id: str, *, reference: str | None, note: str = "") -> Order:
    """Keep a payment provider's reference (e.g. a PaymentIntent id) and the shopper's note about the
    last attempt on the order; its status is unchanged (moves go through :func:`transition_order`)."""
    order = get_order(tenant, order_id)
    if order.payment_reference == reference and order.payment_note == note:
        return order
    _changed_safely(partial(_set_payment, tenant, reference=reference, note=note), tenant, order)
    return get_order(tenant, order_id)


def _set_payment(tenant: Tenant, order: Order, *, reference: str | None, note: str) -> None:
    runtime.repository(OrderRepository).set_payment(tenant, order, reference, note[:300])


def find_placed(tenant: Tenant, checkout_key: str) -> PlacedOrder | None:
    """The order a checkout form's key already placed (``created=False``), or None."""
    if not CHECKOUT_KEY.fullmatch(checkout_key):
        return None
    return _replay(tenant, runtime.repository(OrderRepository), checkout_key)


def _replay(tenant: Tenant, repository: OrderRepository, checkout_key: str) -> PlacedOrder | None:
    used = repository.checkout_key(tenant, checkout_key)
    if used is None:
        return None
    found = repository.get(tenant, used[0])
    if found is None:
        return None
    return PlacedOrder(order=found[0], token=used[1], created=False)


E = TypeVar("E", bound=OrionError)


def _for_people(
    kind: type[E], template: str, skus: list[str], named: Callable[[str], str], *, extra: dict[str, Any]
) -> E:
    """The error with its message as a template (``{names}``: the products as the shopper knows them),
    so the shopper's page can translate it."""
    names = ", ".join(named(sku) for sku in skus)
    return kind(template.format(names=names), extra=extra, template=template, params={"names": names})


def _plausible_id(order_id: str) -> bool:
    return bool(re.fullmatch(r"[0-9A-Z]{26}", order_id))


# --- shopper accounts (orion.customers) ---------------------------------------------------------------

ANONYMOUS_NAME = "Deleted customer"
ANONYMOUS_EMAIL = "deleted@anonymous.example.com"


def customer_orders(
    tenant: Tenant, customer_id: str, *, limit: int = 50, after: str | None = None
) -> tuple[list[OrderSummary], str | None]:
    """A shopper account's orders, newest first (one Query), and the next page's cursor."""
    if not 1 <= limit <= 100:
        raise BadRequest("limit must be between 1 and 100")
    return runtime.repository(OrderRepository).for_customer(tenant, customer_id, limit=limit, after=after)


def get_customer_order(tenant: Tenant, customer_id: str, order_id: str) -> Order:
    """One of the account's orders; another's (or none) is a 404 that reveals nothing."""
    found = runtime.repository(OrderRepository).get(tenant, order_id) if _plausible_id(order_id) else None
    if found is None or found[0].customer_id != customer_id:
        raise NotFound("We could not find that order.")
    return found[0]


def attach_guest_orders(tenant: Tenant, email: str, customer_id: str) -> int:
    """Make the guest orders placed with ``email`` the account's (its address was just verified);
    how many joined. Orders of another account stay theirs."""
    repository = runtime.repository(OrderRepository)
    joined, after = 0, None
    while True:
        page = repository.by_email(tenant, email, limit=100, after=after)
        for order in page.items:
            if order.customer_id is None and _changed_safely(
                partial(repository.attach, tenant, customer_id=customer_id), tenant, order
            ):
                joined += 1
        if not page.next_cursor:
            return joined
        after = page.next_cursor


def anonymise_customer_orders(tenant: Tenant, customer_id: str) -> int:
    """Erase who placed the account's orders (the account is being deleted): name, address and e-mail
    give way to placeholders, while totals, lines and history stay for the books. How many."""
    repository = runtime.repository(OrderRepository)
    anonymous = CustomerDetails(
        email=ANONYMOUS_EMAIL, name=ANONYMOUS_NAME, address="---", postal_code="", city="", country="LU"
    )
    erased, after = 0, None
    while True:
        summaries, after = repository.for_customer(tenant, customer_id, limit=100, after=after)
        for summary in summaries:
            found = repository.get(tenant, summary.id)
            if found is None:
                continue
            order = found[0]
            placeholder = anonymous.model_copy(update={"country": order.customer.country})
            if _changed_safely(partial(repository.anonymise, tenant, anonymous=placeholder), tenant, order):
                erased += 1
        if after is None:
            return erased


def _changed_safely(change: Callable[[Order], None], tenant: Tenant, order: Order) -> bool:
    """``change(order)``, read again and retried while staff move the order at the same moment."""
    current: Order | None = order
    for attempt in range(STOCK_ATTEMPTS):
        if current is None:
            return False
        back_off(attempt)
        try:
            change(current)
            return True
        except TransactionCancelled:
            found = runtime.repository(OrderRepository).get(tenant, order.id)
            current = found[0] if found else None
    raise Conflict("The order changed meanwhile; please try again.")
