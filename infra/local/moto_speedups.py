"""Make moto's TransactWriteItems cost one table copy instead of one per item.

moto 5.2.5 backs up a table before a transaction by deep-copying it once *per transaction item*, so a
30-item transaction on a table of a few thousand items takes seconds, and the local cloud's checkout
and product saves slow down as the demo grows. Within one call the table is not changed while the
backups are taken, so handing back the same copy for the same table is equivalent; the rollback
behaviour is moto's own. Used by the local cloud, the test fixtures and the benchmarks.
"""

from __future__ import annotations

import copy
import threading
from typing import Any

_state = threading.local()
_installed = False


class _OneCopyPerTable:
    """Stands in for the ``copy`` module inside moto's DynamoDB models."""

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        from moto.dynamodb.models.table import Table

        copies: dict[int, Any] | None = getattr(_state, "copies", None)
        if copies is None or not isinstance(value, Table):
            return copy.deepcopy(value, memo)
        if id(value) not in copies:
            copies[id(value)] = copy.deepcopy(value)
        return copies[id(value)]


def install() -> None:
    """Patch moto once per process (idempotent)."""
    global _installed
    if _installed:
        return
    from moto.dynamodb import models

    original = models.DynamoDBBackend.transact_write_items

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        _state.copies = {}
        try:
            original(self, transact_items)
        finally:
            _state.copies = None

    models.copy = _OneCopyPerTable()  # type: ignore[attr-defined,assignment]
    models.DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    _installed = True
