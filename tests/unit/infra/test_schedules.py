"""Every scheduled task a module declares has one schedule in the wiring table (and no schedule
names a task nobody declares); the local cloud can run every schedule."""

from __future__ import annotations

from typing import Any

import pytest

from infra import wiring
from infra.local.scheduler import LocalScheduler, interval_seconds
from orion.modules.tasks import scheduled_tasks


def test_schedules_and_declared_tasks_match_one_to_one() -> None:
    declared = {task.name: task.schedule for _, task in scheduled_tasks()}
    scheduled = {s.input["task"]: s.expression for s in wiring.SCHEDULES}
    assert scheduled == declared


def test_every_schedule_targets_the_task_runner_and_is_named_once() -> None:
    names = [s.name for s in wiring.SCHEDULES]
    assert len(names) == len(set(names))
    for schedule in wiring.SCHEDULES:
        assert wiring.function(schedule.target).handler == "functions.scheduler.handler.handler"
        assert interval_seconds(schedule.expression) >= 60


@pytest.mark.parametrize(
    ("expression", "seconds"),
    [("rate(1 minute)", 60), ("rate(15 minutes)", 900), ("rate(2 hours)", 7200), ("rate(1 day)", 86400)],
)
def test_rate_expressions(expression: str, seconds: int) -> None:
    assert interval_seconds(expression) == seconds


def test_cron_is_left_to_aws() -> None:
    with pytest.raises(ValueError, match="rate"):
        interval_seconds("cron(0 3 * * ? *)")


def test_the_local_scheduler_fires_each_schedule_once_per_interval() -> None:
    now = [0.0]
    calls: list[tuple[str, dict[str, Any]]] = []
    schedule = wiring.Schedule("s", "rate(10 minutes)", "scheduled_tasks", {"task": "t"})
    scheduler = LocalScheduler(
        [schedule],
        speedup=10,
        run=lambda fn, event: calls.append((fn.name, event)),
        clock=lambda: now[0],
    )
    assert scheduler.run_due() == []  # not at start
    now[0] = 59.0
    assert scheduler.run_due() == []
    now[0] = 60.0  # ten minutes, ten times faster
    assert scheduler.run_due() == ["s"]
    assert calls == [("scheduled_tasks", {"task": "t"})]
    now[0] = 90.0
    assert scheduler.run_due() == []
    now[0] = 120.0
    assert scheduler.run_due() == ["s"]


def test_a_failing_run_does_not_stop_the_scheduler() -> None:
    def boom(fn: wiring.Function, event: dict[str, Any]) -> None:
        raise RuntimeError("task failed")

    now = [0.0]
    schedule = wiring.Schedule("s", "rate(1 minute)", "scheduled_tasks", {"task": "t"})
    scheduler = LocalScheduler([schedule], run=boom, clock=lambda: now[0])
    now[0] = 60.0
    assert scheduler.run_due() == ["s"]
    now[0] = 120.0
    assert scheduler.run_due() == ["s"]
