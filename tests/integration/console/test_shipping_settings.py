"""Shipping and VAT /admin/settings/shipping: the demo's zones shown, saved from the form, wrong
entries refused per field with nothing saved, read-only for a Viewer, and the order page and
packing slip showing an order's shipping and VAT."""

from __future__ import annotations

from decimal import Decimal

import pytest

from orion.orders.shipping import get_shipping_settings
from orion.tenant import Tenant
from tests.console import signed_in
from tests.integration.console._helpers import audit_actions, viewer

pytestmark = pytest.mark.usefixtures("demo")
WIZ = Tenant("oms", "wizamart")
BAKERY = Tenant("oms", "bakery")

FORM = [
    ("rows", "3"),
    ("zones-0-name", "Home"),
    ("zones-0-countries", "LU"),
    ("zones-0-rate", "3,50"),
    ("zones-0-free_from", "40"),
    ("zones-1-name", "Benelux"),
    ("zones-1-countries", "BE"),
    ("zones-1-countries", "NL"),
    ("zones-1-rate", "7.90"),
    ("zones-1-free_from", ""),
    ("zones-2-name", ""),
    ("zones-2-rate", ""),
    ("zones-2-free_from", ""),
    ("vat-LU-standard", "17"),
    ("vat-LU-reduced", "8"),
    ("vat-LU-super_reduced", "3"),
    ("vat-BE-standard", "21"),
    ("vat-BE-reduced", "6"),
    ("vat-BE-super_reduced", "6"),
]


def test_the_page_shows_the_demo_zones() -> None:
    page = signed_in("wizamart-owner").get("/admin/settings/shipping")
    assert page.status == 200
    assert 'value="Luxembourg"' in page.text and 'value="4.90"' in page.text and 'value="50.00"' in page.text
    assert 'value="9.90"' in page.text
    assert 'name="vat-LU-standard" value="17"' in page.text


def test_owner_saves_zones_and_rates_for_this_store_only() -> None:
    owner = signed_in("wizamart-owner")
    response = owner.post("/admin/settings/shipping", FORM)
    assert response.status == 303
    saved = get_shipping_settings(WIZ)
    assert [(z.name, z.countries, z.rate, z.free_from) for z in saved.zones] == [
        ("Home", ("LU",), 350, 4000),
        ("Benelux", ("BE", "NL"), 790, None),
    ]
    assert saved.vat_rates["BE"].reduced == Decimal(6)
    assert set(saved.vat_rates) == {"LU", "BE"}  # the others left empty: no VAT
    assert "settings.shipping" in audit_actions()
    assert get_shipping_settings(BAKERY).countries == ["LU", "BE", "FR", "DE", "NL", "AT", "CH"]


def test_wrong_entries_are_refused_per_field_with_nothing_saved() -> None:
    owner = signed_in("wizamart-owner")
    before = get_shipping_settings(WIZ)
    bad = [
        *[(k, v) for k, v in FORM if k not in ("zones-1-rate", "vat-BE-standard")],
        ("zones-1-rate", "cheap"),
        ("vat-BE-standard", "121"),
    ]
    response = owner.post("/admin/settings/shipping", bad)
    assert response.status == 422
    assert 'id="e-zones-1-rate"' in response.text
    assert 'value="Benelux"' in response.text  # entries kept
    again = owner.post("/admin/settings/shipping", [*FORM[:-3], ("vat-BE-standard", "121"), *FORM[-2:]])
    assert again.status == 422
    assert 'id="e-vat-BE-standard"' in again.text
    twice = [*FORM, ("zones-2-name", "Again"), ("zones-2-countries", "LU"), ("zones-2-rate", "1")]
    assert owner.post("/admin/settings/shipping", twice).status == 422
    assert get_shipping_settings(WIZ) == before


def test_a_viewer_may_neither_see_nor_save() -> None:
    reader = viewer()
    reader.get("/admin/pages")  # a page the Viewer may see, for the form token
    assert reader.get("/admin/settings/shipping").status == 403  # settings.view: Managers and up
    assert reader.post("/admin/settings/shipping", FORM).status == 403
    assert get_shipping_settings(WIZ).zones[0].name == "Luxembourg"


def test_order_page_and_packing_slip_show_shipping_and_vat() -> None:
    from orion.catalog.service import get_variant_by_sku
    from orion.ids import new_id
    from orion.orders.models import CustomerDetails, LineRequest
    from orion.orders.service import place_order

    candle = get_variant_by_sku(WIZ, "WZ-011")  # 18.90 EUR, standard rate
    placed = place_order(
        WIZ,
        [LineRequest(product_id=candle.product_id, sku="WZ-011", quantity=1)],
        CustomerDetails(email="sam@example.com", name="Sam", address="1 Rue X", country="DE"),
        checkout_key=new_id() + "abcdef",
    )
    order = placed.order
    # (18.90 + 9.90) * 19 / 119 = 4.598...
    assert (order.subtotal, order.shipping, order.total) == (1890, 990, 2880)
    assert [(v.rate, v.amount) for v in order.vat] == [("19", 460)]
    owner = signed_in("wizamart-owner")
    for path in (f"/admin/orders/{order.id}", f"/admin/orders/{order.id}/packing-slip"):
        page = owner.get(path)
        assert page.status == 200
        assert "€9.90" in page.text and "€28.80" in page.text
        assert "incl. VAT 19%" in page.text and "€4.60" in page.text
