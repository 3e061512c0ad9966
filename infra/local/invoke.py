"""Invoke the real Lambda handlers: in execution-environment processes while the local cloud serves
(`make run`), or in this process (tests and benchmarks against in-process moto), one invocation at a
time per function."""

from __future__ import annotations

import sys
import threading
import time
import traceback
from typing import Any

from infra import wiring
from infra.local.environments import EnvironmentPool
from infra.local.lambda_runtime import LocalLambdaContext, ensure_event_loop, load_handler

_locks: dict[str, threading.Lock] = {name: threading.Lock() for name in (f.name for f in wiring.FUNCTIONS)}
_pools: dict[str, EnvironmentPool] = {}
_pool_limit = 0
_pools_lock = threading.Lock()


def use_environments(limit: int) -> None:
    """From now on run each function in up to ``limit`` concurrent execution-environment processes
    (``0``: back to in-process invocation)."""
    global _pool_limit
    close_environments()
    _pool_limit = limit


def close_environments() -> None:
    with _pools_lock:
        pools = list(_pools.items())
        _pools.clear()
    # Each environment takes a moment to exit (its interpreter's teardown): stop them all at once.
    closing = [threading.Thread(target=pool.close, name=f"close-{name}") for name, pool in pools]
    for thread in closing:
        thread.start()
    for thread in closing:
        thread.join()


def environment_count(name: str) -> int:
    """How many execution environments function ``name`` has (0 when invoked in-process)."""
    pool = _pools.get(name)
    return pool.size if pool else 0


def invoke(fn: wiring.Function, event: Any) -> Any:
    """Run ``fn``'s handler on ``event``.

    With execution environments, concurrent calls run in parallel in separate processes. In-process, a
    Lambda execution environment runs one invocation at a time and handlers keep per-request state in
    module globals (the Powertools resolver's current event), so calls to one function are serialised;
    different functions run in parallel.
    """
    if _pool_limit > 0:
        with _pools_lock:
            pool = _pools.get(fn.name)
            if pool is None:
                pool = _pools[fn.name] = EnvironmentPool(fn, _pool_limit)
        return pool.invoke(event)
    handler = load_handler(fn.handler)
    ensure_event_loop()
    context = LocalLambdaContext(f"orion-{fn.name}", fn.memory_mb, fn.timeout_seconds)
    with _locks.setdefault(fn.name, threading.Lock()):
        return handler(event, context)


# Lambda's asynchronous invocation (what EventBridge does): the function runs in the background; an
# invocation that raises is retried twice, then given up (on AWS: the dead-letter queue), here logged.
ASYNC_RETRY_DELAYS = (1.0, 2.0)
_async_running = 0
_async_idle = threading.Condition()


def invoke_async(fn: wiring.Function, event: Any) -> None:
    """Run ``fn`` on ``event`` in the background, as Lambda runs an asynchronous invocation."""
    global _async_running
    with _async_idle:
        _async_running += 1
    threading.Thread(target=_run_async, args=(fn, event), name=f"async-{fn.name}", daemon=True).start()


def _run_async(fn: wiring.Function, event: Any) -> None:
    global _async_running
    try:
        for attempt, delay in enumerate((*ASYNC_RETRY_DELAYS, None), start=1):
            try:
                invoke(fn, event)
                return
            except Exception:
                sys.stderr.write(f"{fn.name} (asynchronous, attempt {attempt}) failed:\n")
                traceback.print_exc()
                if delay is None:
                    sys.stderr.write(f"{fn.name}: event given up after {attempt} attempts\n")
                    return
                time.sleep(delay)
    finally:
        with _async_idle:
            _async_running -= 1
            _async_idle.notify_all()


def wait_for_async(timeout: float = 30.0) -> bool:
    """Wait until no asynchronous invocation runs (``False`` if some still do after ``timeout``)."""
    deadline = time.monotonic() + timeout
    with _async_idle:
        while _async_running:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            _async_idle.wait(left)
    return True
