"""Imports: parse + validate throughput of process_batch's row pipeline vs csv.reader on the same file."""

from __future__ import annotations

import csv
import io
import statistics
import time
from collections.abc import Callable

from tests.bench.support import instructions_of
from tests.feeds import letzshop_feed

ROWS = 10_000
GOAL = 0.25  # at least a quarter of csv.reader's rows per second
REPEAT = 15


def runs() -> dict[str, Callable[[], int]]:
    """The two things compared, over the same 10,000-row Letzshop file."""
    from orion.imports.formats import ReadOptions, inspect_file, read_batches
    from orion.imports.service import validate_records
    from orion.settings import OrionSettings

    content = letzshop_feed(ROWS, "fr")
    # What prepare and process_batch run: the file is read in chunks of this many records, and each
    # chunk is validated on its own (process_batch's input).
    chunk_records = OrionSettings.model_fields["import_chunk_records"].default

    def baseline() -> int:
        return sum(1 for _ in csv.reader(io.StringIO(content.decode("utf-8"), newline=""), delimiter="\t"))

    def pipeline() -> int:
        shape = inspect_file(io.BytesIO(content))
        text = io.StringIO(content.decode(shape.encoding), newline="")
        staged = 0
        for chunk, _ in read_batches(text, shape, ReadOptions("fr", 100_000, batch_records=chunk_records)):
            products, _, _ = validate_records(chunk, "BENCH", "EUR")
            staged += len(products)
        return staged

    return {"baseline": baseline, "pipeline": pipeline}


def run_times(name: str, times: int) -> None:
    """Set up, run ``name`` once to warm it, then ``times`` more (for counting instructions)."""
    run = runs()[name]
    run()
    for _ in range(times):
        run()


COUNTED_RUNS = 3


def main() -> None:
    from orion.settings import OrionSettings

    chunk_records = OrionSettings.model_fields["import_chunk_records"].default
    compared = runs()
    baseline, pipeline = compared["baseline"], compared["pipeline"]
    assert pipeline() == ROWS
    cpu, wall = alternating_times(baseline, pipeline)
    baseline_s, pipeline_s = (min(times) for times in cpu)
    ratio = baseline_s / pipeline_s
    wall_ratio = statistics.median(wall[0]) / statistics.median(wall[1])
    verdict = "meets" if ratio >= GOAL else "misses"
    print(
        f"row pipeline (detect + parse + normalise + pydantic validation, in chunks of {chunk_records}): "
        f"{ROWS / pipeline_s:,.0f} rows/s; csv.reader alone: {ROWS / baseline_s:,.0f} rows/s -> "
        f"throughput ratio {ratio:.2f}x ({verdict} the goal of >= {GOAL}x; CPU time, best of {REPEAT} "
        f"each; the medians of wall time give {wall_ratio:.2f}x)"
    )
    # The same comparison in instructions executed, which the machine's load cannot move. Each side is
    # counted twice, set up and warmed alone, then with COUNTED_RUNS more runs: the difference is its
    # runs alone (its own imports, caches and first-run costs taken off, not the other side's).
    script = "from tests.bench.bench_import_row_pipeline import run_times; run_times({!r}, {})"
    warm = {name: instructions_of(script.format(name, 0)) for name in compared}
    counts = {name: instructions_of(script.format(name, COUNTED_RUNS)) for name in compared}
    if all(warm.values()) and all(counts.values()):
        per_run = {name: ((counts[name] or 0) - (warm[name] or 0)) / COUNTED_RUNS for name in compared}
        counted = per_run["baseline"] / per_run["pipeline"]
        verdict = "meets" if counted >= GOAL else "misses"
        print(
            f"  instructions per run (callgrind): pipeline {per_run['pipeline'] / 1e6:.0f}M, csv.reader "
            f"{per_run['baseline'] / 1e6:.0f}M -> throughput ratio {counted:.2f}x ({verdict} the goal)"
        )


Times = tuple[list[float], list[float]]


def alternating_times(baseline: Callable[[], int], candidate: Callable[[], int]) -> tuple[Times, Times]:
    """CPU and wall seconds of each run, in turns so that the machine's load drifts over both alike.

    Both are single-threaded and in memory, so CPU time is their cost; on a shared machine wall time
    also counts the waits for a core. The best run of each is the estimate (as timeit advises)."""
    cpu: Times = ([], [])
    wall: Times = ([], [])
    for _ in range(REPEAT):
        for index, run in enumerate((baseline, candidate)):
            started, started_cpu = time.perf_counter(), time.process_time()
            run()
            cpu[index].append(time.process_time() - started_cpu)
            wall[index].append(time.perf_counter() - started)
    return cpu, wall
