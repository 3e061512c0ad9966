"""The outbox's scheduled task: send again what was never delivered or failed, with backoff.

On AWS the table's stream hands each new message to the sender within seconds; a message whose send
failed, or that the sender never got (a stream record dropped after its retries), is still in the
platform's sparse "due" partition when its time comes, and this task tries it again. After
``outbox_max_attempts`` failures it is given up: logged as an error, counted (EmailsGivenUp) and listed
by ``GET /api/v1/admin/outbox?status=failed``. Delivery is at least once: a send whose "sent" mark was
lost is sent again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from orion import runtime
from orion.observability import logger
from orion.outbox.models import Delivery
from orion.outbox.repository import OutboxRepository
from orion.outbox.service import MailSender, deliver
from orion.settings import get_settings
from orion.tenant import Tenant

# How many due messages one run takes per platform (the next run takes the rest).
RETRY_BATCH = 100


def retry_undelivered(tenant: Tenant, now: datetime, sender: MailSender | None = None) -> int:
    """The scheduled task: try again every message of the platform that is due (never delivered, or
    failed before), each claimed first so overlapping runs send it once; how many were tried."""
    repository = runtime.repository(OutboxRepository)
    lease = now + timedelta(seconds=get_settings().outbox_retry_after_seconds)
    tried = sent = 0
    for message in repository.list_due(tenant.platform, now, RETRY_BATCH):
        if not repository.claim(tenant.platform, message, lease):
            continue
        tried += 1
        owner = Tenant(message.platform, message.store)
        delivery = deliver(owner, message.model_copy(update={"next_attempt_at": lease}), sender, now=now)
        if delivery is Delivery.SENT:
            sent += 1
    if tried:
        logger.info("outbox retries", extra={"tried": tried, "sent": sent, "platform": tenant.platform})
    return tried
