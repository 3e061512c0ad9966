"""A small in-memory TTL cache for per-container lookups (tenants, templates)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")

_MISSING = object()


class TtlCache(Generic[K, V]):
    """Entries expire ``ttl`` seconds after they were stored; the oldest go first past ``max_entries``.

    Thread-safe, because the local gateway serves requests on threads; in Lambda one invocation runs
    at a time. Writers take a lock; readers need none.
    """

    def __init__(self, ttl: float, max_entries: int = 1024, clock: Callable[[], float] = time.monotonic):
        self._ttl = ttl
        self._max = max_entries
        self._clock = clock
        self._items: OrderedDict[K, tuple[float, V]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        """The live value for ``key``, or ``None`` when absent or expired."""
        found = self.lookup(key)
        return None if found is _MISSING else found  # type: ignore[return-value]

    def lookup(self, key: K) -> V | object:
        """Like :meth:`get`, but tells a cached ``None`` apart from a miss (returns ``MISSING``).

        Reads take no lock: a dict lookup is atomic and a hit changes nothing (eviction goes by age of
        insertion), so only dropping an expired entry does.
        """
        entry = self._items.get(key)
        if entry is None:
            return _MISSING
        stored_at, value = entry
        if self._clock() - stored_at > self._ttl:
            with self._lock:
                if self._items.get(key) is entry:
                    del self._items[key]
            return _MISSING
        return value

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._items[key] = (self._clock(), value)
            self._items.move_to_end(key)
            while len(self._items) > self._max:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


MISSING = _MISSING
