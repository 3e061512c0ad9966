"""Demo theme settings: wizamart has its own look (colours, font, a hero home page, footer links), set
without a template, as its staff would in the console; bakery keeps the platform's (the default theme)."""

from __future__ import annotations

from orion.rendering.theme_settings import ThemeSettings
from orion.tenancy.theme_settings import save_store_theme
from orion.tenant import Tenant

WIZAMART = Tenant("oms", "wizamart")

WIZAMART_LOOK = ThemeSettings.model_validate(
    {
        "colors": {"accent": "#0b6e4f", "background": "#f7f6f2", "border": "#e2ded3"},
        "font": "humanist",
        "home_layout": "hero",
        "hero": {
            "heading": "Wizamart",
            "text": "Kitchen, home and garden goods, chosen in Luxembourg and delivered in 1-3 days.",
            "translations": {
                "fr": {
                    "heading": "Wizamart",
                    "text": "Cuisine, maison et jardin : choisis au Luxembourg, livrés en 1 à 3 jours.",
                },
                "de": {
                    "heading": "Wizamart",
                    "text": "Küche, Haus und Garten: in Luxemburg ausgewählt, geliefert in 1 bis 3 Tagen.",
                },
            },
        },
        "footer_links": [
            {
                "label": "Write to us",
                "url": "mailto:hello@wizamart.lu",
                "labels": {"fr": "Nous écrire", "de": "Schreiben Sie uns"},
            },
            {
                "label": "Call us",
                "url": "tel:+352 20 30 40",
                "labels": {"fr": "Nous appeler", "de": "Rufen Sie uns an"},
            },
            {"label": "Instagram", "url": "https://www.instagram.com/wizamart.lu"},
        ],
    }
)


def seed(port: int) -> list[str]:
    save_store_theme(WIZAMART, WIZAMART_LOOK)
    return [
        "Theme settings (colours, font, hero, footer links; no template):",
        f"  http://wizamart.oms.localhost:{port}/admin/theme/settings",
    ]
