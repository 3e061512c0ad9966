"""Bulk writes: BatchWriteItem in requests of at most 25 items, retrying UnprocessedItems with backoff.

DynamoDB rejects a batch of more than 25 puts or two puts of the same key in one request, and returns
what it could not write under throttling as ``UnprocessedItems``; moto does none of this, so the limits
are enforced here (and tested) rather than trusted to the service.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from orion.data.clients import aws_client

MAX_BATCH_ITEMS = 25

# A DynamoDB item in the low-level wire format: {"PK": {"S": "..."}, ...}.
WireItem = dict[str, dict[str, Any]]


class UnprocessedItemsError(RuntimeError):
    """Some items were still unprocessed after every retry; the caller's task should fail and retry."""


@dataclass
class BatchWriteStats:
    """What a batch write did: counted by benchmarks and logged by tasks."""

    items: int = 0
    requests: int = 0
    retries: int = 0


@dataclass
class BatchWriter:
    """Writes put requests to one table in batches of ``batch_size`` (at most 25).

    Items with the same key inside one request would make DynamoDB reject the whole request, so a
    batch is flushed early when a key repeats (the later item wins, as it would across requests).
    """

    table_name: str
    key_attributes: tuple[str, ...] = ("PK", "SK")
    batch_size: int = MAX_BATCH_ITEMS
    max_attempts: int = 8
    base_delay_seconds: float = 0.05
    max_delay_seconds: float = 2.0
    client: Any = None
    sleep: Callable[[float], None] = time.sleep
    stats: BatchWriteStats = field(default_factory=BatchWriteStats)

    def __post_init__(self) -> None:
        if not 1 <= self.batch_size <= MAX_BATCH_ITEMS:
            raise ValueError(f"batch_size must be between 1 and {MAX_BATCH_ITEMS}")
        if self.client is None:
            self.client = aws_client("dynamodb")

    def put_all(self, items: Iterable[WireItem]) -> BatchWriteStats:
        """Put every item; raises :class:`UnprocessedItemsError` if DynamoDB keeps refusing some."""
        for batch in self._batches(items):
            self._write(batch)
        return self.stats

    def _batches(self, items: Iterable[WireItem]) -> Iterator[list[WireItem]]:
        batch: dict[tuple[str, ...], WireItem] = {}
        for item in items:
            key = tuple(str(item[name]) for name in self.key_attributes)
            if key in batch:
                yield list(batch.values())
                batch = {}
            batch[key] = item
            if len(batch) == self.batch_size:
                yield list(batch.values())
                batch = {}
        if batch:
            yield list(batch.values())

    def _write(self, batch: list[WireItem]) -> None:
        pending: list[dict[str, Any]] = [{"PutRequest": {"Item": item}} for item in batch]
        self.stats.items += len(batch)
        for attempt in range(self.max_attempts):
            if attempt:
                self.stats.retries += 1
                self.sleep(self._delay(attempt))
            self.stats.requests += 1
            response = self.client.batch_write_item(RequestItems={self.table_name: pending})
            pending = response.get("UnprocessedItems", {}).get(self.table_name, [])
            if not pending:
                return
        raise UnprocessedItemsError(
            f"{len(pending)} items still unprocessed after {self.max_attempts} attempts"
        )

    def _delay(self, attempt: int) -> float:
        # Exponential backoff with full jitter, as AWS recommends for throttled batch writes.
        ceiling = min(self.max_delay_seconds, self.base_delay_seconds * 2**attempt)
        return random.uniform(0, ceiling)  # noqa: S311 - jitter, not a secret
