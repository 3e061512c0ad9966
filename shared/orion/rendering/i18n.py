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
        "Available on backorder": "Disponible sur commande",
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
        "Skip to content": "Aller au contenu",
        "on {name}": "sur {name}",
        "Welcome to {name}! Have a look around.": "Bienvenue chez {name} ! Faites le tour.",
        "No picture yet": "Pas encore de photo",
        "Item": "Article",
        "Total": "Total",
        "Subtotal": "Sous-total",
        "Update": "Mettre à jour",
        "Remove": "Retirer",
        "Your cart is empty.": "Votre panier est vide.",
        "Your order": "Votre commande",
        "Please correct the fields marked below.": "Veuillez corriger les champs indiqués ci-dessous.",
        "E-mail": "E-mail",
        "Full name": "Nom complet",
        "Street and number": "Rue et numéro",
        "Postal code": "Code postal",
        "City": "Ville",
        "Country": "Pays",
        "Payment: invoice (bank transfer). Your order is reserved as soon as you place it.": "Paiement : sur facture (virement). Votre commande est réservée dès que vous la passez.",
        "Place order": "Passer la commande",
        "now {price} each, was": "désormais {price} l'unité, au lieu de",
        "Luxembourg": "Luxembourg",
        "Belgium": "Belgique",
        "France": "France",
        "Germany": "Allemagne",
        "Netherlands": "Pays-Bas",
        "Austria": "Autriche",
        "Switzerland": "Suisse",
        "Order {id}": "Commande {id}",
        "Thank you! Your order has been placed.": "Merci ! Votre commande est passée.",
        "Status": "Statut",
        "Items": "Articles",
        "Delivery": "Livraison",
        "History": "Historique",
        "Keep this page's address to check your order later.": "Gardez l'adresse de cette page pour suivre votre commande.",
        "pending": "en attente de paiement",
        "paid": "payée",
        "fulfilled": "préparée",
        "shipped": "expédiée",
        "delivered": "livrée",
        "cancelled": "annulée",
        "refunded": "remboursée",
        "partially_refunded": "remboursée en partie",
        "Some fields need your attention.": "Certains champs sont à vérifier.",
        "Sorry, that item is out of stock.": "Désolé, cet article est épuisé.",
        "Some prices changed since you added the items to your cart; the new prices are shown.": "Certains prix ont changé depuis l'ajout au panier ; les nouveaux prix sont affichés.",
        "Your cart changed since this page was shown (its items or prices). Please check it and place your order again.": "Votre panier a changé depuis l'affichage de cette page (articles ou prix). Vérifiez-le et passez à nouveau votre commande.",
        "Enter your e-mail address, like name@example.com.": "Indiquez votre adresse e-mail, par exemple nom@exemple.lu.",
        "Enter your name (at most 120 characters).": "Indiquez votre nom (120 caractères au plus).",
        "Enter your street and number.": "Indiquez la rue et le numéro.",
        "Enter a postal code of at most 20 characters.": "Indiquez un code postal de 20 caractères au plus.",
        "Enter a city of at most 120 characters.": "Indiquez une ville de 120 caractères au plus.",
        "Choose a country we deliver to.": "Choisissez un pays où nous livrons.",
        "Enter a whole number of at most 99.": "Indiquez un nombre entier de 99 au plus.",
        "Choose one of this shop's products.": "Choisissez un produit de cette boutique.",
        "Follow your order here: {url}": "Suivez votre commande ici : {url}",
        "Your order {id} at {store}": "Votre commande {id} chez {store}",
        "Thank you for your order, {name}.": "Merci pour votre commande, {name}.",
        # order e-mails after the confirmation (orion.orders.notifications) and the shipment on the order page
        "Payment received for your order {id} at {store}": "Paiement reçu pour votre commande {id} chez {store}",
        "We received your payment and are preparing your order.": "Nous avons reçu votre paiement et préparons votre commande.",
        "Your order {id} at {store} has shipped": "Votre commande {id} chez {store} a été expédiée",
        "Your order is on its way.": "Votre commande est en route.",
        "Your order {id} at {store} was delivered": "Votre commande {id} chez {store} a été livrée",
        "Your order was delivered. We hope you enjoy it.": "Votre commande a été livrée. Nous espérons qu'elle vous plaira.",
        "Your order {id} at {store} was cancelled": "Votre commande {id} chez {store} a été annulée",
        "Your order was cancelled. If you already paid, you will be refunded.": "Votre commande a été annulée. Si vous avez déjà payé, vous serez remboursé.",
        "Your order {id} at {store} was refunded": "Votre commande {id} chez {store} a été remboursée",
        "Your order was refunded: {amount}.": "Votre commande a été remboursée : {amount}.",
        "Part of your order {id} at {store} was refunded": "Une partie de votre commande {id} chez {store} a été remboursée",
        "We refunded {amount} of your order.": "Nous vous avons remboursé {amount} sur votre commande.",
        "Hello {name},": "Bonjour {name},",
        "Shipment": "Expédition",
        "Carrier": "Transporteur",
        "Tracking number": "Numéro de suivi",
        "Track your parcel": "Suivre votre colis",
        "Track your parcel: {url}": "Suivez votre colis : {url}",
        "New order {id} at {store}": "Nouvelle commande {id} chez {store}",
        "{name} placed order {id}.": "{name} a passé la commande {id}.",
        "Open it in the store console: {url}": "Ouvrez-la dans la console de la boutique : {url}",
        "These are the first {n} matches: add a word to narrow your search, or browse": "Voici les {n} premiers résultats : ajoutez un mot pour affiner votre recherche, ou parcourez",
        "Sorry, we do not have enough stock of {names} any more.": "Désolé, nous n'avons plus assez de stock de {names}.",
        "The price of {names} changed since you added it to your cart. Please check the new prices and place your order again.": "Le prix de {names} a changé depuis l'ajout au panier. Vérifiez les nouveaux prix et passez à nouveau votre commande.",
        "Some items are no longer available: {names}": "Certains articles ne sont plus disponibles : {names}",
        "Sorry, we only have {n} of that item.": "Désolé, il ne nous en reste que {n}.",
        "We will e-mail you an invoice. Your order ships once the bank transfer has arrived; please mention the order number {id}.": "Nous vous enverrons une facture par e-mail. Votre commande est expédiée dès réception du virement ; merci d'indiquer le numéro de commande {id}.",
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
        "Open your store": "Ouvrir votre boutique",
        "Plans": "Formules",
        "unlimited": "illimité",
        "Stores on {name}": "Boutiques sur {name}",
        "content pages (overrides and custom pages)": "pages de contenu (remplacements et pages propres)",
        "custom content pages (not overriding a platform default)": (
            "pages de contenu propres (ne remplaçant pas une page de la plateforme)"
        ),
        "products in the catalogue": "produits au catalogue",
        "staff members and pending invitations": "membres de l'équipe et invitations en attente",
        "catalogue imports started per day (UTC)": "imports de catalogue lancés par jour (UTC)",
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
        "Available on backorder": "Nachbestellbar",
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
        "Skip to content": "Zum Inhalt springen",
        "on {name}": "auf {name}",
        "Welcome to {name}! Have a look around.": "Willkommen bei {name}! Schauen Sie sich um.",
        "No picture yet": "Noch kein Bild",
        "Item": "Artikel",
        "Total": "Summe",
        "Subtotal": "Zwischensumme",
        "Update": "Aktualisieren",
        "Remove": "Entfernen",
        "Your cart is empty.": "Ihr Warenkorb ist leer.",
        "Your order": "Ihre Bestellung",
        "Please correct the fields marked below.": "Bitte korrigieren Sie die markierten Felder.",
        "E-mail": "E-Mail",
        "Full name": "Vollständiger Name",
        "Street and number": "Straße und Hausnummer",
        "Postal code": "Postleitzahl",
        "City": "Ort",
        "Country": "Land",
        "Payment: invoice (bank transfer). Your order is reserved as soon as you place it.": "Zahlung: auf Rechnung (Überweisung). Ihre Bestellung ist reserviert, sobald Sie sie aufgeben.",
        "Place order": "Bestellung aufgeben",
        "now {price} each, was": "jetzt {price} pro Stück, vorher",
        "Luxembourg": "Luxemburg",
        "Belgium": "Belgien",
        "France": "Frankreich",
        "Germany": "Deutschland",
        "Netherlands": "Niederlande",
        "Austria": "Österreich",
        "Switzerland": "Schweiz",
        "Order {id}": "Bestellung {id}",
        "Thank you! Your order has been placed.": "Vielen Dank! Ihre Bestellung ist aufgegeben.",
        "Status": "Status",
        "Items": "Artikel",
        "Delivery": "Lieferung",
        "History": "Verlauf",
        "Keep this page's address to check your order later.": "Bewahren Sie die Adresse dieser Seite auf, um Ihre Bestellung zu verfolgen.",
        "pending": "Zahlung ausstehend",
        "paid": "bezahlt",
        "fulfilled": "verpackt",
        "shipped": "versandt",
        "delivered": "zugestellt",
        "cancelled": "storniert",
        "refunded": "erstattet",
        "partially_refunded": "teilweise erstattet",
        "Some fields need your attention.": "Einige Felder müssen geprüft werden.",
        "Sorry, that item is out of stock.": "Leider ist dieser Artikel ausverkauft.",
        "Some prices changed since you added the items to your cart; the new prices are shown.": "Einige Preise haben sich geändert, seit Sie die Artikel in den Warenkorb gelegt haben; die neuen Preise werden angezeigt.",
        "Your cart changed since this page was shown (its items or prices). Please check it and place your order again.": "Ihr Warenkorb hat sich seit dem Anzeigen dieser Seite geändert (Artikel oder Preise). Bitte prüfen Sie ihn und bestellen Sie erneut.",
        "Enter your e-mail address, like name@example.com.": "Geben Sie Ihre E-Mail-Adresse an, z. B. name@beispiel.lu.",
        "Enter your name (at most 120 characters).": "Geben Sie Ihren Namen an (höchstens 120 Zeichen).",
        "Enter your street and number.": "Geben Sie Straße und Hausnummer an.",
        "Enter a postal code of at most 20 characters.": "Geben Sie eine Postleitzahl mit höchstens 20 Zeichen an.",
        "Enter a city of at most 120 characters.": "Geben Sie einen Ort mit höchstens 120 Zeichen an.",
        "Choose a country we deliver to.": "Wählen Sie ein Land, in das wir liefern.",
        "Enter a whole number of at most 99.": "Geben Sie eine ganze Zahl bis höchstens 99 an.",
        "Choose one of this shop's products.": "Wählen Sie ein Produkt dieses Shops.",
        "Follow your order here: {url}": "Verfolgen Sie Ihre Bestellung hier: {url}",
        "Your order {id} at {store}": "Ihre Bestellung {id} bei {store}",
        "Thank you for your order, {name}.": "Vielen Dank für Ihre Bestellung, {name}.",
        # order e-mails after the confirmation (orion.orders.notifications) and the shipment on the order page
        "Payment received for your order {id} at {store}": "Zahlung für Ihre Bestellung {id} bei {store} erhalten",
        "We received your payment and are preparing your order.": "Wir haben Ihre Zahlung erhalten und bereiten Ihre Bestellung vor.",
        "Your order {id} at {store} has shipped": "Ihre Bestellung {id} bei {store} wurde versandt",
        "Your order is on its way.": "Ihre Bestellung ist unterwegs.",
        "Your order {id} at {store} was delivered": "Ihre Bestellung {id} bei {store} wurde zugestellt",
        "Your order was delivered. We hope you enjoy it.": "Ihre Bestellung wurde zugestellt. Wir wünschen Ihnen viel Freude damit.",
        "Your order {id} at {store} was cancelled": "Ihre Bestellung {id} bei {store} wurde storniert",
        "Your order was cancelled. If you already paid, you will be refunded.": "Ihre Bestellung wurde storniert. Falls Sie bereits bezahlt haben, erhalten Sie Ihr Geld zurück.",
        "Your order {id} at {store} was refunded": "Ihre Bestellung {id} bei {store} wurde erstattet",
        "Your order was refunded: {amount}.": "Ihre Bestellung wurde erstattet: {amount}.",
        "Part of your order {id} at {store} was refunded": "Ein Teil Ihrer Bestellung {id} bei {store} wurde erstattet",
        "We refunded {amount} of your order.": "Wir haben Ihnen {amount} Ihrer Bestellung erstattet.",
        "Hello {name},": "Hallo {name},",
        "Shipment": "Sendung",
        "Carrier": "Versanddienstleister",
        "Tracking number": "Sendungsnummer",
        "Track your parcel": "Sendung verfolgen",
        "Track your parcel: {url}": "Verfolgen Sie Ihre Sendung: {url}",
        "New order {id} at {store}": "Neue Bestellung {id} bei {store}",
        "{name} placed order {id}.": "{name} hat die Bestellung {id} aufgegeben.",
        "Open it in the store console: {url}": "Öffnen Sie sie in der Shop-Konsole: {url}",
        "These are the first {n} matches: add a word to narrow your search, or browse": "Das sind die ersten {n} Treffer: Fügen Sie ein Wort hinzu, um die Suche einzugrenzen, oder sehen Sie sich",
        "Sorry, we do not have enough stock of {names} any more.": "Leider haben wir nicht mehr genug {names} auf Lager.",
        "The price of {names} changed since you added it to your cart. Please check the new prices and place your order again.": "Der Preis von {names} hat sich geändert, seit Sie den Artikel in den Warenkorb gelegt haben. Bitte prüfen Sie die neuen Preise und bestellen Sie erneut.",
        "Some items are no longer available: {names}": "Einige Artikel sind nicht mehr erhältlich: {names}",
        "Sorry, we only have {n} of that item.": "Leider haben wir davon nur noch {n}.",
        "We will e-mail you an invoice. Your order ships once the bank transfer has arrived; please mention the order number {id}.": "Wir senden Ihnen eine Rechnung per E-Mail. Ihre Bestellung wird nach Eingang der Überweisung versandt; bitte geben Sie die Bestellnummer {id} an.",
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
        "Open your store": "Eröffnen Sie Ihren Shop",
        "Plans": "Tarife",
        "unlimited": "unbegrenzt",
        "Stores on {name}": "Shops auf {name}",
        "content pages (overrides and custom pages)": "Inhaltsseiten (Überschreibungen und eigene Seiten)",
        "custom content pages (not overriding a platform default)": (
            "eigene Inhaltsseiten (ohne eine Seite der Plattform zu ersetzen)"
        ),
        "products in the catalogue": "Produkte im Katalog",
        "staff members and pending invitations": "Teammitglieder und offene Einladungen",
        "catalogue imports started per day (UTC)": "gestartete Katalogimporte pro Tag (UTC)",
    },
}


def _load_message_files() -> None:
    """Add the strings of ``messages/<lang>/*.json`` beside this module (one file per area, e.g.
    the shopper account pages and e-mails) to the built-in table."""
    import json
    from pathlib import Path

    for path in sorted((Path(__file__).parent / "messages").glob("*/*.json")):
        _STRINGS.setdefault(path.parent.name, {}).update(json.loads(path.read_text(encoding="utf-8")))


_load_message_files()


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
