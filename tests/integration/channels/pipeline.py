"""The change pipeline driven in-process, as Lambda drives it on AWS: the table's stream records of some
writes handed to ``channel_changes`` (through its event source filter), the channel queue's messages
handed to ``channel_worker`` in SQS event batches built from moto's messages (infra/local/queues.py,
the local cloud's own mapping), time passing for messages put off, and a fake destination."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.sqs.models import sqs_backends

from functions.channel_changes.handler import handler as changes_handler
from functions.channel_worker.handler import handler as worker_handler
from infra import wiring
from infra.local import streams
from infra.local.queues import QueuePoller
from orion.catalog.models import Product
from orion.channels.adapters import ConnectionCheck, Prepared, RemoteChange, RemoteItem, content_hash
from orion.channels.errors import DestinationError, DestinationUnavailable
from orion.channels.models import Integration, ItemKind
from orion.cms.models import Page
from orion.tenant import Tenant
from tests.events import FakeContext

CHANGES = wiring.function("channel_changes")
WORKER = wiring.function("channel_worker")
QUEUE = wiring.queue("channel-changes")
TABLE = wiring.table("main").local_name


@contextmanager
def recorded_changes() -> Iterator[list[dict[str, Any]]]:
    """The stream records of the writes made in the block."""
    with streams.listening(TABLE) as records:
        yield records


def hand_over(records: list[dict[str, Any]]) -> dict[str, Any]:
    """``channel_changes`` invoked with the records its event source mapping lets through."""
    chosen = [r for r in records if streams.passes_filter(CHANGES, r)]
    answer: dict[str, Any] = changes_handler(streams.stream_event(chosen), FakeContext())
    return answer


def _invoke_worker(fn: wiring.Function, event: Any) -> Any:
    return worker_handler(event, FakeContext())


def work_batch() -> int:
    """The channel worker takes one batch of the visible messages; how many it took."""
    return QueuePoller(WORKER, run=_invoke_worker, wait_seconds=0).poll_once()


def work(max_batches: int = 200) -> int:
    """The channel worker takes every visible message, batch after batch, until none is left visible;
    how many messages it took."""
    taken = 0
    for _ in range(max_batches):
        got = work_batch()
        if not got:
            return taken
        taken += got
    raise AssertionError("the queue never emptied")


def _queue(name: str) -> Any:
    return sqs_backends[DEFAULT_ACCOUNT_ID][wiring.LOCAL_REGION].queues[name]


def time_passes() -> None:
    """Every message put off (backoff, a visibility timeout, a delay) is visible again."""
    for name in (QUEUE.local_name, wiring.local_dead_letter_name(QUEUE)):
        for message in _queue(name)._messages:
            message.visible_at = 0
            message.delayed_until = 0


def queued() -> int:
    """Messages in the channel queue, visible or not."""
    return len(_queue(QUEUE.local_name)._messages)


def queued_bodies() -> list[str]:
    return [m.body for m in _queue(QUEUE.local_name)._messages]


def dead_letters() -> int:
    return len(_queue(wiring.local_dead_letter_name(QUEUE))._messages)


@dataclass
class FakeDestination:
    """A destination in memory for integrations of one platform: it finds an item by the product's
    identity before creating one (as the adapter interface asks), counts every request, and can be
    down (DestinationUnavailable) or refuse some products (DestinationError)."""

    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    creations: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    down: bool = False
    refused: set[str] = field(default_factory=set)

    def adapter(self, tenant: Tenant, integration: Integration) -> FakeAdapter:
        return FakeAdapter(self)


class FakeAdapter:
    def __init__(self, destination: FakeDestination) -> None:
        self.destination = destination

    def prepare(self, product: Product) -> Prepared:
        content = {
            "title": product.title,
            "description": product.description,
            "prices": [v.price for v in product.variants],
        }
        return Prepared(ItemKind.PRODUCT, product.id, content, content_hash(content))

    def prepare_page(self, page: Page) -> Prepared:
        content = {"title": page.title, "body_html": page.body_html}
        return Prepared(ItemKind.PAGE, page.slug, content, content_hash(content))

    def _request(self, item_id: str) -> None:
        self.destination.requests += 1
        if self.destination.down:
            raise DestinationUnavailable("the destination answered 503 Service Unavailable")
        if item_id in self.destination.refused:
            raise DestinationError("the destination refused the product: its title is taken")

    def publish(self, item: Prepared) -> RemoteItem:
        self._request(item.item_id)
        remote_id = f"remote-{item.item_id}"  # found by the item's identity, never made twice
        if remote_id not in self.destination.items:
            made = self.destination.creations
            made[item.item_id] = made.get(item.item_id, 0) + 1
        self.destination.items[remote_id] = {**item.content, "status": "publish"}
        return RemoteItem(remote_id, f"https://blog.example/{remote_id}")

    def update(self, remote_id: str, item: Prepared) -> RemoteItem:
        self._request(item.item_id)
        self.destination.items[remote_id] = {**item.content, "status": "publish"}
        return RemoteItem(remote_id, f"https://blog.example/{remote_id}")

    def unpublish(self, item_kind: ItemKind, remote_id: str) -> None:
        self._request(remote_id.removeprefix("remote-"))
        self.destination.items[remote_id]["status"] = "trash"

    def fetch_changes(self, since: datetime | None) -> list[RemoteChange]:
        return []

    def test_connection(self) -> ConnectionCheck:
        return ConnectionCheck(not self.destination.down, "fake")
