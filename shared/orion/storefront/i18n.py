"""Shopper language: chosen from ``?lang=`` or Accept-Language among the store's languages, and the
few interface strings the default theme needs in each language (product content has its own
translations)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

_STRINGS: dict[str, dict[str, str]] = {
    "fr": {
        "Home": "Accueil",
        "Products": "Produits",
        "Categories": "Catégories",
        "Search": "Rechercher",
        "Cart": "Panier",
        "Checkout": "Commander",
        "Add to cart": "Ajouter au panier",
        "Quantity": "Quantité",
        "In stock": "En stock",
        "Out of stock": "Épuisé",
        "Only {n} left": "Plus que {n}",
        "Featured products": "Produits vedettes",
        "All products": "Tous les produits",
        "Sort by": "Trier par",
        "Newest": "Nouveautés",
        "Price: low to high": "Prix croissant",
        "Price: high to low": "Prix décroissant",
        "Name": "Nom",
        "Next page": "Page suivante",
        "No products here yet.": "Aucun produit pour le moment.",
        "from": "à partir de",
        "Option": "Option",
        "Results for": "Résultats pour",
        "Nothing matched your search.": "Aucun résultat.",
        "Sort": "Trier",
        "Price": "Prix",
        "Available in store": "Disponible en magasin",
        "Page not found": "Page introuvable",
        "We could not find the page you were looking for.": "Nous n'avons pas trouvé la page demandée.",
        "We could not find that product.": "Nous n'avons pas trouvé ce produit.",
        "We could not find that category.": "Nous n'avons pas trouvé cette catégorie.",
        "We could not find that order.": "Nous n'avons pas trouvé cette commande.",
        "That item is not in your cart.": "Cet article n'est pas dans votre panier.",
        "This product is no longer sold.": "Ce produit n'est plus vendu.",
        "Back to the home page": "Retour à l'accueil",
        "Something went wrong": "Une erreur est survenue",
        "Please try again in a moment.": "Veuillez réessayer dans un instant.",
        "Open your shop on {name} and sell to customers across Luxembourg.": (
            "Ouvrez votre boutique sur {name} et vendez dans tout le Luxembourg."
        ),
    },
    "de": {
        "Home": "Startseite",
        "Products": "Produkte",
        "Categories": "Kategorien",
        "Search": "Suchen",
        "Cart": "Warenkorb",
        "Checkout": "Zur Kasse",
        "Add to cart": "In den Warenkorb",
        "Quantity": "Menge",
        "In stock": "Auf Lager",
        "Out of stock": "Ausverkauft",
        "Only {n} left": "Nur noch {n}",
        "Featured products": "Empfohlene Produkte",
        "All products": "Alle Produkte",
        "Sort by": "Sortieren nach",
        "Newest": "Neueste",
        "Price: low to high": "Preis aufsteigend",
        "Price: high to low": "Preis absteigend",
        "Name": "Name",
        "Next page": "Nächste Seite",
        "No products here yet.": "Noch keine Produkte.",
        "from": "ab",
        "Option": "Variante",
        "Results for": "Ergebnisse für",
        "Nothing matched your search.": "Keine Treffer.",
        "Sort": "Sortieren",
        "Price": "Preis",
        "Available in store": "Im Geschäft erhältlich",
        "Page not found": "Seite nicht gefunden",
        "We could not find the page you were looking for.": "Die gesuchte Seite wurde nicht gefunden.",
        "We could not find that product.": "Dieses Produkt wurde nicht gefunden.",
        "We could not find that category.": "Diese Kategorie wurde nicht gefunden.",
        "We could not find that order.": "Diese Bestellung wurde nicht gefunden.",
        "That item is not in your cart.": "Dieser Artikel ist nicht in Ihrem Warenkorb.",
        "This product is no longer sold.": "Dieses Produkt wird nicht mehr verkauft.",
        "Back to the home page": "Zurück zur Startseite",
        "Something went wrong": "Etwas ist schiefgelaufen",
        "Please try again in a moment.": "Bitte versuchen Sie es gleich noch einmal.",
        "Open your shop on {name} and sell to customers across Luxembourg.": (
            "Eröffnen Sie Ihren Shop auf {name} und verkaufen Sie in ganz Luxemburg."
        ),
    },
}


def choose_language(
    available: Sequence[str], default: str, requested: str | None, accept_language: str | None
) -> str:
    """``?lang=`` if the store has it, else the best Accept-Language match, else the store default."""
    if requested and requested.lower() in available:
        return requested.lower()
    for wanted in _accept_language_order(accept_language or ""):
        if wanted in available:
            return wanted
        primary = wanted.split("-", 1)[0]
        if primary in available:
            return primary
    return default


def translator(lang: str) -> Callable[..., str]:
    """``t("Only {n} left", n=3)`` in ``lang`` (English when a string has no translation)."""
    table = _STRINGS.get(lang, {})

    def translate(text: str, **values: object) -> str:
        return table.get(text, text).format(**values) if values else table.get(text, text)

    return translate


def _accept_language_order(header: str) -> list[str]:
    if not header:
        return []
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip().lower()
        if not tag or tag == "*":
            continue
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if quality > 0:
            weighted.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(weighted)]


def format_money(amount: int, currency: str, lang: str = "en") -> str:
    """``1299, "EUR"`` -> ``€12.99`` (en) or ``12,99 €`` (fr, de): minor units, two decimals."""
    whole, cents = divmod(abs(amount), 100)
    sign = "-" if amount < 0 else ""
    symbol = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF"}.get(currency, currency)
    if lang in ("fr", "de", "lb"):
        grouped = f"{whole:,}".replace(",", "\u202f" if lang == "fr" else ".")
        return f"{sign}{grouped},{cents:02d}\u00a0{symbol}"
    return f"{sign}{symbol}{whole:,}.{cents:02d}"
