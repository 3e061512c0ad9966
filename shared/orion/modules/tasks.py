"""Run the scheduled tasks modules declare, once per platform on which their module is enabled.

A task is ``ScheduledTask(name, run="orion.<feature>.tasks:function", schedule="rate(...)")`` in a
manifest; ``function(tenant, now) -> int`` does one platform's share and returns how many things it
handled. Tasks are imported only when they run, so the core never imports an optional module, and
they must be idempotent: EventBridge Scheduler retries, and runs can overlap. The platforms to visit
come from the caller (the scheduled-tasks function passes tenancy's list), so this kernel module
never imports a feature.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from orion.errors import NotFound
from orion.modules.manifest import ModuleManifest, ScheduledTask
from orion.modules.registry import discover_modules
from orion.observability import logger
from orion.tenant import Tenant

TaskFunction = Callable[[Tenant, datetime], int]


class TaskPlatform(Protocol):
    """What the runner needs of a platform: its code and the optional modules enabled on it."""

    @property
    def code(self) -> str: ...

    @property
    def enabled_modules(self) -> frozenset[str]: ...


@dataclass
class TaskRun:
    """What one run of a task did on each platform."""

    task: str
    started_at: datetime
    handled: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # platforms where the module is off
    failed: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            "task": self.task,
            "started_at": self.started_at.isoformat(),
            "handled": self.handled,
            "skipped": self.skipped,
            "failed": self.failed,
        }


def scheduled_tasks() -> list[tuple[ModuleManifest, ScheduledTask]]:
    """Every task of every module (enabled somewhere or not), by name."""
    found = [(m, t) for m in discover_modules() for t in m.scheduled_tasks]
    return sorted(found, key=lambda pair: pair[1].name)


def find_task(name: str) -> tuple[ModuleManifest, ScheduledTask]:
    for manifest, task in scheduled_tasks():
        if task.name == name:
            return manifest, task
    raise NotFound(f"No module declares the scheduled task {name!r}.")


def load_task(task: ScheduledTask) -> TaskFunction:
    module, _, attribute = task.run.partition(":")
    function: TaskFunction = getattr(importlib.import_module(module), attribute)
    return function


def run_task(
    name: str, platforms: Callable[[], Iterable[TaskPlatform]], now: datetime | None = None
) -> TaskRun:
    """Run task ``name`` for every platform ``platforms()`` lists that has its module enabled; one
    platform's failure is logged and reported, and the others still run."""
    manifest, task = find_task(name)
    now = now or datetime.now(UTC)
    run = TaskRun(task=name, started_at=now)
    function: TaskFunction | None = None
    for platform in platforms():
        if not manifest.is_enabled(platform.enabled_modules):
            run.skipped.append(platform.code)
            continue
        try:
            function = function or load_task(task)
            run.handled[platform.code] = int(function(Tenant(platform.code), now))
        except Exception as exc:  # reported; the next platform still gets its run
            logger.exception("scheduled task failed", extra={"task": name, "platform": platform.code})
            run.failed[platform.code] = type(exc).__name__
    return run
