"""The analytics module's sales report through the staff API: every day of the window, net revenue,
managers and up only, and gone where the platform switched analytics off."""

from __future__ import annotations

from datetime import UTC, datetime

from orion.catalog.service import get_variant_by_sku
from orion.ids import new_token
from orion.orders import service as orders
from orion.orders.models import CustomerDetails, LineRequest, OrderStatus
from orion.tenancy.directory import tenant_directory
from orion.tenant import Tenant
from tests.integration.admin.test_admin_api import admin
from tests.staff import call, token_of

WIZ = Tenant("oms", "wizamart")
ALICE = CustomerDetails(email="alice@example.com", name="Alice", address="1 Rue de la Gare", country="LU")


def buy(sku: str) -> str:
    found = get_variant_by_sku(WIZ, sku)
    line = [LineRequest(product_id=found.product_id, sku=sku, quantity=1)]
    return orders.place_order(WIZ, line, ALICE, checkout_key=new_token(16)).order.id


def test_the_sales_report_lists_each_day_with_net_revenue(demo: list[str]) -> None:
    owner = token_of("wizamart-owner")
    before = call("GET", "/api/v1/analytics", query="days=7", token=owner).json()
    price = get_variant_by_sku(WIZ, "WZ-011").variant.price + 490  # and shipping within Luxembourg
    buy("WZ-011")
    cancelled = buy("WZ-011")
    orders.transition_order(WIZ, cancelled, OrderStatus.CANCELLED)

    report = call("GET", "/api/v1/analytics", query="days=7", token=owner)
    assert report.status == 200
    body = report.json()
    assert len(body["days"]) == 7
    assert body["to"] == datetime.now(UTC).date().isoformat() == body["days"][-1]["date"]
    today, earlier = body["days"][-1], before["days"][-1]
    assert today["orders"] == earlier["orders"] + 2
    assert today["cancelled"] == earlier["cancelled"] + 1
    assert today["revenue"]["EUR"] == earlier["revenue"].get("EUR", 0) + price
    assert body["revenue"]["EUR"] == sum(d["revenue"].get("EUR", 0) for d in body["days"])


def test_only_managers_and_up_see_analytics_and_bad_windows_are_refused(demo: list[str]) -> None:
    assert call("GET", "/api/v1/analytics", token=token_of("wizamart-editor")).status == 403
    owner = token_of("wizamart-owner")
    assert call("GET", "/api/v1/analytics", query="days=0", token=owner).status == 422
    assert call("GET", "/api/v1/analytics", query="days=400", token=owner).status == 422
    assert len(call("GET", "/api/v1/analytics", token=owner).json()["days"]) == 30


def test_analytics_is_gone_where_the_platform_switched_it_off(demo: list[str]) -> None:
    admin("PATCH", "/platform", {"enabled_modules": ["orders", "imports"]})
    tenant_directory().forget()
    assert call("GET", "/api/v1/analytics", token=token_of("wizamart-owner")).status == 404
