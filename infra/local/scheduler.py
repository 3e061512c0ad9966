"""The local cloud's scheduler: runs the wiring table's schedules in a background thread, as
EventBridge Scheduler does on AWS, by invoking the target function in-process with the input."""

from __future__ import annotations

import re
import sys
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from infra import wiring
from infra.local import invoke

_RATE = re.compile(r"^rate\((?P<n>\d+) (?P<unit>minute|minutes|hour|hours|day|days)\)$")
_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


def interval_seconds(expression: str) -> int:
    """Seconds between runs of a ``rate(...)`` expression (the only kind the local cloud runs)."""
    match = _RATE.fullmatch(expression.strip())
    if match is None:
        raise ValueError(f"the local scheduler runs rate(...) expressions only, not {expression!r}")
    return int(match["n"]) * _SECONDS[match["unit"].rstrip("s")]


class LocalScheduler:
    """Fires every schedule at its interval (first run one interval after start); ``speedup`` divides
    the intervals (``ORION_LOCAL_SCHEDULE_SPEEDUP``) so a demo need not wait fifteen minutes."""

    def __init__(
        self,
        schedules: Sequence[wiring.Schedule] = wiring.SCHEDULES,
        *,
        speedup: float = 1.0,
        run: Callable[[wiring.Function, dict[str, Any]], Any] = invoke.invoke,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._schedules = list(schedules)
        self._speedup = max(speedup, 1e-6)
        self._run = run
        self._clock = clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        start = clock()
        self._next = {s.name: start + self._interval(s) for s in self._schedules}

    def _interval(self, schedule: wiring.Schedule) -> float:
        return interval_seconds(schedule.expression) / self._speedup

    def run_due(self) -> list[str]:
        """Run every schedule that is due now; the names run (one pass of the loop)."""
        ran: list[str] = []
        now = self._clock()
        for schedule in self._schedules:
            if now < self._next[schedule.name]:
                continue
            self._next[schedule.name] = now + self._interval(schedule)
            try:
                self._run(wiring.function(schedule.target), dict(schedule.input))
            except Exception as exc:  # a failing task must not stop the scheduler
                sys.stderr.write(f"schedule {schedule.name} failed: {exc!r}\n")
            ran.append(schedule.name)
        return ran

    def start(self) -> None:
        def loop() -> None:
            while not self._stop.wait(1.0):
                self.run_due()

        self._thread = threading.Thread(target=loop, name="local-scheduler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
