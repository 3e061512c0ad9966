"""The table's stream in the local cloud and the tests: its records handed to whoever listens, and the
functions the wiring table puts on the stream invoked with them, as Lambda's event source mapping does.

moto keeps every stream record of a table in memory for good and runs no consumer (its mappings run
functions in Docker). Here :func:`install` replaces moto's recording: a write's record (keys, old and
new image, as DynamoDB Streams sends it) goes to the table's listeners and is kept nowhere, so a table
with a stream costs nothing while nobody listens (seeding the demo data, most tests). A transaction's
records are held until it commits (``infra/local/moto_speedups.py`` takes its own item backup around
it): a cancelled transaction leaves no record, as on AWS.

:class:`StreamPoller` is one function's mapping: the records its filter lets through (its item kinds
and events, as ``infra/stacks/api.py`` filters them on AWS), in order, in batches of up to its
``stream_batch_size``; a batch
item failure retries from that record on, five times at most, then the records are given up (logged;
on AWS: the stream's dead-letter queue). The outbox sender is not run locally: the dev outbox printer
delivers e-mails there (``infra/local/outbox.py``).
"""

from __future__ import annotations

import itertools
import queue
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from infra import wiring
from infra.local import invoke
from infra.wiring import LOCAL_ACCOUNT, LOCAL_REGION

Record = dict[str, Any]
Listener = Callable[[Record], None]

# Functions on a stream the local cloud does not run, and what stands in for them.
REPLACED_LOCALLY = {"outbox_sender": "the dev outbox printer delivers e-mails (no SES locally)"}
RETRY_ATTEMPTS = 5  # as the AWS mapping (infra/stacks/api.py)
LINGER_SECONDS = 0.5  # how long a batch waits for more records once it has one

# Per table: each listener and the item kinds it wants (None: every item); a write of another kind
# makes no record at all (an import's thousands of staged rows cost nothing).
_listeners: dict[str, list[tuple[Listener, frozenset[str] | None]]] = {}
_listeners_lock = threading.Lock()
_sequence = itertools.count(1)
_held = threading.local()
_installed = False


def install() -> None:
    """Replace moto's stream recording by delivery to listeners (idempotent)."""
    global _installed
    if _installed:
        return
    from moto.dynamodb.models.table import StreamShard

    def add(self: Any, old: Any, new: Any) -> None:
        table = self.table
        with _listeners_lock:
            candidates = list(_listeners.get(table.name, ()))
        if not candidates:
            return
        kind = _kind_of(new if new is not None else old)
        listening = [listener for listener, kinds in candidates if kinds is None or kind in kinds]
        if not listening:
            return
        record = _record(table, old, new)
        held: list[tuple[list[Listener], Record]] | None = getattr(_held, "records", None)
        if held is not None:
            held.append((listening, record))
            return
        _deliver(listening, record)

    StreamShard.add = add  # type: ignore[method-assign]
    _installed = True


def _kind_of(item: Any) -> str | None:
    value = item.attrs.get("kind") if item is not None else None
    return str(value.value) if value is not None else None


def _record(table: Any, old: Any, new: Any) -> Record:
    """The record DynamoDB Streams would send for one write (moto builds its body)."""
    from moto.dynamodb.models.table import StreamRecord

    view = (table.stream_specification or {}).get("StreamViewType", "NEW_AND_OLD_IMAGES")
    event = "INSERT" if old is None else "REMOVE" if new is None else "MODIFY"
    record: Record = StreamRecord(table, view, event, old, new, next(_sequence)).to_json()
    record["eventID"] = uuid.uuid4().hex
    record["eventVersion"] = "1.1"
    record["awsRegion"] = LOCAL_REGION
    record["eventSourceARN"] = (
        f"arn:aws:dynamodb:{LOCAL_REGION}:{LOCAL_ACCOUNT}:table/{table.name}/stream/{table.latest_stream_label}"
    )
    record["dynamodb"]["ApproximateCreationDateTime"] = time.time()
    return record


def _deliver(listening: list[Listener], record: Record) -> None:
    for listener in listening:
        listener(record)


@contextmanager
def held_until_commit() -> Iterator[None]:
    """Hold the stream records of the writes in this block (a transaction): delivered when it ends
    normally, dropped when it raises (the transaction was cancelled and its writes taken back)."""
    if getattr(_held, "records", None) is not None:  # already inside one
        yield
        return
    _held.records = []
    try:
        yield
    except BaseException:
        _held.records = None
        raise
    records, _held.records = _held.records, None
    for listening, record in records:
        _deliver(listening, record)


@contextmanager
def listening(table_name: str) -> Iterator[list[Record]]:
    """The table's stream records of the writes made in this block, in order (for tests)."""
    seen: list[Record] = []
    listen(table_name, seen.append)
    try:
        yield seen
    finally:
        unlisten(table_name, seen.append)


def listen(table_name: str, listener: Listener, kinds: frozenset[str] | None = None) -> None:
    """Hand ``listener`` the table's stream records (of items of ``kinds`` only, when given)."""
    with _listeners_lock:
        _listeners.setdefault(table_name, []).append((listener, kinds))


def unlisten(table_name: str, listener: Listener) -> None:
    with _listeners_lock:
        _listeners[table_name] = [
            (found, k) for found, k in _listeners.get(table_name, []) if found != listener
        ]


def stream_event(records: list[Record]) -> dict[str, Any]:
    """The event Lambda sends a stream function."""
    return {"Records": records}


def passes_filter(fn: wiring.Function, record: Record) -> bool:
    """Whether the function's event source mapping lets the record through (infra/stacks/api.py's
    filters: its events, and its item kinds in the new image, or the old one for a removal)."""
    event = record.get("eventName")
    if event not in fn.stream_events:
        return False
    image = record.get("dynamodb", {}).get("OldImage" if event == "REMOVE" else "NewImage") or {}
    return image.get("kind", {}).get("S") in fn.stream_kinds


def stream_functions() -> list[wiring.Function]:
    """The functions the local cloud runs on the table's stream."""
    return [fn for fn in wiring.FUNCTIONS if fn.table_stream and fn.name not in REPLACED_LOCALLY]


class StreamPoller:
    """One function's stream mapping: batches of the records its filter lets through, in order."""

    def __init__(
        self,
        fn: wiring.Function,
        *,
        run: Callable[[wiring.Function, Any], Any] = invoke.invoke,
        retry_delay: float = 1.0,
    ) -> None:
        assert fn.table_stream is not None
        self.fn = fn
        self._table = wiring.table(fn.table_stream).local_name
        self._run = run
        self._retry_delay = retry_delay
        self._records: queue.Queue[Record] = queue.Queue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _take(self, record: Record) -> None:
        if passes_filter(self.fn, record):
            self._records.put(record)

    def start(self) -> None:
        listen(self._table, self._take, frozenset(self.fn.stream_kinds))
        self._thread = threading.Thread(target=self._loop, name=f"stream-{self.fn.name}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        unlisten(self._table, self._take)
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)

    def _loop(self) -> None:
        while not self._stop.is_set():
            batch = self._next_batch()
            if batch:
                self.process(batch)

    def _next_batch(self) -> list[Record]:
        try:
            batch = [self._records.get(timeout=1.0)]
        except queue.Empty:
            return []
        deadline = time.monotonic() + LINGER_SECONDS
        while len(batch) < self.fn.stream_batch_size:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            try:
                batch.append(self._records.get(timeout=left))
            except queue.Empty:
                break
        return batch

    def process(self, batch: list[Record]) -> None:
        """Invoke the function on the batch; on a failure, again from the record it names (or the whole
        batch when it raised), at most RETRY_ATTEMPTS times."""
        for attempt in range(RETRY_ATTEMPTS + 1):
            try:
                answer = self._run(self.fn, stream_event(batch))
            except Exception:
                sys.stderr.write(f"{self.fn.name} (stream batch, attempt {attempt + 1}) failed:\n")
                traceback.print_exc()
                failed_from = 0
            else:
                failures = (answer or {}).get("batchItemFailures") or [] if isinstance(answer, dict) else []
                if not failures:
                    return
                first = str(failures[0].get("itemIdentifier"))
                numbers = [r["dynamodb"]["SequenceNumber"] for r in batch]
                failed_from = numbers.index(first) if first in numbers else 0
            batch = batch[failed_from:]
            if self._stop.wait(self._retry_delay * (attempt + 1)):
                return
        sys.stderr.write(f"{self.fn.name}: {len(batch)} stream records given up after their retries\n")
