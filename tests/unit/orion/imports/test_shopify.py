"""Shopify product exports row by row: continuation rows, inventory policy, status and gift cards, as
Shopify writes them (tests/data/imports/shopify_products_export.csv), and what publishing makes of them."""

from __future__ import annotations

import csv
import io

import pytest

from orion.catalog.models import ProductStatus
from orion.imports.formats import ReadOptions, inspect_file, read_batches
from orion.imports.models import RecordBatch, RowError, StagedProduct
from orion.imports.publish import ProductOverride, product_input
from orion.imports.rows import GIFT_CARD_MESSAGE, stage_batch
from tests.feeds import DATA

EXPORT = (DATA / "shopify_products_export.csv").read_bytes()
HEADER = next(csv.reader(io.StringIO(EXPORT.decode())))


def read(content: bytes, batch_records: int = 1000) -> list[tuple[RecordBatch, list[RowError]]]:
    shape = inspect_file(io.BytesIO(content))
    text = io.TextIOWrapper(io.BytesIO(content), encoding=shape.encoding, newline="")
    options = ReadOptions(language="en", max_cell_chars=100_000, batch_records=batch_records)
    return list(read_batches(text, shape, options))


def staged(content: bytes) -> tuple[dict[str, StagedProduct], list[RowError]]:
    """The staged products of a file by handle, and every error (reading and staging)."""
    products: dict[str, StagedProduct] = {}
    errors: list[RowError] = []
    for batch, unreadable in read(content):
        result = stage_batch(batch, "JOB", "EUR")
        products.update((p["external_id"], StagedProduct.model_validate(p)) for p in result.products)
        errors += unreadable + [error for found in result.errors.values() for error in found]
    return products, errors


def export(*rows: dict[str, str]) -> bytes:
    """A Shopify export with the real header and these rows (absent columns blank)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows([row.get(column, "") for column in HEADER] for row in rows)
    return buffer.getvalue().encode()


def first_row(handle: str = "tee", /, **fields: str) -> dict[str, str]:
    return {
        "Handle": handle,
        "Title": "Tee",
        "Published": "TRUE",
        "Option1 Name": "Size",
        "Option1 Value": "S",
        "Variant SKU": f"{handle}-1",
        "Variant Inventory Qty": "3",
        "Variant Inventory Policy": "deny",
        "Variant Price": "20.00",
        "Gift Card": "FALSE",
        "Status": "active",
        **fields,
    }


def next_row(handle: str = "tee", n: int = 2, /, **fields: str) -> dict[str, str]:
    return {
        "Handle": handle,
        "Option1 Value": f"size {n}",
        "Variant SKU": f"{handle}-{n}",
        "Variant Inventory Qty": "1",
        "Variant Inventory Policy": "deny",
        "Variant Price": "20.00",
        **fields,
    }


# --- continuation rows -------------------------------------------------------------------------------


def test_the_export_fixture_is_read_as_shopify_with_its_full_header() -> None:
    assert inspect_file(io.BytesIO(EXPORT)).format.value == "shopify"
    assert len(HEADER) == 53
    assert {"Variant Inventory Policy", "Gift Card", "Status", "Option3 Name"} <= set(HEADER)


def test_continuation_rows_get_the_option_names_of_the_first_row() -> None:
    products, errors = staged(EXPORT)

    assert errors[0].row == 11  # the gift card, below
    shirt = products["linen-shirt"]
    assert [v.options for v in shirt.variants] == [
        {"Size": "S", "Colour": "White"},
        {"Size": "M", "Colour": "White"},
        {"Size": "S", "Colour": "Navy"},
        {"Size": "M", "Colour": "Navy"},
    ]
    assert [list(v.options) for v in products["trail-runner"].variants] == [["Size", "Colour", "Width"]] * 3
    assert "Option 1" not in str([v.options for p in products.values() for v in p.variants])


def test_every_record_holds_every_row_of_its_handle_whatever_the_batch_size() -> None:
    # One product a batch (prepare writes chunks of whole batches): a handle is never split, and each
    # variant carries its option names in the chunk's data.
    batches = read(EXPORT, batch_records=1)

    records = [record for batch, _ in batches for record in batch.records()]
    assert [(r.external_id, len(r.variants)) for r in records] == [
        ("linen-shirt", 4),
        ("trail-runner", 3),
        ("stoneware-mug", 1),
        ("gift-card", 3),
        ("rain-jacket", 2),
        ("wool-scarf-2022", 2),
    ]
    assert all(len(batch) == 1 for batch, _ in batches)
    rain = next(r for r in records if r.external_id == "rain-jacket")
    assert [(v["option1_name"], v["option2_name"]) for v in rain.variants] == [("Size", "Colour")] * 2


def test_product_fields_come_from_the_first_row_and_images_from_every_row() -> None:
    products, _ = staged(EXPORT)

    shirt = products["linen-shirt"]
    assert (shirt.title, shirt.brand) == ("Linen shirt", "Atelier Moselle")
    assert shirt.description == '<p>Washed linen, <strong>relaxed fit</strong>. "Wear it loose."</p>'
    assert shirt.category == "Apparel & Accessories > Clothing > Shirts & Tops"
    assert len(shirt.image_links) == 2  # the image-only row of the handle adds the second
    assert shirt.price_minor == 5900


def test_the_first_option_name_a_handle_gives_wins_over_a_later_row() -> None:
    products, _ = staged(export(first_row(), next_row(**{"Option1 Name": "Colour"})))

    assert [v.options for v in products["tee"].variants] == [{"Size": "S"}, {"Size": "size 2"}]


def test_rows_of_a_handle_cut_off_from_their_product_are_reported_and_the_product_kept() -> None:
    # a sorted or hand-edited file: tee's rows 4-5 come back after the mug's first row
    content = export(
        first_row("tee"), first_row("mug"), next_row("tee", 2), next_row("tee", 3), next_row("mug", 2)
    )

    products, errors = staged(content)

    assert [v.sku for v in products["tee"].variants] == ["tee-1"]
    assert [v.sku for v in products["mug"].variants] == ["mug-1", "mug-2"]
    assert [(e.row, e.column, e.value) for e in errors] == [(4, "handle", "tee"), (5, "handle", "tee")]
    assert errors[0].message == (
        "The rows of a handle must follow each other: this row of tee is separated from the handle's "
        "first row (row 2) by other products' rows."
    )


def test_a_product_without_options_has_no_default_title_option() -> None:
    products, _ = staged(EXPORT)

    assert products["stoneware-mug"].variants[0].options == {}


# --- inventory policy ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "backorder"), [("continue", True), ("CONTINUE", True), ("deny", False), ("", False)]
)
def test_the_inventory_policy_continue_means_backorder(policy: str, backorder: bool) -> None:
    products, errors = staged(export(first_row(**{"Variant Inventory Policy": policy})))

    assert errors == []
    assert products["tee"].variants[0].backorder is backorder


def test_an_unknown_inventory_policy_is_reported_on_its_row() -> None:
    products, errors = staged(export(first_row(), next_row(**{"Variant Inventory Policy": "sometimes"})))

    assert products == {}
    assert [(e.row, e.column, e.value, e.message) for e in errors] == [
        (3, "variant inventory policy", "sometimes", "The inventory policy must be deny or continue.")
    ]


def test_a_quantity_shopify_counts_below_zero_is_no_stock() -> None:
    products, _ = staged(EXPORT)

    runner = {v.sku: v for v in products["trail-runner"].variants}
    assert (runner["TR-43-BLK-W"].stock, runner["TR-43-BLK-W"].backorder) == (0, True)
    assert (runner["TR-44-GRY-R"].stock, runner["TR-44-GRY-R"].backorder) == (0, True)  # -2 in the file
    assert (runner["TR-42-BLK-R"].stock, runner["TR-42-BLK-R"].backorder) == (5, False)


# --- status and gift cards ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "published", "expected"),
    [
        ("active", "TRUE", ProductStatus.ACTIVE),
        ("Draft", "FALSE", ProductStatus.DRAFT),
        ("archived", "FALSE", ProductStatus.ARCHIVED),
        ("active", "FALSE", ProductStatus.DRAFT),  # active, but hidden from the online store
        ("", "FALSE", ProductStatus.DRAFT),  # exports from before the Status column
        ("", "TRUE", None),
        ("", "", None),
    ],
)
def test_the_status_of_the_export_is_staged(
    status: str, published: str, expected: ProductStatus | None
) -> None:
    products, errors = staged(export(first_row(Status=status, Published=published), next_row()))

    assert errors == []
    assert products["tee"].product_status is expected


@pytest.mark.parametrize(
    ("fields", "column", "message"),
    [
        ({"Status": "pending"}, "status", "The Status must be active, draft or archived."),
        ({"Published": "yes please"}, "published", "Published must be TRUE or FALSE."),
    ],
)
def test_an_unknown_status_is_reported(fields: dict[str, str], column: str, message: str) -> None:
    products, errors = staged(export(first_row(**fields)))

    assert products == {}
    assert [(e.row, e.column, e.message) for e in errors] == [(2, column, message)]


def test_a_gift_card_is_refused_whatever_its_status_and_the_rest_is_staged() -> None:
    products, errors = staged(EXPORT)

    assert "gift-card" not in products
    assert sorted(products) == [
        "linen-shirt",
        "rain-jacket",
        "stoneware-mug",
        "trail-runner",
        "wool-scarf-2022",
    ]
    assert [(e.row, e.column, e.value, e.message) for e in errors] == [
        (11, "gift card", "TRUE", GIFT_CARD_MESSAGE)
    ]
    active, active_errors = staged(export(first_row("card", **{"Gift Card": "true"})))
    assert active == {}
    assert [e.column for e in active_errors] == ["gift card"]


# --- publishing ---------------------------------------------------------------------------------------


def row_of(handle: str) -> StagedProduct:
    products, _ = staged(EXPORT)
    return products[handle]


@pytest.mark.parametrize(
    ("handle", "requested", "expected"),
    [
        ("rain-jacket", ProductStatus.ACTIVE, ProductStatus.DRAFT),
        ("wool-scarf-2022", ProductStatus.ACTIVE, ProductStatus.ARCHIVED),
        ("wool-scarf-2022", ProductStatus.DRAFT, ProductStatus.ARCHIVED),
        ("linen-shirt", ProductStatus.ACTIVE, ProductStatus.ACTIVE),
        ("linen-shirt", ProductStatus.DRAFT, ProductStatus.DRAFT),
    ],
)
def test_a_product_the_file_hides_is_published_hidden(
    handle: str, requested: ProductStatus, expected: ProductStatus
) -> None:
    built = product_input([row_of(handle)], None, ProductOverride(), requested, "en")

    assert built.status is expected


def test_a_staff_override_decides_the_status_of_its_product() -> None:
    built = product_input(
        [row_of("rain-jacket")],
        None,
        ProductOverride(status=ProductStatus.ACTIVE),
        ProductStatus.ACTIVE,
        "en",
    )

    assert built.status is ProductStatus.ACTIVE


def test_published_variants_keep_their_names_stock_and_backorder() -> None:
    built = product_input([row_of("trail-runner")], None, ProductOverride(), ProductStatus.ACTIVE, "en")

    assert [(v.sku, v.label, v.stock, v.backorder) for v in built.variants] == [
        ("TR-42-BLK-R", "42 / Black / Regular", 5, False),
        ("TR-43-BLK-W", "43 / Black / Wide", 0, True),
        ("TR-44-GRY-R", "44 / Grey / Regular", 0, True),
    ]
    assert [list(v.options) for v in built.variants] == [["Size", "Colour", "Width"]] * 3


def test_staged_rows_from_before_the_new_fields_still_publish() -> None:
    # Rows staged before product_status and backorder existed (up to ORION_IMPORT_STAGING_TTL_DAYS old)
    old = StagedProduct.model_validate(
        {
            "job_id": "JOB",
            "external_id": "tee",
            "language": "en",
            "row": 2,
            "title": "Tee",
            "price_minor": 2000,
            "currency": "EUR",
            "variants": [{"sku": "TEE-1", "options": {"Size": "S"}, "price_minor": 2000, "stock": 3}],
        }
    )

    built = product_input([old], None, ProductOverride(), ProductStatus.ACTIVE, "en")

    assert built.status is ProductStatus.ACTIVE
    assert [(v.sku, v.stock, v.backorder) for v in built.variants] == [("TEE-1", 3, False)]
