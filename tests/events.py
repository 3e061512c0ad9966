"""Sample API Gateway v2 events from events/, adjusted per test."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

EVENTS = Path(__file__).resolve().parents[1] / "events"


def load_event(name: str, **changes: Any) -> dict[str, Any]:
    """``events/<name>.json`` with ``host``, ``path``, ``headers``, ``query`` or ``cookies`` replaced."""
    event: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text())
    event = copy.deepcopy(event)
    if "host" in changes:
        event["headers"]["host"] = changes.pop("host")
        event["requestContext"]["domainName"] = event["headers"]["host"]
    if "path" in changes:
        event["rawPath"] = event["requestContext"]["http"]["path"] = changes.pop("path")
    if "headers" in changes:
        event["headers"].update(changes.pop("headers"))
    if "query" in changes:
        event["queryStringParameters"] = changes.pop("query")
    if changes:
        raise TypeError(f"unknown event changes: {sorted(changes)}")
    return event


class FakeContext:
    function_name = "orion-test"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:orion-test"
    memory_limit_in_mb = 512
    aws_request_id = "00000000-0000-0000-0000-000000000000"
    log_group_name = "/aws/lambda/orion-test"
    log_stream_name = "test"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000
