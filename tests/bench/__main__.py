"""Run every benchmark module (`tests/bench/bench_*.py`): `make bench` or `python -m tests.bench [name]`.

Benchmarks print ratios against a baseline measured in the same run; machines here are noisy, so
absolute times are shown for context only and no timing is asserted (a benchmark fails only when what it
measured went wrong: a 5xx, a lost request, stock off by a unit).
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
import time

import tests.bench as package


def main(argv: list[str]) -> int:
    wanted = set(argv)
    names = sorted(m.name for m in pkgutil.iter_modules(package.__path__) if m.name.startswith("bench_"))
    failed = []
    for name in names:
        if wanted and name not in wanted and name.removeprefix("bench_") not in wanted:
            continue
        print(f"\n=== {name} ===", flush=True)
        started = time.perf_counter()
        # Each benchmark in a fresh interpreter: what one leaves on the heap (a seeded moto account,
        # thousands of products) would slow the next one's Python down, baseline and candidate alike
        # but not equally.
        done = subprocess.run(
            [sys.executable, "-c", f"import tests.bench.{name} as b; b.main()"], check=False
        )
        if done.returncode:
            failed.append(name)
        print(f"({name} took {time.perf_counter() - started:.1f}s)", flush=True)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
