"""What Lambda's runtime gives a handler, for the local cloud's invocations in this process and in
execution-environment processes alike: the handler loaded from its dotted name, the context object,
and an event loop on the invoking thread."""

from __future__ import annotations

import asyncio
import importlib
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any


@dataclass
class LocalLambdaContext:
    """The parts of the Lambda context object handlers and Powertools use."""

    function_name: str
    memory_limit_in_mb: int
    timeout_seconds: int
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = ""
    log_stream_name: str = "local"
    _started: float = field(default_factory=time.monotonic)

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:eu-west-1:123456789012:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.timeout_seconds - (time.monotonic() - self._started)) * 1000))


@cache
def load_handler(dotted: str) -> Callable[[Any, Any], Any]:
    module, attribute = dotted.rsplit(".", 1)
    handler: Callable[[Any, Any], Any] = getattr(importlib.import_module(module), attribute)
    return handler


def ensure_event_loop() -> None:
    """Lambda runs handlers on the main thread, where asyncio has a current loop; the local gateway runs
    them on request threads, which have none. Mangum (the staff API adapter) asks for the current
    loop, so give each thread one, as Lambda's runtime effectively does."""
    try:
        loop = asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:
        loop = None
    if loop is None or loop.is_closed():
        asyncio.set_event_loop(asyncio.new_event_loop())
