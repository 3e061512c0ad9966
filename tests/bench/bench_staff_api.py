"""Staff API: cold import of one staff Lambda vs its third-party dependencies, and argon2's share of
a login."""

from __future__ import annotations

import json
import statistics
import time
from typing import Any, cast

from tests.bench.support import (
    IMPORT_ALL,
    THEN_EXIT,
    compare_imports,
    packages_of,
    seeded_account,
    third_party_of,
)
from tests.events import FakeContext

HANDLERS = ("functions.staff_api.handlers.auth", "functions.staff_api.handlers.catalog")

# What every staff handler does around its initialisation (functions.common.coldstart.cold_start),
# spelled out here so the baseline runs no first-party code at all.
_PAUSED = "import gc\ngc.disable()\n{imports}\ngc.freeze()\n"


def bench_imports() -> None:
    for module in HANDLERS:
        modules = third_party_of(module)
        packages = packages_of(modules)
        candidate = THEN_EXIT.format(body=f"import {module}\n")
        print(f"  {module} loads {len(modules)} third-party modules of: {', '.join(packages)}")
        # The Tracer loads the X-Ray SDK on creation, so every traced Lambda pays for it: baseline.
        every_module = IMPORT_ALL.format(names=["fastapi", "mangum", "aws_xray_sdk.core", *modules])
        compare_imports(
            f"cold import of {module} vs FastAPI + Mangum + every third-party module it loads "
            "(both with the collector paused during the imports, as the handlers do)",
            candidate,
            THEN_EXIT.format(body=_PAUSED.format(imports=every_module)),
            goal=1.2,
            count=True,
        )
        # Stricter: only the packages' top-level imports, so the submodules the handler's code pulls
        # in (pydantic.v1 for FastAPI's route analysis, pynamodb.models, boto3.dynamodb, ...) count
        # against it.
        top_level = "import fastapi, mangum, aws_xray_sdk.core, " + ", ".join(packages)
        compare_imports(
            "  the same handler vs the top-level imports of those packages only",
            candidate,
            THEN_EXIT.format(body=_PAUSED.format(imports=top_level)),
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
