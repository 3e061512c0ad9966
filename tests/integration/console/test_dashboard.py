"""Console dashboard, audit log and analytics: figures that match the orders placed, the lists a member
may see, and what each page costs in DynamoDB requests."""

from __future__ import annotations

import re
from html import unescape

from orion.catalog.service import list_low_stock
from orion.orders.service import get_order
from orion.rendering.i18n import format_money
from orion.tenant import Tenant
from tests.console import signed_in, signed_in_as
from tests.integration.console.test_orders import dynamodb_requests, place_order

WIZ = Tenant("oms", "wizamart")


def _figure(html: str, name: str) -> str:
    found = re.search(rf'data-figure="{name}">([^<]*)<', html)
    assert found, f"no figure {name}"
    return unescape(found.group(1))


def test_the_dashboard_counts_the_orders_placed_net_of_cancellations(demo: list[str]) -> None:
    kept = place_order(quantity=2)
    cancelled = place_order(quantity=1)
    owner = signed_in("wizamart-owner")
    owner.get(f"/admin/orders/{cancelled}")
    assert owner.post(f"/admin/orders/{cancelled}/transition", {"to": "cancelled"}).status == 303

    page = owner.get("/admin/")
    assert page.status == 200
    total = get_order(WIZ, kept).total
    assert _figure(page.text, "orders-today") == "2"
    assert _figure(page.text, "orders-30d") == "2"
    assert "1 cancelled or refunded" in page.text
    assert _figure(page.text, "revenue-today") == format_money(total, "EUR", "en")
    assert _figure(page.text, "revenue-30d") == format_money(total, "EUR", "en")
    # the chart: an SVG with a title and description, and the same figures as a table
    assert '<svg role="img" aria-labelledby="sales30-title sales30-desc"' in page.text
    assert page.text.count('<rect class="bar"') == 30
    assert "Figures as a table" in page.text
    # orders waiting for action: the pending one, not the cancelled one
    waiting = page.text.split('id="waiting-h"')[1].split("</section>")[0]
    assert f"/admin/orders/{kept}" in waiting
    assert f"/admin/orders/{cancelled}" not in waiting


def test_the_dashboard_lists_low_stock_variants(demo: list[str]) -> None:
    owner = signed_in("wizamart-owner")
    page = owner.get("/admin/")
    low = list_low_stock(WIZ, limit=8)
    assert low.items, "the demo store has low-stock variants"
    stock = page.text.split('id="stock-h"')[1].split("</section>")[0]
    for row in low.items:
        assert row.sku in stock
    assert "No import is running." in page.text


def test_a_running_import_is_listed_and_the_worst_case_keeps_the_budget(demo: list[str]) -> None:
    from orion.imports.service import request_upload

    request_upload(WIZ, "catalogue_fr.tsv")
    place_order()
    owner = signed_in("wizamart-owner")
    page = owner.get("/admin/")
    imports = page.text.split('id="imports-h"')[1].split("</section>")[0]
    assert "catalogue_fr.tsv" in imports
    # orders, an import started and low stock: the low-stock part shows its counts and a link
    stock = page.text.split('id="stock-h"')[1].split("</section>")[0]
    assert re.search(r"\d+ variants with 5 or fewer in stock", stock)
    assert dynamodb_requests(owner, "/admin/") <= 4


def test_the_dashboard_costs_at_most_four_dynamodb_requests(demo: list[str]) -> None:
    place_order()
    owner = signed_in("wizamart-owner")
    assert dynamodb_requests(owner, "/admin/") <= 4
    viewer = signed_in_as("viewer")
    assert dynamodb_requests(viewer, "/admin/") <= 4


def test_audit_log_filters_by_member_action_and_date(demo: list[str]) -> None:
    order_id = place_order()
    owner = signed_in("wizamart-owner")
    owner.get(f"/admin/orders/{order_id}")
    owner.post(f"/admin/orders/{order_id}/transition", {"to": "paid"})
    owner.get(f"/admin/orders/{order_id}")
    owner.post(f"/admin/orders/{order_id}/notes", {"note": "Called the shopper"})

    log = owner.get("/admin/audit")
    assert log.status == 200
    assert "order.transition" in log.text and "order.note" in log.text
    assert f'href="/admin/orders/{order_id}"' in log.text
    only_notes = owner.get("/admin/audit?action=order.note")
    assert "<code>order.note</code>" in only_notes.text
    assert "<code>order.transition</code>" not in only_notes.text
    every_order_action = owner.get("/admin/audit?action=order.")
    assert "<code>order.note</code>" in every_order_action.text
    assert "<code>order.transition</code>" in every_order_action.text
    owner_id = re.search(r'<option value="([0-9A-Z]{26})">Wizamart Owner', log.text) or re.search(
        r'<option value="([^"]+)">[^<]*owner@wizamart\.lu', log.text
    )
    assert owner_id
    mine = owner.get(f"/admin/audit?member={owner_id.group(1)}")
    assert "<code>order.note</code>" in mine.text
    long_ago = owner.get("/admin/audit?since=2001-01-01&until=2001-12-31")
    assert long_ago.status == 200 and "order.note" not in long_ago.text
    bad = owner.get("/admin/audit?since=yesterday&until=2001-01-01")
    assert bad.status == 422 and 'value="yesterday"' in bad.text
    assert owner.get("/admin/audit?member=someone-else").status == 422
    assert dynamodb_requests(owner, "/admin/audit") <= 3
    assert dynamodb_requests(owner, "/admin/audit?action=order.note") <= 3
    assert signed_in_as("viewer").get("/admin/audit").status == 403


def test_analytics_shows_sales_by_day(demo: list[str]) -> None:
    order_id = place_order(quantity=2)
    owner = signed_in("wizamart-owner")
    page = owner.get("/admin/analytics?days=7")
    assert page.status == 200
    assert _figure(page.text, "orders") == "1"
    assert _figure(page.text, "revenue") == format_money(get_order(WIZ, order_id).total, "EUR", "en")
    assert page.text.count('<rect class="bar"') == 7
    assert '<th scope="col">Day</th>' in page.text
    assert owner.get("/admin/analytics").text.count('<rect class="bar"') == 30
    assert owner.get("/admin/analytics?days=366").status == 200
    for bad in ("0", "367", "week"):
        refused = owner.get(f"/admin/analytics?days={bad}")
        assert refused.status == 422, bad
        assert f'value="{bad}"' in refused.text
    assert dynamodb_requests(owner, "/admin/analytics?days=30") <= 3
    assert signed_in_as("viewer").get("/admin/analytics").status == 403


def test_the_pages_speak_french_and_german(demo: list[str]) -> None:
    order_id = place_order()
    owner = signed_in("wizamart-owner")
    expected = {
        "fr": ("Commandes aujourd'hui", "Marquer comme payée"),
        "de": ("Bestellungen heute", "Als bezahlt markieren"),
    }
    for lang, (figure, button) in expected.items():
        accept = [("accept-language", lang)]
        assert figure in unescape(owner.get("/admin/", headers=accept).text)
        assert button in owner.get(f"/admin/orders/{order_id}", headers=accept).text
        for path in (
            "/admin/orders",
            f"/admin/orders/{order_id}/packing-slip",
            "/admin/audit",
            "/admin/analytics",
        ):
            assert owner.get(path, headers=accept).status == 200, (lang, path)
