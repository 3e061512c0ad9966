"""Storefront pages through the handler, with the demo catalogue and CMS pages (moto)."""

from __future__ import annotations

import re

import pytest

from functions.storefront.handler import handler
from orion import runtime
from orion.catalog.models import ProductInput, ProductStatus, Variant
from orion.catalog.service import create_product
from orion.tenant import Tenant
from tests.api_calls import dynamodb_stops_at_limit
from tests.integration.shop.conftest import BAKERY, PLATFORM, WIZAMART, call

pytestmark = pytest.mark.usefixtures("seeded")


def handles(body: str) -> list[str]:
    return re.findall(r'href="/products/([a-z0-9-]+)(?:\?[^"]*)?"', body)


def test_home_shows_featured_products_and_is_cacheable() -> None:
    page = call(handler, "GET", "/")
    assert page.status == 200
    assert "Featured products" in page.body
    assert "cast-iron-skillet" in handles(page.body)
    assert "s-maxage=" in page.headers["Cache-Control"]
    assert "stale-while-revalidate=" in page.headers["Cache-Control"]
    again = call(handler, "GET", "/", headers={"If-None-Match": page.headers["ETag"]})
    assert again.status == 304
    assert again.body == ""


def test_listing_pages_24_at_a_time_with_a_cursor() -> None:
    first = call(handler, "GET", "/products", query={"sort": "title"})
    assert first.status == 200
    listed = handles(first.body)
    assert len(listed) == 24
    assert listed == sorted(listed)
    cursor = re.search(r"after=([A-Za-z0-9_-]+)", first.body)
    assert cursor
    second = call(handler, "GET", "/products", query={"sort": "title", "after": cursor.group(1)})
    more = handles(second.body)
    assert more
    assert not set(more) & set(listed)
    assert more[0] > listed[-1]


def test_listing_sorts_by_price_both_ways() -> None:
    def prices(sort: str) -> list[int]:
        body = call(handler, "GET", "/products", query={"sort": sort}).body
        return [
            int(a + b)
            for a, b in re.findall(r'class="price">(?:from )?€([\d,]+)\.(\d\d)', body.replace(",", ""))
        ]

    ascending, descending = prices("price-asc"), prices("price-desc")
    assert ascending == sorted(ascending)
    assert descending == sorted(descending, reverse=True)
    assert ascending[0] < descending[0]


def test_a_category_lists_only_its_products_and_unknown_ones_are_404() -> None:
    page = call(handler, "GET", "/categories/books")
    assert page.status == 200
    assert "luxembourg-cookbook" in handles(page.body)
    assert "cast-iron-skillet" not in handles(page.body)
    assert call(handler, "GET", "/categories/nothing-here").status == 404


def test_product_page_shows_variants_prices_and_stock() -> None:
    page = call(handler, "GET", "/products/classic-t-shirt")
    assert page.status == 200
    assert "€19.90" in page.body
    assert 'value="WZV-01-M"' in page.body
    assert re.search(r'value="WZV-01-M"[^>]*disabled', page.body)  # M is out of stock
    assert 'action="/cart/items"' in page.body


def test_demo_products_show_their_uploaded_pictures_in_every_size() -> None:
    page = call(handler, "GET", "/products/cast-iron-skillet")
    assert 'class="placeholder large"' not in page.body
    source = re.search(r'<source type="image/webp" srcset="([^"]+)"', page.body)
    assert source, "the product's picture is a <picture> with WebP variants"
    widths = re.findall(r"/media/oms/wizamart/[0-9A-Z]{26}/(\d+)\.webp (\d+)w", source.group(1))
    assert [int(w) for w, _ in widths] == [320, 640, 1280]
    assert page.body.count('fetchpriority="high"') == 1  # the first picture, fetched first
    listing = call(handler, "GET", "/products")
    assert 'class="placeholder"' not in listing.body  # every demo product has a picture
    cards = re.findall(r"<picture>.*?(<img[^>]*>)</picture>", listing.body)
    assert len(cards) == 24
    # The first row (two on a phone) loads at once, the first first; the rest as they scroll into view.
    assert ['fetchpriority="high"' in card for card in cards[:3]] == [True, False, False]
    assert ["loading=" not in card for card in cards[:3]] == [True, True, False]
    assert all('loading="lazy"' in card for card in cards[2:])
    bakery = call(handler, "GET", "/products", host=BAKERY)
    assert "/media/oms/bakery/" in bakery.body


def test_product_without_images_gets_a_placeholder() -> None:
    create_product(
        Tenant("oms", "wizamart"),
        ProductInput(
            title="Plain Box",
            status=ProductStatus.ACTIVE,
            variants=(Variant(sku="WZ-BOX-1", price=500, stock=3),),
        ),
    )
    page = call(handler, "GET", "/products/plain-box")
    assert 'class="placeholder large"' in page.body


def test_archived_is_410_draft_and_unknown_are_404() -> None:
    assert call(handler, "GET", "/products/vintage-radio").status == 410
    assert call(handler, "GET", "/products/secret-launch").status == 404
    assert call(handler, "GET", "/products/no-such-thing").status == 404


def test_another_stores_products_are_invisible() -> None:
    assert call(handler, "GET", "/products/cast-iron-skillet", host=BAKERY).status == 404
    bakery = call(handler, "GET", "/products", host=BAKERY)
    assert "cast-iron-skillet" not in bakery.body
    assert "baguette-tradition" in handles(bakery.body)


def test_search_finds_titles_brands_and_skus_within_the_store() -> None:
    assert "french-press-1-l" in handles(call(handler, "GET", "/search", query={"q": "bodum press"}).body)
    assert handles(call(handler, "GET", "/search", query={"q": "WZ-001"}).body) == ["cast-iron-skillet"]
    assert "Nothing matched" in call(handler, "GET", "/search", query={"q": "baguette"}).body
    assert handles(call(handler, "GET", "/search", query={"q": "baguette"}, host=BAKERY).body) == [
        "baguette-tradition"
    ]


def test_language_from_query_or_accept_language_among_the_stores_languages() -> None:
    french = call(handler, "GET", "/products/cast-iron-skillet", query={"lang": "fr"})
    assert "Poêle en fonte" in french.body
    assert 'lang="fr"' in french.body
    german = call(
        handler, "GET", "/products/cast-iron-skillet", headers={"Accept-Language": "de-LU,de;q=0.9"}
    )
    assert "Gusseisenpfanne" in german.body
    unsupported = call(handler, "GET", "/products/cast-iron-skillet", headers={"Accept-Language": "ja"})
    assert "Cast Iron Skillet" in unsupported.body
    assert french.headers["Vary"] == "Accept-Language"


def test_cms_store_override_beats_platform_default() -> None:
    assert "About Wizamart" in call(handler, "GET", "/about").body
    assert "About us" in call(handler, "GET", "/about", host=BAKERY).body
    assert "Shipping" in call(handler, "GET", "/pages/shipping").body
    assert call(handler, "GET", "/no-such-page").status == 404


def test_marketing_pages_only_on_the_platform_host() -> None:
    pricing = call(handler, "GET", "/pricing", host=PLATFORM)
    assert pricing.status == 200
    assert "Professional: €49/month" in pricing.body
    on_a_store = call(handler, "GET", "/pricing", host=WIZAMART)
    assert on_a_store.status == 404
    assert "€49/month" not in on_a_store.body
    assert call(handler, "GET", "/shipping", host=PLATFORM).status == 404
    assert call(handler, "GET", "/products", host=PLATFORM).status == 404


def test_a_listing_that_fills_its_page_exactly_has_no_next_page() -> None:
    from orion.catalog.models import CategoryInput, ProductInput, ProductStatus, Variant
    from orion.catalog.service import bulk_create_products, create_category
    from orion.ids import new_id
    from orion.tenant import Tenant

    store, slug = Tenant("oms", "wizamart"), f"boundary-{new_id()[-6:].lower()}"
    create_category(store, CategoryInput(slug=slug, name="Exactly one page"))

    def products(count: int, first: int) -> list[ProductInput]:
        return [
            ProductInput(
                title=f"Boundary item {first + n:02d}",
                status=ProductStatus.ACTIVE,
                categories=(slug,),
                variants=(Variant(sku=f"{slug}-{first + n}", price=500),),
            )
            for n in range(count)
        ]

    bulk_create_products(store, products(24, 0))
    runtime.reset()  # the category list is cached per container
    with dynamodb_stops_at_limit():
        full = call(handler, "GET", f"/categories/{slug}", query={"sort": "title"})
    assert len(handles(full.body)) == 24
    assert 'rel="next"' not in full.body  # no link to an empty page

    bulk_create_products(store, products(1, 24))
    first = call(handler, "GET", f"/categories/{slug}", query={"sort": "title"})
    cursor = re.search(r"after=([A-Za-z0-9_-]+)", first.body)
    assert len(handles(first.body)) == 24
    assert cursor
    rest = call(handler, "GET", f"/categories/{slug}", query={"sort": "title", "after": cursor.group(1)})
    assert handles(rest.body) == ["boundary-item-24"]
    assert 'rel="next"' not in rest.body


def test_head_answers_like_get_without_a_body() -> None:
    got = call(handler, "GET", "/products/cast-iron-skillet")
    head = call(handler, "HEAD", "/products/cast-iron-skillet")
    assert (head.status, head.body) == (200, "")
    assert head.headers["ETag"] == got.headers["ETag"]
    assert head.headers["Cache-Control"] == got.headers["Cache-Control"]
    assert head.headers["Content-Type"].startswith("text/html")
    assert head.headers["Content-Length"] == str(len(got.body.encode()))
    assert call(handler, "HEAD", "/").status == 200
    assert call(handler, "HEAD", "/products/vintage-radio").status == 410
    missing = call(handler, "HEAD", "/products/no-such-thing")
    assert (missing.status, missing.body) == (404, "")


def test_a_platform_without_orders_offers_no_cart_and_no_buy_form() -> None:
    from orion.catalog.models import ProductInput, ProductStatus, Variant
    from orion.catalog.service import create_product
    from orion.modules.registry import optional_module_codes
    from orion.tenancy.platforms import update_platform
    from orion.tenant import Tenant

    def run_loyalty_with(modules: frozenset[str]) -> None:
        update_platform(
            Tenant("loyalty"), enabled_modules=modules, known_optional_modules=optional_module_codes()
        )
        runtime.reset()

    everything = optional_module_codes()
    run_loyalty_with(everything - {"orders", "analytics"})
    create_product(
        Tenant("loyalty", "cafe"),
        ProductInput(
            title="Loyalty Mug",
            status=ProductStatus.ACTIVE,
            variants=(Variant(sku="CAFE-MUG", price=1200, stock=4),),
        ),
    )
    cafe = "cafe.loyalty.lu"
    home = call(handler, "GET", "/", host=cafe)
    assert home.status == 200
    assert 'href="/cart"' not in home.body
    product = call(handler, "GET", "/products/loyalty-mug", host=cafe, query={"lang": "en"})
    assert product.status == 200
    assert "€12.00" in product.body and "Available in store" in product.body
    assert "/cart/items" not in product.body and "Add to cart" not in product.body
    shop = call(handler, "GET", "/products/cast-iron-skillet")
    assert 'href="/cart"' in shop.body and 'action="/cart/items"' in shop.body
    run_loyalty_with(everything)
    assert 'href="/cart"' in call(handler, "GET", "/", host=cafe).body


def test_the_404_page_speaks_the_shoppers_language_and_varies_on_it() -> None:
    french = call(handler, "GET", "/products/no-such-thing", query={"lang": "fr"})
    assert french.status == 404
    assert 'lang="fr"' in french.body and "Page introuvable" in french.body
    assert "Nous n&#39;avons pas trouvé ce produit." in french.body
    assert french.headers["Vary"] == "Accept-Language"
    german = call(handler, "GET", "/no-such-page", headers={"Accept-Language": "de"})
    assert german.status == 404 and "Seite nicht gefunden" in german.body
    assert 'href="/categories/' in german.body  # the store's navigation, not a bare page
    english = call(handler, "GET", "/no-such-page")
    assert "Page not found" in english.body


def test_platform_pages_mark_english_content_inside_a_french_site() -> None:
    page = call(handler, "GET", "/pricing", host=PLATFORM)
    assert '<html lang="fr">' in page.body  # oms speaks French by default ...
    assert '<article class="cms-page" data-source="marketing" lang="en">' in page.body  # ... its pages not
    home = call(handler, "GET", "/", host=PLATFORM)
    assert "Ouvrez votre boutique sur OMS" in home.body
    assert '<div class="cms-body" lang="en">' in home.body
    english = call(handler, "GET", "/pricing", host=PLATFORM, query={"lang": "en"})
    assert '<html lang="en">' in english.body and 'lang="en">' in english.body
    assert 'data-source="marketing">' in english.body  # no redundant lang on the article


def test_search_ignores_sku_case_finds_translated_titles_and_says_when_it_shows_the_first_matches() -> None:
    assert handles(call(handler, "GET", "/search", query={"q": "wz-001"}).body) == ["cast-iron-skillet"]
    french = call(handler, "GET", "/search", query={"q": "poêle", "lang": "fr"}).body
    assert "cast-iron-skillet" in handles(french)
    many = call(handler, "GET", "/search", query={"q": "wizamart"}).body
    assert len(handles(many)) == 24
    assert "These are the first 24 matches" in many
    few = call(handler, "GET", "/search", query={"q": "bodum"}).body
    assert "first 24 matches" not in few


def test_a_language_chosen_with_lang_stays_on_the_links_and_the_switcher_keeps_the_query() -> None:
    listing = call(handler, "GET", "/products", query={"lang": "fr"}).body
    assert 'href="/?lang=fr"' in listing and 'href="/categories/kitchen?lang=fr"' in listing
    assert re.search(r'rel="next" href="/products\?sort=newest&amp;after=[^"]+&amp;lang=fr"', listing)
    assert '<input type="hidden" name="lang" value="fr">' in listing  # the search and sort forms
    searched = call(handler, "GET", "/search", query={"q": "bodum"}).body
    assert 'href="?q=bodum&amp;lang=fr"' in searched  # switching language keeps the search
    plain = call(handler, "GET", "/products").body
    # The page's links (the head's hreflang alternates name every language, see test_seo).
    main = plain.split("<body", 1)[1].split("<footer", 1)[0]
    assert "?lang=" not in main and "&amp;lang=" not in main  # no choice made: links stay clean


@pytest.mark.parametrize("host", [WIZAMART, PLATFORM])
def test_every_site_has_an_icon_so_browsers_log_no_error(host: str) -> None:
    """Browsers fetch /favicon.ico on every site; a 404 there is an error in the shopper's console."""
    import base64

    icon = call(handler, "GET", "/favicon.ico", host=host)
    assert icon.status == 200
    assert icon.headers["Content-Type"] == "image/x-icon"
    assert base64.b64decode(icon.body)[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert "max-age=86400" in icon.headers["Cache-Control"]
    again = call(handler, "GET", "/favicon.ico", host=host, headers={"If-None-Match": icon.headers["ETag"]})
    assert again.status == 304
    assert call(handler, "GET", "/favicon.ico", host="nowhere.example").status == 404
