"""moto's in-memory account as a value: taken once after a costly setup (provisioning, seeding the demo),
then restored for each test as a copy of its own, so a test that writes never leaks into another."""

from __future__ import annotations

import copy
import copyreg
import gc
import pickle
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from moto.core.base_backend import BackendDict, backend_lock

T = TypeVar("T")

# moto's SQS queues each hold a Condition (over an RLock) that long polls wait on: a frozen account's
# queue thaws with a new lock of its own, never held (a lock is no state worth keeping).
copyreg.pickle(type(threading.RLock()), lambda _lock: (threading.RLock, ()))


@dataclass(frozen=True)
class _Backend:
    """One service's backend in one account and region, frozen."""

    backends: BackendDict[Any]
    account_id: str
    region: str
    pickled: bytes | None  # pickling is cheap to undo; the few backends it cannot take are deep-copied
    copied: Any = None

    @classmethod
    def freeze(cls, backends: BackendDict[Any], account_id: str, region: str, backend: Any) -> _Backend:
        try:
            return cls(backends, account_id, region, pickle.dumps(backend, pickle.HIGHEST_PROTOCOL))
        except (pickle.PicklingError, TypeError, AttributeError):  # a lock or a weak reference inside
            return cls(backends, account_id, region, None, copy.deepcopy(backend))

    def thaw(self) -> Any:
        return pickle.loads(self.pickled) if self.pickled is not None else copy.deepcopy(self.copied)


@dataclass(frozen=True)
class AccountState:
    """Every backend moto holds at the time it was taken (every service, account and region)."""

    backends: tuple[_Backend, ...]

    @classmethod
    def take(cls) -> AccountState:
        with backend_lock:
            return cls(
                tuple(
                    _Backend.freeze(backends, account_id, region, backend)
                    for backends in _backends_in_use()
                    for account_id, region, backend in backends.iter_backends()
                )
            )

    def restore(self) -> None:
        """Replace whatever moto holds now (inside an active mock) by a fresh copy of this state."""
        with backend_lock, _collector_paused():
            BackendDict.reset()  # moto's own reset: drops every backend (and closes S3's buffers)
            for frozen in self.backends:
                frozen.backends[frozen.account_id][frozen.region] = frozen.thaw()


def _backends_in_use() -> list[BackendDict[Any]]:
    """moto's own list of the services that hold state (the one its reset walks)."""
    found: list[BackendDict[Any]] = BackendDict._instances  # type: ignore[misc]
    return found


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Unpickling a seeded table makes tens of thousands of objects, all of them kept: with the cyclic
    collector on, it would walk the whole test process's heap several times over while they are made."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass
class AccountStates:
    """The states one test process has built, by name: each setup runs once per process (per xdist
    worker), later tests get a copy of its result and of the value it returned."""

    built: dict[str, tuple[AccountState, Any]] = field(default_factory=dict)

    def restore_or_build(self, name: str, build: Callable[[], T]) -> T:
        """Inside an active mock: the state ``build`` leaves (``build`` runs on the state of the moment
        the first time, so each name must always follow the same setup) and what ``build`` returned."""
        if name in self.built:
            state, value = self.built[name]
            state.restore()
            found: T = copy.deepcopy(value)
            return found
        value = build()
        self.built[name] = (AccountState.take(), copy.deepcopy(value))
        return value
