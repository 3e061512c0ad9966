"""Pages within tier limits and sanitised, theme templates checked before storing, custom domains,
store settings, and orders through the staff API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3
import pytest

from orion.settings import get_settings, reset_settings
from tests.integration.staff_api.operations import _order, _product
from tests.staff import BAKERY, call, token_of


def test_page_html_is_sanitised(demo: list[str]) -> None:
    owner = token_of("wizamart-owner")
    body = {"title": "About", "body_html": '<p onclick="steal()">Hi<script>alert(1)</script></p>'}
    saved = call("PUT", "/api/v1/pages/about-us", body=body, token=owner)
    assert saved.status == 200
    assert "script" not in saved.json()["body_html"]
    assert "onclick" not in saved.json()["body_html"]
    assert "Hi" in call("GET", "/api/v1/pages/about-us", token=owner).json()["body_html"]


def test_essential_stores_get_no_custom_pages_and_a_clear_409(demo: list[str]) -> None:
    owner = token_of("bakery-owner", host=BAKERY)
    refused = call("PUT", "/api/v1/pages/our-bread", host=BAKERY, body={"title": "Bread"}, token=owner)
    assert refused.status == 409
    problem = refused.json()
    assert problem["limit"] == "pages_custom"
    assert "essential" in problem["detail"].lower()
    assert refused.headers["content-type"] == "application/problem+json"


def test_professional_stores_stop_at_five_custom_pages(demo: list[str]) -> None:
    owner = token_of("wizamart-owner")
    for n in range(5):
        assert call("PUT", f"/api/v1/pages/custom-{n}", body={"title": f"P{n}"}, token=owner).status == 200
    sixth = call("PUT", "/api/v1/pages/custom-5", body={"title": "P5"}, token=owner)
    assert sixth.status == 409
    assert sixth.json()["max"] == 5
    # Replacing an existing page is not adding one.
    assert call("PUT", "/api/v1/pages/custom-0", body={"title": "Again"}, token=owner).status == 200


def test_a_template_that_does_not_compile_is_refused_and_not_stored(demo: list[str]) -> None:
    owner = token_of("wizamart-owner")
    broken = call("PUT", "/api/v1/theme/templates/home.html", body={"source": "{% if %}oops"}, token=owner)
    assert broken.status == 422
    assert "line 1" in broken.json()["errors"][0]["message"]
    assert call("GET", "/api/v1/theme/templates", token=owner).json()["items"] == []


def test_templates_go_to_the_stores_own_prefix(demo: list[str]) -> None:
    owner = token_of("wizamart-owner")
    source = '{% extends "base.html" %}{% block content %}<h1>Custom {{ 6 * 7 }}</h1>{% endblock %}'
    stored = call("PUT", "/api/v1/theme/templates/custom.html", body={"source": source}, token=owner)
    assert stored.status == 200
    s3 = boto3.client("s3", region_name="eu-west-1")
    assert s3.get_object(Bucket=get_settings().templates_bucket, Key="stores/oms/wizamart/custom.html")
    assert [t["name"] for t in call("GET", "/api/v1/theme/templates", token=owner).json()["items"]] == [
        "custom.html"
    ]
    preview = call("POST", "/api/v1/theme/preview", body={"name": "custom.html"}, token=owner)
    assert preview.status == 200
    assert "Custom 42" in preview.body.decode()
    # Nothing leaks into another store's theme.
    bakery = token_of("bakery-owner", host=BAKERY)
    assert call("GET", "/api/v1/theme/templates", host=BAKERY, token=bakery).json()["items"] == []


def test_preview_reports_what_breaks_instead_of_falling_back(demo: list[str]) -> None:
    owner = token_of("wizamart-owner")
    response = call(
        "POST", "/api/v1/theme/preview", body={"source": "{{ ''.__class__.__mro__ }}"}, token=owner
    )
    assert response.status == 422
    assert "SecurityError" in response.json()["detail"]


def test_custom_domain_is_pending_until_verified_then_serves_the_store(
    demo: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = token_of("wizamart-owner")
    added = call("POST", "/api/v1/domains", body={"host": "Shop.Example.com"}, token=owner)
    assert added.status == 201
    pending = added.json()
    assert pending["verified"] is False
    assert pending["verification_record"] == "_orion-verification.shop.example.com"
    assert pending["verification_value"].startswith("orion-")
    assert call("GET", "/", host="shop.example.com").status == 404  # not serving before verification
    # DNS does not have the record yet.
    refused = call("POST", "/api/v1/domains/shop.example.com/verify", token=owner)
    assert refused.status in {409}
    monkeypatch.setenv("ORION_DOMAIN_VERIFICATION", "trust")
    reset_settings()
    verified = call("POST", "/api/v1/domains/shop.example.com/verify", token=owner)
    assert verified.status == 200
    assert verified.json()["verified"] is True
    assert verified.json()["created_at"] == pending["created_at"]  # verifying keeps the claim's date
    [listed] = [
        d
        for d in call("GET", "/api/v1/domains", token=owner).json()["items"]
        if d["host"] == "shop.example.com"
    ]
    assert listed["verified"] is True and listed["created_at"] == pending["created_at"]
    assert call("GET", "/api/v1/settings", host="shop.example.com", token=owner).json()["code"] == "wizamart"
    assert call("DELETE", "/api/v1/domains/shop.example.com", token=owner).status == 204
    assert call("GET", "/api/v1/settings", host="shop.example.com", token=owner).status == 404


def test_a_domain_of_another_store_cannot_be_claimed(demo: list[str]) -> None:
    bakery = token_of("bakery-owner", host=BAKERY)
    taken = call("POST", "/api/v1/domains", host=BAKERY, body={"host": "shop.wizamart.lu"}, token=bakery)
    assert taken.status == 409
    assert taken.headers["content-type"] == "application/problem+json"
    hosts = {d["host"] for d in call("GET", "/api/v1/domains", host=BAKERY, token=bakery).json()["items"]}
    assert "shop.wizamart.lu" not in hosts
    owner = token_of("wizamart-owner")  # and the domain still serves its store
    assert call("GET", "/api/v1/settings", host="shop.wizamart.lu", token=owner).json()["code"] == "wizamart"


def test_no_platform_address_an_ip_or_a_port_can_be_claimed(demo: list[str]) -> None:
    bakery = token_of("bakery-owner", host=BAKERY)
    # another platform's store address, its own domain, this platform's, an IP, a host with a port
    for host in (
        "cafe.loyalty.localhost",
        "loyalty.lu",
        "wizamart.oms.lu",
        "127.0.0.1",
        "x.example.com:8800",
    ):
        refused = call("POST", "/api/v1/domains", host=BAKERY, body={"host": host}, token=bakery)
        assert refused.status == 422, host
    assert call("GET", "/", host="cafe.loyalty.localhost").body.count(b"Boulangerie") == 0


def test_a_pending_claim_holds_a_domain_only_for_a_while(
    demo: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bakery = token_of("bakery-owner", host=BAKERY)
    owner = token_of("wizamart-owner")
    squatted = call(
        "POST", "/api/v1/domains", host=BAKERY, body={"host": "wizamart.example.org"}, token=bakery
    )
    assert squatted.status == 201
    early = call("POST", "/api/v1/domains", body={"host": "wizamart.example.org"}, token=owner)
    assert early.status == 409  # a fresh claim holds the domain
    monkeypatch.setenv("ORION_DOMAIN_CLAIM_TTL_SECONDS", "60")
    reset_settings()

    class TwoMinutesLater(datetime):
        @classmethod
        def now(cls, tz: object = None) -> TwoMinutesLater:
            return cls.fromtimestamp((datetime.now(UTC) + timedelta(minutes=2)).timestamp(), UTC)

    from orion.tenancy import domains

    monkeypatch.setattr(domains, "datetime", TwoMinutesLater)
    claimed = call("POST", "/api/v1/domains", body={"host": "wizamart.example.org"}, token=owner)
    assert claimed.status == 201  # the unverified claim lapsed: the real owner can claim it
    hosts = {d["host"] for d in call("GET", "/api/v1/domains", host=BAKERY, token=bakery).json()["items"]}
    assert "wizamart.example.org" not in hosts


def test_dropping_and_re_adding_a_pending_claim_does_not_renew_it(
    demo: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from orion.tenancy import domains

    bakery = token_of("bakery-owner", host=BAKERY)
    owner = token_of("wizamart-owner")
    monkeypatch.setenv("ORION_DOMAIN_CLAIM_TTL_SECONDS", "60")
    reset_settings()

    class ThreeMinutesAgo(datetime):
        @classmethod
        def now(cls, tz: object = None) -> ThreeMinutesAgo:
            return cls.fromtimestamp((datetime.now(UTC) - timedelta(minutes=3)).timestamp(), UTC)

    monkeypatch.setattr(domains, "datetime", ThreeMinutesAgo)
    first = call("POST", "/api/v1/domains", host=BAKERY, body={"host": "renewed.example.org"}, token=bakery)
    assert first.status == 201
    monkeypatch.setattr(domains, "datetime", datetime)
    assert call("DELETE", "/api/v1/domains/renewed.example.org", host=BAKERY, token=bakery).status == 204
    again = call("POST", "/api/v1/domains", host=BAKERY, body={"host": "renewed.example.org"}, token=bakery)
    assert again.status == 201
    assert again.json()["created_at"] == first.json()["created_at"]  # the claim still dates from the first
    taken = call("POST", "/api/v1/domains", body={"host": "renewed.example.org"}, token=owner)
    assert taken.status == 201  # so it lapsed on time, re-added or not


def test_owner_changes_store_settings(demo: list[str]) -> None:
    owner = token_of("wizamart-owner")
    body = {"name": "Wizamart Lux", "languages": ["fr", "en"], "default_language": "fr", "currency": "EUR"}
    changed = call("PUT", "/api/v1/settings", body=body, token=owner)
    assert changed.status == 200
    assert changed.json()["name"] == "Wizamart Lux"
    bad = {**body, "default_language": "de"}
    assert call("PUT", "/api/v1/settings", body=bad, token=owner).status == 422
    for currency in ("ABC", "JPY", "eur"):  # not ISO 4217, no hundredths, not upper case
        refused = call("PUT", "/api/v1/settings", body={**body, "currency": currency}, token=owner)
        assert refused.status == 422, currency
        assert refused.json()["errors"][0]["field"].endswith("currency")


def test_orders_move_through_the_state_machine_with_history_and_notes(demo: list[str]) -> None:
    owner = token_of("wizamart-owner")
    order_id = _order()
    assert (
        call("POST", f"/api/v1/orders/{order_id}/transitions", body={"status": "paid"}, token=owner).status
        == 200
    )
    skipped = call(
        "POST", f"/api/v1/orders/{order_id}/transitions", body={"status": "delivered"}, token=owner
    )
    assert skipped.status == 409
    noted = call("POST", f"/api/v1/orders/{order_id}/notes", body={"note": "gift wrap"}, token=owner)
    assert noted.status == 200
    detail = call("GET", f"/api/v1/orders/{order_id}", token=owner).json()
    assert [h["status"] for h in detail["history"]] == ["pending", "paid", "paid"]
    assert detail["history"][-1]["note"] == "gift wrap"
    paid = call("GET", "/api/v1/orders", query="status=paid", token=owner).json()["items"]
    assert [o["id"] for o in paid] == [order_id]
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat().replace("+00:00", "Z")
    assert call("GET", "/api/v1/orders", query=f"since={future}", token=owner).json()["items"] == []


def test_cancelling_an_order_puts_its_stock_back(demo: list[str]) -> None:
    owner = token_of("wizamart-owner")
    product_id, sku = _product(stock=5)
    from orion.orders import service as orders
    from orion.orders.models import CustomerDetails, LineRequest
    from tests.integration.staff_api.operations import WIZAMART

    placed = orders.place_order(
        WIZAMART,
        [LineRequest(product_id=product_id, sku=sku, quantity=2)],
        CustomerDetails(email="s@example.com", name="S", address="1 Rue X", country="LU"),
        checkout_key="k" * 20,
    )
    stock = lambda: call("GET", f"/api/v1/products/{product_id}", token=owner).json()["variants"][0]["stock"]  # noqa: E731
    assert stock() == 3
    cancel = call(
        "POST", f"/api/v1/orders/{placed.order.id}/transitions", body={"status": "cancelled"}, token=owner
    )
    assert cancel.status == 200
    assert stock() == 5
