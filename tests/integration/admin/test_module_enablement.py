"""A platform switches optional modules on and off: the module's routes answer 404 on that platform's
hosts only (checked centrally in the shopper and staff API adapters), and its menu entries,
permissions and figures vanish there; switching it back on restores them."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from fastapi import APIRouter

from functions.common.shopper import handle_shopper_request
from functions.staff_api.common.app import create_app, lambda_handler
from infra.local.events import http_api_event
from orion.tenancy.directory import tenant_directory
from tests.events import FakeContext
from tests.integration.admin.test_admin_api import admin
from tests.staff import CAFE, WIZAMART, call, token_of

EVERYTHING = [
    "orders",
    "customers",
    "inventory",
    "imports",
    "analytics",
    "messaging",
    "payments",
    "billing",
    "channels",
]
# payments charges orders, and billing needs payments: they go with orders.
WITHOUT_ORDERS = [
    m for m in EVERYTHING if m not in {"orders", "analytics", "customers", "payments", "billing"}
]

# Stand-ins for the checkout function and the staff orders router: the gate sits in the adapters,
# before any route runs, so any route under the orders module's prefixes shows it.
shop = APIGatewayHttpResolver()


@shop.get("/checkout")
def checkout() -> Response[str]:
    return Response(200, "text/plain", "checkout")


@shop.get("/orders/<order_id>")
def order_status(order_id: str) -> Response[str]:
    return Response(200, "text/plain", f"order {order_id}")


@shop.get("/about")
def about() -> Response[str]:
    return Response(200, "text/plain", "about")


orders_router = APIRouter()


@orders_router.get("/orders")
def staff_orders() -> dict[str, Any]:
    return {"orders": []}


staff = lambda_handler(create_app(orders_router))


def shopper_status(host: str, path: str) -> int:
    event = http_api_event(method="GET", path=path, headers=[("host", host)])
    return int(handle_shopper_request(shop, event, FakeContext())["statusCode"])  # type: ignore[arg-type]


def staff_status(host: str, path: str) -> int:
    event = http_api_event(method="GET", path=path, headers=[("host", host)])
    return int(staff(event, FakeContext())["statusCode"])  # type: ignore[arg-type]


def switch_loyalty_modules(modules: list[str]) -> None:
    response = admin("PATCH", "/platform", {"enabled_modules": modules}, platform="loyalty")
    assert response.status == 200, response.body
    tenant_directory().forget()


def test_disabling_orders_on_loyalty_hides_checkout_and_orders_there_only(demo: list[str]) -> None:
    # given both platforms run every module
    assert shopper_status(CAFE, "/checkout") == 200
    assert staff_status(CAFE, "/api/v1/orders") == 200
    assert call("GET", "/cart", host=CAFE).status == 200  # the real checkout function

    # when loyalty switches orders off
    switch_loyalty_modules(WITHOUT_ORDERS)

    # then checkout, order pages and the staff orders API are gone on loyalty's stores ...
    assert shopper_status(CAFE, "/checkout") == 404
    assert shopper_status(CAFE, "/orders/01ARZ3NDEKTSV4RRFFQ69G5FAV") == 404
    assert staff_status(CAFE, "/api/v1/orders") == 404
    assert shopper_status(CAFE, "/about") == 200  # core pages stay
    assert call("GET", "/cart", host=CAFE).status == 404
    assert call("GET", "/checkout", host=CAFE).status == 404
    as_json = http_api_event(
        method="GET", path="/cart", headers=[("host", CAFE), ("accept", "application/json")]
    )
    gone = handle_shopper_request(shop, as_json, FakeContext())  # type: ignore[arg-type]
    assert (gone["statusCode"], gone["headers"]["Content-Type"]) == (404, "application/problem+json")
    assert call("GET", "/api/v1/orders", host=CAFE).status == 404  # before any sign-in check
    assert call("GET", "/cart", host=WIZAMART).status == 200
    # ... and untouched on oms
    assert shopper_status(WIZAMART, "/checkout") == 200
    assert staff_status(WIZAMART, "/api/v1/orders") == 200

    # when it switches orders back on, they return
    switch_loyalty_modules(EVERYTHING)
    assert shopper_status(CAFE, "/checkout") == 200
    assert call("GET", "/cart", host=CAFE).status == 200
    assert staff_status(CAFE, "/api/v1/orders") == 200


def test_a_module_cannot_run_without_the_modules_it_needs(demo: list[str]) -> None:
    refused = admin("PATCH", "/platform", {"enabled_modules": ["analytics"]}, platform="loyalty")
    assert refused.status == 422
    assert "analytics needs orders" in refused.json()["errors"][0]["message"]
    modules = {m["code"]: m for m in admin("GET", "/modules", platform="loyalty").json()}
    assert modules["analytics"]["enabled"] is True  # nothing changed


def test_the_menu_follows_modules_and_permissions(demo: list[str]) -> None:
    owner = call("GET", "/api/v1/menu", token=token_of("wizamart-owner")).json()
    editor = call("GET", "/api/v1/menu", token=token_of("wizamart-editor")).json()
    owner_paths = {item["path"] for item in owner["items"]}
    editor_paths = {item["path"] for item in editor["items"]}
    assert {"/products", "/orders", "/team", "/settings", "/imports", "/analytics"} <= owner_paths
    assert "/orders" in editor_paths
    assert not {"/team", "/settings", "/analytics"} & editor_paths  # editors lack those permissions
    assert editor["role"] == "editor"
    assert call("GET", "/api/v1/menu").status == 401


def test_a_disabled_module_leaves_the_menu_and_the_permissions(demo: list[str]) -> None:
    admin("PATCH", "/platform", {"enabled_modules": ["imports"]})  # oms: orders and analytics off
    tenant_directory().forget()
    token = token_of("wizamart-owner")
    paths = {item["path"] for item in call("GET", "/api/v1/menu", token=token).json()["items"]}
    assert "/orders" not in paths
    assert "/analytics" not in paths
    assert "/imports" in paths
    [membership] = call("GET", "/api/v1/auth/me", token=token).json()["memberships"]
    assert not any(p.startswith("orders.") for p in membership["permissions"])


def test_the_dashboard_shows_the_running_modules_figures(demo: list[str]) -> None:
    body = call("GET", "/api/v1/dashboard", token=token_of("wizamart-owner")).json()
    assert body["store"] == "wizamart"
    assert {"orders", "catalog", "imports"} <= set(body["modules"])
    keys = {m["key"] for m in body["modules"]["orders"]}
    assert {"orders.today", "orders.7d", "orders.30d", "revenue.EUR.today"} <= keys

    admin("PATCH", "/platform", {"enabled_modules": ["imports"]})
    tenant_directory().forget()
    without = call("GET", "/api/v1/dashboard", token=token_of("wizamart-owner")).json()
    assert "orders" not in without["modules"]
    assert all(w["module"] != "orders" for w in without["widgets"])
