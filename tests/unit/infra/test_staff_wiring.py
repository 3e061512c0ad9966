"""The staff and admin APIs' wiring: every documented operation reaches a function that serves it,
every admin router is documented, and dev-only functions can never be deployed."""

from __future__ import annotations

import importlib
import pkgutil
import re
from typing import Any

import pytest
from fastapi.routing import APIRoute
from starlette.routing import Match

import functions.admin_api.routers as admin_routers
from functions.admin_api.handler import openapi_document
from functions.staff_api.common.app import API_PREFIX
from functions.staff_api.common.docs import merged_openapi
from infra import wiring
from infra.local.routing import RouteTable


def operations(document: dict[str, Any]) -> list[tuple[str, str]]:
    return [(method.upper(), path) for path, ops in document["paths"].items() for method in ops]


ADMIN_OPERATIONS = operations(openapi_document())
OPERATIONS = operations(merged_openapi()) + ADMIN_OPERATIONS


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


def test_the_admin_document_lists_every_route_of_every_admin_router_module() -> None:
    routes = []
    for info in pkgutil.iter_modules(admin_routers.__path__):
        router = importlib.import_module(f"{admin_routers.__name__}.{info.name}").router
        routes += [
            (method, API_PREFIX + route.path)
            for route in router.routes
            if isinstance(route, APIRoute)
            for method in route.methods or ()
        ]
    assert len(routes) == len(set(routes))
    assert sorted(ADMIN_OPERATIONS) == sorted(routes)


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
