"""Make moto's DynamoDB cost what DynamoDB's requests cost, not what the whole table costs.

moto 5.2.5 has costs that grow with the table or the answer, not with the request, so the local
cloud's checkout, product saves and import publishing slowed down as a catalogue grew (publishing
1,000 products took many minutes):

- TransactWriteItems backs up every table it touches by deep-copying it (once per transaction item),
  so that a cancelled transaction can be rolled back by putting the copy in place.
- Query on a table (not an index) sorts every item of the table, then keeps the partition's.
- Query on an index walks every item of the table to find the index partition's, so after a large
  import every index Query (the outbox printer's each second, a listing, a scheduled task) cost
  milliseconds per thousand items: an idle `make run` spun a core after a 10,000-row import.
- Every answer goes through moto's generic serializer, which walks botocore's shape model for each
  attribute value (more than half the cost of a Query of one product's items).

Here a transaction backs up only the items it names (it can change nothing else) and puts them back
if it fails, a table Query reads its one partition, an index Query reads the items of its index
partition from a map of the table by index key (built in one pass over the table, kept until the
next write to any table: a write may change an item's index keys in place), and the answers of the
item reads (GetItem, Query, Scan, BatchGetItem, TransactGetItems), which are DynamoDB JSON already,
are dumped as they are (what a plain dump cannot write, such as binary values, still goes through
moto's serializer). Results, conditions and rollback stay moto's own:
tests/integration/local_cloud/test_moto_speedups.py checks that a cancelled transaction still writes
nothing, that an index Query sees every write, and that answers are the same with and without.
A table's stream records of a transaction are held until it commits (infra/local/streams.py), so
a cancelled transaction leaves none, as its item backup leaves no write.
Used by the local cloud, the test fixtures and the benchmarks (provision() installs it).
"""

from __future__ import annotations

import copy
import inspect
import json
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from infra.local import streams

_state = threading.local()
_installed = False
# One lock for every DynamoDB item request of this process's moto (infra.local.cloud takes it around
# each request). A transaction's item backup and its restore take it too, whichever was patched
# first: a backup taken outside it could be restored over another request's write.
DYNAMODB_REQUEST_LOCK = threading.RLock()
# Bumped by every DynamoDB write: an index partition map built at an older generation is stale.
_generation = 0
_generation_lock = threading.Lock()
# table -> {(index name, hash attribute): (generation built at, {hash value: [items]})}
_index_partitions: weakref.WeakKeyDictionary[Any, dict[tuple[str, str], tuple[int, dict[Any, list[Any]]]]] = (
    weakref.WeakKeyDictionary()
)
_original_all_items: Any = None
_WRITES = ("put_item", "update_item", "delete_item", "batch_write_item", "transact_write_items")
_ITEM_READS = frozenset({"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"})
_DYNAMODB_JSON = "application/x-amz-json-1.0"


@contextmanager
def moto_serializer() -> Iterator[None]:
    """Answer item reads through moto's own serializer in this block (to compare the two)."""
    _state.moto_serializer = True
    try:
        yield
    finally:
        _state.moto_serializer = False


class _NoTableCopies:
    """Stands in for the ``copy`` module inside moto's DynamoDB models: while a transaction backs up
    its items (see :func:`_item_backup`), a table's "backup" is the table itself, so moto's rollback
    (putting the backup in place) leaves the table where it is and the item backup restores it."""

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        from moto.dynamodb.models.table import Table

        if getattr(_state, "backing_up_items", False) and isinstance(value, Table):
            return value
        return copy.deepcopy(value, memo)


def install() -> None:
    """Patch moto once per process (idempotent)."""
    global _installed
    if _installed:
        return
    from moto.dynamodb import models
    from moto.dynamodb.models.table import Table

    original_transact = models.DynamoDBBackend.transact_write_items

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        # A stream's records of the transaction wait for it to commit (streams.py): a cancelled one,
        # whose items the backup puts back, leaves no record either.
        with DYNAMODB_REQUEST_LOCK, _item_backup(self, transact_items), streams.held_until_commit():
            original_transact(self, transact_items)

    from moto.core import responses

    original_execute = responses.ActionResult.execute_result

    def execute_result(self: Any, context: Any) -> Any:
        operation = context.operation_model.name
        if (
            not isinstance(self, responses.PaginatedResult)
            and context.service_model.service_name == "dynamodb"
            and operation in _ITEM_READS
            and isinstance(self.result, dict)
            and not getattr(_state, "moto_serializer", False)
        ):
            try:
                body = json.dumps(self.result)
            except (TypeError, ValueError):
                pass  # bytes (binary attributes) and the like: moto's serializer knows their shape
            else:
                return 200, {"Content-Type": _DYNAMODB_JSON}, body
        return original_execute(self, context)

    responses.ActionResult.execute_result = execute_result  # type: ignore[method-assign]
    models.copy = _NoTableCopies()  # type: ignore[attr-defined,assignment]
    models.DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    _install_partition_reads(Table)
    for name in _WRITES:
        setattr(models.DynamoDBBackend, name, _bumping(getattr(models.DynamoDBBackend, name)))
    for name in ("put_item", "delete_item"):  # other paths that write (restores, imports)
        setattr(Table, name, _bumping(getattr(Table, name)))
    _installed = True


def _install_partition_reads(Table: Any) -> None:
    """A table Query reads its partition, an index Query its index partition (not the whole table)."""
    original_query = Table.query
    index_name_at = list(inspect.signature(original_query).parameters).index("index_name")
    original_all_items = Table.all_items
    global _original_all_items
    _original_all_items = original_all_items
    hash_conditions_at = list(inspect.signature(original_query).parameters).index("hash_key_conditions")

    def query(self: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = kwargs.get("index_name", args[index_name_at - 1] if len(args) >= index_name_at else None)
        hash_key = kwargs.get("hash_key", args[0] if args else None)
        if index_name is not None:
            conditions = kwargs.get(
                "hash_key_conditions",
                args[hash_conditions_at - 1] if len(args) >= hash_conditions_at else None,
            )
            if not conditions:
                return original_query(self, *args, **kwargs)
            attribute, value = conditions[0]
            _state.index_items = (self, _index_partition(self, index_name, attribute).get(value, []))
            try:
                return original_query(self, *args, **kwargs)
            finally:
                _state.index_items = None
        if hash_key is None:
            return original_query(self, *args, **kwargs)
        _state.partition = (self, hash_key)
        try:
            return original_query(self, *args, **kwargs)
        finally:
            _state.partition = None

    def all_items(self: Any) -> Any:
        index_items = getattr(_state, "index_items", None)
        if index_items is not None and index_items[0] is self:
            return list(index_items[1])
        partition = getattr(_state, "partition", None)
        if partition is None or partition[0] is not self:
            return original_all_items(self)
        # A table query keeps the items of its partition and sorts them by range key itself.
        found = self.items.get(partition[1])  # .get: self.items is a defaultdict
        if found is None:
            return []
        return list(found.values()) if self.range_key_attr else [found]

    Table.query = query
    Table.all_items = all_items


def _bump() -> None:
    global _generation
    with _generation_lock:
        _generation += 1


def _bumping(write: Any) -> Any:
    """``write``, marking every index partition map stale before and after it runs (a query that
    builds one meanwhile keeps it for itself only)."""

    def bumped(*args: Any, **kwargs: Any) -> Any:
        _bump()
        try:
            return write(*args, **kwargs)
        finally:
            _bump()

    return bumped


def _index_partition(table: Any, index_name: str, attribute: str) -> dict[Any, list[Any]]:
    """The table's items by their value of ``attribute`` (an index's partition key), current as of the
    last write: one pass over the table when a write made the last map stale."""
    from moto.dynamodb.models.dynamo_type import Item

    generation = _generation
    maps = _index_partitions.setdefault(table, {})
    built = maps.get((index_name, attribute))
    if built is not None and built[0] == generation:
        return built[1]
    by_value: dict[Any, list[Any]] = {}
    for item in _original_all_items(table):
        if isinstance(item, Item) and (value := item.attrs.get(attribute)) is not None:
            by_value.setdefault(value, []).append(item)
    maps[(index_name, attribute)] = (generation, by_value)
    return by_value


def _table_name(transact_item: dict[str, Any]) -> str | None:
    operation = next(iter(transact_item.values()), None)
    return operation.get("TableName") if isinstance(operation, dict) else None


@contextmanager
def _item_backup(backend: Any, transact_items: list[dict[str, Any]]) -> Iterator[None]:
    """Copies of the items a transaction names, put back if the transaction raises."""
    from moto.dynamodb.models.dynamo_type import DynamoType

    saved: list[tuple[Any, Any, Any, Any]] = []  # (table, hash key, range key or None, item or None)
    for transact_item in transact_items:
        operation = next(iter(transact_item.values()), None)
        table = backend.tables.get(_table_name(transact_item))
        if table is None or not isinstance(operation, dict):
            continue  # moto refuses it before writing anything
        key = operation.get("Key") or operation.get("Item") or {}
        try:
            hash_key = DynamoType(key[table.hash_key_attr])
            range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
        except (KeyError, TypeError):
            continue  # a malformed key: moto refuses it before writing anything
        current = _current_item(table, hash_key, range_key)
        saved.append((table, hash_key, range_key, copy.deepcopy(current) if current else None))
    _state.backing_up_items = True
    try:
        yield
    except BaseException:
        for table, hash_key, range_key, item in reversed(saved):
            _restore_item(table, hash_key, range_key, item)
        raise
    finally:
        _state.backing_up_items = False


def _current_item(table: Any, hash_key: Any, range_key: Any) -> Any:
    found = table.items.get(hash_key)
    if found is None or range_key is None:
        return found
    return found.get(range_key)


def _restore_item(table: Any, hash_key: Any, range_key: Any, item: Any) -> None:
    if range_key is None:
        if item is None:
            table.items.pop(hash_key, None)
        else:
            table.items[hash_key] = item
    elif item is None:
        partition = table.items.get(hash_key)
        if partition is not None:
            partition.pop(range_key, None)
    else:
        table.items[hash_key][range_key] = item
