"""Card payment of orders through the store's own Stripe account.

The order is written first (pending, stock reserved, by orion.orders); then a PaymentIntent is
created for its total with the order id as idempotency key and kept on the order. The order becomes
``paid`` only when Stripe's signed ``payment_intent.succeeded`` webhook arrives (never on the
browser's word); each webhook event is acted on once (an event-id item, written after it was
processed, with a ttl); events for another store are refused."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from orion import runtime
from orion.errors import Conflict, FieldError, Invalid, NotFound
from orion.observability import logger
from orion.orders.models import Order, OrderStatus, RefundLine
from orion.orders.payments import PaymentStart
from orion.orders.service import (
    add_order_note,
    get_order,
    mark_refund,
    open_refund,
    record_payment,
    record_refund,
    settle_refunds,
    transition_order,
)
from orion.payments import stripe_api
from orion.payments.connection import stripe_keys
from orion.payments.errors import (
    BadWebhook,
    CardRefused,
    PaymentServiceUnreachable,
    RefundRefused,
    Unreachable,
    decline_reason,
)
from orion.payments.repository import PaymentRepository
from orion.rendering.i18n import translator
from orion.settings import get_settings
from orion.tenant import Tenant

PROVIDER = "stripe"
CARD_INSTRUCTIONS = "Pay by card on this page. Your order is reserved for {minutes} minutes."
DECLINED = "card declined: {reason}"


class CardPayment:
    """Card payment through Stripe: the order waits as ``pending`` until Stripe's webhook says paid."""

    code = PROVIDER
    name = "Card"

    def start(self, tenant: Tenant, order: Order) -> PaymentStart:
        minutes = str(get_settings().payment_timeout_minutes)
        return PaymentStart(
            status=OrderStatus.PENDING,
            instructions=translator(order.language)(CARD_INSTRUCTIONS, minutes=minutes),
        )


CARD = CardPayment()


def card_payment_available(tenant: Tenant) -> bool:
    """Whether the store has connected Stripe (the checkout then offers card payment)."""
    return stripe_keys(tenant) is not None


@dataclass(frozen=True)
class PaymentView:
    """An order's payment as the shopper's page and JSON twin show it.

    ``status``: ``requires_payment`` (pay with ``client_secret``), ``processing``, ``paid``,
    ``unreachable`` (Stripe did not answer: try again), ``unavailable`` (the store disconnected
    Stripe), ``closed`` (cancelled or refunded), ``manual`` (an invoice order), or, answering a payment
    just sent, ``requires_action`` (3-D Secure, completed with ``client_secret``)."""

    provider: str
    status: str
    client_secret: str | None = None
    publishable_key: str | None = None
    js_url: str | None = None
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "status": self.status,
            "client_secret": self.client_secret,
            "message": self.note or None,
        }


def payment_of(tenant: Tenant, order: Order) -> PaymentView:
    """The order's payment; for a pending card order the PaymentIntent to pay, created the first time
    (idempotency key: the order id) and kept on the order. Stripe unreachable is the ``unreachable``
    status, never an error: the order stays pending and the page offers to try again."""
    if order.payment_provider != PROVIDER:
        return PaymentView(provider=order.payment_provider, status="manual")
    if order.status is not OrderStatus.PENDING:
        closed = order.status in (OrderStatus.CANCELLED, OrderStatus.REFUNDED)  # partly refunded: paid
        return PaymentView(provider=PROVIDER, status="closed" if closed else "paid")
    keys = stripe_keys(tenant)
    if keys is None:
        return PaymentView(provider=PROVIDER, status="unavailable", note=order.payment_note)
    js_url = get_settings().stripe_js_base.rstrip("/") + "/v3/"
    try:
        if order.payment_reference:
            intent = stripe_api.retrieve_intent(keys.secret_key, order.payment_reference)
        else:
            intent = stripe_api.create_intent(
                keys.secret_key,
                amount=order.total,
                currency=order.currency,
                idempotency_key=order.id,
                metadata={"platform": tenant.platform, "store": tenant.require_store(), "order_id": order.id},
            )
            record_payment(tenant, order.id, reference=intent.id, note=order.payment_note)
    except Unreachable:
        logger.warning("stripe unreachable", extra={"order_id": order.id})
        return PaymentView(provider=PROVIDER, status="unreachable", js_url=js_url, note=order.payment_note)
    status = "processing" if intent.status == "processing" else "requires_payment"
    return PaymentView(
        provider=PROVIDER,
        status=status,
        client_secret=intent.client_secret,
        publishable_key=keys.publishable_key or None,
        js_url=js_url,
        note=order.payment_note,
    )


_CARD_TOKEN = re.compile(r"^(tok|pm)_[A-Za-z0-9_]{6,100}$")


def pay_with_card(tenant: Tenant, order: Order, card_token: str) -> PaymentView:
    """The shopper pays a pending card order with the card stripe.js tokenised: confirmed with Stripe on
    the server. The order still turns ``paid`` only with Stripe's webhook; the answer says what the page
    shows meanwhile (``processing``, or ``requires_action`` for 3-D Secure with the ``client_secret``
    stripe.js completes it with). A declined card is kept as the order's payment note and the form is
    offered again; Stripe unreachable is ``unreachable``."""
    if not _CARD_TOKEN.fullmatch(card_token):
        raise Invalid(errors=[FieldError("card_token", "The card details did not reach us; try again.")])
    current = payment_of(tenant, order)
    if current.status != "requires_payment" or (
        not order.payment_reference and current.client_secret is None
    ):
        return current
    keys = stripe_keys(tenant)
    # The PaymentIntent payment_of made the first time is on the order now.
    reference = order.payment_reference or get_order(tenant, order.id).payment_reference
    if keys is None or reference is None:
        return current
    try:
        intent = stripe_api.confirm_with_card(keys.secret_key, reference, card_token)
    except CardRefused as refused:
        note = DECLINED.format(reason=str(refused))
        record_payment(tenant, order.id, reference=reference, note=note)
        return replace(current, note=note)
    except Unreachable:
        logger.warning("stripe unreachable", extra={"order_id": order.id})
        return replace(current, status="unreachable")
    if intent.status == "requires_action":
        return replace(current, status="requires_action", client_secret=intent.client_secret)
    return replace(current, status="processing", client_secret=None)


# --- refunds ----------------------------------------------------------------------------------------


def refund_order(
    tenant: Tenant,
    order_id: str,
    lines: Sequence[RefundLine],
    *,
    amount: int | None = None,
    reason: str = "",
    actor: str = "staff",
) -> Order:
    """Refund all or part of a paid order. A card order: a pending refund is recorded (so two staff
    cannot refund the same money), then Stripe is asked (idempotency key ``<order id>-refund-<n>``,
    the refund's number); the order moves and the lines' stock comes back when the
    ``charge.refunded`` webhook arrives. Any other order (invoice, bank transfer): staff gave the money
    back themselves, so the order moves and the stock comes back at once (orion.orders).
    Invalid (422) for unknown lines or more than was paid and not yet refunded; Conflict when not
    refundable; PaymentServiceUnreachable (503) when Stripe did not answer (nothing refunded)."""
    order = get_order(tenant, order_id)
    if order.payment_provider != PROVIDER:
        return record_refund(tenant, order_id, lines, amount=amount, reason=reason, actor=actor)
    keys = stripe_keys(tenant)
    if keys is None or not order.payment_reference:
        raise Conflict(
            "This card order cannot be refunded here: the store's Stripe account is not connected."
        )
    order, refund = open_refund(tenant, order_id, lines, amount=amount, reason=reason, actor=actor)
    assert order.payment_reference is not None
    try:
        reference = stripe_api.create_refund(
            keys.secret_key,
            payment_intent=order.payment_reference,
            amount=refund.amount,
            idempotency_key=f"{order.id}-refund-{refund.number}",
            metadata={
                "platform": tenant.platform,
                "store": tenant.require_store(),
                "order_id": order.id,
                "refund": str(refund.number),
            },
        )
    except Unreachable as exc:
        mark_refund(tenant, order.id, refund.number, reference=None, failed=True)
        raise PaymentServiceUnreachable(
            "We could not reach Stripe; nothing was refunded. Try again."
        ) from exc
    except RefundRefused as exc:
        mark_refund(tenant, order.id, refund.number, reference=None, failed=True)
        raise Invalid(
            "Stripe refused this refund.",
            errors=[FieldError("amount", str(exc)[:200] or "refused by Stripe")],
        ) from exc
    return mark_refund(tenant, order.id, refund.number, reference=reference)


# --- webhooks ---------------------------------------------------------------------------------------


def handle_stripe_webhook(tenant: Tenant, payload: bytes, signature: str | None) -> str:
    """Act on one Stripe webhook for the store ``tenant``; what was done (for the answer and logs).

    BadWebhook (400, nothing changed) when the store has no Stripe connection, the signature does not
    verify with the store's webhook secret, or the event's PaymentIntent belongs to another store or to
    no order of this one. An event processed before is acknowledged and not acted on again."""
    keys = stripe_keys(tenant)
    if keys is None or not signature:
        raise BadWebhook("This webhook is not signed for this store.")
    try:
        event = stripe_api.verified_event(payload, signature, keys.webhook_secret)
    except ValueError as exc:
        raise BadWebhook("This webhook's signature does not verify.") from exc
    event_id, kind = str(event.get("id") or ""), str(event.get("type") or "")
    if not event_id or len(event_id) > 200 or "#" in event_id:
        raise BadWebhook("This webhook names no event.")
    repository = runtime.repository(PaymentRepository)
    if repository.event_seen(tenant, event_id):
        return "duplicate"
    intent = (event.get("data") or {}).get("object") or {}
    if kind == "payment_intent.succeeded":
        outcome = _succeeded(tenant, intent)
    elif kind == "payment_intent.payment_failed":
        outcome = _failed(tenant, intent)
    elif kind == "charge.refunded":
        outcome = _refunded(tenant, intent)
    else:
        outcome = "ignored"
    repository.remember_event(tenant, event_id, kind, outcome)
    return outcome


def _order_of(tenant: Tenant, intent: dict[str, Any]) -> Order:
    metadata = intent.get("metadata") or {}
    if metadata.get("platform") != tenant.platform or metadata.get("store") != tenant.store:
        raise BadWebhook("This payment belongs to another store.")
    try:
        order = get_order(tenant, str(metadata.get("order_id") or ""))
    except NotFound as exc:
        raise BadWebhook("This payment belongs to no order of this store.") from exc
    if order.payment_reference and order.payment_reference != intent.get("id"):
        raise BadWebhook("This payment is not the one the order waits for.")
    return order


def _succeeded(tenant: Tenant, intent: dict[str, Any]) -> str:
    order = _order_of(tenant, intent)
    amount, currency = intent.get("amount_received") or intent.get("amount"), intent.get("currency")
    if amount != order.total or str(currency).upper() != order.currency.upper():
        raise BadWebhook("The amount paid is not the order's total.")
    if order.status is OrderStatus.CANCELLED:
        # Stripe took the money for an order that was given up (its stock put back): staff refund it.
        add_order_note(
            tenant,
            order.id,
            f"Card payment {intent.get('id')} arrived after the order was cancelled: refund it.",
            actor="stripe",
        )
        return "late"
    if order.status is not OrderStatus.PENDING:
        return "already paid"
    if order.payment_note or not order.payment_reference:
        record_payment(tenant, order.id, reference=str(intent.get("id")), note="")
    try:
        transition_order(
            tenant, order.id, OrderStatus.PAID, note=f"Card payment {intent.get('id')}", actor="stripe"
        )
    except Conflict:
        if get_order(tenant, order.id).status is OrderStatus.PENDING:
            raise
        return "already paid"
    return "paid"


def _refunded(tenant: Tenant, charge: dict[str, Any]) -> str:
    """``charge.refunded``: the charge's ``amount_refunded`` (all its refunds so far) settles the
    order's pending refunds (orion.orders.service.settle_refunds); the whole amount paid means
    ``refunded``. A charge's metadata are its PaymentIntent's (platform, store, order id)."""
    order = _order_of(tenant, {"id": charge.get("payment_intent"), "metadata": charge.get("metadata")})
    refunded = charge.get("amount_refunded")
    if not isinstance(refunded, int) or str(charge.get("currency")).upper() != order.currency.upper():
        raise BadWebhook("This refund is not in the order's currency.")
    try:
        return settle_refunds(tenant, order.id, refunded, actor="stripe")
    except Conflict:
        if get_order(tenant, order.id).status in (OrderStatus.PENDING, OrderStatus.CANCELLED):
            return "not paid"
        raise


def _failed(tenant: Tenant, intent: dict[str, Any]) -> str:
    order = _order_of(tenant, intent)
    if order.status is not OrderStatus.PENDING:
        return "not pending"  # a late failure of an attempt before the one that paid
    error = intent.get("last_payment_error") or {}
    reason = decline_reason(error.get("code"), error.get("decline_code"))
    record_payment(
        tenant,
        order.id,
        reference=order.payment_reference or intent.get("id"),
        note=DECLINED.format(reason=reason),
    )
    return "declined"
