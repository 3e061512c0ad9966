"""Imports: parse + validate throughput of process_batch's row pipeline vs csv.reader on the same file."""

from __future__ import annotations

import csv
import io
import statistics
import time
from collections.abc import Callable

from tests.feeds import letzshop_feed

ROWS = 10_000
GOAL = 0.25  # at least a quarter of csv.reader's rows per second


def best_seconds(run: Callable[[], int], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    from orion.imports.formats import ReadOptions, inspect_file, read_records
    from orion.imports.models import SourceRecord
    from orion.imports.service import validate_records

    content = letzshop_feed(ROWS, "fr")

    def baseline() -> int:
        return sum(1 for _ in csv.reader(io.StringIO(content.decode("utf-8"), newline=""), delimiter="\t"))

    def pipeline() -> int:
        shape = inspect_file(io.BytesIO(content))
        text = io.StringIO(content.decode(shape.encoding), newline="")
        records = [
            r for r in read_records(text, shape, ReadOptions("fr", 100_000)) if isinstance(r, SourceRecord)
        ]
        staged, _, _ = validate_records(records, "BENCH", "EUR")
        return len(staged)

    assert pipeline() == ROWS
    baseline_s, pipeline_s = best_seconds(baseline), best_seconds(pipeline)
    ratio = baseline_s / pipeline_s
    verdict = "meets" if ratio >= GOAL else "misses"
    print(
        f"row pipeline (detect + parse + normalise + pydantic validation): {ROWS / pipeline_s:,.0f} rows/s; "
        f"csv.reader alone: {ROWS / baseline_s:,.0f} rows/s -> throughput ratio {ratio:.2f}x "
        f"({verdict} the goal of >= {GOAL}x)"
    )
