"""Catalogue files for import tests and benchmarks: generated Letzshop feeds and Shopify exports."""

from __future__ import annotations

import csv
import io
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "imports"

FEED_HEADER = (
    "id",
    "title",
    "description",
    "link",
    "image_link",
    "availability",
    "price",
    "sale_price",
    "brand",
    "gtin",
    "mpn",
    "condition",
    "google_product_category",
)

TITLES = {"fr": "Chaise en chêne n°{n}", "de": "Eichenstuhl Nr. {n}", "en": "Oak chair no. {n}"}
DESCRIPTIONS = {
    "fr": "Une chaise solide, fabriquée à la main au Luxembourg.",
    "de": "Ein stabiler Stuhl, handgefertigt in Luxemburg.",
    "en": "A sturdy chair, handmade in Luxembourg.",
}


def gtin13(n: int) -> str:
    """A valid EAN-13 for a running number (GS1 check digit computed)."""
    body = f"590{n:09d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def feed_rows(count: int, language: str = "fr", start: int = 1) -> list[list[str]]:
    rows = []
    for n in range(start, start + count):
        rows.append(
            [
                f"WZ-{n:05d}",
                TITLES[language].format(n=n),
                DESCRIPTIONS[language],
                f"https://wizamart.lu/p/{n}",
                f"https://cdn.wizamart.lu/img/{n}.jpg",
                "in stock" if n % 7 else "out of stock",
                f"{10 + n % 90},{n % 100:02d} EUR",
                "",
                "Wizamart",
                gtin13(n),
                f"MPN{n}",
                "new",
                "Furniture > Chairs",
            ]
        )
    return rows


def letzshop_feed(
    count: int, language: str = "fr", *, delimiter: str = "\t", extra_rows: list[list[str]] | None = None
) -> bytes:
    """A Letzshop/Google Shopping feed with ``count`` valid products (ids WZ-00001...)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(FEED_HEADER)
    writer.writerows(feed_rows(count, language))
    writer.writerows(extra_rows or [])
    return buffer.getvalue().encode("utf-8")


SHOPIFY_HEADER = (
    "Handle",
    "Title",
    "Body (HTML)",
    "Vendor",
    "Type",
    "Tags",
    "Published",
    "Option1 Name",
    "Option1 Value",
    "Option2 Name",
    "Option2 Value",
    "Variant SKU",
    "Variant Inventory Qty",
    "Variant Price",
    "Variant Compare At Price",
    "Variant Barcode",
    "Image Src",
    "Status",
)


def shopify_export() -> bytes:
    """Two products: a T-shirt in 2 colours x 2 sizes (4 variants, 2 images) and a single-variant mug."""
    rows = [
        [
            "tee",
            "Organic tee",
            "<p>Soft <b>cotton</b></p><script>x()</script>",
            "Wizamart",
            "Shirts",
            "",
            "TRUE",
            "Colour",
            "Blue",
            "Size",
            "M",
            "TEE-BLU-M",
            "5",
            "25.00",
            "30.00",
            "",
            "https://cdn.wizamart.lu/tee-blue.jpg",
            "active",
        ],
        [
            "tee",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "Blue",
            "",
            "L",
            "TEE-BLU-L",
            "3",
            "25.00",
            "",
            "",
            "https://cdn.wizamart.lu/tee-back.jpg",
            "",
        ],
        ["tee", "", "", "", "", "", "", "", "Green", "", "M", "TEE-GRN-M", "0", "26.50", "", "", "", ""],
        ["tee", "", "", "", "", "", "", "", "Green", "", "L", "TEE-GRN-L", "2", "26.50", "", "", "", ""],
        [
            "mug",
            "Mug",
            "Stoneware mug",
            "Wizamart",
            "Kitchen",
            "",
            "TRUE",
            "Title",
            "Default Title",
            "",
            "",
            "MUG-1",
            "12",
            "9.90",
            "",
            "",
            "https://cdn.wizamart.lu/mug.jpg",
            "active",
        ],
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(SHOPIFY_HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")
