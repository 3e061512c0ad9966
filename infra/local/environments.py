"""Lambda execution environments for the local cloud: each a process that loads one function's handler
and runs one invocation at a time; a function gets another environment whenever a request arrives
while all of its environments are busy, up to a concurrency limit, as Lambda scales out.

Separate processes, not threads, because that is what Lambda gives each concurrent invocation: its own
module globals (the Powertools resolver's current event, the logger's keys, per-container caches), and
truly parallel requests to DynamoDB, so conditional writes race as they do on AWS. Environments talk to
the local cloud's AWS endpoint over HTTP, like any SDK client.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import traceback
import uuid
import warnings
from multiprocessing.connection import Connection
from typing import Any

from infra import wiring
from infra.local.lambda_runtime import LocalLambdaContext, ensure_event_loop, load_handler

_SPAWN = multiprocessing.get_context("spawn")  # a fresh interpreter, as a cold start is
# Held while a process is being started: the new interpreter reads its start-up data from a pipe the
# parent writes in start(), so exiting mid-start leaves it a traceback (EOFError) on the console.
_STARTING = threading.Lock()


def stop_starting(timeout: float) -> None:
    """Let a start under way finish (up to ``timeout`` s) and start none after it: called just before
    the local cloud's process exits."""
    _STARTING.acquire(timeout=timeout)  # never released: the process is about to exit


class FunctionError(Exception):
    """The handler raised: Lambda reports its type and message (Step Functions matches on the type)."""

    def __init__(self, error_type: str, message: str, trace: str = "") -> None:
        super().__init__(message)
        self.error_type = error_type
        self.trace = trace


class FunctionTimeout(FunctionError):
    def __init__(self, fn: wiring.Function, seconds: float, phase: str = "invocation") -> None:
        super().__init__("States.Timeout", f"{fn.name}: the {phase} timed out after {seconds:.0f} seconds")


# A laptop running the whole local cloud (and often a test suite) is slower than Lambda, so local limits
# are the function's timeout times ORION_LOCAL_TIMEOUT_FACTOR; the init phase (the handler's imports,
# Lambda allows 10 s) gets INIT_TIMEOUT_SECONDS, since cold starts here may run many at once.
DEFAULT_TIMEOUT_FACTOR = 3.0
INIT_TIMEOUT_SECONDS = 120.0


def timeout_factor() -> float:
    return float(os.environ.get("ORION_LOCAL_TIMEOUT_FACTOR", DEFAULT_TIMEOUT_FACTOR))


def serve(connection: Connection, fn: wiring.Function) -> None:
    """The environment's loop: load the handler once, then run each event sent until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for `make run`, which stops us in turn
    # Most requests publish no custom metric; Powertools warns about that once per process.
    warnings.filterwarnings("ignore", "No application metrics to publish", UserWarning)
    try:
        handler: Any = load_handler(fn.handler)
        failure: tuple[str, str, str] | None = None
    except Exception as exc:  # Lambda's Runtime.ImportModuleError: every invocation reports it
        handler, failure = None, ("Runtime.ImportModuleError", str(exc), traceback.format_exc())
    ensure_event_loop()
    if not _send(connection, ("ready",)):  # the init phase is over
        return
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):  # the local cloud has gone
            return
        if message is None:
            return
        event, request_id = message
        if failure is not None:
            if not _send(connection, ("error", *failure)):
                return
            continue
        context = LocalLambdaContext(
            f"orion-{fn.name}", fn.memory_mb, fn.timeout_seconds, aws_request_id=request_id
        )
        try:
            answer: tuple[Any, ...] = ("ok", handler(event, context))
        except Exception as exc:
            answer = ("error", type(exc).__name__, str(exc), traceback.format_exc())
        if not _send(connection, answer):
            return


def _send(connection: Connection, message: tuple[Any, ...]) -> bool:
    """Send ``message`` to the local cloud; False when it has gone (stopped while this environment was
    starting or running an event), which ends the environment quietly, as a closed pipe on receive does."""
    try:
        connection.send(message)
    except (EOFError, OSError):  # a broken pipe among them
        return False
    return True


class ExecutionEnvironment:
    """One process serving one function."""

    def __init__(self, fn: wiring.Function) -> None:
        self.fn = fn
        self.timeout = fn.timeout_seconds * timeout_factor()
        self._ready = False
        self._broken = False
        self._connection, child = _SPAWN.Pipe()
        self._process = _SPAWN.Process(target=serve, args=(child, fn), name=f"lambda-{fn.name}", daemon=True)
        with _STARTING:
            self._process.start()
        child.close()

    @property
    def alive(self) -> bool:
        """Whether it can take another invocation (not crashed, timed out or stopped)."""
        return not self._broken and self._process.is_alive()

    def invoke(self, event: Any) -> Any:
        """The handler's result; raises :class:`FunctionError` as Lambda reports a failed invocation."""
        if not self._ready:
            self._receive(INIT_TIMEOUT_SECONDS, "init phase")
            self._ready = True
        self._connection.send((event, str(uuid.uuid4())))
        reply = self._receive(self.timeout, "invocation")
        if reply[0] == "ok":
            return reply[1]
        _, error_type, message, trace = reply
        raise FunctionError(error_type, message, trace)

    def _receive(self, seconds: float, phase: str) -> tuple[Any, ...]:
        if not self._connection.poll(seconds):
            self._broken = True
            self.stop(force=True)
            raise FunctionTimeout(self.fn, seconds, phase)
        try:
            reply: tuple[Any, ...] = self._connection.recv()
        except EOFError as exc:  # the process died (out of memory, os._exit, a crash)
            self._broken = True
            raise FunctionError("Runtime.ExitError", f"{self.fn.name} exited during its {phase}") from exc
        return reply

    def stop(self, *, force: bool = False) -> None:
        if not force:
            with contextlib.suppress(OSError):  # already gone
                self._connection.send(None)
            self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.kill()
            self._process.join(timeout=5)
        self._connection.close()


class EnvironmentPool:
    """A function's environments: an idle one takes the next invocation, a new one starts while all are
    busy and fewer than ``limit`` exist, and beyond that invocations wait for one to free up."""

    def __init__(self, fn: wiring.Function, limit: int) -> None:
        self.fn = fn
        self.limit = max(1, limit)
        self._idle: list[ExecutionEnvironment] = []
        self._count = 0
        self._changed = threading.Condition()
        self._closed = False

    @property
    def size(self) -> int:
        return self._count

    def invoke(self, event: Any) -> Any:
        environment = self._acquire()
        healthy = False
        try:
            result = environment.invoke(event)
            healthy = True
            return result
        except FunctionError:
            healthy = environment.alive  # a handler's exception leaves it warm; a crash does not
            raise
        finally:
            self._release(environment, healthy)

    def _acquire(self) -> ExecutionEnvironment:
        with self._changed:
            while True:
                if self._closed:
                    raise RuntimeError("the local cloud is stopping")
                if self._idle:
                    return self._idle.pop()  # the most recently used: the warmest
                if self._count < self.limit:
                    self._count += 1
                    break
                self._changed.wait()
        try:
            return ExecutionEnvironment(self.fn)
        except BaseException:
            with self._changed:
                self._count -= 1
                self._changed.notify()
            raise

    def _release(self, environment: ExecutionEnvironment, healthy: bool) -> None:
        with self._changed:
            if healthy and not self._closed:
                self._idle.append(environment)
            else:
                self._count -= 1
            self._changed.notify()
        if not healthy or self._closed:
            environment.stop(force=not environment.alive)

    def close(self) -> None:
        with self._changed:
            self._closed = True
            idle, self._idle = self._idle, []
            self._changed.notify_all()
        for environment in idle:
            environment.stop()
