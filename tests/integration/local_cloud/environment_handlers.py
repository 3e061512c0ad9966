"""Handlers the execution-environment tests run in child processes."""

from __future__ import annotations

import os
import time
from typing import Any


def report(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Who served the invocation, after holding it for ``event["hold"]`` seconds."""
    time.sleep(event.get("hold", 0))
    return {"pid": os.getpid(), "request_id": context.aws_request_id, "echo": event.get("echo")}


def fail(event: dict[str, Any], context: Any) -> dict[str, Any]:
    raise LookupError(f"nothing for {event.get('key')}")


def crash(event: dict[str, Any], context: Any) -> dict[str, Any]:
    os._exit(3)
