"""Cart, checkout and order pages through the checkout handler (moto): forms, CSRF, validation,
stock, idempotency, isolation between stores, JSON twins."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from functions.checkout.handler import handler
from orion.catalog.models import VariantChanges
from orion.catalog.service import get_variant_by_sku, update_variant
from orion.orders.service import get_order
from orion.tenant import Tenant
from tests.integration.shop.conftest import BAKERY, WIZAMART, Result, call, cookie_jar

pytestmark = pytest.mark.usefixtures("seeded")
SAME_ORIGIN = {"Origin": f"https://{WIZAMART}"}
ALICE = {"email": "alice@example.com", "name": "Alice", "address": "1 Rue de la Gare", "country": "LU"}


def stock(sku: str) -> int:
    return get_variant_by_sku(Tenant("oms", "wizamart"), sku).variant.stock


def add(jar: dict[str, str], sku: str, quantity: int = 1, **headers: str) -> Result:
    result = call(
        handler,
        "POST",
        "/cart/items",
        form={"sku": sku, "quantity": str(quantity)},
        cookies=jar,
        headers={**SAME_ORIGIN, **headers},
    )
    jar.update(cookie_jar(result))
    return result


def hidden(body: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]+)"', body)
    assert found, f"no hidden {name} in the form"
    return found.group(1)


def checkout_form(jar: dict[str, str]) -> tuple[str, str]:
    page = call(handler, "GET", "/checkout", cookies=jar)
    assert page.status == 200
    return hidden(page.body, "csrf_token"), hidden(page.body, "checkout_key")


def test_adding_to_the_cart_sets_a_private_cookie_and_shows_the_cart() -> None:
    jar: dict[str, str] = {}
    added = add(jar, "WZ-011", 2)
    assert added.status == 303
    assert added.location == "/cart"
    cookie = added.cookies[0]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert cookie.startswith("__Host-orion_cart_wizamart=")
    assert "Secure" in cookie
    cart = call(handler, "GET", "/cart", cookies=jar)
    assert cart.status == 200
    assert cart.headers["Cache-Control"] == "private, no-store"
    assert "Scented Candle Cedar" in cart.body
    assert "€37.80" in cart.body


def test_unknown_skus_bad_quantities_and_too_many_are_refused_with_the_cart_page() -> None:
    jar: dict[str, str] = {}
    assert add(jar, "NO-SUCH-SKU").status == 422
    for quantity in ("0", "100", "-1", "lots"):
        refused = call(
            handler, "POST", "/cart/items", form={"sku": "WZ-011", "quantity": quantity}, headers=SAME_ORIGIN
        )
        assert refused.status == 422, quantity
        assert "Enter a whole number of at most 99." in refused.body
    out = add(jar, "WZ-005")  # Wooden Cutting Board: stock 0
    assert out.status == 409
    assert "out of stock" in out.body


def test_posts_from_another_site_or_store_are_forbidden() -> None:
    jar: dict[str, str] = {}
    forged = add(jar, "WZ-011", Origin=f"https://{BAKERY}")
    assert forged.status == 403
    assert jar == {}
    add(jar, "WZ-011")
    no_token = call(
        handler, "POST", "/cart/items/WZ-011", form={"quantity": "3"}, cookies=jar, headers=SAME_ORIGIN
    )
    assert no_token.status == 403


def test_a_post_from_the_same_host_over_another_scheme_is_forbidden() -> None:
    """An https page may not post to the http store, nor a plain-http page (one a network attacker
    wrote) to the https store: the scheme is part of the origin."""

    def add_from(origin: str, proto: str | None) -> int:
        headers = {"Origin": origin, **({"X-Forwarded-Proto": proto} if proto else {})}
        form = {"sku": "WZ-011", "quantity": "1"}
        return call(handler, "POST", "/cart/items", form=form, headers=headers).status

    assert add_from(f"https://{WIZAMART}", "http") == 403
    assert add_from(f"http://{WIZAMART}", None) == 403  # without the header the request came over https
    assert add_from(f"http://{WIZAMART}", "https") == 403
    assert add_from(f"http://{WIZAMART}", "http") == 303
    assert add_from(f"https://{WIZAMART}", "https") == 303


def test_changing_a_quantity_and_removing_a_line() -> None:
    jar: dict[str, str] = {}
    add(jar, "WZ-011")
    add(jar, "WZ-012")
    token = hidden(call(handler, "GET", "/cart", cookies=jar).body, "csrf_token")
    changed = call(
        handler, "POST", "/cart/items/WZ-011", form={"quantity": "3", "csrf_token": token}, cookies=jar
    )
    assert changed.status == 303
    removed = call(
        handler, "POST", "/cart/items/WZ-012", form={"quantity": "0", "csrf_token": token}, cookies=jar
    )
    assert removed.status == 303
    twice = call(
        handler, "POST", "/cart/items/WZ-012", form={"quantity": "0", "csrf_token": token}, cookies=jar
    )
    assert twice.status == 303  # a double-clicked Remove is not an error
    cart = call(handler, "GET", "/cart", cookies=jar, headers={"Accept": "application/json"})
    lines = json.loads(cart.body)["cart"]["lines"]
    assert [(line["sku"], line["quantity"]) for line in lines] == [("WZ-011", 3)]


def test_checkout_places_one_order_decrements_stock_and_shows_it() -> None:
    jar: dict[str, str] = {}
    before = stock("WZ-003"), stock("WZV-04-WHITE")
    add(jar, "WZ-003", 2)
    add(jar, "WZV-04-WHITE", 1)
    token, key = checkout_form(jar)
    placed = call(
        handler, "POST", "/checkout", form={**ALICE, "csrf_token": token, "checkout_key": key}, cookies=jar
    )
    assert placed.status == 303
    assert (stock("WZ-003"), stock("WZV-04-WHITE")) == (before[0] - 2, before[1] - 1)
    again = call(
        handler, "POST", "/checkout", form={**ALICE, "csrf_token": token, "checkout_key": key}, cookies=jar
    )
    assert again.location == placed.location  # a double submit gets the same order
    assert (stock("WZ-003"), stock("WZV-04-WHITE")) == (before[0] - 2, before[1] - 1)
    url = urlsplit(placed.location)
    order = call(handler, "GET", url.path, query={k: v[0] for k, v in parse_qs(url.query).items()})
    assert order.status == 200
    assert order.headers["Cache-Control"] == "private, no-store"
    assert "Espresso Cups, set of 4" in order.body
    assert "pending" in order.body
    token_only = {"token": parse_qs(url.query)["token"][0]}
    from orion.outbox.service import list_messages

    mail = next(
        m
        for m in list_messages(Tenant("oms", "wizamart"))
        if m.data.get("order_id") == url.path.split("/")[-1] and m.kind == "order_confirmation"
    )
    status_link = f"https://{WIZAMART}{placed.location.removesuffix('&placed=1')}&lang=en"
    assert f"Follow your order here: {status_link}\n" in mail.text  # the e-mail leads back to the order
    assert mail.subject == f"Your order {url.path.split('/')[-1]} at Wizamart"  # the store's name
    assert "Total: €" in mail.text
    assert call(handler, "GET", url.path, query={"token": "wrong"}).status == 404
    assert call(handler, "GET", url.path, query=token_only, host=BAKERY).status == 404
    assert call(handler, "GET", "/cart", cookies=jar).body.count("Your cart is empty") == 1


def test_a_variant_sold_on_backorder_can_be_bought_out_of_stock() -> None:
    # Given the cutting board (stock 0) is sold on backorder
    wizamart = Tenant("oms", "wizamart")
    board = get_variant_by_sku(wizamart, "WZ-005")
    update_variant(wizamart, board.product_id, "WZ-005", VariantChanges(backorder=True))
    jar: dict[str, str] = {}
    # When a shopper puts 2 in the cart and checks out
    assert add(jar, "WZ-005", 2).status == 303
    token, key = checkout_form(jar)
    placed = call(
        handler, "POST", "/checkout", form={**ALICE, "csrf_token": token, "checkout_key": key}, cookies=jar
    )
    # Then the order holds both units, backordered, and the stock stays at 0
    assert placed.status == 303
    order_id = urlsplit(placed.location).path.split("/")[-1]
    assert [(line.quantity, line.backordered) for line in get_order(wizamart, order_id).lines] == [(2, 2)]
    assert stock("WZ-005") == 0


def test_bad_checkout_input_shows_the_form_again_with_field_errors() -> None:
    jar: dict[str, str] = {}
    add(jar, "WZ-011")
    token, key = checkout_form(jar)
    bad = {"email": "not-an-email", "name": "", "address": "x", "country": "ZZ"}
    page = call(
        handler, "POST", "/checkout", form={**bad, "csrf_token": token, "checkout_key": key}, cookies=jar
    )
    assert page.status == 422
    for field in ("email", "name", "address", "country"):
        assert f'id="e-{field}"' in page.body
    assert "Enter your e-mail address, like name@example.com." in page.body  # words for people ...
    assert "String should have" not in page.body and "@-sign" not in page.body  # ... not pydantic's
    assert 'value="not-an-email"' in page.body
    assert hidden(page.body, "checkout_key") == key


def test_out_of_stock_at_checkout_writes_nothing_and_explains() -> None:
    jar: dict[str, str] = {}
    add(jar, "WZ-009", 2)  # Stand Mixer: stock 2
    other: dict[str, str] = {}
    add(other, "WZ-009", 1)
    token, key = checkout_form(other)
    first = call(
        handler, "POST", "/checkout", form={**ALICE, "csrf_token": token, "checkout_key": key}, cookies=other
    )
    assert first.status == 303
    token, key = checkout_form(jar)
    refused = call(
        handler, "POST", "/checkout", form={**ALICE, "csrf_token": token, "checkout_key": key}, cookies=jar
    )
    assert refused.status == 409
    assert "enough stock of Stand Mixer" in refused.body
    assert stock("WZ-009") == 1
    assert "Stand Mixer" in call(handler, "GET", "/cart", cookies=jar).body  # the cart is kept


def reprice(sku: str, price: int) -> None:
    from orion.catalog.models import VariantChanges
    from orion.catalog.service import update_variant

    tenant = Tenant("oms", "wizamart")
    update_variant(tenant, get_variant_by_sku(tenant, sku).product_id, sku, VariantChanges(price=price))


def test_a_price_changed_since_the_cart_is_not_charged_silently() -> None:
    jar: dict[str, str] = {}
    add(jar, "WZ-010", 1)
    before = stock("WZ-010")
    was = get_variant_by_sku(Tenant("oms", "wizamart"), "WZ-010").variant.price
    token, key = checkout_form(jar)
    reprice("WZ-010", was + 500)
    form = {**ALICE, "csrf_token": token, "checkout_key": key}
    again = call(handler, "POST", "/checkout", form=form, cookies=jar)
    assert again.status == 409  # nothing placed: the checkout form once more
    assert again.location == ""
    assert stock("WZ-010") == before
    assert "changed since you added it" in again.body
    assert f"€{(was + 500) / 100:.2f}" in again.body and f"<s>€{was / 100:.2f}</s>" in again.body
    assert 'value="alice@example.com"' in again.body  # what the shopper typed is kept
    cart = json.loads(call(handler, "GET", "/cart", cookies=jar, headers={"Accept": "application/json"}).body)
    assert [line["unit_price"] for line in cart["cart"]["lines"]] == [was + 500]
    agreed = call(
        handler,
        "POST",
        "/checkout",
        form={**form, "csrf_token": hidden(again.body, "csrf_token")},
        cookies=jar,
    )
    assert agreed.status == 303  # the shopper saw the new price and placed the order again
    assert stock("WZ-010") == before - 1
    url = urlsplit(agreed.location)
    order = call(
        handler,
        "GET",
        url.path,
        query={"token": parse_qs(url.query)["token"][0]},
        headers={"Accept": "application/json"},
    )
    placed = json.loads(order.body)["order"]
    assert placed["subtotal"] == was + 500
    assert placed["total"] == was + 500 + 490  # Wizamart's shipping within Luxembourg (below 50 EUR)


def new_product(sku: str, price: int) -> str:
    from orion.catalog.models import ProductInput, ProductStatus, Variant
    from orion.catalog.service import create_product

    create_product(
        Tenant("oms", "wizamart"),
        ProductInput(
            title=f"Item {sku}",
            status=ProductStatus.ACTIVE,
            variants=(Variant(sku=sku, price=price, stock=9),),
        ),
    )
    return sku


def test_a_stale_checkout_form_never_places_an_order_even_submitted_twice() -> None:
    jar: dict[str, str] = {}
    was = 1500
    add(jar, new_product("STALE-1", was), 1)
    page = call(handler, "GET", "/checkout", cookies=jar).body
    form = {
        **ALICE,
        "csrf_token": hidden(page, "csrf_token"),
        "checkout_key": hidden(page, "checkout_key"),
        "cart_digest": hidden(page, "cart_digest"),
    }
    reprice("STALE-1", was + 100)
    first = call(handler, "POST", "/checkout", form=form, cookies=jar)
    second = call(handler, "POST", "/checkout", form=form, cookies=jar)  # the double-click
    assert (first.status, second.status) == (409, 409)  # neither charges a price the shopper never saw
    assert "The price of Item STALE-1 changed" in first.body
    assert "Your cart changed since this page was shown" in second.body  # the stale form, refused
    assert get_variant_by_sku(Tenant("oms", "wizamart"), "STALE-1").variant.stock == 9  # nothing sold
    fresh = {**form, "cart_digest": hidden(second.body, "cart_digest")}
    placed = call(handler, "POST", "/checkout", form=fresh, cookies=jar)
    assert placed.status == 303


def test_the_checkout_page_shows_todays_prices_and_says_they_changed() -> None:
    jar: dict[str, str] = {}
    was = 1200
    add(jar, new_product("TODAY-1", was), 2)
    reprice("TODAY-1", was + 250)
    page = call(handler, "GET", "/checkout", cookies=jar)
    assert page.status == 200
    assert "Some prices changed" in page.body
    assert f"€{2 * (was + 250) / 100:.2f}" in page.body and f"<s>€{was / 100:.2f}</s>" in page.body
    as_json = call(handler, "GET", "/checkout", cookies=jar, headers={"Accept": "application/json"})
    assert json.loads(as_json.body)["cart"]["subtotal"] == 2 * (was + 250)  # the cart took the new price


def test_a_price_change_in_the_json_twin_is_a_409_naming_the_new_prices() -> None:
    as_json = {"Accept": "application/json"}
    jar: dict[str, str] = {}
    add(jar, "WZ-012", 2)
    was = get_variant_by_sku(Tenant("oms", "wizamart"), "WZ-012").variant.price
    form = json.loads(call(handler, "GET", "/checkout", cookies=jar, headers=as_json).body)
    reprice("WZ-012", was - 100)
    fields = {**ALICE, "csrf_token": form["csrf_token"], "checkout_key": form["checkout_key"]}
    refused = call(handler, "POST", "/checkout", cookies=jar, headers=as_json, form=fields)
    assert refused.status == 409
    assert refused.headers["Content-Type"] == "application/problem+json"
    problem = json.loads(refused.body)
    assert problem["type"].endswith("/price-changed")
    assert problem["changes"] == [{"sku": "WZ-012", "was": was, "now": was - 100, "currency": "EUR"}]
    assert problem["cart"]["subtotal"] == 2 * (was - 100)
    placed = call(handler, "POST", "/checkout", cookies=jar, headers=as_json, form=fields)
    assert placed.status == 201
    assert json.loads(placed.body)["order"]["total"] == 2 * (was - 100)


def test_json_twins_for_a_headless_front_end() -> None:
    json_headers = {"Accept": "application/json", "Content-Type": "application/json"}
    cart = call(handler, "GET", "/cart", headers=json_headers)
    token = json.loads(cart.body)["csrf_token"]
    added = call(handler, "POST", "/cart/items", form=None, headers=json_headers)
    assert added.status in (400, 403, 422)
    jar: dict[str, str] = {}
    result = call(
        handler,
        "POST",
        "/cart/items",
        headers={"Accept": "application/json"},
        form={"sku": "WZ-011", "quantity": "1", "csrf_token": token},
    )
    assert result.status == 201
    jar.update(cookie_jar(result))
    body = json.loads(result.body)
    assert body["cart"]["lines"][0]["sku"] == "WZ-011"
    form = json.loads(
        call(handler, "GET", "/checkout", cookies=jar, headers={"Accept": "application/json"}).body
    )
    placed = call(
        handler,
        "POST",
        "/checkout",
        cookies=jar,
        headers={"Accept": "application/json"},
        form={**ALICE, "csrf_token": form["csrf_token"], "checkout_key": form["checkout_key"]},
    )
    assert placed.status == 201
    order = json.loads(placed.body)
    assert order["order"]["status"] == "pending"
    assert order["status_url"].startswith("/orders/")
    assert placed.headers["Location"] == order["status_url"]
    problem = call(
        handler,
        "POST",
        "/checkout",
        cookies=jar,
        headers={"Accept": "application/json"},
        form={"csrf_token": form["csrf_token"], "checkout_key": "short"},
    )
    assert problem.status == 422
    assert problem.headers["Content-Type"] == "application/problem+json"
    assert {e["field"] for e in json.loads(problem.body)["errors"]} >= {"email", "checkout_key"}


def test_a_sku_with_a_slash_can_be_changed_from_the_cart() -> None:
    from orion.catalog.models import ProductInput, ProductStatus, Variant
    from orion.catalog.service import create_product

    create_product(
        Tenant("oms", "wizamart"),
        ProductInput(
            title="Poster A/B",
            status=ProductStatus.ACTIVE,
            variants=(Variant(sku="PO/AB-1", price=900, stock=9),),
        ),
    )
    jar: dict[str, str] = {}
    assert add(jar, "PO/AB-1").status == 303
    cart = call(handler, "GET", "/cart", cookies=jar)
    assert 'action="/cart/items/PO%2FAB-1"' in cart.body
    changed = call(
        handler,
        "POST",
        "/cart/items/PO%2FAB-1",
        form={"quantity": "4", "csrf_token": hidden(cart.body, "csrf_token")},
        cookies=jar,
    )
    assert changed.status == 303
    lines = json.loads(
        call(handler, "GET", "/cart", cookies=jar, headers={"Accept": "application/json"}).body
    )
    assert lines["cart"]["lines"][0]["quantity"] == 4


def test_the_shoppers_order_page_shows_status_changes_but_never_staff_notes() -> None:
    from orion.orders.models import OrderStatus
    from orion.orders.service import add_order_note, transition_order

    jar: dict[str, str] = {}
    add(jar, "WZ-011")
    token, key = checkout_form(jar)
    placed = call(
        handler, "POST", "/checkout", form={**ALICE, "csrf_token": token, "checkout_key": key}, cookies=jar
    )
    url = urlsplit(placed.location)
    order_id, query = url.path.rsplit("/", 1)[1], {"token": parse_qs(url.query)["token"][0]}
    wizamart = Tenant("oms", "wizamart")
    add_order_note(wizamart, order_id, "Customer sounds angry, check fraud list", actor="jo@wizamart.lu")
    transition_order(wizamart, order_id, OrderStatus.PAID, note="bank ref 8812 internal", actor="jo")
    page = call(handler, "GET", url.path, query=query)
    assert page.status == 200
    assert "fraud" not in page.body and "8812" not in page.body and "jo@" not in page.body
    assert page.body.count("<li>") >= 2 and "paid" in page.body and "pending" in page.body
    as_json = call(handler, "GET", url.path, query=query, headers={"Accept": "application/json"})
    history = json.loads(as_json.body)["order"]["history"]
    assert [entry["status"] for entry in history] == ["pending", "paid"]
    assert all(set(entry) == {"status", "at"} for entry in history)


def test_head_on_the_cart_is_the_cart_page_without_a_body() -> None:
    head = call(handler, "HEAD", "/cart")
    assert (head.status, head.body) == (200, "")
    assert head.headers["Cache-Control"] == "private, no-store"


def test_an_unknown_order_is_a_404_in_the_shoppers_language() -> None:
    page = call(handler, "GET", "/orders/01ARZ3NDEKTSV4RRFFQ69G5FAV", query={"token": "x", "lang": "de"})
    assert page.status == 404
    assert "Diese Bestellung wurde nicht gefunden." in page.body
    assert page.headers["Vary"] == "Accept-Language"


def test_cart_checkout_and_order_pages_speak_the_shoppers_language() -> None:
    jar: dict[str, str] = {}
    new_product("LANG-1", 990)
    added = call(
        handler,
        "POST",
        "/cart/items",
        query={"lang": "fr"},  # the buy form of a page the shopper switched to French
        form={"sku": "LANG-1", "quantity": "1"},
        headers=SAME_ORIGIN,
    )
    assert added.location == "/cart?lang=fr"  # the cart answers in French too
    jar.update(cookie_jar(added))
    cart = call(handler, "GET", "/cart", cookies=jar, query={"lang": "fr"}).body
    assert "Sous-total" in cart and "Retirer" in cart and "9,90" in cart
    page = call(handler, "GET", "/checkout", cookies=jar, query={"lang": "de"}).body
    assert "Bestellung aufgeben" in page and "Straße und Hausnummer" in page and "Luxemburg" in page
    form = {**ALICE, "csrf_token": hidden(page, "csrf_token"), "checkout_key": hidden(page, "checkout_key")}
    placed = call(handler, "POST", "/checkout", form=form, cookies=jar, query={"lang": "fr"})
    url = urlsplit(placed.location)
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert (query["placed"], query["lang"]) == ("1", "fr")  # the confirmation stays in French
    order = call(handler, "GET", url.path, query=query).body
    assert "Merci ! Votre commande est passée." in order
    assert "en attente de paiement" in order and "Livraison" in order and "Luxembourg" in order
    from orion.outbox.service import list_messages

    [mail] = [
        m
        for m in list_messages(Tenant("oms", "wizamart"))
        if m.data.get("order_id") == url.path.split("/")[-1] and m.kind == "order_confirmation"
    ]
    assert mail.subject.startswith("Votre commande ") and "9,90\u00a0€" in mail.text
    assert "Nous vous enverrons une facture" in mail.text and "&lang=fr" in mail.text
    assert "Nous vous enverrons une facture" in order  # the payment instructions, on the page too
    more = call(
        handler,
        "POST",
        "/cart/items",
        query={"lang": "de"},
        form={"sku": "LANG-1", "quantity": "50"},
        headers=SAME_ORIGIN,
    )
    assert more.status == 409 and "Leider haben wir davon nur noch 8." in more.body
    empty = call(handler, "GET", "/cart", query={"lang": "de"}).body
    assert "Ihr Warenkorb ist leer." in empty


def test_an_out_of_stock_answer_names_the_product_in_the_shoppers_language() -> None:
    from orion.catalog.service import adjust_stock

    jar: dict[str, str] = {}
    add(jar, new_product("SHORT-1", 500), 3)
    adjust_stock(Tenant("oms", "wizamart"), "SHORT-1", -8)  # one left
    page = call(handler, "GET", "/checkout", cookies=jar, query={"lang": "fr"}).body
    form = {**ALICE, "csrf_token": hidden(page, "csrf_token"), "checkout_key": hidden(page, "checkout_key")}
    refused = call(handler, "POST", "/checkout", form=form, cookies=jar, query={"lang": "fr"})
    assert refused.status == 409
    assert "Désolé, nous n&#39;avons plus assez de stock de Item SHORT-1." in refused.body
