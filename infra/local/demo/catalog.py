"""Demo catalogue: wizamart's 50+ products in 6 categories (some with variants, translations, out of
stock, one archived, one draft) and a few bakery products, each on sale with pictures drawn offline and
uploaded to its store's media (infra/local/demo/pictures.py)."""

from __future__ import annotations

from infra.local.demo.pictures import Picture, upload
from orion.catalog.images import MediaImage, media_ref
from orion.catalog.models import (
    CategoryInput,
    ProductInput,
    ProductStatus,
    TaxClass,
    Translation,
    Variant,
)
from orion.catalog.service import bulk_create_products, create_category
from orion.tenant import Tenant

WIZAMART = Tenant("oms", "wizamart")
BAKERY = Tenant("oms", "bakery")

CATEGORIES = (
    ("kitchen", "Kitchen", {"fr": "Cuisine", "de": "Küche"}),
    ("home", "Home & living", {"fr": "Maison", "de": "Wohnen"}),
    ("garden", "Garden", {"fr": "Jardin", "de": "Garten"}),
    ("clothing", "Clothing", {"fr": "Vêtements", "de": "Kleidung"}),
    ("books", "Books", {"fr": "Livres", "de": "Bücher"}),
    ("toys", "Toys", {"fr": "Jouets", "de": "Spielzeug"}),
)

# (category, title, brand, price in cents, stock); stock 0 = out of stock.
SIMPLE = (
    ("kitchen", "Cast Iron Skillet", "Lodge", 3990, 12),
    ("kitchen", "Chef's Knife 20 cm", "Victorinox", 5490, 7),
    ("kitchen", "Espresso Cups, set of 4", "Bodum", 2450, 20),
    ("kitchen", "Electric Kettle 1.7 L", "Bosch", 3999, 5),
    ("kitchen", "Wooden Cutting Board", "Wizamart", 2200, 0),
    ("kitchen", "French Press 1 L", "Bodum", 3490, 9),
    ("kitchen", "Salad Spinner", "OXO", 2790, 14),
    ("kitchen", "Olive Oil Bottle", "Wizamart", 1290, 30),
    ("kitchen", "Stand Mixer", "KitchenAid", 44900, 2),
    ("home", "Linen Cushion Cover", "Wizamart", 2490, 25),
    ("home", "Scented Candle Cedar", "Maison Lux", 1890, 40),
    ("home", "Wool Throw Blanket", "Klippan", 8900, 6),
    ("home", "Desk Lamp", "Ikea", 3490, 0),
    ("home", "Ceramic Vase", "Wizamart", 4290, 4),
    ("home", "Wall Clock", "Karlsson", 5990, 8),
    ("home", "Bath Towel Set", "Wizamart", 3990, 15),
    ("home", "Picture Frame A4", "Wizamart", 1490, 50),
    ("garden", "Garden Hose 25 m", "Gardena", 4490, 10),
    ("garden", "Pruning Shears", "Fiskars", 2990, 18),
    ("garden", "Watering Can 10 L", "Wizamart", 1990, 0),
    ("garden", "Seed Kit Herbs", "Wizamart", 990, 60),
    ("garden", "Bird Feeder", "Wizamart", 2490, 9),
    ("garden", "Terracotta Pot 30 cm", "Wizamart", 1590, 22),
    ("garden", "Garden Gloves", "Gardena", 1290, 35),
    ("garden", "Solar Lantern", "Wizamart", 2190, 11),
    ("books", "Luxembourg Cookbook", "Éditions Schortgen", 3200, 13),
    ("books", "A Walk Through Vianden", "Éditions Guy Binsfeld", 2400, 7),
    ("books", "Learn Luxembourgish", "Wizamart Press", 1990, 21),
    ("books", "Moselle Wines Guide", "Éditions Schortgen", 2800, 0),
    ("books", "Children's Atlas", "Wizamart Press", 1790, 16),
    ("books", "The Grand Duchy: A History", "Éditions Guy Binsfeld", 3500, 5),
    ("toys", "Wooden Train Set", "Brio", 5990, 6),
    ("toys", "Building Blocks 100", "Lego", 2990, 24),
    ("toys", "Plush Bear", "Steiff", 3490, 12),
    ("toys", "Kite", "Wizamart", 1890, 0),
    ("toys", "Puzzle 1000 pieces", "Ravensburger", 1690, 19),
    ("toys", "Board Game Night", "Wizamart", 3290, 8),
    ("toys", "Skipping Rope", "Wizamart", 690, 44),
    ("clothing", "Wool Beanie", "Wizamart", 1990, 30),
    ("clothing", "Leather Gloves", "Wizamart", 4990, 3),
    ("clothing", "Cotton Socks, 3 pairs", "Wizamart", 1290, 70),
    ("clothing", "Rain Jacket", "Helly Hansen", 11900, 0),
    ("kitchen", "Tea Towels, set of 2", "Wizamart", 1290, 28),
    ("home", "Door Mat", "Wizamart", 2490, 12),
)

# (category, title, brand, option name, [(value, price, stock)])
WITH_VARIANTS = (
    (
        "clothing",
        "Classic T-Shirt",
        "Wizamart",
        "Size",
        [("S", 1990, 8), ("M", 1990, 0), ("L", 1990, 5), ("XL", 2190, 2)],
    ),
    ("clothing", "Hoodie", "Wizamart", "Size", [("S", 4990, 3), ("M", 4990, 6), ("L", 4990, 0)]),
    ("clothing", "Scarf", "Wizamart", "Colour", [("Red", 2490, 10), ("Navy", 2490, 7), ("Grey", 2490, 0)]),
    (
        "kitchen",
        "Enamel Mug",
        "Wizamart",
        "Colour",
        [("White", 1290, 12), ("Blue", 1290, 9), ("Green", 1390, 4)],
    ),
    ("home", "Bed Sheet", "Wizamart", "Size", [("Single", 3990, 6), ("Double", 5490, 4), ("King", 6990, 0)]),
    ("toys", "Rubber Duck", "Wizamart", "Colour", [("Yellow", 490, 100), ("Pink", 490, 50)]),
    ("garden", "Raised Bed", "Wizamart", "Length", [("80 cm", 8990, 3), ("120 cm", 11990, 2)]),
)

TRANSLATED: dict[str, dict[str, tuple[str, str | None]]] = {
    "Cast Iron Skillet": {
        "fr": ("Poêle en fonte", "Une poêle robuste pour toutes les cuisines."),
        "de": ("Gusseisenpfanne", "Eine robuste Pfanne für jede Küche."),
    },
    "Espresso Cups, set of 4": {
        "fr": ("Tasses à espresso, lot de 4", None),
        "de": ("Espressotassen, 4er-Set", None),
    },
    "Wool Beanie": {"fr": ("Bonnet en laine", None), "de": ("Wollmütze", None)},
    "Wooden Train Set": {"fr": ("Train en bois", None), "de": ("Holzeisenbahn", None)},
    "Classic T-Shirt": {
        "fr": ("T-shirt classique", "Coton bio, coupe droite."),
        "de": ("Klassisches T-Shirt", "Bio-Baumwolle, gerader Schnitt."),
    },
    "Luxembourg Cookbook": {
        "fr": ("Livre de cuisine luxembourgeoise", None),
        "de": ("Luxemburger Kochbuch", None),
    },
    "Garden Hose 25 m": {"fr": ("Tuyau d'arrosage 25 m", None), "de": ("Gartenschlauch 25 m", None)},
}
FEATURED = {
    "Cast Iron Skillet",
    "Classic T-Shirt",
    "Wooden Train Set",
    "Wool Throw Blanket",
    "Enamel Mug",
    "Luxembourg Cookbook",
    "Garden Hose 25 m",
    "Scented Candle Cedar",
}
# Each product's pictures, drawn offline (infra/local/demo/pictures.py) and uploaded to the store's
# media: (kind, colour). A small set, shared by similar products, keeps `make run`'s start quick (each
# picture is processed into six variants); a product not named here shows its category's.
CATEGORY_PICTURE: dict[str, Picture] = {
    "kitchen": ("mug", "blue"),
    "home": ("towels", "navy"),
    "garden": ("plant", "terracotta"),
    "clothing": ("beanie", "red"),
    "books": ("book", "purple"),
    "toys": ("blocks", "red"),
}
PICTURES: dict[str, tuple[Picture, ...]] = {
    "Cast Iron Skillet": (("pan", "black"),),
    "Chef's Knife 20 cm": (("pan", "black"),),
    "Wooden Cutting Board": (("pan", "black"),),
    "Salad Spinner": (("pan", "black"),),
    "Stand Mixer": (("pan", "black"),),
    "Espresso Cups, set of 4": (("mug", "white"),),
    "French Press 1 L": (("mug", "white"),),
    "Electric Kettle 1.7 L": (("mug", "white"),),
    "Olive Oil Bottle": (("bottle", "green"),),
    "Ceramic Vase": (("bottle", "green"),),
    "Scented Candle Cedar": (("candle", "pink"),),
    "Wall Clock": (("clock", "brown"),),
    "Picture Frame A4": (("clock", "brown"),),
    "Desk Lamp": (("lamp", "grey"),),
    "Solar Lantern": (("lamp", "grey"),),
    "Tea Towels, set of 2": (("towels", "navy"),),
    # Galleries: the colours the product comes in.
    "Classic T-Shirt": (("tshirt", "navy"), ("tshirt", "red"), ("tshirt", "grey")),
    "Hoodie": (("tshirt", "red"),),
    "Rain Jacket": (("tshirt", "navy"),),
    "Rubber Duck": (("duck", "yellow"),),
    "Plush Bear": (("duck", "yellow"),),
    "Enamel Mug": (("mug", "white"), ("mug", "blue")),
}
BREAD_PICTURES: dict[str, Picture] = {
    "Baguette tradition": ("baguette", "wheat"),
    "Pain de seigle": ("loaf", "brown"),
    "Croissant au beurre": ("croissant", "wheat"),
    "Quetschentaart": ("tart", "purple"),
}


def pictures_of(title: str, category: str) -> tuple[Picture, ...]:
    return PICTURES.get(title, (CATEGORY_PICTURE[category],))


def _images(pictures: tuple[Picture, ...], uploaded: dict[Picture, MediaImage]) -> tuple[str, ...]:
    return tuple(media_ref(uploaded[picture].id) for picture in pictures)


def _media(uploaded: dict[Picture, MediaImage]) -> dict[str, MediaImage]:
    return {image.id: image for image in uploaded.values()}


def _translations(title: str) -> dict[str, Translation]:
    return {lang: Translation(title=t, description=d) for lang, (t, d) in TRANSLATED.get(title, {}).items()}


def seed(port: int) -> list[str]:
    wizamart_pictures = upload(
        WIZAMART,
        [
            picture
            for category, title, *_ in (*SIMPLE, *WITH_VARIANTS)
            for picture in pictures_of(title, category)
        ],
    )
    for position, (slug, name, names) in enumerate(CATEGORIES):
        create_category(WIZAMART, CategoryInput(slug=slug, name=name, translations=names, position=position))
    products: list[ProductInput] = []
    for index, (category, title, brand, price, stock) in enumerate(SIMPLE):
        products.append(
            ProductInput(
                title=title,
                description=f"{title} from {brand}. Chosen by the Wizamart team.",
                status=ProductStatus.ACTIVE,
                categories=(category,),
                brand=brand,
                images=_images(pictures_of(title, category), wizamart_pictures),
                featured=title in FEATURED,
                translations=_translations(title),
                gtin=f"{4006381333900 + index}",
                # Books are sold at Luxembourg's super-reduced VAT rate (3 %).
                tax_class=TaxClass.SUPER_REDUCED if category == "books" else TaxClass.STANDARD,
                variants=(
                    Variant(
                        sku=f"WZ-{index + 1:03d}",
                        price=price,
                        stock=stock,
                        compare_at_price=price + 500 if index % 7 == 0 else None,
                    ),
                ),
            )
        )
    for index, (category, title, brand, option, values) in enumerate(WITH_VARIANTS):
        products.append(
            ProductInput(
                title=title,
                description=f"{title}, available in several {option.lower()}s.",
                status=ProductStatus.ACTIVE,
                categories=(category,),
                brand=brand,
                images=_images(pictures_of(title, category), wizamart_pictures),
                featured=title in FEATURED,
                translations=_translations(title),
                variants=tuple(
                    Variant(
                        sku=f"WZV-{index + 1:02d}-{value.replace(' ', '').upper()}",
                        options={option: value},
                        price=price,
                        stock=stock,
                    )
                    for value, price, stock in values
                ),
            )
        )
    products.append(
        ProductInput(
            title="Vintage Radio",
            handle="vintage-radio",
            status=ProductStatus.ARCHIVED,
            description="No longer sold.",
            categories=("home",),
            variants=(Variant(sku="WZ-OLD-1", price=9900, stock=0),),
        )
    )
    products.append(
        ProductInput(
            title="Secret Launch",
            handle="secret-launch",
            status=ProductStatus.DRAFT,
            variants=(Variant(sku="WZ-NEW-1", price=100, stock=10),),
        )
    )
    bulk_create_products(WIZAMART, products, media=_media(wizamart_pictures))
    create_category(
        BAKERY, CategoryInput(slug="bread", name="Pain", translations={"de": "Brot", "en": "Bread"})
    )
    bread = (
        ("Baguette tradition", 150, 40),
        ("Pain de seigle", 390, 12),
        ("Croissant au beurre", 120, 0),
        ("Quetschentaart", 1850, 3),
    )
    bread_pictures = upload(BAKERY, BREAD_PICTURES.values())
    bulk_create_products(
        BAKERY,
        [
            ProductInput(
                title=title,
                status=ProductStatus.ACTIVE,
                categories=("bread",),
                featured=True,
                brand="Boulangerie Schmit",
                images=_images((BREAD_PICTURES[title],), bread_pictures),
                variants=(Variant(sku=f"BK-{index + 1:02d}", price=price, stock=stock),),
            )
            for index, (title, price, stock) in enumerate(bread)
        ],
        media=_media(bread_pictures),
    )
    lines = [
        "Catalogue:",
        "  http://wizamart.oms.localhost:{port}/products?sort=price-asc   listing, 24 per page",
        "  http://wizamart.oms.localhost:{port}/categories/clothing       a category",
        "  http://wizamart.oms.localhost:{port}/products/classic-t-shirt  variants, one out of stock",
        "  http://wizamart.oms.localhost:{port}/products/cast-iron-skillet?lang=fr  a translation",
        "  http://wizamart.oms.localhost:{port}/search?q=bodum            search (title, brand, SKU)",
        "  http://wizamart.oms.localhost:{port}/products/vintage-radio    archived: 410",
        "  http://wizamart.oms.localhost:{port}/cart                      cart and checkout",
    ]
    return [line.format(port=port) for line in lines]
