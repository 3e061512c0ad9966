"""Bring one item (a product or a CMS page) to one integration as the channel worker does: published or
updated when the rules select it, taken back when they no longer do, left alone when what would be sent
has the hash last sent.

The staff publish's own steps do the sending (``_send`` and ``_take_back`` of orion.channels.service), so
both paths send, compare and record alike; this adds what a worker needs on top: whether a failure was
temporary (the destination unavailable: tried again) or not (the merchant acts on the reason), and an
``outdated`` record whose item turned out unchanged going back to ``synced`` without a request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from orion.catalog.models import Product
from orion.channels.adapters import ChannelAdapter, ConnectionCheck, Prepared, RemoteChange, RemoteItem
from orion.channels.errors import DestinationUnavailable, is_temporary
from orion.channels.models import Integration, ItemKind, PublishRecord, RecordStatus
from orion.channels.service import Item, _record, _selects, _send, _take_back
from orion.cms.models import Page
from orion.observability import logger

T = TypeVar("T")

# The external ids orion_site gives its copies: a copy is never published onwards by change events (two
# stores publishing to each other would otherwise copy each other's copies forever).


class WatchedAdapter:
    """An adapter that notes the exception its last sending call raised: the service's steps turn it
    into the record's reason, and the worker needs its kind too (temporary or not)."""

    def __init__(self, adapter: ChannelAdapter) -> None:
        self.adapter = adapter
        self.failure: Exception | None = None

    def _watched(self, call: Callable[[], T]) -> T:
        try:
            return call()
        except Exception as exc:
            self.failure = exc
            raise

    def prepare(self, product: Product) -> Prepared:
        return self.adapter.prepare(product)

    def prepare_page(self, page: Page) -> Prepared:
        return self.adapter.prepare_page(page)

    def publish(self, item: Prepared) -> RemoteItem:
        return self._watched(lambda: self.adapter.publish(item))

    def update(self, remote_id: str, item: Prepared) -> RemoteItem:
        return self._watched(lambda: self.adapter.update(remote_id, item))

    def unpublish(self, item_kind: ItemKind, remote_id: str) -> None:
        self._watched(lambda: self.adapter.unpublish(item_kind, remote_id))

    def fetch_changes(self, since: datetime | None) -> list[RemoteChange]:
        return self.adapter.fetch_changes(since)

    def test_connection(self) -> ConnectionCheck:
        return self.adapter.test_connection()


@dataclass(frozen=True)
class Delivered:
    """What bringing one item to one integration did: ``kind`` is created, updated, unchanged, removed,
    failed or skipped (nothing to do there); ``record`` is the record to save (None: nothing to write);
    ``temporary`` a failure the worker tries again, ``retry_after`` when the destination asked."""

    kind: str
    record: PublishRecord | None = None
    temporary: bool = False
    retry_after: float | None = None
    # Whether the destination answered (a record taken back that never reached it did not: it says
    # nothing of the destination's health).
    reached: bool = True


def deliver(
    integration: Integration,
    adapter: WatchedAdapter,
    kind: ItemKind,
    item_id: str,
    *,
    item: Item | None,
    record: PublishRecord | None,
) -> Delivered:
    """Bring ``item`` (None: deleted) to the integration, given its record there. Talks to the
    destination only when something is to be sent or taken back; never saves (the caller does)."""
    adapter.failure = None
    selected = item is not None and _selects(integration.rules, item)
    if not selected:
        if record is None or record.status is RecordStatus.REMOVED:
            return Delivered("skipped")
        if record.remote_id is None:  # it never reached the destination: nothing to take back there
            gone = _record(
                integration.id,
                item_id,
                record,
                kind,
                status=RecordStatus.REMOVED,
                content_hash=None,
                last_error=None,
                retryable=False,
            )
            return Delivered("removed", gone, reached=False)
    outcome: tuple[str, PublishRecord]
    try:
        if selected:
            assert item is not None
            # An outdated record is a synced one whose item changed since: compared by hash alike (two-way
            # sync clears the hash of one whose copy at the destination went astray, so that one is sent).
            outdated = record is not None and record.status is RecordStatus.OUTDATED
            compared = record
            if record is not None and outdated:
                compared = record.model_copy(update={"status": RecordStatus.SYNCED})
            sent = _send(adapter, integration.id, item, compared)
            if sent is None:  # what would be sent was sent last: no request
                back = _record(integration.id, item_id, record, kind, status=RecordStatus.SYNCED)
                return Delivered("unchanged", back if outdated else None)
            outcome = sent
        else:
            assert record is not None
            outcome = _take_back(adapter, integration.id, item_id, record)
    except Exception as exc:  # an adapter fault the service's steps let through (unpublish, prepare)
        logger.exception(
            "channel delivery of one item failed",
            extra={"integration": integration.id, "item_kind": kind.value, "item_id": item_id},
        )
        adapter.failure = exc
        attempts = (record.attempts if record and record.status is RecordStatus.FAILED else 0) + 1
        outcome = (
            "failed",
            _record(
                integration.id,
                item_id,
                record,
                kind,
                status=RecordStatus.FAILED,
                attempts=attempts,
                last_error=f"unexpected error ({type(exc).__name__}); it is tried again",
            ),
        )
    outcome_kind, saved = outcome
    temporary = outcome_kind == "failed" and is_temporary(adapter.failure)
    retry_after = adapter.failure.retry_after if isinstance(adapter.failure, DestinationUnavailable) else None
    return Delivered(outcome_kind, saved.model_copy(update={"retryable": temporary}), temporary, retry_after)
