"""Shipping and VAT through the checkout handler: totals on the cart and checkout pages and in the JSON
twin, a country the store does not ship to refused with nothing written, the order's breakdown, and
one store's settings leaving another's alone."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from functions.checkout.handler import handler
from orion.catalog.service import get_variant_by_sku
from orion.orders.service import get_order, list_orders
from orion.tenant import Tenant
from tests.integration.shop.conftest import BAKERY, WIZAMART, Result, call, cookie_jar

pytestmark = pytest.mark.usefixtures("seeded")
AS_JSON = {"Accept": "application/json"}
ALICE = {"email": "alice@example.com", "name": "Alice", "address": "1 Rue de la Gare"}
WIZ = Tenant("oms", "wizamart")
CANDLE, COOKBOOK = "WZ-011", "WZ-026"  # 18.90 EUR (standard rate), 32.00 EUR (a book: 3 %)


def add(jar: dict[str, str], sku: str, quantity: int = 1, host: str = WIZAMART) -> None:
    result = call(
        handler,
        "POST",
        "/cart/items",
        host=host,
        form={"sku": sku, "quantity": str(quantity)},
        cookies=jar,
        headers={"Origin": f"https://{host}"},
    )
    assert result.status == 303
    jar.update(cookie_jar(result))


def checkout_json(jar: dict[str, str], host: str = WIZAMART, **query: str) -> dict[str, object]:
    answer = call(handler, "GET", "/checkout", host=host, cookies=jar, headers=AS_JSON, query=query)
    assert answer.status == 200
    data: dict[str, object] = json.loads(answer.body)
    return data


def place(jar: dict[str, str], country: str, host: str = WIZAMART) -> Result:
    form = checkout_json(jar, host)
    fields = {
        **ALICE,
        "country": country,
        "csrf_token": str(form["csrf_token"]),
        "checkout_key": str(form["checkout_key"]),
    }
    return call(
        handler,
        "POST",
        "/checkout",
        host=host,
        cookies=jar,
        form=fields,
        headers={"Origin": f"https://{host}", **AS_JSON},
    )


def test_the_json_twin_lists_totals_for_luxembourg_and_for_a_chosen_country() -> None:
    jar: dict[str, str] = {}
    add(jar, CANDLE)
    add(jar, COOKBOOK)
    home = checkout_json(jar)
    assert home["country"] == "LU"
    assert home["shipping_countries"] == ["LU", "BE", "FR", "DE"]
    # 18.90 + 32.00 = 50.90: free shipping within Luxembourg from 50 EUR
    assert home["totals"] == {
        "subtotal": 5090,
        "shipping": 0,
        "vat": [{"rate": "17", "amount": 275}, {"rate": "3", "amount": 93}],
        "total": 5090,
    }
    belgium = checkout_json(jar, country="be")
    assert belgium["country"] == "BE"
    assert belgium["totals"] == {
        "subtotal": 5090,
        "shipping": 990,
        # (18.90 + 9.90) * 21 / 121 = 4.998; 32.00 * 6 / 106 = 1.811
        "vat": [{"rate": "21", "amount": 500}, {"rate": "6", "amount": 181}],
        "total": 6080,
    }
    refused = checkout_json(jar, country="CH")
    assert refused["totals"] is None
    assert refused["shipping_error"] == "We do not ship to Switzerland."
    cart = json.loads(call(handler, "GET", "/cart", cookies=jar, headers=AS_JSON).body)
    assert cart["country"] == "LU" and cart["totals"] == home["totals"]  # the cart JSON totals as its page
    empty = json.loads(call(handler, "GET", "/cart", cookies={}, headers=AS_JSON).body)
    assert empty["totals"] is None and empty["cart"]["lines"] == []


def test_cart_and_checkout_pages_show_shipping_vat_and_total() -> None:
    jar: dict[str, str] = {}
    add(jar, CANDLE)
    cart = call(handler, "GET", "/cart", cookies=jar)
    assert "Shipping to Luxembourg" in cart.body
    assert "€4.90" in cart.body
    assert "€23.80" in cart.body  # 18.90 + 4.90
    assert "incl. VAT 17%" in cart.body
    page = call(handler, "GET", "/checkout", cookies=jar, query={"country": "DE"})
    assert "Shipping to Germany" in page.body
    assert "€9.90" in page.body
    assert "incl. VAT 19%" in page.body
    assert '<option value="DE" selected>' in page.body
    assert '<option value="CH"' not in page.body  # wizamart does not ship there: not offered
    french = call(handler, "GET", "/checkout", cookies=jar, query={"lang": "fr", "country": "CH"})
    assert "Nous ne livrons pas vers : Suisse." in french.body


def test_update_shipping_without_javascript_reshows_the_form_for_the_chosen_country() -> None:
    jar: dict[str, str] = {}
    add(jar, CANDLE)
    page = call(handler, "GET", "/checkout", cookies=jar)
    token = page.body.split('name="csrf_token" value="')[1].split('"')[0]
    key = page.body.split('name="checkout_key" value="')[1].split('"')[0]
    again = call(
        handler,
        "POST",
        "/checkout",
        cookies=jar,
        headers={"Origin": f"https://{WIZAMART}"},
        form={**ALICE, "country": "FR", "csrf_token": token, "checkout_key": key, "update_shipping": "1"},
    )
    assert again.status == 200
    assert "Shipping to France" in again.body
    assert "incl. VAT 20%" in again.body
    assert 'value="alice@example.com"' in again.body
    assert list_orders(WIZ).items == []  # nothing ordered


def test_a_country_not_shipped_to_is_refused_with_nothing_written() -> None:
    jar: dict[str, str] = {}
    add(jar, CANDLE, 2)
    before = get_variant_by_sku(WIZ, CANDLE).variant.stock
    refused = place(jar, "CH")
    assert refused.status == 422
    problem = json.loads(refused.body)
    assert problem["errors"] == [{"field": "country", "message": "We do not ship to Switzerland."}]
    assert get_variant_by_sku(WIZ, CANDLE).variant.stock == before
    assert list_orders(WIZ).items == []
    assert json.loads(call(handler, "GET", "/cart", cookies=jar, headers=AS_JSON).body)["cart"]["lines"]
    # A browser sees the form again, with the message under the country.
    form = call(handler, "GET", "/checkout", cookies=jar)
    token = form.body.split('name="csrf_token" value="')[1].split('"')[0]
    key = form.body.split('name="checkout_key" value="')[1].split('"')[0]
    page = call(
        handler,
        "POST",
        "/checkout",
        cookies=jar,
        headers={"Origin": f"https://{WIZAMART}"},
        form={**ALICE, "country": "CH", "csrf_token": token, "checkout_key": key},
    )
    assert page.status == 422
    assert 'id="e-country">We do not ship to Switzerland.' in page.body
    assert '<option value="CH" selected>' in page.body  # the refused choice stays visible


def test_the_order_stores_the_breakdown_and_its_page_shows_it() -> None:
    jar: dict[str, str] = {}
    add(jar, CANDLE)
    add(jar, COOKBOOK)
    placed = place(jar, "BE")
    assert placed.status == 201
    order = json.loads(placed.body)["order"]
    assert (order["subtotal"], order["shipping"], order["total"]) == (5090, 990, 6080)
    assert order["vat"] == [{"rate": "21", "amount": 500}, {"rate": "6", "amount": 181}]
    stored = get_order(WIZ, order["id"])
    assert (stored.subtotal, stored.shipping, stored.total) == (5090, 990, 6080)
    assert [(v.rate, v.amount) for v in stored.vat] == [("21", 500), ("6", 181)]
    assert {line.sku: line.tax_class for line in stored.lines} == {
        CANDLE: "standard",
        COOKBOOK: "super_reduced",
    }
    url = urlsplit(json.loads(placed.body)["status_url"])
    page = call(handler, "GET", url.path, query={"token": parse_qs(url.query)["token"][0]})
    assert "€9.90" in page.body
    assert "incl. VAT 21%" in page.body
    assert "€60.80" in page.body


def test_another_stores_settings_leave_the_bakery_alone() -> None:
    jar: dict[str, str] = {}
    price = get_variant_by_sku(Tenant("oms", "bakery"), "BK-01").variant.price
    add(jar, "BK-01", host=BAKERY)
    # Never saved: every checkout country, no shipping charge; Switzerland has no EU VAT.
    quote = checkout_json(jar, host=BAKERY, country="CH")
    assert quote["totals"] == {"subtotal": price, "shipping": 0, "vat": [], "total": price}
    placed = place(jar, "CH", host=BAKERY)
    assert placed.status == 201
    assert json.loads(placed.body)["order"]["total"] == price
