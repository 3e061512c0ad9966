"""Staff API: cold import of one staff Lambda vs its third-party dependencies, and argon2's share of
a login."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from typing import Any, cast

from tests.bench.support import BENCH_ENV, REPO_ROOT, compare_imports, seeded_account
from tests.events import FakeContext

HANDLERS = ("functions.staff_api.handlers.auth", "functions.staff_api.handlers.catalog")
FIRST_PARTY = ("orion", "functions", "infra", "tests")

_LIST_MODULES = """
import sys, json
before = set(sys.modules)
import {module}
names = sorted({{m.split('.')[0] for m in set(sys.modules) - before}})
print(json.dumps([n for n in names if n not in sys.stdlib_module_names and not n.startswith('_')]))
"""


def third_party_of(module: str) -> list[str]:
    """The top-level third-party packages importing ``module`` loads (in a fresh interpreter)."""
    import os

    env = {**os.environ, **BENCH_ENV, "PYTHONPATH": "shared:."}
    out = subprocess.run(
        [sys.executable, "-c", _LIST_MODULES.format(module=module)],
        cwd=REPO_ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [name for name in json.loads(out) if name not in FIRST_PARTY]


# What every staff handler does around its initialisation (functions.common.coldstart.cold_start),
# spelled out here so the baseline runs no first-party code at all.
_PAUSED = "import gc\ngc.disable()\n{imports}\ngc.freeze()\n"
# A Lambda never finalises the interpreter during its cold start (the environment is frozen, later
# discarded), so each process ends with os._exit once the import is done: finalisation grows with the
# heap and would add ~150 ms to the baseline and more to a handler, measuring nothing a user waits for.
_THEN_EXIT = "import os\n{body}os._exit(0)\n"


def bench_imports() -> None:
    for module in HANDLERS:
        packages = third_party_of(module)
        # The Tracer loads the X-Ray SDK on creation, so every traced Lambda pays for it: baseline.
        dependencies = "import fastapi, mangum, aws_xray_sdk.core, " + ", ".join(packages)
        candidate = _THEN_EXIT.format(body=f"import {module}\n")
        print(f"  {module} loads: {', '.join(packages)}")
        compare_imports(
            f"cold import of {module} vs FastAPI + Mangum + its third-party dependencies "
            "(both with the collector paused during the imports, as the handlers do)",
            candidate,
            _THEN_EXIT.format(body=_PAUSED.format(imports=dependencies)),
            goal=1.2,
        )
        compare_imports(
            "  the same handler vs those dependencies imported plainly (what the pause saves)",
            candidate,
            _THEN_EXIT.format(body=dependencies + "\n"),
            goal=1.2,
        )


def bench_login() -> None:
    from infra.local.events import http_api_event
    from orion.identity import passwords

    with seeded_account():
        from functions.staff_api.handlers.auth import handler
        from orion.identity.repository import IdentityRepository

        body = json.dumps({"email": "owner@wizamart.lu", "password": "wizamart-owner-demo"}).encode()

        def login() -> float:
            event = http_api_event(
                method="POST",
                path="/api/v1/auth/login",
                headers=[("host", "wizamart.oms.localhost"), ("content-type", "application/json")],
                body=body,
            )
            started = time.perf_counter()
            result = handler(event, cast(Any, FakeContext()))
            elapsed = time.perf_counter() - started
            assert result["statusCode"] == 200, result
            return elapsed

        login()  # warm: imports, key set, tenant cache
        logins = [login() for _ in range(7)]
        found = IdentityRepository().find_user_by_email("oms", "owner@wizamart.lu")
        assert found is not None
        stored_hash = found[1]
        verifies = []
        for _ in range(7):
            started = time.perf_counter()
            assert passwords.verify_password(stored_hash, "wizamart-owner-demo")
            verifies.append(time.perf_counter() - started)
    login_s, argon_s = statistics.median(logins), statistics.median(verifies)
    print(
        f"login: {login_s * 1000:.0f} ms per sign-in (median of 7, moto in-process), argon2id verify "
        f"{argon_s * 1000:.0f} ms -> argon2's share of a login {argon_s / login_s:.0%} "
        "(the rest: 2 GetItems, 1 BatchGetItem of counters, 1 PutItem, RS256 signing, FastAPI)"
    )


def main() -> None:
    bench_imports()
    bench_login()
