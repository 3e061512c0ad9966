"""Totals of an order: shipping by zone and threshold, VAT included per rate, rounding, refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from orion.catalog.models import TaxClass
from orion.errors import Invalid
from orion.orders.errors import NotShippedTo
from orion.orders.pricing import PricedLine, included_vat, totals
from orion.orders.shipping import (
    DEFAULT_SETTINGS,
    ShippingSettings,
    ShippingZone,
    shipping_settings_from,
)

SHOP = ShippingSettings(
    zones=(
        ShippingZone(name="Luxembourg", countries=("LU",), rate=490, free_from=5000),
        ShippingZone(name="Neighbours", countries=("BE", "FR", "DE"), rate=990),
    )
)


def test_vat_is_extracted_from_gross_prices_and_rounded_half_up() -> None:
    assert included_vat(11700, Decimal(17)) == 1700
    assert included_vat(1000, Decimal(17)) == 145  # 145.299...
    assert included_vat(1030, Decimal(3)) == 30
    assert included_vat(1055, Decimal("5.5")) == 55
    assert included_vat(117, Decimal(17)) == 17  # 17.0
    assert included_vat(7, Decimal(17)) == 1  # 1.017 rounds to 1
    assert included_vat(3, Decimal(17)) == 0  # 0.4359 rounds down
    assert included_vat(500, Decimal(0)) == 0


def test_luxembourg_order_lists_vat_per_rate_and_adds_shipping_below_the_threshold() -> None:
    lines = [PricedLine(2340), PricedLine(1030, TaxClass.SUPER_REDUCED), PricedLine(540, TaxClass.REDUCED)]
    priced = totals(lines, "LU", SHOP)
    assert priced.subtotal == 3910
    assert priced.shipping == 490
    assert priced.total == 4400  # VAT is included, never added
    # Shipping is taxed at the standard rate: (2340 + 490) * 17 / 117 = 411.2
    assert [(v.rate, v.amount) for v in priced.vat] == [("17", 411), ("8", 40), ("3", 30)]


def test_free_shipping_starts_exactly_at_the_threshold() -> None:
    assert totals([PricedLine(4999)], "LU", SHOP).shipping == 490
    at = totals([PricedLine(5000)], "LU", SHOP)
    assert (at.shipping, at.total) == (0, 5000)
    assert totals([PricedLine(5001)], "LU", SHOP).shipping == 0


def test_destination_country_rates_apply() -> None:
    priced = totals([PricedLine(1210), PricedLine(1055, TaxClass.REDUCED)], "FR", SHOP)
    assert priced.shipping == 990
    assert [(v.rate, v.amount) for v in priced.vat] == [("20", 367), ("5.5", 55)]


def test_a_country_without_a_zone_is_refused_on_the_country_field() -> None:
    with pytest.raises(NotShippedTo) as refused:
        totals([PricedLine(1000)], "CH", SHOP)
    assert refused.value.status == 422
    assert refused.value.errors[0].field == "country"
    assert refused.value.errors[0].message == "We do not ship to Switzerland."


def test_a_country_without_vat_rates_includes_no_vat() -> None:
    settings = ShippingSettings(zones=(ShippingZone(name="CH", countries=("CH",), rate=1500),))
    priced = totals([PricedLine(2000)], "CH", settings)
    assert (priced.subtotal, priced.shipping, priced.vat, priced.total) == (2000, 1500, (), 3500)


def test_default_settings_ship_everywhere_free_with_eu_rates() -> None:
    priced = totals([PricedLine(1170)], "LU", DEFAULT_SETTINGS)
    assert (priced.shipping, priced.total) == (0, 1170)
    assert [(v.rate, v.amount) for v in priced.vat] == [("17", 170)]
    assert DEFAULT_SETTINGS.vat_rates["LU"].rate(TaxClass.SUPER_REDUCED) == Decimal(3)


def test_bad_settings_name_each_field() -> None:
    with pytest.raises(Invalid) as refused:
        shipping_settings_from(
            {
                "zones": [
                    {"name": "A", "countries": ["LU", "XX"], "rate": -1},
                    {"name": "B", "countries": ["BE"], "rate": 100, "free_from": "lots"},
                ],
                "vat_rates": {"LU": {"standard": "117", "reduced": "8", "super_reduced": "3"}},
            }
        )
    fields = {e.field for e in refused.value.errors}
    assert {"zones.0.countries", "zones.0.rate", "zones.1.free_from", "vat_rates.LU.standard"} <= fields
    with pytest.raises(Invalid, match="shipping"):
        shipping_settings_from(
            {
                "zones": [
                    {"name": "A", "countries": ["LU"], "rate": 0},
                    {"name": "B", "countries": ["LU"], "rate": 0},
                ]
            }
        )
