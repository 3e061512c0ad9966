"""Dev only: the outbox in the local cloud. `make run` prints each new e-mail and marks it sent (the
local cloud's delivery: it has no table stream and no SES, and an unmarked message would come back
from the retry task), and ``GET http://localhost:8000/_dev/outbox`` lists them as JSON (the
``local_outbox`` function, which the wiring table declares in LOCAL_FUNCTIONS so it never exists on AWS).

Listing every platform's outbox is a Scan: acceptable for a dev aid over a small local table, never
on a request path of a deployed function.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from functions.common.edge import http_entry
from orion import runtime
from orion.outbox.models import OutboxMessage
from orion.outbox.repository import OutboxItem, OutboxRepository


def all_messages() -> list[OutboxMessage]:
    """Every outbox message of every platform, newest first."""
    messages = [item.to_model() for item in OutboxItem.scan() if isinstance(item, OutboxItem)]
    return sorted(messages, key=lambda m: m.id, reverse=True)


@http_entry()  # an HTTP function like the deployed ones: a malformed Host is a 400 here too
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    query = event.get("queryStringParameters") or {}
    messages = all_messages()
    if to := query.get("to"):
        messages = [m for m in messages if m.to == to.lower()]
    body = {"messages": [m.model_dump(mode="json") for m in messages]}
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json", "Cache-Control": "no-store"},
        "body": json.dumps(body),
    }


def print_new_messages(stop: threading.Event, interval: float = 1.0) -> threading.Thread:
    """Print each new outbox e-mail to the console, and mark it sent, until ``stop`` is set (e-mails
    already there at start, the demo data's, are marked sent without printing)."""

    def deliver(messages: list[OutboxMessage]) -> None:
        for message in messages:
            if message.sent_at is None:
                runtime.repository(OutboxRepository).mark_sent(message.platform, message.id)

    def run() -> None:
        first = all_messages()
        seen = {m.id for m in first}
        deliver(first)
        while not stop.wait(interval):
            try:
                messages = [m for m in reversed(all_messages()) if m.id not in seen]
                for message in messages:
                    seen.add(message.id)
                    print(
                        f"\n[outbox] e-mail to {message.to}: {message.subject}\n"
                        + "\n".join(f"  | {line}" for line in message.text.splitlines())
                        + "\n",
                        flush=True,
                    )
                deliver(messages)
            except Exception as exc:  # the local cloud is shutting down
                print(f"[outbox] could not read the outbox: {exc}", flush=True)

    thread = threading.Thread(target=run, name="outbox-printer", daemon=True)
    thread.start()
    return thread
