"""The batch writer: never more than 25 puts per request, UnprocessedItems retried until written."""

from __future__ import annotations

from typing import Any

import pytest

from orion.data.batch import BatchWriter, UnprocessedItemsError


class FakeDynamoDB:
    """Records requests; refuses the last ``refuse`` items of the first ``throttled`` requests, and
    rejects oversized batches and repeated keys the way DynamoDB does."""

    def __init__(self, throttled: int = 0, refuse: int = 0) -> None:
        self.requests: list[list[dict[str, Any]]] = []
        self.written: dict[tuple[str, str], dict[str, Any]] = {}
        self.throttled = throttled
        self.refuse = refuse

    def batch_write_item(self, RequestItems: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
        ((table, requests),) = RequestItems.items()
        if len(requests) > 25:
            raise ValueError("Too many items requested for the BatchWriteItem call")
        keys = [(r["PutRequest"]["Item"]["PK"]["S"], r["PutRequest"]["Item"]["SK"]["S"]) for r in requests]
        if len(set(keys)) != len(keys):
            raise ValueError("Provided list of item keys contains duplicates")
        self.requests.append(requests)
        unprocessed = []
        if self.throttled > 0 and self.refuse:
            self.throttled -= 1
            requests, unprocessed = requests[: -self.refuse], requests[-self.refuse :]
        for request, key in zip(requests, keys, strict=False):
            self.written[key] = request["PutRequest"]["Item"]
        return {"UnprocessedItems": {table: unprocessed} if unprocessed else {}}


def item(n: int, value: str = "v") -> dict[str, dict[str, Any]]:
    return {"PK": {"S": "P#oms#S#w#IMPORT#J"}, "SK": {"S": f"ROW#fr#{n}"}, "value": {"S": value}}


def test_a_thousand_items_take_forty_requests_of_twenty_five() -> None:
    fake = FakeDynamoDB()
    stats = BatchWriter("orion", client=fake, sleep=lambda _: None).put_all(item(n) for n in range(1000))
    assert stats.requests == 40
    assert [len(r) for r in fake.requests] == [25] * 40
    assert len(fake.written) == 1000


def test_unprocessed_items_are_retried_with_backoff_until_written() -> None:
    fake = FakeDynamoDB(throttled=3, refuse=10)
    delays: list[float] = []
    stats = BatchWriter("orion", client=fake, sleep=delays.append).put_all(item(n) for n in range(30))
    assert len(fake.written) == 30
    assert stats.retries == 3
    assert len(delays) == 3
    assert all(0 <= delay <= 2.0 for delay in delays)


def test_items_still_unprocessed_after_every_attempt_raise() -> None:
    fake = FakeDynamoDB(throttled=100, refuse=1)
    writer = BatchWriter("orion", client=fake, sleep=lambda _: None, max_attempts=4)
    with pytest.raises(UnprocessedItemsError):
        writer.put_all(item(n) for n in range(5))
    assert len(fake.requests) == 4


def test_a_repeated_key_goes_to_a_later_request_and_the_later_item_wins() -> None:
    fake = FakeDynamoDB()
    BatchWriter("orion", client=fake, sleep=lambda _: None).put_all([item(1, "old"), item(2), item(1, "new")])
    assert len(fake.requests) == 2
    assert fake.written[("P#oms#S#w#IMPORT#J", "ROW#fr#1")]["value"] == {"S": "new"}


def test_a_batch_size_above_the_dynamodb_limit_is_refused() -> None:
    with pytest.raises(ValueError, match="between 1 and 25"):
        BatchWriter("orion", client=FakeDynamoDB(), batch_size=26)
