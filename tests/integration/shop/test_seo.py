"""What search engines and link previews read of a store, through the storefront handler (moto, demo
data): canonical and hreflang links, a product's Open Graph and JSON-LD, the sitemap and robots.txt."""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from functions.storefront.handler import handler
from orion.catalog.models import ProductInput, ProductStatus, Variant
from orion.catalog.service import create_product
from orion.cms.models import PageInput
from orion.cms.service import put_store_page
from orion.tenant import Tenant
from tests.api_calls import dynamodb_stops_at_limit
from tests.bench.support import counting_requests
from tests.integration.shop.conftest import PLATFORM, WIZAMART, call

pytestmark = pytest.mark.usefixtures("seeded")

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
PATH_MODE = {"host": "localhost:8000", "headers": {"X-Forwarded-Proto": "http"}}
EVIL = "Mug </script><script>alert(1)</script> <!-- & \u2028"


def link(body: str, rel: str) -> list[tuple[str, str]]:
    """``(hreflang, href)`` of each ``<link rel=...>`` in the page's head."""
    head = body.split("</head>", maxsplit=1)[0]
    found = re.findall(rf'<link rel="{rel}"(?: hreflang="([^"]+)")? href="([^"]+)">', head)
    return [(lang, href.replace("&amp;", "&")) for lang, href in found]


def canonical(body: str) -> str:
    (only,) = link(body, "canonical")
    return only[1]


def json_ld(body: str) -> dict[str, Any]:
    (script,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)
    data: dict[str, Any] = json.loads(script)
    return data


def og(body: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for prop, content in re.findall(r'<meta property="([^"]+)" content="([^"]*)">', body):
        found.setdefault(prop, []).append(content)
    return found


def locs(xml: str) -> list[str]:
    root = ET.fromstring(xml)
    return [el.text or "" for el in root.iter(f"{{{NS['s']}}}loc")]


# --- canonical and hreflang ---------------------------------------------------------------------------


def test_canonical_drops_tracking_parameters_and_names_every_language() -> None:
    page = call(handler, "GET", "/products/cast-iron-skillet", query={"utm_source": "mail", "gclid": "x"})
    assert canonical(page.body) == f"https://{WIZAMART}/products/cast-iron-skillet"
    alternates = dict(link(page.body, "alternate"))
    assert alternates == {
        "en": f"https://{WIZAMART}/products/cast-iron-skillet?lang=en",
        "fr": f"https://{WIZAMART}/products/cast-iron-skillet?lang=fr",
        "de": f"https://{WIZAMART}/products/cast-iron-skillet?lang=de",
        "x-default": f"https://{WIZAMART}/products/cast-iron-skillet",
    }
    # A language chosen in the address is a page of its own: it is its own canonical.
    french = call(handler, "GET", "/products/cast-iron-skillet", query={"lang": "fr", "utm_medium": "x"})
    assert canonical(french.body) == f"https://{WIZAMART}/products/cast-iron-skillet?lang=fr"


def test_a_listing_page_keeps_its_cursor_and_sort_in_its_canonical() -> None:
    first = call(handler, "GET", "/products", query={"sort": "title", "fbclid": "abc"})
    assert canonical(first.body) == f"https://{WIZAMART}/products?sort=title"
    cursor = re.search(r"after=([A-Za-z0-9_-]+)", first.body)
    assert cursor
    second = call(handler, "GET", "/products", query={"sort": "title", "after": cursor.group(1)})
    assert canonical(second.body) == f"https://{WIZAMART}/products?sort=title&after={cursor.group(1)}"
    assert dict(link(second.body, "alternate"))["de"].endswith(f"after={cursor.group(1)}&lang=de")


def test_a_cms_page_has_one_canonical_address_and_error_pages_none() -> None:
    short = call(handler, "GET", "/shipping")
    assert short.status == 200
    assert canonical(short.body) == f"https://{WIZAMART}/pages/shipping"
    missing = call(handler, "GET", "/products/no-such-thing")
    assert missing.status == 404
    assert link(missing.body, "canonical") == []


def test_canonical_in_path_mode_keeps_the_prefix_and_the_scheme_the_browser_used() -> None:
    page = call(handler, "GET", "/oms/stores/wizamart/categories/kitchen", **PATH_MODE)  # type: ignore[arg-type]
    assert page.status == 200
    assert canonical(page.body) == "http://localhost:8000/oms/stores/wizamart/categories/kitchen"


# --- meta descriptions ---------------------------------------------------------------------------------


def meta_description(body: str) -> str:
    head = body.split("</head>", maxsplit=1)[0]
    (content,) = re.findall(r'<meta name="description" content="([^"]*)">', head)
    return html.unescape(content)


def test_home_and_listings_describe_themselves_with_the_products_they_show() -> None:
    """Search results show a page's meta description: the store, then products by name, in the
    shopper's language, at most 160 characters."""
    page = call(handler, "GET", "/").body
    home = meta_description(page)
    lead = "Welcome to Wizamart! Have a look around. Featured products: "
    assert home.startswith(lead)
    named = home.removeprefix(lead).removesuffix(".").split(", ")
    shown = [html.unescape(t) for t in re.findall(r'<span class="card-title">([^<]*)</span>', page)]
    assert len(named) >= 3
    assert named == shown[: len(named)]  # the featured products, in the order the page shows them
    french = meta_description(call(handler, "GET", "/", query={"lang": "fr"}).body)
    assert french.startswith("Bienvenue chez Wizamart ! Faites le tour. Produits vedettes: ")
    listing = meta_description(call(handler, "GET", "/products", query={"sort": "title"}).body)
    assert listing.startswith("All products · Wizamart: ")
    category = meta_description(call(handler, "GET", "/categories/clothing").body)
    assert category.startswith("Clothing · Wizamart: ")
    for description in (home, french, listing, category):
        assert len(description) <= 160
        assert description.endswith(".")


def test_a_cms_page_without_a_meta_description_is_described_by_its_opening_text() -> None:
    assert meta_description(call(handler, "GET", "/pages/privacy").body) == (
        "We keep your details only to deliver your order."
    )
    put_store_page(
        Tenant("oms", "wizamart"),
        "privacy",
        PageInput(title="Privacy", body_html="<p>Long text.</p>", meta_description="How we keep your data."),
    )
    assert meta_description(call(handler, "GET", "/pages/privacy").body) == "How we keep your data."


def test_the_platform_home_is_described_by_its_home_page() -> None:
    description = meta_description(call(handler, "GET", "/", host=PLATFORM).body)
    assert description
    assert len(description) <= 160


def test_a_product_name_cannot_break_out_of_the_meta_description() -> None:
    create_product(
        Tenant("oms", "wizamart"),
        ProductInput(
            title='Mug "quoted" <b>bold</b>',
            handle="quoted-mug",
            status=ProductStatus.ACTIVE,
            variants=(Variant(sku="QUOTE-1", price=100, stock=1),),
        ),
    )
    body = call(handler, "GET", "/products", query={"sort": "newest"}).body
    assert 'Mug "quoted" <b>bold</b>' in meta_description(body)
    assert "<b>bold" not in body.split("</head>", maxsplit=1)[0]


# --- product: Open Graph and JSON-LD ------------------------------------------------------------------


def test_product_page_describes_the_product_for_previews_and_search_engines() -> None:
    page = call(handler, "GET", "/products/cast-iron-skillet")
    props = og(page.body)
    url = f"https://{WIZAMART}/products/cast-iron-skillet"
    assert props["og:type"] == ["product"]
    assert props["og:url"] == [url]
    assert props["og:title"] == ["Cast Iron Skillet"]
    assert props["product:price:currency"] == ["EUR"]
    data = json_ld(page.body)
    assert data["@type"] == "Product"
    assert data["name"] == "Cast Iron Skillet"
    assert data["url"] == url
    assert data["brand"] == {"@type": "Brand", "name": "Lodge"}
    assert data["offers"]["priceCurrency"] == "EUR"
    assert data["offers"]["price"] == props["product:price:amount"][0]
    assert data["offers"]["availability"] == "https://schema.org/InStock"


def test_json_ld_prices_in_decimals_with_gtin_availability_and_absolute_images() -> None:
    create_product(
        Tenant("oms", "wizamart"),
        ProductInput(
            title="Seo Teapot",
            handle="seo-teapot",
            brand="Potter",
            description="<p>Holds <b>1 l</b> &amp; more.</p>",
            status=ProductStatus.ACTIVE,
            images=("/media/oms/wizamart/teapot.jpg", "https://cdn.example/teapot-2.jpg"),
            variants=(
                Variant(sku="SEO-POT-S", price=1299, stock=0, backorder=True, gtin="4006381333931"),
                Variant(sku="SEO-POT-L", price=100005, stock=3),
                Variant(sku="SEO-POT-XL", price=5, stock=0),
            ),
        ),
    )
    page = call(handler, "GET", "/products/seo-teapot")
    data = json_ld(page.body)
    assert data["description"] == "Holds 1 l & more."
    assert data["image"] == [
        f"https://{WIZAMART}/media/oms/wizamart/teapot.jpg",
        "https://cdn.example/teapot-2.jpg",
    ]
    assert data["sku"] == "SEO-POT-S"
    assert data["gtin13"] == "4006381333931"
    offers = {o["sku"]: o for o in data["offers"]}
    assert offers["SEO-POT-S"]["price"] == "12.99"
    assert offers["SEO-POT-S"]["availability"] == "https://schema.org/BackOrder"
    assert offers["SEO-POT-S"]["gtin13"] == "4006381333931"
    assert offers["SEO-POT-L"]["price"] == "1000.05"
    assert offers["SEO-POT-L"]["availability"] == "https://schema.org/InStock"
    assert offers["SEO-POT-XL"]["price"] == "0.05"
    assert offers["SEO-POT-XL"]["availability"] == "https://schema.org/OutOfStock"
    props = og(page.body)
    assert props["og:image"][0] == f"https://{WIZAMART}/media/oms/wizamart/teapot.jpg"
    assert props["product:price:amount"] == ["12.99"]


def test_product_text_cannot_break_out_of_the_json_ld_script() -> None:
    create_product(
        Tenant("oms", "wizamart"),
        ProductInput(
            title=EVIL,
            handle="evil-mug",
            brand="</SCRIPT><img src=x onerror=alert(2)>",
            status=ProductStatus.ACTIVE,
            variants=(Variant(sku="EVIL-1", price=100, stock=1),),
        ),
    )
    page = call(handler, "GET", "/products/evil-mug")
    assert page.status == 200
    head = page.body.split("</head>")[0]
    assert "<script>alert(1)" not in page.body
    assert "<img src=x" not in head
    # The one script element of the head closes where it should, and its JSON holds the text as given.
    assert head.lower().count("</script>") == 1
    data = json_ld(page.body)
    assert data["name"] == EVIL
    assert data["brand"]["name"] == "</SCRIPT><img src=x onerror=alert(2)>"


# --- sitemap and robots.txt ---------------------------------------------------------------------------


def test_robots_txt_keeps_crawlers_out_of_shoppers_pages_and_names_the_sitemap() -> None:
    robots = call(handler, "GET", "/robots.txt")
    assert robots.status == 200
    assert robots.headers["Content-Type"].startswith("text/plain")
    assert "s-maxage=" in robots.headers["Cache-Control"]
    lines = robots.body.splitlines()
    assert "User-agent: *" in lines
    for path in ("/cart", "/checkout", "/account", "/admin", "/orders"):
        assert f"Disallow: {path}" in lines
    assert f"Sitemap: https://{WIZAMART}/sitemap.xml" in lines
    path_mode = call(handler, "GET", "/oms/stores/wizamart/robots.txt", **PATH_MODE)  # type: ignore[arg-type]
    assert "Disallow: /oms/stores/wizamart/cart" in path_mode.body.splitlines()
    assert "Sitemap: http://localhost:8000/oms/stores/wizamart/sitemap.xml" in path_mode.body.splitlines()


def test_unknown_hosts_and_the_platform_host_have_no_sitemap() -> None:
    for path in ("/sitemap.xml", "/robots.txt", "/sitemap-products.xml"):
        assert call(handler, "GET", path, host="nowhere.example").status == 404
    assert call(handler, "GET", "/sitemap.xml", host=PLATFORM).status == 404


def test_sitemap_index_links_the_store_pages_and_every_product_page(monkeypatch: pytest.MonkeyPatch) -> None:
    from orion.catalog.listings import service as listings

    monkeypatch.setattr(listings, "SITEMAP_PAGE_SIZE", 10)
    index = call(handler, "GET", "/sitemap.xml")
    assert index.status == 200
    assert index.headers["Content-Type"].startswith("application/xml")
    assert "s-maxage=" in index.headers["Cache-Control"]
    sitemaps = locs(index.body)
    assert sitemaps[0] == f"https://{WIZAMART}/sitemap-pages.xml"
    product_maps = sitemaps[1:]
    assert product_maps[0] == f"https://{WIZAMART}/sitemap-products.xml"
    assert len(product_maps) > 2

    listed: list[str] = []
    for address in product_maps:
        parts = urlsplit(address)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        with counting_requests() as counter, dynamodb_stops_at_limit():
            page = call(handler, "GET", parts.path, query=query)
        assert page.status == 200
        # One page of the sitemap is one Query, however far into the catalogue it starts.
        assert counter.calls == {("dynamodb", "Query"): 1}
        urls = locs(page.body)
        assert 0 < len(urls) <= 10
        listed += urls
    assert len(listed) == len(set(listed))
    assert f"https://{WIZAMART}/products/cast-iron-skillet" in listed
    # Every active product, as the shoppers' listing shows them (and no draft or archived one).
    shown: set[str] = set()
    after: str | None = None
    while True:
        body = call(handler, "GET", "/products", query={"after": after} if after else {}).body
        shown |= set(re.findall(r'href="/products/([a-z0-9-]+)"', body))
        nxt = re.search(r'rel="next" href="[^"]*after=([A-Za-z0-9_-]+)', body)
        if not nxt:
            break
        after = nxt.group(1)
    assert {u.rsplit("/", 1)[1] for u in listed} == shown


def test_sitemap_index_reads_one_keys_only_query_per_page(monkeypatch: pytest.MonkeyPatch) -> None:
    from orion.catalog.listings import service as listings

    monkeypatch.setattr(listings, "SITEMAP_PAGE_SIZE", 10)
    call(handler, "GET", "/sitemap.xml")  # the tenant is cached from here on
    with counting_requests() as counter:
        index = call(handler, "GET", "/sitemap.xml")
    pages = len(locs(index.body)) - 1
    assert counter.calls == {("dynamodb", "Query"): pages}


def test_sitemap_pages_lists_home_categories_and_cms_pages_with_alternates() -> None:
    page = call(handler, "GET", "/sitemap-pages.xml")
    root = ET.fromstring(page.body)
    urls = locs(page.body)
    assert urls[:2] == [f"https://{WIZAMART}/", f"https://{WIZAMART}/products"]
    assert f"https://{WIZAMART}/categories/kitchen" in urls
    assert f"https://{WIZAMART}/pages/shipping" in urls
    first = root.find("s:url", NS)
    assert first is not None
    alternates = {el.get("hreflang"): el.get("href") for el in first.findall("x:link", NS)}
    assert alternates["fr"] == f"https://{WIZAMART}/?lang=fr"
    assert alternates["x-default"] == f"https://{WIZAMART}/"


def test_a_sitemap_cursor_we_did_not_issue_is_a_400() -> None:
    assert call(handler, "GET", "/sitemap-products.xml", query={"after": "not-a-cursor!"}).status == 400
    assert call(handler, "GET", "/sitemap-products.xml", query={"after": "AAAA"}).status == 400
