"""The channels module's scheduled tasks: two-way sync's pull of every integration that has it on, and
the recovery of what the channel worker could not finish.

Recovery: a message the worker failed on for every receive the queue allows ends in the dead-letter
queue; a message can be lost before it was sent (the table's stream retried past its limit). The records
remain, and say what is left to do: ``failed`` with a temporary reason (the destination was unavailable,
``retryable``) and ``outdated`` (the item changed since it was sent). :func:`retry_failed` sends those
again, per integration, once they have not been touched for ``ORION_CHANNEL_RECOVER_AFTER_SECONDS`` (a
record the worker is still backing off on is younger than that), and gives up on a record after
``ORION_CHANNEL_GIVE_UP_ATTEMPTS`` attempts: it stays ``failed``, saying so.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from orion import runtime
from orion.channels import sync
from orion.channels.models import PublishRecord, RecordStatus
from orion.channels.queue import ChannelQueue, ItemChanged
from orion.channels.repository import ChannelRepository
from orion.errors import OrionError
from orion.observability import logger
from orion.settings import get_settings
from orion.tenancy.models import StoreStatus
from orion.tenancy.stores import list_stores
from orion.tenant import Tenant


def pull_all(platform: Tenant, now: datetime) -> int:
    """Pull, in each store of the platform, every active integration with ``sync_enabled`` (one Query
    of a store's integrations, never a Scan). One store's or destination's failure never stops the
    others: it ends on its integration (``sync_status`` failed, the reason in ``last_error``). How many
    items had edits brought back."""
    applied = 0
    for store in list_stores(platform):
        tenant = Tenant(platform.platform, store.code)
        for integration in runtime.repository(ChannelRepository).all(tenant):
            if not (integration.is_active and integration.sync_enabled):
                continue
            try:
                applied += sync.pull(tenant, integration.id).applied
            except OrionError as exc:  # e.g. switched off between the read and the pull
                logger.info("channel pull skipped", extra={"integration": integration.id, "reason": str(exc)})
    return applied


PAGE = 100
GAVE_UP = "gave up after {attempts} attempts; retry from the console or API"


def retry_failed(platform: Tenant, now: datetime) -> int:
    """Send again, in each store of the platform with an active integration, the records that wait for
    the worker: failed for now, or outdated, and untouched for a while. One Query per store for its
    integrations, then per active integration one Query per page of its failed and of its outdated
    records (GSI1, by status), never a Scan. How many messages were sent."""
    settings = get_settings()
    settled_before = now - timedelta(seconds=settings.channel_recover_after_seconds)
    repository = runtime.repository(ChannelRepository)
    sent = 0
    for store in list_stores(platform):
        if store.status is StoreStatus.CLOSED:
            continue
        tenant = Tenant(platform.platform, store.code)
        for integration in repository.all(tenant):
            if not integration.is_active:
                continue  # a paused integration's records wait for it to be resumed
            due: list[ItemChanged] = []
            for status in (RecordStatus.FAILED, RecordStatus.OUTDATED):
                after: str | None = None
                while True:
                    page, after = repository.record_page(
                        tenant, integration.id, status=status, limit=PAGE, after=after
                    )
                    for record in page:
                        if record.updated_at > settled_before:
                            continue
                        if status is RecordStatus.FAILED and not _worth_again(tenant, record, now):
                            continue
                        due.append(
                            ItemChanged(
                                platform=tenant.platform,
                                store=store.code,
                                kind=record.item_kind,
                                item_id=record.item_id,
                                integration_ids=(integration.id,),
                            )
                        )
                    if after is None:
                        break
            if due:
                refused = runtime.repository(ChannelQueue).send(due)
                sent += len(due) - len(refused)
    if sent:
        logger.info("channel records sent again", extra={"platform": platform.platform, "messages": sent})
    return sent


def _worth_again(tenant: Tenant, record: PublishRecord, now: datetime) -> bool:
    """A failed record is sent again when its failure was temporary and attempts remain; at the last
    attempt it is given up (its reason says so, and it is not tried again by itself)."""
    if not record.retryable:
        return False
    attempts = get_settings().channel_give_up_attempts
    if record.attempts < attempts:
        return True
    reason = GAVE_UP.format(attempts=record.attempts)
    if record.last_error:
        reason = f"{reason} (last error: {record.last_error})"
    given_up = record.model_copy(update={"retryable": False, "last_error": reason[:500], "updated_at": now})
    runtime.repository(ChannelRepository).save_record(tenant, given_up)
    logger.warning(
        "channel record given up",
        extra={"integration": record.integration_id, "item_id": record.item_id, "attempts": record.attempts},
    )
    return False
