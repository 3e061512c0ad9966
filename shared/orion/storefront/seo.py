"""What search engines and link previews read of a store: canonical and alternate addresses, Open
Graph and JSON-LD of a product, the sitemap and robots.txt.

Every address is absolute, built from the origin the shopper's browser used (``scheme://host``) and the
tenant's base path (path mode included). A canonical address keeps only the query parameters that
change what a page shows (a listing's ``sort`` and ``after``, a search's ``q``, a chosen ``lang``), so
tracking parameters (``utm_*``, ``gclid``, ...) never split a page in two.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urljoin
from xml.sax.saxutils import escape, quoteattr

from markupsafe import Markup

from orion.rendering.links import under

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
XML = "application/xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
# Paths of one shopper (or of staff) that no crawler should read.
PRIVATE_PATHS = ("/cart", "/checkout", "/account", "/admin", "/orders")
DESCRIPTION_LENGTH = 300
# A page's <meta name="description">: search results show about this much of it.
META_DESCRIPTION_LENGTH = 160
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Site:
    """Where a tenant's pages live as the shopper's browser sees them."""

    origin: str  # scheme://host
    base_path: str  # "" on its own host, /<platform>/stores/<store> in path mode

    def url(self, path: str = "/", query: Sequence[tuple[str, str]] = ()) -> str:
        address = self.origin + under(self.base_path, path)
        return address + ("?" + urlencode(list(query)) if query else "")


def page_links(
    site: Site,
    path: str,
    *,
    query: Mapping[str, str],
    keep: Sequence[str],
    languages: Sequence[str],
    chosen_lang: str | None,
) -> dict[str, Any]:
    """The canonical address of a page and its ``hreflang`` alternates (one per language, ``?lang=``,
    and ``x-default`` without it, where the shopper's browser language decides)."""
    kept = [(name, query[name].strip()) for name in keep if (query.get(name) or "").strip()]
    canonical = site.url(path, [*kept, ("lang", chosen_lang)] if chosen_lang else kept)
    alternates = [{"hreflang": lang, "href": site.url(path, [*kept, ("lang", lang)])} for lang in languages]
    if len(languages) > 1:
        alternates.append({"hreflang": "x-default", "href": site.url(path, kept)})
    else:
        alternates = []
    return {"canonical_url": canonical, "alternate_urls": alternates}


def decimal_price(minor_units: int) -> str:
    """``1299`` -> ``"12.99"`` (two-decimal currencies, as everywhere in Orion)."""
    whole, cents = divmod(abs(minor_units), 100)
    return f"{'-' if minor_units < 0 else ''}{whole}.{cents:02d}"


def plain_text(markup: str, limit: int = DESCRIPTION_LENGTH) -> str:
    """A description's HTML as one line of text (tags dropped, entities decoded), cut at ``limit``."""
    text = _SPACE.sub(" ", html.unescape(_TAG.sub(" ", markup))).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def page_description(lead: str, names: Sequence[str], limit: int = META_DESCRIPTION_LENGTH) -> str:
    """The meta description of a page that lists products (home, listings): ``lead``, then as many of
    the names it shows as fit whole in ``limit`` characters, e.g. ``All products · Wizamart: Classic
    T-Shirt, Cast Iron Skillet.``"""
    text = plain_text(lead, limit)
    glue = " " if text.endswith((".", "!", "?", "…")) else ": "
    shown: list[str] = []
    for name in names:
        if len(f"{text}{glue}{', '.join([*shown, name])}.") > limit:
            break
        shown.append(name)
    return f"{text}{glue}{', '.join(shown)}." if shown else text


def json_for_script(data: Any) -> Markup:
    """``data`` as JSON that is safe inside ``<script>``: ``<``, ``>`` and ``&`` (and the JavaScript
    line separators) escaped, so no text of a product can close the element or open a comment."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return Markup(text)  # noqa: S704 - escaped above for a script element


def availability(in_stock: bool, orderable: bool) -> str:
    if in_stock:
        return "https://schema.org/InStock"
    return "https://schema.org/BackOrder" if orderable else "https://schema.org/OutOfStock"


def gtin_check_digit_ok(gtin: str) -> bool:
    """Whether a GTIN-8/12/13/14's last digit is its GS1 check digit (the catalogue checks only the
    length; a product with a wrong digit is shown without it rather than flagged by search engines)."""
    if not gtin.isdigit() or len(gtin) not in (8, 12, 13, 14):
        return False
    body = [int(c) for c in reversed(gtin[:-1])]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(body))
    return (10 - total % 10) % 10 == int(gtin[-1])


def _gtin_field(gtin: str) -> str:
    return f"gtin{len(gtin)}"


def product_meta(
    site: Site,
    url: str,
    product: Mapping[str, Any],
    variants: Sequence[Mapping[str, Any]],
    description: str,
) -> dict[str, Any]:
    """Open Graph properties and the JSON-LD ``Product`` of a product page.

    ``product`` and ``variants`` are the page's own dictionaries (``title``, ``brand``, ``gtin``,
    ``images``; each variant's ``sku``, ``price``, ``currency``, ``in_stock``, ``orderable``, ``gtin``).
    """
    images = [urljoin(site.origin + "/", image) for image in product.get("images") or []]
    chosen = next((v for v in variants if v["orderable"]), variants[0] if variants else None)
    og: list[tuple[str, str]] = [
        ("og:type", "product"),
        ("og:title", str(product["title"])),
        ("og:url", url),
        ("og:description", description),
    ]
    og += [("og:image", image) for image in images[:4]]
    if chosen is not None:
        og += [
            ("product:price:amount", decimal_price(int(chosen["price"]))),
            ("product:price:currency", str(chosen["currency"])),
            ("product:availability", "in stock" if chosen["in_stock"] else "out of stock"),
        ]
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": str(product["title"]),
        "url": url,
    }
    if description:
        data["description"] = description
    if images:
        data["image"] = images
    if product.get("brand"):
        data["brand"] = {"@type": "Brand", "name": str(product["brand"])}
    if chosen is not None:
        data["sku"] = chosen["sku"]
    gtin = (chosen or {}).get("gtin") or product.get("gtin")
    if gtin and gtin_check_digit_ok(gtin):
        data[_gtin_field(gtin)] = gtin
    offers = []
    for variant in variants:
        offer: dict[str, Any] = {
            "@type": "Offer",
            "sku": variant["sku"],
            "price": decimal_price(int(variant["price"])),
            "priceCurrency": variant["currency"],
            "availability": availability(bool(variant["in_stock"]), bool(variant["orderable"])),
            "url": url,
        }
        if variant.get("gtin") and gtin_check_digit_ok(variant["gtin"]):
            offer[_gtin_field(variant["gtin"])] = variant["gtin"]
        offers.append(offer)
    if offers:
        data["offers"] = offers[0] if len(offers) == 1 else offers
    return {"og": og, "json_ld": json_for_script(data), "description": description}


# --- sitemap and robots.txt ---------------------------------------------------------------------------


def sitemap_index(locations: Iterable[str]) -> str:
    entries = "".join(f"<sitemap><loc>{escape(loc)}</loc></sitemap>" for loc in locations)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SITEMAP_NS}">'
        f"{entries}</sitemapindex>\n"
    )


def urlset(site: Site, paths: Iterable[str], languages: Sequence[str]) -> str:
    """A sitemap of ``paths``, each with its language alternates where the store has several."""
    entries = []
    for path in paths:
        alternates = ""
        if len(languages) > 1:
            alternates = "".join(
                f'<xhtml:link rel="alternate" hreflang={quoteattr(lang)} '
                f"href={quoteattr(site.url(path, [('lang', lang)]))}/>"
                for lang in languages
            ) + (f'<xhtml:link rel="alternate" hreflang="x-default" href={quoteattr(site.url(path))}/>')
        entries.append(f"<url><loc>{escape(site.url(path))}</loc>{alternates}</url>")
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">'
        + "".join(entries)
        + "</urlset>\n"
    )


def robots_txt(site: Site, sitemap: bool) -> str:
    lines = ["User-agent: *", "Allow: /"]
    lines += [f"Disallow: {under(site.base_path, path)}" for path in PRIVATE_PATHS]
    if sitemap:
        lines.append(f"Sitemap: {site.url('/sitemap.xml')}")
    return "\n".join(lines) + "\n"
