"""Helpers for benchmarks: fresh-process import timing, AWS request counting, a seeded moto account."""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import botocore.client

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


def import_seconds(statement: str, repeat: int = 7) -> float:
    """Median wall time of a fresh interpreter that runs ``statement`` (imports) and exits."""
    return statistics.median(_run_import(statement)[0] for _ in range(repeat))


def compare_imports(label: str, candidate: str, baseline: str, goal: float, repeat: int = 9) -> float:
    """Print candidate/baseline import time and return the wall-time ratio.

    Runs alternate (candidate, baseline, candidate, ...) so drift on a shared machine hits both; the
    CPU-time ratio is printed too, being less sensitive to other processes competing for the cores."""
    _run_import(candidate)  # warm the .pyc and page caches for both
    _run_import(baseline)
    runs: dict[str, list[tuple[float, float]]] = {"candidate": [], "baseline": []}
    for _ in range(repeat):
        runs["candidate"].append(_run_import(candidate))
        runs["baseline"].append(_run_import(baseline))
    wall = {k: statistics.median(w for w, _ in v) for k, v in runs.items()}
    cpu = {k: statistics.median(c for _, c in v) for k, v in runs.items()}
    ratio = wall["candidate"] / wall["baseline"]
    cpu_ratio = cpu["candidate"] / cpu["baseline"]
    verdict = "meets" if ratio <= goal else "misses"
    print(
        f"{label}: {wall['candidate'] * 1000:.0f} ms vs baseline {wall['baseline'] * 1000:.0f} ms "
        f"-> ratio {ratio:.2f}x ({verdict} the goal of <= {goal}x); CPU time "
        f"{cpu['candidate'] * 1000:.0f} vs {cpu['baseline'] * 1000:.0f} ms -> {cpu_ratio:.2f}x"
    )
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
    client_class: Any = botocore.client.BaseClient
    original = client_class._make_api_call

    def counted(self: Any, operation_name: str, api_params: Any) -> Any:
        counter.calls[(self.meta.service_model.service_name, operation_name)] += 1
        return original(self, operation_name, api_params)

    client_class._make_api_call = counted
    try:
        yield counter
    finally:
        client_class._make_api_call = original


@contextmanager
def seeded_account(*, execute_state_machines: bool = False) -> Iterator[None]:
    """A moto account provisioned from the wiring table with the demo data, in this process
    (optionally running state machines, as the local cloud does)."""
    from moto import mock_aws

    from infra.local.cloud import reset_orion_caches
    from infra.local.demo import seed_demo
    from infra.local.provision import local_environment, provision

    os.environ.pop("AWS_ENDPOINT_URL", None)
    os.environ.update({**BENCH_ENV, **local_environment(), "ORION_DEV_PATH_MODE": "true"})
    config: Any = {"stepfunctions": {"execute_state_machine": True}} if execute_state_machines else None
    with mock_aws(config=config):
        provision()
        reset_orion_caches()
        seed_demo()
        yield
