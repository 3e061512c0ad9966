"""Platform admin and modules over HTTP against the server `make run` starts: health, the demo admin
login it prints, and the dashboard and menu of a demo owner."""

from __future__ import annotations

import pytest

from tests.local_server import LocalServer

pytestmark = pytest.mark.e2e


def sign_in(local_server: LocalServer, host: str, email: str, password: str) -> str:
    with local_server.client(host) as http:
        response = http.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def test_health_and_readiness_answer_on_the_api_host(local_server: LocalServer) -> None:
    with local_server.client("api.oms.localhost") as http:
        live = http.get("/health")
        ready = http.get("/health/ready")
    assert live.status_code == 200
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"


def test_make_run_prints_a_working_platform_admin_login(local_server: LocalServer) -> None:
    output = local_server.output.read_text()
    assert "admin@oms.lu" in output
    assert "oms-admin-demo" in output
    token = sign_in(local_server, "api.oms.localhost", "admin@oms.lu", "oms-admin-demo")
    with local_server.client("api.oms.localhost") as http:
        stores = http.get("/api/v1/admin/stores", headers={"Authorization": f"Bearer {token}"})
        metrics = http.get("/api/v1/admin/metrics", headers={"Authorization": f"Bearer {token}"})
    assert stores.status_code == 200
    assert {"wizamart", "bakery"} <= {s["code"] for s in stores.json()}
    assert metrics.status_code == 200
    assert "orders" in metrics.json()["modules"]


def test_an_owner_gets_a_menu_and_a_dashboard(local_server: LocalServer) -> None:
    token = sign_in(local_server, "wizamart.oms.localhost", "owner@wizamart.lu", "wizamart-owner-demo")
    headers = {"Authorization": f"Bearer {token}"}
    with local_server.client("wizamart.oms.localhost") as http:
        menu = http.get("/api/v1/menu", headers=headers)
        dashboard = http.get("/api/v1/dashboard", headers=headers)
    assert menu.status_code == 200
    assert {"/products", "/orders"} <= {item["path"] for item in menu.json()["items"]}
    assert dashboard.status_code == 200
    products = next(m for m in dashboard.json()["modules"]["catalog"] if m["key"] == "products")
    assert products["value"] > 0  # the demo catalogue, counted as it was created
    # low stock: counted as the demo catalogue was written (a t-shirt size is sold out), and listed
    low = next(m for m in dashboard.json()["modules"]["catalog"] if m["key"] == "low_stock")
    assert low["value"] >= 1
    assert any(row["out_of_stock"] for row in dashboard.json()["low_stock"]["items"])
