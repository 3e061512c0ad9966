"""Dev only: the outbox in the local cloud. `make run` prints each new e-mail and marks it sent (the
local cloud's delivery: it has no SES and runs no outbox sender on the table's stream, and an unmarked
message would come back from the retry task), and ``GET http://localhost:8000/_dev/outbox`` lists them
as JSON (the ``local_outbox`` function, which the wiring table declares in LOCAL_FUNCTIONS so it never
exists on AWS).

Both read per platform (the platforms index lists them: one Query) and never the whole table: the
printer reads only the sparse "due" index of undelivered messages (``P#<p>#OUTBOX#DUE``), which
delivery empties, so a tick costs one Query per platform however large the table has grown (a Scan
here once made an idle `make run` spin after a 50,000-row import); the listing reads each platform's
newest messages with one bounded Query.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

from functions.common.edge import http_entry
from orion import runtime
from orion.outbox.models import OutboxMessage
from orion.outbox.repository import OutboxRepository
from orion.tenancy.platforms import list_platforms

# What one listing returns at most, newest first (``?limit=`` asks for fewer or up to MAX_LISTED).
DEFAULT_LISTED = 100
MAX_LISTED = 1000
# How many undelivered messages of a platform one Query of the printer reads (a tick reads on while full).
PRINT_BATCH = 100


def platform_codes() -> list[str]:
    return [platform.code for platform in list_platforms()]


def recent_messages(limit: int = DEFAULT_LISTED) -> list[OutboxMessage]:
    """The newest ``limit`` outbox messages over every platform, newest first: one bounded Query of
    each platform's outbox (ids sort by creation time)."""
    repository = runtime.repository(OutboxRepository)
    messages = [m for code in platform_codes() for m in repository.newest(code, limit)]
    return sorted(messages, key=lambda m: m.id, reverse=True)[:limit]


def undelivered_messages(limit: int = PRINT_BATCH) -> list[OutboxMessage]:
    """Messages not delivered yet, oldest first: the sparse due index of each platform."""
    repository = runtime.repository(OutboxRepository)
    messages = [m for code in platform_codes() for m in repository.list_undelivered(code, limit)]
    return sorted(messages, key=lambda m: m.id)


@http_entry()  # an HTTP function like the deployed ones: a malformed Host is a 400 here too
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    query = event.get("queryStringParameters") or {}
    try:
        limit = min(max(int(query.get("limit", DEFAULT_LISTED)), 1), MAX_LISTED)
    except ValueError:
        return {
            "statusCode": 400,
            "headers": {"Content-Type": "application/json"},
            "body": json.dumps({"message": "limit must be a number"}),
        }
    if to := query.get("to"):  # filtered after reading: read the most a listing may hold
        messages = [m for m in recent_messages(MAX_LISTED) if m.to == to.lower()][:limit]
    else:
        messages = recent_messages(limit)
    body = {"messages": [m.model_dump(mode="json") for m in messages]}
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json", "Cache-Control": "no-store"},
        "body": json.dumps(body),
    }


def deliver_new_messages(show: Callable[[OutboxMessage], None], stop: threading.Event | None = None) -> int:
    """One tick of the printer: show each undelivered message and mark it sent (it leaves the due
    index, so the next tick does not see it again), a batch at a time; how many were delivered."""
    repository = runtime.repository(OutboxRepository)
    delivered = 0
    while stop is None or not stop.is_set():
        batch = undelivered_messages()
        for message in batch:
            show(message)
            repository.mark_sent(message.platform, message.id)
        delivered += len(batch)
        if len(batch) < PRINT_BATCH:
            break
    return delivered


def print_message(message: OutboxMessage) -> None:
    print(
        f"\n[outbox] e-mail to {message.to}: {message.subject}\n"
        + "\n".join(f"  | {line}" for line in message.text.splitlines())
        + "\n",
        flush=True,
    )


def print_new_messages(stop: threading.Event, interval: float = 1.0) -> threading.Thread:
    """Print each new outbox e-mail to the console, and mark it sent, until ``stop`` is set (e-mails
    already there at start, the demo data's, are marked sent without printing)."""

    def run() -> None:
        show: Callable[[OutboxMessage], None] = lambda _: None  # noqa: E731 - the demo data's e-mails
        while True:
            try:
                deliver_new_messages(show, stop)
            except Exception as exc:  # the local cloud is shutting down
                print(f"[outbox] could not read the outbox: {exc}", flush=True)
            show = print_message
            if stop.wait(interval):
                return

    thread = threading.Thread(target=run, name="outbox-printer", daemon=True)
    thread.start()
    return thread
