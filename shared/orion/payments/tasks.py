"""The payments module's scheduled task: give up card orders left unpaid."""

from __future__ import annotations

from datetime import datetime, timedelta

from orion.errors import Conflict
from orion.observability import logger
from orion.orders.models import OrderStatus
from orion.orders.service import list_orders, transition_order
from orion.payments import stripe_api
from orion.payments.connection import stripe_keys
from orion.payments.errors import Unreachable
from orion.payments.service import PROVIDER
from orion.settings import get_settings
from orion.tenancy.stores import list_stores
from orion.tenant import Tenant

UNPAID_NOTE = "Not paid within {minutes} minutes: cancelled, stock put back"


def cancel_unpaid(platform: Tenant, now: datetime) -> int:
    """Cancel, in each store of the platform, the card orders still pending
    ``ORION_PAYMENT_TIMEOUT_MINUTES`` after they were placed (their stock goes back). One Query per
    page of each store's pending orders (the orders-by-status index), never a Scan. An order whose
    PaymentIntent Stripe says succeeded or is processing is left for the webhook; when Stripe cannot be
    reached the order waits for the next run. How many orders were cancelled."""
    minutes = get_settings().payment_timeout_minutes
    deadline = now - timedelta(minutes=minutes)
    cancelled = 0
    for store in list_stores(platform):
        tenant = Tenant(platform.platform, store.code)
        after: str | None = None
        while True:
            page = list_orders(tenant, status=OrderStatus.PENDING, until=deadline, limit=100, after=after)
            for order in page.items:
                if order.payment_provider != PROVIDER or not _given_up_at_stripe(
                    tenant, order.payment_reference
                ):
                    continue
                try:
                    transition_order(
                        tenant,
                        order.id,
                        OrderStatus.CANCELLED,
                        note=UNPAID_NOTE.format(minutes=minutes),
                        actor="system",
                    )
                    cancelled += 1
                except Conflict:  # paid (or cancelled by staff) meanwhile
                    logger.info("unpaid order moved meanwhile", extra={"order_id": order.id})
            if not page.next_cursor:
                break
            after = page.next_cursor
    return cancelled


def _given_up_at_stripe(tenant: Tenant, reference: str | None) -> bool:
    """Whether the order's PaymentIntent can no longer take money (or there is none)."""
    if not reference:
        return True
    keys = stripe_keys(tenant)
    if keys is None:
        return True  # the store disconnected Stripe: nothing can pay this order any more
    try:
        return stripe_api.cancel_intent(keys.secret_key, reference)
    except Unreachable:
        logger.warning("stripe unreachable; unpaid order kept for the next run", extra={"intent": reference})
        return False
