"""The pieces of orion.storefront.seo that need no table: prices, GTINs, safe JSON, sitemap XML."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from orion.storefront import seo


@pytest.mark.parametrize(
    ("minor", "text"), [(1299, "12.99"), (5, "0.05"), (100, "1.00"), (0, "0.00"), (123456789, "1234567.89")]
)
def test_prices_are_decimal_strings_of_minor_units(minor: int, text: str) -> None:
    assert seo.decimal_price(minor) == text


@pytest.mark.parametrize(
    ("gtin", "ok"),
    [
        ("4006381333931", True),  # EAN-13
        ("4006381333932", False),
        ("96385074", True),  # EAN-8
        ("96385075", False),
        ("036000291452", True),  # UPC-A
        ("10036000291459", True),  # GTIN-14
        ("1234567", False),
        ("40063813339x1", False),
    ],
)
def test_gtin_check_digits(gtin: str, ok: bool) -> None:
    assert seo.gtin_check_digit_ok(gtin) is ok


def test_json_for_a_script_element_cannot_close_it() -> None:
    data = {"name": "</script><!-- & \u2028 <b>"}
    text = str(seo.json_for_script(data))
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == data


def test_sitemap_xml_escapes_addresses() -> None:
    site = seo.Site("https://shop.example", "")
    root = ET.fromstring(seo.urlset(site, ["/products/a&b"], ["en", "fr"]))
    assert [el.text for el in root.iter(f"{{{seo.SITEMAP_NS}}}loc")] == ["https://shop.example/products/a&b"]
    index = ET.fromstring(seo.sitemap_index(["https://shop.example/sitemap-products.xml?after=x&y"]))
    assert [el.text for el in index.iter(f"{{{seo.SITEMAP_NS}}}loc")] == [
        "https://shop.example/sitemap-products.xml?after=x&y"
    ]


def test_a_page_description_names_whole_products_within_the_limit() -> None:
    names = ["Classic T-Shirt", "Cast Iron Skillet", "French Press"]
    assert seo.page_description("All products · Shop", names) == (
        "All products · Shop: Classic T-Shirt, Cast Iron Skillet, French Press."
    )
    assert seo.page_description("All products · Shop", names, limit=58) == (
        "All products · Shop: Classic T-Shirt, Cast Iron Skillet."  # no name cut in half
    )
    assert seo.page_description("Welcome! Featured", []) == "Welcome! Featured"
    assert seo.page_description("Warm <b>clothes</b> for winter.", names[:1]) == (
        "Warm clothes for winter. Classic T-Shirt."
    )
    assert len(seo.page_description("x" * 400, names)) == seo.META_DESCRIPTION_LENGTH
