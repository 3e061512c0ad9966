"""The table layout of payments: the webhook events a store already processed (kept 30 days)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import PutError

from orion.data import keys
from orion.data.conditions import error_code
from orion.data.table import TableItem, get_or_none
from orion.tenant import Tenant

# Stripe retries a webhook for up to three days; a month covers any replay worth recognising.
EVENT_TTL = timedelta(days=30)


class PaymentEventItem(TableItem, discriminator="PaymentEvent"):
    """A provider's webhook event, processed: the same event id again is not acted on twice."""

    type = UnicodeAttribute()
    outcome = UnicodeAttribute()


class PaymentRepository:
    def event_seen(self, tenant: Tenant, event_id: str) -> bool:
        pk = keys.payment_event_pk(tenant.platform, tenant.require_store(), event_id)
        return get_or_none(PaymentEventItem, pk, keys.PAYMENT_EVENT_SK, consistent_read=True) is not None

    def remember_event(self, tenant: Tenant, event_id: str, kind: str, outcome: str) -> bool:
        """Record the event as processed; False when it was recorded already (a concurrent delivery)."""
        item = PaymentEventItem(
            keys.payment_event_pk(tenant.platform, tenant.require_store(), event_id),
            keys.PAYMENT_EVENT_SK,
            type=kind[:100],
            outcome=outcome[:200],
            ttl=datetime.now(UTC) + EVENT_TTL,
        )
        try:
            item.save(condition=PaymentEventItem.pk.does_not_exist())
        except PutError as exc:
            if error_code(exc) == "ConditionalCheckFailedException":
                return False
            raise
        return True
