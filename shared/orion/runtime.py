"""The runtime seam: the one place that owns a process's repository instances and per-container
singletons, and resets them with the settings, clients and table binding they were built from (tests,
the local cloud).

Features never construct their data-access classes inline: they ask ``runtime.repository(Kind)``, which
creates the instance on first use and keeps it for the life of the execution environment. Objects a
container keeps warm across invocations (the tenant directory, the page renderer, the signing-key
source) are declared with :func:`singleton`, so :func:`reset` forgets them together with the settings
they were built from. Tests put a fake in with :func:`substitute`.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, TypeVar, cast

from orion.data.clients import reset_clients
from orion.data.table import unbind_table
from orion.settings import reset_settings

T = TypeVar("T")

_instances: dict[type[Any], Any] = {}
_singletons: list[Any] = []  # functools.cache wrappers, each with cache_clear()
_lock = threading.Lock()


def repository(kind: type[T]) -> T:
    """The process's instance of the data-access class ``kind``, created on first use."""
    found = _instances.get(kind)
    if found is None:
        with _lock:
            found = _instances.get(kind)
            if found is None:
                found = _instances[kind] = kind()
    return cast(T, found)


def substitute(kind: type[T], instance: T) -> None:
    """Serve ``instance`` for ``kind`` until the next :func:`reset` (a fake in a unit test)."""
    with _lock:
        _instances[kind] = instance


def singleton(factory: Callable[[], T]) -> Callable[[], T]:
    """Decorate a factory whose product lives as long as the execution environment: built on the first
    call, the same object afterwards, built again after :func:`reset`."""
    cached = functools.cache(factory)
    _singletons.append(cached)
    return cached


def reset() -> None:
    """Forget the settings, AWS clients, table binding, repositories and singletons (after the
    environment changed: every test starts here, and so does the local cloud)."""
    with _lock:
        reset_settings()
        reset_clients()
        unbind_table()
        _instances.clear()
        for cached in _singletons:
            cached.cache_clear()
