"""Demo CMS pages: oms defaults for stores, a wizamart override, and the oms marketing site (all
written in English, which each page records: oms itself defaults to French)."""

from __future__ import annotations

from orion.cms.models import PageInput, PageTranslation, PlatformPageKind
from orion.cms.service import put_platform_page, put_store_page
from orion.tenant import Tenant

STORE_DEFAULTS = {
    "about": ("About us", "<p>This shop sells on OMS, the marketplace for Luxembourg's merchants.</p>"),
    "shipping": ("Shipping", "<p>We ship across Luxembourg in 1-3 working days. Free above €50.</p>"),
    "terms": ("Terms of sale", "<p>Orders are paid by invoice within 14 days.</p>"),
    "privacy": ("Privacy", "<p>We keep your details only to deliver your order.</p>"),
}
# The defaults' French and German (the store's shoppers read its footer in their language); "about" stays
# English, as the platform console's tests edit it.
DEFAULT_TRANSLATIONS = {
    "shipping": {
        "fr": (
            "Livraison",
            "<p>Nous livrons dans tout le Luxembourg en 1 à 3 jours ouvrés. Gratuit dès 50 €.</p>",
        ),
        "de": ("Versand", "<p>Wir liefern in ganz Luxemburg in 1-3 Werktagen. Ab 50 € kostenlos.</p>"),
    },
    "terms": {
        "fr": ("Conditions de vente", "<p>Les commandes sont payées sur facture sous 14 jours.</p>"),
        "de": (
            "Verkaufsbedingungen",
            "<p>Bestellungen werden per Rechnung innerhalb von 14 Tagen bezahlt.</p>",
        ),
    },
    "privacy": {
        "fr": ("Confidentialité", "<p>Nous gardons vos données uniquement pour livrer votre commande.</p>"),
        "de": ("Datenschutz", "<p>Wir speichern Ihre Daten nur, um Ihre Bestellung zu liefern.</p>"),
    },
}
MARKETING = {
    "home": ("OMS: your shop online", "<p>Open your shop in minutes and sell to all of Luxembourg.</p>"),
    "pricing": (
        "Pricing",
        "<ul><li>Essential: €19/month</li><li>Professional: €49/month</li>"
        "<li>Business: €99/month</li><li>Enterprise: ask us</li></ul>",
    ),
    "about": ("About OMS", "<p>OMS is run by a small team in Luxembourg City.</p>"),
    "contact": ("Contact", "<p>Write to hello@oms.lu.</p>"),
    "faq": ("FAQ", "<p><strong>Can I use my own domain?</strong> Yes.</p>"),
    "features": ("Features", "<p>Catalogue, orders, imports from Letzshop and Shopify.</p>"),
    "integrations": ("Integrations", "<p>Letzshop, Google Shopping, Shopify.</p>"),
    "terms": ("Terms", "<p>Our terms of service.</p>"),
    "privacy": ("Privacy", "<p>How OMS handles data.</p>"),
}


def seed(port: int) -> list[str]:
    for position, (slug, (title, body)) in enumerate(STORE_DEFAULTS.items()):
        put_platform_page(
            "oms",
            slug,
            PageInput(
                title=title,
                body_html=body,
                language="en",
                show_in_footer=True,
                position=position,
                translations={
                    lang: PageTranslation(title=t, body_html=b)
                    for lang, (t, b) in DEFAULT_TRANSLATIONS.get(slug, {}).items()
                },
            ),
            PlatformPageKind.STORE_DEFAULT,
        )
    for position, (slug, (title, body)) in enumerate(MARKETING.items()):
        put_platform_page(
            "oms",
            slug,
            PageInput(title=title, body_html=body, language="en", position=position),
            PlatformPageKind.MARKETING,
        )
    put_store_page(
        Tenant("oms", "wizamart"),
        "about",
        PageInput(
            title="About Wizamart",
            language="en",
            body_html="<p>Wizamart is a family shop in Esch-sur-Alzette, online since 2019.</p>",
            translations={
                "fr": PageTranslation(
                    title="À propos de Wizamart",
                    body_html="<p>Wizamart est une boutique familiale à Esch.</p>",
                )
            },
            show_in_footer=True,
        ),
    )
    lines = [
        "CMS pages:",
        "  http://wizamart.oms.localhost:{port}/about     the store's own page (overrides the platform's)",
        "  http://bakery.oms.localhost:{port}/about       the platform default for stores",
        "  http://oms.localhost:{port}/pricing            a platform marketing page",
    ]
    return [line.format(port=port) for line in lines]
