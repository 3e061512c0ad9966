"""The local cloud after a large import: a generated 100,000-row CSV imported through `make run` as a
merchant would (staff API upload ticket -> presigned POST to the local S3 -> the import machine), then
the idle CPU and memory of the `make run` process, and a shop page's latency after the import over the
same page's latency before it (issue 23: the local cloud must stay responsive after a large import).

``ORION_BENCH_IMPORT_ROWS`` (100,000) sizes the file; ``ORION_BENCH_IDLE_SECONDS`` (10) the idle window.
Timings are shown, never asserted; the run fails when the import does not complete with every row
accepted, or a page is not answered 200.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from tests.feeds import letzshop_feed
from tests.local_server import LocalServer, running_local_server
from tests.merchant_import import STORE_HOST, staff_client, upload, wait_for

PAGE_SAMPLES = 30
IMPORT_TIMEOUT_SECONDS = 3600
_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds the process has used (/proc/<pid>/stat, fields 14 and 15)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / _TICKS


def resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def page_latency(shop: httpx.Client, path: str = "/") -> float:
    """Median seconds of ``PAGE_SAMPLES`` sequential GETs of a warm shop page."""
    shop.get(path)  # warm: the storefront's execution environment and caches
    samples = []
    for _ in range(PAGE_SAMPLES):
        started = time.perf_counter()
        answer = shop.get(path)
        samples.append(time.perf_counter() - started)
        if answer.status_code != 200:
            raise SystemExit(f"{path} answered {answer.status_code}")
    return statistics.median(samples)


def run_import(server: LocalServer, rows: int) -> tuple[float, dict[str, int]]:
    """Import ``rows`` products as a merchant would; the seconds from upload to COMPLETED, and counts."""
    content = letzshop_feed(rows, "fr", delimiter=",")
    with staff_client(server) as api:
        started = time.perf_counter()
        job_id = upload(api, content, "bench.csv")
        job = wait_for(api, job_id, IMPORT_TIMEOUT_SECONDS)
        took = time.perf_counter() - started
    if job["status"] != "COMPLETED" or job["counts"]["accepted"] != rows:
        raise SystemExit(f"the import did not complete with every row accepted: {job}")
    print(f"  ({len(content) / 1e6:.1f} MB uploaded)")
    return took, job["counts"]


def main() -> None:
    rows = int(os.environ.get("ORION_BENCH_IMPORT_ROWS", "100000"))
    idle_seconds = float(os.environ.get("ORION_BENCH_IDLE_SECONDS", "10"))
    with (
        tempfile.TemporaryDirectory() as folder,
        running_local_server(Path(folder) / "out.log", "--quiet") as server,
    ):
        with server.client(STORE_HOST) as shop:
            before = page_latency(shop)
        took, counts = run_import(server, rows)
        print(f"import of {rows:,} rows through the local cloud: {took:.1f} s -> {rows / took:,.0f} rows/s")

        time.sleep(2)  # the last task's bookkeeping
        cpu, rss = cpu_seconds(server.pid), resident_mb(server.pid)
        started = time.perf_counter()
        time.sleep(idle_seconds)
        wall = time.perf_counter() - started
        idle_cpu = (cpu_seconds(server.pid) - cpu) / wall
        grown = resident_mb(server.pid) - rss
        print(
            f"idle `make run` process over {wall:.0f} s after the import: CPU {idle_cpu:.1%} of one core, "
            f"resident memory {resident_mb(server.pid):.0f} MB ({grown:+.1f} MB in the window)"
        )

        with server.client(STORE_HOST) as shop:
            after = page_latency(shop)
        with server.client() as dev:
            dev.get("/_dev/outbox")  # cold: the dev function's execution environment starts
            started = time.perf_counter()
            outbox = dev.get("/_dev/outbox")
            outbox_took = time.perf_counter() - started
        if outbox.status_code != 200:
            raise SystemExit(f"/_dev/outbox answered {outbox.status_code}")
        print(
            f"shop home page (median of {PAGE_SAMPLES}): {after * 1000:.1f} ms after the import vs "
            f"{before * 1000:.1f} ms before -> ratio {after / before:.2f}x; /_dev/outbox (warm) "
            f"{outbox_took * 1000:.0f} ms; counts {counts}"
        )


if __name__ == "__main__":
    main()
