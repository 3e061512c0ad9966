"""The channel worker: takes the channel queue's messages (orion.channels.queue) and brings each changed
item to every active integration of its store, each integration on its own.

- The item is read as it is now, never from the message: duplicated and reordered messages end alike.
- Per integration: published or updated when its rules select the item, taken back when they no longer
  do (archived, drafted, deleted, out of the chosen ones) and it was published there, nothing when
  what would be sent has the hash last sent (no request to the destination at all).
- One integration's failure never holds up another: it ends in that integration's record (``failed``
  with the reason, attempts counted). A temporary one (DestinationUnavailable, or an unexpected error)
  is tried again with exponential backoff, for the integrations that failed only: the message itself
  when everything it tried failed for now (its visibility is put off; after the queue's receive limit
  SQS moves it to the dead-letter queue, and the scheduled recovery, orion.channels.tasks, takes over
  from the records), else a new message naming those integrations. A refusal (DestinationError) is
  not tried again: the merchant acts on the reason.
- A chunk of a large publish goes to orion.channels.jobs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from orion import runtime
from orion.catalog import service as catalog
from orion.channels import jobs
from orion.channels.adapters import adapter_for
from orion.channels.delivery import Delivered, WatchedAdapter, deliver
from orion.channels.errors import ChannelUnavailable
from orion.channels.models import Integration, ItemKind, PublishRecord, RecordStatus, SyncStatus
from orion.channels.queue import ChannelQueue, ItemChanged, JobChunk
from orion.channels.repository import ChannelRepository
from orion.channels.service import Item, _finish_sync, _reason, _record, get_integration
from orion.cms import service as cms
from orion.errors import NotFound, OrionError
from orion.observability import logger
from orion.settings import get_settings
from orion.tenant import Tenant

# A destination asking for more than this before a retry is retried after this (SQS holds a message
# back at most 12 hours; the scheduled recovery takes over long before).
MAX_RETRY_AFTER_SECONDS = 3600


@dataclass(frozen=True)
class ItemOutcome:
    """What one item message did: each integration's outcome (created, updated, unchanged, removed,
    failed, skipped), those that failed for now, and the longest wait a destination asked for."""

    outcomes: dict[str, str] = field(default_factory=dict)
    retry: tuple[str, ...] = ()
    retry_after: float | None = None

    @property
    def attempted(self) -> tuple[str, ...]:
        """The integrations that had something to do for the item."""
        return tuple(i for i, kind in self.outcomes.items() if kind != "skipped")


def _repository() -> ChannelRepository:
    return runtime.repository(ChannelRepository)


def backoff_seconds(attempt: int, retry_after: float | None = None) -> int:
    """How long to wait before attempt ``attempt + 1``: base x 2^(attempt - 1), at most the cap, and no
    sooner than the destination asked (``ORION_CHANNEL_RETRY_BASE_SECONDS``, ``..._MAX_SECONDS``)."""
    settings = get_settings()
    wait = min(
        settings.channel_retry_base_seconds * 2 ** max(attempt - 1, 0), settings.channel_retry_max_seconds
    )
    if retry_after is not None and retry_after > 0:
        wait = max(wait, min(math.ceil(retry_after), MAX_RETRY_AFTER_SECONDS))
    return int(wait)


def handle_message(message: ItemChanged | JobChunk, receives: int) -> int | None:
    """Process one message received ``receives`` times. None: done (delete it); a number: the seconds
    after which it is to be received again (it failed for now; the caller puts it off and reports it)."""
    if isinstance(message, JobChunk):
        jobs.run_chunk(message)
        return None
    outcome = sync_item(message.tenant, message.kind, message.item_id, message.integration_ids)
    if not outcome.retry:
        return None
    attempt = message.earlier_receives + max(receives, 1)
    wait = backoff_seconds(attempt, outcome.retry_after)
    if set(outcome.retry) >= set(outcome.attempted):  # all it tried failed for now: the message again
        return wait
    # Some integrations are done: only those that failed are tried again, in a message of their own.
    narrowed = message.model_copy(update={"integration_ids": outcome.retry, "earlier_receives": attempt})
    if runtime.repository(ChannelQueue).send([narrowed], delay_seconds=wait):
        return wait  # SQS did not take it: the whole message again (the done ones cost no request)
    return None


def put_off(receipt_handle: str, seconds: int) -> None:
    """Receive a message again ``seconds`` from now (its backoff), rather than after the queue's
    visibility timeout."""
    runtime.repository(ChannelQueue).retry_later(receipt_handle, seconds)


def sync_item(
    tenant: Tenant, kind: ItemKind, item_id: str, only: tuple[str, ...] | None = None
) -> ItemOutcome:
    """Bring the item as it is now to each active integration of the store (or of ``only``): one
    Query for the integrations, one consistent BatchGetItem for the item's records there, the item's
    read, then per integration a request to the destination only where something changed."""
    repository = _repository()
    integrations = [i for i in repository.all(tenant) if i.is_active and (only is None or i.id in set(only))]
    if not integrations:
        return ItemOutcome()
    records = repository.records_at(tenant, kind, item_id, [i.id for i in integrations])
    item = current_item(tenant, kind, item_id)
    outcomes: dict[str, str] = {}
    retry: list[str] = []
    waits: list[float] = []
    for integration in integrations:
        synced = _deliver_at(
            tenant, integration, kind, item_id, item=item, record=records.get(integration.id)
        )
        outcomes[integration.id] = synced.kind
        if synced.record is not None:
            # A failure here (the table) fails the whole message: it is retried, and what was done
            # already is unchanged by then (no request again).
            repository.save_record(tenant, synced.record)
        if synced.temporary:
            retry.append(integration.id)
            if synced.retry_after:
                waits.append(synced.retry_after)
        _note_on_integration(tenant, integration, synced)
    logger.info(
        "channel item synced",
        extra={"item_kind": kind.value, "item_id": item_id, "outcomes": outcomes, "retry": retry},
    )
    return ItemOutcome(outcomes, tuple(retry), max(waits) if waits else None)


def current_item(tenant: Tenant, kind: ItemKind, item_id: str) -> Item | None:
    """The item as it is now: the product, or the page shoppers see at the slug (the store's own, else
    the platform's default); None when there is none."""
    try:
        if kind is ItemKind.PRODUCT:
            return catalog.get_product(tenant, item_id)
        try:
            return cms.get_store_page(tenant, item_id)
        except NotFound:
            return cms.get_store_default(tenant, item_id)
    except NotFound:
        return None


def _deliver_at(
    tenant: Tenant,
    integration: Integration,
    kind: ItemKind,
    item_id: str,
    *,
    item: Item | None,
    record: PublishRecord | None,
) -> Delivered:
    try:
        adapter = WatchedAdapter(adapter_for(tenant, integration))
    except OrionError as exc:  # e.g. the target store changed hands: the merchant acts on it
        if record is None and item is None:
            return Delivered("skipped")
        reason = "; ".join(e.message for e in exc.errors) or _reason(exc)
        attempts = (record.attempts if record and record.status is RecordStatus.FAILED else 0) + 1
        failed = _record(
            integration.id,
            item_id,
            record,
            kind,
            status=RecordStatus.FAILED,
            attempts=attempts,
            last_error=reason,
            retryable=False,
        )
        return Delivered("failed", failed)
    return deliver(integration, adapter, kind, item_id, item=item, record=record)


def _note_on_integration(tenant: Tenant, integration: Integration, synced: Delivered) -> None:
    """The integration's sync status follows what its items do, written only when it changes (a busy
    catalogue would otherwise rewrite the integration at every message)."""
    if synced.kind == "failed" and synced.record is not None:
        if (
            integration.sync_status is not SyncStatus.FAILED
            or integration.last_error != synced.record.last_error
        ):
            _finish_sync(tenant, integration, synced.record.last_error)
    elif (
        synced.kind in ("created", "updated", "removed")
        and synced.reached
        and integration.sync_status is not SyncStatus.SUCCESS
    ):
        _finish_sync(tenant, integration, None)


def retry_record(tenant: Tenant, integration_id: str, item_kind: ItemKind, item_id: str) -> PublishRecord:
    """Staff ask for one record to be tried again now: the channel worker takes it (a message naming
    that integration only), whatever its status and attempts. NotFound for a record there is none of."""
    integration = get_integration(tenant, integration_id)
    if not integration.is_active:
        raise ChannelUnavailable("This integration is paused: activate it to publish.")
    found = _repository().records_at(tenant, item_kind, item_id, [integration.id]).get(integration.id)
    if found is None:
        raise NotFound.worded(
            "No record of {kind} {id} at this integration.", kind=item_kind.value, id=item_id[:100]
        )
    message = ItemChanged(
        platform=tenant.platform,
        store=tenant.require_store(),
        kind=item_kind,
        item_id=item_id,
        integration_ids=(integration.id,),
    )
    if runtime.repository(ChannelQueue).send([message]):
        raise OrionError("The retry could not be queued; try again.")
    return found
