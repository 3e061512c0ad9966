"""The default theme with theme settings, through the storefront handler (moto): the settings' CSS
custom properties and template variables, the three home layouts, the footer's links and strings in
every language, breadcrumbs, the gallery, related products, and what each page costs in requests."""

from __future__ import annotations

import re
from typing import Any

import pytest

from functions.storefront.handler import handler
from orion.catalog.models import ProductInput, ProductStatus, Variant
from orion.catalog.service import create_product
from orion.rendering.theme_settings import ThemeSettings
from orion.tenancy import theme_settings
from orion.tenant import Tenant
from tests.bench.support import counting_requests
from tests.integration.shop.conftest import BAKERY, PLATFORM, WIZAMART, call

pytestmark = pytest.mark.usefixtures("seeded")
WIZ = Tenant("oms", "wizamart")


def look(**settings: Any) -> None:
    theme_settings.save_store_theme(WIZ, ThemeSettings.model_validate(settings))


def page(path: str = "/", lang: str | None = None, host: str | None = None) -> str:
    query = {"lang": lang} if lang else None
    result = call(handler, "GET", path, query=query, host=host or WIZAMART)
    assert result.status == 200, result.body[:300]
    return result.body


def root_rule(body: str) -> dict[str, str]:
    found = re.search(r":root\{(--accent:[^}]*)\}", body)
    assert found, "no theme :root rule"
    return dict(part.split(":", 1) for part in found.group(1).split(";"))


def test_the_demo_store_has_a_look_of_its_own() -> None:
    body = page(lang="fr")
    assert root_rule(body)["--accent"] == "#0b6e4f" and 'class="hero hero-banner"' in body
    assert "choisis au Luxembourg" in body and ">Nous écrire</a>" in body


def test_without_settings_the_default_theme_shows_as_before() -> None:
    theme_settings.reset_store_theme(WIZ)
    body = page()
    assert root_rule(body)["--accent"] == "#2b5fd9"
    assert 'class="hero"' in body and "Welcome to Wizamart! Have a look around." in body
    assert 'class="grid"' in body  # the grid layout
    assert 'rel="icon"' not in body and 'class="logo"' not in body


def test_colours_and_font_become_custom_properties_and_reach_every_page() -> None:
    look(colors={"accent": "#AbCdEf", "surface": "#101010", "text": "#f0f0f0"}, font="monospace")
    for path in ("/", "/products", "/products/classic-t-shirt", "/search?q=mug", "/about"):
        rule = root_rule(page(path.split("?")[0]))
        assert rule["--accent"] == "#AbCdEf" and rule["--surface"] == "#101010"
        assert rule["--font"].startswith("ui-monospace") and rule["--font"].endswith("monospace")
        assert rule["--muted"] == "#5b6475"  # not set: the default theme's
    assert "#AbCdEf" not in page(host=BAKERY)


def test_the_hero_layout_shows_its_image_heading_and_text_in_the_shoppers_language() -> None:
    look(
        home_layout="hero",
        hero={
            "image": "https://cdn.example.com/hero.jpg",
            "image_alt": "A kitchen table",
            "heading": "Everything for your home",
            "text": "Chosen in Luxembourg.",
            "translations": {"de": {"heading": "Alles für Ihr Zuhause", "text": "In Luxemburg ausgewählt."}},
        },
    )
    english, german, french = page(), page(lang="de"), page(lang="fr")
    assert 'class="hero hero-banner with-image"' in english
    assert re.search(r'<img src="https://cdn.example.com/hero.jpg" alt="A kitchen table"[^>]*>', english)
    assert "<h1>Everything for your home</h1>" in english and "Shop now" in english
    assert "<h1>Alles für Ihr Zuhause</h1>" in german and "In Luxemburg ausgewählt." in german
    assert "Jetzt einkaufen" in german
    assert "<h1>Everything for your home</h1>" in french  # no French text: the default language's
    assert "Featured products" in english


def test_the_list_layout_draws_rows_and_the_grid_cards() -> None:
    look(home_layout="list")
    listed = page()
    assert listed.count('<li class="row">') == 8 and '<li class="card">' not in listed
    look(home_layout="grid")
    assert page().count('<li class="card">') == 8


def test_footer_links_and_every_footer_and_header_string_follow_the_language() -> None:
    look(
        footer_links=[
            {"label": "Shipping", "url": "/pages/shipping", "labels": {"fr": "Livraison", "de": "Versand"}},
            {
                "label": "Write to us",
                "url": "mailto:hello@wizamart.lu",
                "labels": {"de": "Schreiben Sie uns"},
            },
        ]
    )
    french, german = page(lang="fr"), page(lang="de")
    assert '<a href="/pages/shipping?lang=fr">Livraison</a>' in french
    assert '<a href="mailto:hello@wizamart.lu">Write to us</a>' in french  # no French label: as written
    assert '<a href="mailto:hello@wizamart.lu">Schreiben Sie uns</a>' in german
    for body, words in (
        (french, ('aria-label="Liens"', 'aria-label="Informations sur la boutique"', 'aria-label="Langue"',
                  'aria-label="Principal"', ">Menu</summary>", "sur OMS", ">Français</a>")),
        (german, ('aria-label="Links"', 'aria-label="Informationen zum Shop"', 'aria-label="Sprache"',
                  'aria-label="Hauptnavigation"', ">Menü</summary>", "auf OMS", ">Deutsch</a>")),
    ):  # fmt: skip
        for word in words:
            assert word in body, word
    # No English label is left in the layout of a French page.
    layout = re.sub(r"<main.*</main>", "", french, flags=re.S)
    for english in (
        'aria-label="Main"',
        'aria-label="Store information"',
        'aria-label="Language"',
        "Skip to",
    ):
        assert english not in layout


def test_a_footer_link_in_path_mode_stays_under_the_stores_prefix() -> None:
    look(footer_links=[{"label": "Shipping", "url": "/pages/shipping"}])
    body = page("/stores/wizamart/", host=PLATFORM)
    assert '<a href="/stores/wizamart/pages/shipping">Shipping</a>' in body


def test_product_page_has_breadcrumbs_a_gallery_and_related_products_from_its_category() -> None:
    images = tuple(f"https://cdn.example.com/lamp-{n}.jpg" for n in (1, 2, 3))
    create_product(
        WIZ,
        ProductInput(
            title="Brass Lamp",
            status=ProductStatus.ACTIVE,
            categories=("home",),
            images=images,
            variants=(Variant(sku="LAMP-1", price=8900, stock=3),),
        ),
    )
    body = page("/products/brass-lamp", lang="fr")
    crumbs = re.search(r'<nav class="breadcrumbs" aria-label="Fil d&#39;Ariane">(.*?)</nav>', body, re.S)
    assert crumbs, "no breadcrumbs"
    assert 'itemtype="https://schema.org/BreadcrumbList"' in crumbs.group(1)
    names = re.findall(r'itemprop="name"[^>]*>([^<]+)<', crumbs.group(1))
    assert names == ["Accueil", "Maison", "Brass Lamp"]
    assert 'href="/categories/home?lang=fr"' in crumbs.group(1)
    assert re.findall(r'itemprop="position" content="(\d)"', crumbs.group(1)) == ["1", "2", "3"]
    # One picture per slide, and a thumbnail link to each.
    assert [f'id="picture-{n}"' in body for n in (1, 2, 3)] == [True, True, True]
    assert re.findall(r'<a href="#picture-(\d)" aria-label="Photo \d sur 3">', body) == ["1", "2", "3"]
    # Related: the newest of its category, itself left out.
    related = re.search(r'<section class="related".*?</section>', body, re.S)
    assert related and "Produits similaires" in related.group(0)
    handles = re.findall(r'href="/products/([a-z0-9-]+)', related.group(0))
    assert 0 < len(handles) <= 4 and "brass-lamp" not in handles
    listing = page("/categories/home")
    assert (
        handles
        == [h for h in re.findall(r'href="/products/([a-z0-9-]+)"', listing) if h != "brass-lamp"][
            : len(handles)
        ]
    )


def test_theme_settings_cost_no_request_and_related_products_at_most_one_query() -> None:
    look(colors={"accent": "#AA3300"}, home_layout="hero", hero={"heading": "Hello"})

    def dynamodb(path: str) -> dict[str, int]:
        with counting_requests() as counter:
            call(handler, "GET", path)
        return {op: n for (service, op), n in counter.calls.items() if service == "dynamodb"}

    # The tenant's profiles and both layers of theme settings: one BatchGetItem (with the domains' one).
    cold = dynamodb("/")
    assert cold.get("BatchGetItem") == 2, cold
    assert dynamodb("/") == {"Query": 1}  # the featured products; the settings came with the tenant
    dynamodb("/products/wool-beanie")  # navigation cached, and the clothing products
    # A product of a category not read yet: the handle, the product, and one Query of the category.
    assert dynamodb("/products/cast-iron-skillet") == {"GetItem": 1, "Query": 2}
    # Another of a category read a moment ago: the product's own two requests only.
    assert dynamodb("/products/classic-t-shirt") == {"GetItem": 1, "Query": 1}
