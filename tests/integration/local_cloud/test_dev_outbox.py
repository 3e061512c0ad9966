"""The local cloud's dev outbox: the printer delivers each new e-mail once, reading only the sparse index
of undelivered messages per platform, and `/_dev/outbox` lists the newest with one bounded Query per
platform; neither ever scans the table, so neither slows down as the table grows."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from infra.local.outbox import deliver_new_messages, handler
from orion.outbox.models import OutboxMessage
from orion.outbox.service import enqueue_email
from orion.tenancy.platforms import list_platforms
from orion.tenant import Tenant
from tests.api_calls import intercepting_api_calls
from tests.events import FakeContext

WIZAMART = Tenant("oms", "wizamart")


@contextmanager
def dynamodb_calls() -> Iterator[Counter[str]]:
    """DynamoDB operations made in the block, with the items each read (``<operation> items``)."""
    calls: Counter[str] = Counter()

    def count(client: Any, operation: str, params: dict[str, Any], call: Callable[[], Any]) -> Any:
        answer = call()
        if client.meta.service_model.service_name == "dynamodb":
            calls[operation] += 1
            calls[f"{operation} items"] += len(answer.get("Items", []))
        return answer

    with intercepting_api_calls(count):
        yield calls


def enqueue(n: int, to: str = "shopper@example.com") -> list[OutboxMessage]:
    return [
        enqueue_email(WIZAMART, to=to, subject=f"Order {i}", text=f"Thanks for order {i}", kind="order")
        for i in range(n)
    ]


def deliver() -> list[OutboxMessage]:
    shown: list[OutboxMessage] = []
    deliver_new_messages(shown.append)
    return shown


def dev_outbox(query: dict[str, str] | None = None) -> dict[str, Any]:
    event = {
        "version": "2.0",
        "routeKey": "GET /_dev/outbox",
        "rawPath": "/_dev/outbox",
        "rawQueryString": "",
        "headers": {"host": "localhost:8000"},
        "queryStringParameters": query,
        "requestContext": {"http": {"method": "GET", "path": "/_dev/outbox", "sourceIp": "127.0.0.1"}},
        "isBase64Encoded": False,
    }
    answer: dict[str, Any] = handler(event, FakeContext())
    return answer


def test_each_new_message_is_shown_once_then_delivered(demo: list[str]) -> None:
    deliver()  # the demo data's e-mails
    new = enqueue(3)

    first, second = deliver(), deliver()

    assert [m.id for m in first] == [m.id for m in new]  # oldest first, as they were written
    assert second == []
    listed = json.loads(dev_outbox({"to": "shopper@example.com"})["body"])["messages"]
    assert {m["id"] for m in listed} == {m.id for m in new}
    assert all(m["sent_at"] is not None for m in listed)


def test_a_tick_reads_only_undelivered_messages_one_query_per_platform(demo: list[str]) -> None:
    deliver()
    enqueue(250)
    deliver()  # the table now holds hundreds of delivered messages
    enqueue(2)
    platforms = len(list_platforms())

    with dynamodb_calls() as calls:
        shown = deliver()

    assert len(shown) == 2
    assert calls["Scan"] == 0
    assert calls["Query"] == 1 + platforms  # the platforms index, then each platform's due index
    assert calls["Query items"] == platforms + 2  # the platforms and the two new messages


def test_the_listing_is_bounded_per_platform_and_never_scans(demo: list[str]) -> None:
    enqueue(120)
    platforms = len(list_platforms())

    with dynamodb_calls() as calls:
        answer = dev_outbox({"limit": "5"})

    messages = json.loads(answer["body"])["messages"]
    assert answer["statusCode"] == 200
    assert len(messages) == 5
    assert [m["id"] for m in messages] == sorted((m["id"] for m in messages), reverse=True)
    assert calls["Scan"] == 0
    assert calls["Query"] == 1 + platforms
    assert calls["Query items"] <= platforms + 5 * platforms


def test_a_limit_that_is_not_a_number_is_a_400(demo: list[str]) -> None:
    assert dev_outbox({"limit": "many"})["statusCode"] == 400
