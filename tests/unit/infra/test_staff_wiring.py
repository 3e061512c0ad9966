"""The staff API's wiring: every documented operation reaches a function that serves it, and dev-only
functions can never be deployed."""

from __future__ import annotations

import importlib
import re

import pytest
from starlette.routing import Match

from functions.staff_api.common.docs import merged_openapi
from infra import wiring
from infra.local.routing import RouteTable

OPERATIONS = [
    (method.upper(), path) for path, ops in merged_openapi()["paths"].items() for method in ops
]  # fmt: skip


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_every_documented_operation_is_routed_to_a_function_that_serves_it(method: str, path: str) -> None:
    concrete = re.sub(r"\{[^}]+\}", "01ARZ3NDEKTSV4RRFFQ69G5FAV", path)
    match = RouteTable().match(method, concrete)
    assert match is not None, f"no route for {method} {path}"
    assert match.function.name != "staff_docs", f"{method} {path} falls through to the docs function"
    app = importlib.import_module(match.function.module).app
    scope = {"type": "http", "method": method, "path": concrete, "root_path": ""}
    assert any(route.matches(scope)[0] is Match.FULL for route in app.routes), (
        f"{match.function.name} does not serve {method} {path}"
    )


def test_dev_only_functions_live_in_the_local_cloud_and_are_not_deployable() -> None:
    deployable = {fn.name for fn in wiring.FUNCTIONS}
    for fn in wiring.LOCAL_FUNCTIONS:
        assert fn.name not in deployable
        assert fn.handler.startswith("infra.local.")
    assert not any(fn.handler.startswith("infra.") for fn in wiring.FUNCTIONS)


def test_staff_functions_can_read_the_signing_keys() -> None:
    staff = [fn for fn in wiring.FUNCTIONS if fn.name.startswith("staff_") and fn.name != "staff_docs"]
    assert len(staff) >= 5  # one per concern (docs/staff-api.md, Functions and cold starts)
    for fn in staff:
        assert "jwt-signing-keys" in fn.secrets, fn.name
