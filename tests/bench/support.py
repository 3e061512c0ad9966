"""Helpers for benchmarks: fresh-process import timing, AWS request counting, a seeded moto account."""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.api_calls import intercepting_api_calls, service_of

REPO_ROOT = Path(__file__).resolve().parents[2]

BENCH_ENV = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": "eu-west-1",
    "AWS_REGION": "eu-west-1",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_DISABLED": "true",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
    "POWERTOOLS_SERVICE_NAME": "orion-bench",
}


def _run_import(statement: str) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of a fresh interpreter that runs ``statement``."""
    env = {**os.environ, **BENCH_ENV, "PYTHONPATH": "shared:.", "PYTHONDONTWRITEBYTECODE": ""}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", statement], cwd=REPO_ROOT, env=env, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def instructions_of(statement: str) -> int | None:
    """CPU instructions a fresh interpreter executes for ``statement``, counted by valgrind's
    callgrind (the same count run after run, whatever else the machine does), or None without
    valgrind. About 40x slower than running it."""
    if shutil.which("valgrind") is None:
        return None
    env = {**os.environ, **BENCH_ENV, "PYTHONPATH": "shared:.", "PYTHONDONTWRITEBYTECODE": ""}
    # Once without valgrind first: the modules' bytecode is then cached, so compiling them (billions
    # of instructions, once per checkout) is not counted against whichever statement came first.
    subprocess.run([sys.executable, "-c", statement], cwd=REPO_ROOT, env=env, check=True, capture_output=True)
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-c", statement],
        cwd=REPO_ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    return int(found.group(1)) if found else None


def import_seconds(statement: str, repeat: int = 7) -> float:
    """Median wall time of a fresh interpreter that runs ``statement`` (imports) and exits."""
    return statistics.median(_run_import(statement)[0] for _ in range(repeat))


FIRST_PARTY = ("orion", "functions", "infra", "tests")
_LIST_MODULES = """
import sys, json
before = set(sys.modules)
import {module}
print(json.dumps([m for m in sys.modules if m not in before]))
"""


def third_party_of(module: str) -> list[str]:
    """Every third-party module importing ``module`` loads (in a fresh interpreter), in load order."""
    env = {**os.environ, **BENCH_ENV, "PYTHONPATH": "shared:."}
    out = subprocess.run(
        [sys.executable, "-c", _LIST_MODULES.format(module=module)],
        cwd=REPO_ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    top = {name: name.split(".")[0] for name in json.loads(out)}
    return [
        name
        for name, package in top.items()
        if package not in FIRST_PARTY and package not in sys.stdlib_module_names
    ]


def packages_of(modules: list[str]) -> list[str]:
    return sorted({name.split(".")[0] for name in modules if not name.startswith("_")})


# Imports the listed modules in their load order; the few that only exist as attributes of an
# already-imported module (six.moves and the like) are there already or skipped.
IMPORT_ALL = """import importlib
for name in {names!r}:
    try:
        importlib.import_module(name)
    except Exception:
        pass
"""


# A Lambda never finalises the interpreter during its cold start (the environment is frozen, later
# discarded), so each process ends with os._exit once the import is done: finalisation grows with the
# heap and would add ~150 ms to the baseline and more to a handler, measuring nothing a user waits for.
THEN_EXIT = "import os\n{body}os._exit(0)\n"


def compare_imports(
    label: str, candidate: str, baseline: str, goal: float, repeat: int = 9, *, count: bool = False
) -> float:
    """Print candidate/baseline import time and return the wall-time ratio (``count``: also the ratio
    of the instructions executed, which noise on a shared machine cannot move).

    Runs alternate (candidate, baseline, candidate, ...) so drift on a shared machine hits both, and
    each side's fastest run counts: other processes only ever add time to an import, so the fastest
    is the closest to its own cost (the medians are printed too). The CPU-time ratio is printed as
    well, being less sensitive to other processes competing for the cores."""
    _run_import(candidate)  # warm the .pyc and page caches for both
    _run_import(baseline)
    runs: dict[str, list[tuple[float, float]]] = {"candidate": [], "baseline": []}
    for _ in range(repeat):
        runs["candidate"].append(_run_import(candidate))
        runs["baseline"].append(_run_import(baseline))
    wall = {k: min(w for w, _ in v) for k, v in runs.items()}
    cpu = {k: min(c for _, c in v) for k, v in runs.items()}
    medians = {k: statistics.median(w for w, _ in v) for k, v in runs.items()}
    ratio = wall["candidate"] / wall["baseline"]
    cpu_ratio = cpu["candidate"] / cpu["baseline"]
    verdict = "meets" if ratio <= goal else "misses"
    print(
        f"{label}: {wall['candidate'] * 1000:.0f} ms vs baseline {wall['baseline'] * 1000:.0f} ms "
        f"(fastest of {repeat}) -> ratio {ratio:.2f}x ({verdict} the goal of <= {goal}x); CPU time "
        f"{cpu_ratio:.2f}x; medians {medians['candidate'] / medians['baseline']:.2f}x"
    )
    if count:
        counted, base = instructions_of(candidate), instructions_of(baseline)
        if counted and base:
            verdict = "meets" if counted / base <= goal else "misses"
            print(
                f"  instructions executed (callgrind): {counted / 1e9:.2f}G vs {base / 1e9:.2f}G "
                f"-> ratio {counted / base:.2f}x ({verdict} the goal of <= {goal}x)"
            )
        else:
            print("  (install valgrind for an instruction count that load does not disturb)")
    return ratio


class RequestCounter:
    """Counts AWS API calls per (service, operation) made through botocore."""

    def __init__(self) -> None:
        self.calls: Counter[tuple[str, str]] = Counter()

    def of(self, service: str) -> int:
        return sum(n for (s, _), n in self.calls.items() if s == service)

    def reset(self) -> None:
        self.calls.clear()


@contextmanager
def counting_requests() -> Iterator[RequestCounter]:
    counter = RequestCounter()

    def count(client: Any, operation: str, params: dict[str, Any], call: Callable[[], Any]) -> Any:
        counter.calls[(service_of(client), operation)] += 1
        return call()

    with intercepting_api_calls(count):
        yield counter


@contextmanager
def seeded_account(*, execute_state_machines: bool = False) -> Iterator[None]:
    """A moto account provisioned from the wiring table with the demo data, in this process
    (optionally running state machines, as the local cloud does)."""
    from moto import mock_aws

    from infra.local.demo import seed_demo
    from infra.local.provision import provision
    from infra.wiring import local_environment
    from orion import runtime

    os.environ.pop("AWS_ENDPOINT_URL", None)
    os.environ.update({**BENCH_ENV, **local_environment(), "ORION_DEV_PATH_MODE": "true"})
    config: Any = {"stepfunctions": {"execute_state_machine": True}} if execute_state_machines else None
    with mock_aws(config=config):
        provision()
        runtime.reset()
        seed_demo()
        yield


class OrderedPartitions:
    """Answers Query on one index from sorted in-memory copies of its partitions, as DynamoDB does: a
    partition is kept in sort-key order, so a page costs a seek plus the items it returns, however big
    the partition. moto instead filters and sorts every item of the table in Python on each Query, so
    timing through moto measures moto; this keeps everything above botocore's API call real (PynamoDB,
    deserialisation, the page) and takes moto's per-table walk out.

    Only the listing's Query shape is served (``<hash> = :value``, optional ExclusiveStartKey, Limit,
    ScanIndexForward); anything else goes to moto unchanged.
    """

    def __init__(self, table: str, index: str, hash_name: str, range_name: str) -> None:
        self.table, self.index = table, index
        self.hash_name, self.range_name = hash_name, range_name
        self.partitions: dict[str, tuple[list[str], list[dict[str, Any]]]] = {}
        self.served = 0

    def load(self, client: Any, partition: str) -> int:
        """Copy one partition out of moto (every page of a real Query), in sort-key order."""
        items: list[dict[str, Any]] = []
        paginator = client.get_paginator("query")
        for page in paginator.paginate(
            TableName=self.table,
            IndexName=self.index,
            KeyConditionExpression="#h = :h",
            ExpressionAttributeNames={"#h": self.hash_name},
            ExpressionAttributeValues={":h": {"S": partition}},
        ):
            items.extend(page["Items"])
        items.sort(key=lambda item: item[self.range_name]["S"])
        self.partitions[partition] = ([item[self.range_name]["S"] for item in items], items)
        return len(items)

    def answer(self, params: dict[str, Any]) -> dict[str, Any] | None:
        import bisect

        if params.get("TableName") != self.table or params.get("IndexName") != self.index:
            return None
        names = params.get("ExpressionAttributeNames", {})
        condition = params.get("KeyConditionExpression", "")
        left, _, right = (part.strip() for part in condition.partition("="))
        if names.get(left, left) != self.hash_name or " " in right:
            return None
        partition = params["ExpressionAttributeValues"][right]["S"]
        if partition not in self.partitions:
            return None
        sort_keys, items = self.partitions[partition]
        forward = params.get("ScanIndexForward", True)
        limit = int(params.get("Limit") or len(items))
        start = params.get("ExclusiveStartKey")
        if forward:
            first = bisect.bisect_right(sort_keys, start[self.range_name]["S"]) if start else 0
            page = items[first : first + limit]
        else:
            end = bisect.bisect_left(sort_keys, start[self.range_name]["S"]) if start else len(items)
            page = items[max(0, end - limit) : end][::-1]
        self.served += 1
        answer: dict[str, Any] = {"Items": page, "Count": len(page), "ScannedCount": len(page)}
        if len(page) == limit:  # DynamoDB stops at Limit and says where, even when nothing follows
            last = page[-1]
            answer["LastEvaluatedKey"] = {
                name: last[name] for name in ("PK", "SK", self.hash_name, self.range_name)
            }
        return answer


@contextmanager
def serving_queries_from(partitions: OrderedPartitions) -> Iterator[OrderedPartitions]:
    """Route matching Query calls (of every botocore client) to ``partitions`` for the block."""

    def route(client: Any, operation: str, params: dict[str, Any], call: Callable[[], Any]) -> Any:
        if operation == "Query" and service_of(client) == "dynamodb":
            answer = partitions.answer(params)
            if answer is not None:
                return answer
        return call()

    with intercepting_api_calls(route):
        yield partitions
