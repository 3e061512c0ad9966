"""POST /api/v1/admin/stores/bulk-import: platform admins only, per-row results, audited."""

from __future__ import annotations

import json

from infra import wiring
from infra.local import invoke
from infra.local.events import http_api_event, lambda_result_to_http
from infra.local.routing import RouteTable
from orion.tenancy.repository import TenancyRepository
from tests.integration.imports.test_bulk_stores import bulk_csv, vendor
from tests.staff import OMS_API, WIZAMART, call, token_of

ADMIN = ("admin@oms.lu", "oms-admin-demo")
ROUTES = RouteTable(wiring.FUNCTIONS + wiring.LOCAL_FUNCTIONS)
PATH = "/api/v1/admin/stores/bulk-import"


def post_csv(content: bytes, token: str | None, host: str = OMS_API) -> tuple[int, object]:
    match = ROUTES.match("POST", PATH)
    assert match is not None
    assert match.function.name == "admin_bulk_import"
    headers = [("host", host), ("content-type", "text/csv")]
    if token:
        headers.append(("authorization", f"Bearer {token}"))
    event = http_api_event(
        method="POST",
        path=PATH,
        headers=headers,
        body=content,
        route_key=match.route.key,
        path_parameters=match.path_parameters,
    )
    result = lambda_result_to_http(invoke.invoke(match.function, event))
    return result.status, json.loads(result.body) if result.body else None


def admin_token() -> str:
    response = call(
        "POST", "/api/v1/auth/login", host=OMS_API, body={"email": ADMIN[0], "password": ADMIN[1]}
    )
    assert response.status == 200, response.body
    return str(response.json()["access_token"])


def test_a_platform_admin_creates_stores_from_a_csv(demo: list[str]) -> None:
    content = bulk_csv(vendor("atelier", initial_password="a-long-initial-password"), vendor("wizamart"))
    status, body = post_csv(content, admin_token())
    assert status == 200, body
    assert body["created"] == 1 and body["failed"] == 1  # type: ignore[index]
    rows = {r["subdomain"]: r for r in body["rows"]}  # type: ignore[index]
    assert rows["atelier"]["status"] == "created"
    assert "already taken" in rows["wizamart"]["message"]
    assert TenancyRepository().get_store("oms", "atelier") is not None


def test_only_platform_admins_may_bulk_import(demo: list[str]) -> None:
    content = bulk_csv(vendor("sneaky", initial_password="a-long-initial-password"))
    assert post_csv(content, None)[0] == 401
    assert post_csv(content, token_of("wizamart-owner", host=OMS_API))[0] == 403
    assert post_csv(content, admin_token(), host=WIZAMART)[0] == 404
    assert TenancyRepository().get_store("oms", "sneaky") is None


def test_a_csv_without_the_header_is_a_clear_problem(demo: list[str]) -> None:
    status, body = post_csv(b"name,email\nx,y\n", admin_token())
    assert status == 422
    assert "header" in body["detail"]  # type: ignore[index]


def test_an_invited_owner_gets_a_link_to_the_new_store_on_the_host_and_port_used(demo: list[str]) -> None:
    from orion.outbox.service import list_messages
    from orion.tenant import Tenant

    status, _ = post_csv(bulk_csv(vendor("potier", owner_email="owner@potier.lu")), admin_token())
    assert status == 200
    [mail] = [m for m in list_messages(Tenant("oms")) if m.to == "owner@potier.lu"]
    port = OMS_API.rsplit(":", 1)[1]
    assert str(mail.data["accept_url"]).startswith(
        f"https://potier.oms.localhost:{port}/api/v1/team/invitations/accept?token="
    )
