"""Row validation: prices, availability, GTINs and links as feeds write them."""

from __future__ import annotations

import pytest

from orion.imports.models import RecordBatch, RowError, SourceRecord, StagedProduct
from orion.imports.rows import gtin_is_valid, invalid_gtins, parse_price, stage_batch, validate_record
from tests.feeds import gtin13


@pytest.mark.parametrize(
    ("text", "minor"),
    [
        ("12.50 EUR", 1250),
        ("12,50", 1250),
        ("12,5", 1250),
        ("EUR 1.234,56", 123456),
        ("1,234.56", 123456),
        ("1 234,56 €", 123456),
        ("€9", 900),
        ("0.99", 99),
        ("1,234", 123400),
    ],
)
def test_prices_in_the_shapes_feeds_use_become_minor_units(text: str, minor: int) -> None:
    assert parse_price(text, "EUR") == minor


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("cheap", "is not a price"),
        ("12 USD", "is in USD, but the store sells in EUR"),
        ("-3", "must not be negative"),
        ("1.999", "has more than two decimals"),
        ("12 EUR EUR", "has more than one currency"),
        ("", "is not a price"),
    ],
)
def test_bad_prices_say_what_is_wrong(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_price(text, "EUR")


def test_gtin_check_digits_are_verified() -> None:
    assert gtin_is_valid("4006381333931")
    assert gtin_is_valid("96385074")
    assert gtin_is_valid(gtin13(42))
    assert not gtin_is_valid("4006381333932")
    assert not gtin_is_valid("400638133393")
    assert not gtin_is_valid("40063813339x1")


def record(**fields: str) -> SourceRecord:
    return SourceRecord(
        row=7, external_id="A", language="fr", fields={"title": "Chaise", "price": "5", **fields}
    )


def errors_of(result: StagedProduct | list[RowError]) -> dict[str, str]:
    assert isinstance(result, list), result
    return {error.column: error.message for error in result}


def test_a_valid_row_becomes_a_staged_product() -> None:
    result = validate_record(
        record(
            availability="out of stock",
            gtin="4006381333931",
            link="https://x.lu/a",
            image_link="https://x.lu/a.jpg",
            additional_image_link="https://x.lu/b.jpg,https://x.lu/c.jpg",
            sale_price="4,00 EUR",
        ),
        "JOB",
        "EUR",
    )
    assert isinstance(result, StagedProduct)
    assert (result.price_minor, result.sale_price_minor, result.availability) == (500, 400, "out_of_stock")
    assert result.image_links == ["https://x.lu/a.jpg", "https://x.lu/b.jpg", "https://x.lu/c.jpg"]


@pytest.mark.parametrize(
    ("fields", "column", "message"),
    [
        (
            {"availability": "maybe"},
            "availability",
            "Availability must be one of: in stock, out of stock, preorder, backorder.",
        ),
        (
            {"gtin": "4006381333932"},
            "gtin",
            "is not a valid GTIN (8, 12, 13 or 14 digits with a correct check digit)",
        ),
        ({"link": "javascript:alert(1)"}, "link", "is not an absolute http(s) URL"),
        ({"image_link": "/img/a.jpg"}, "image_link", "is not an absolute http(s) URL"),
        ({"title": ""}, "title", "String should have at least 1 character"),
        ({"price": ""}, "price", "The price is empty."),
        ({"currency": "USD"}, "currency", "The store sells in EUR; prices in USD cannot be imported."),
        ({"tax_class": "zero"}, "tax_class", "must be one of: standard, reduced, super_reduced."),
    ],
)
def test_invalid_fields_are_reported_by_column(fields: dict[str, str], column: str, message: str) -> None:
    found = errors_of(validate_record(record(**fields), "JOB", "EUR"))
    assert message in found[column]


def test_every_problem_of_a_row_is_reported_at_once() -> None:
    found = errors_of(validate_record(record(price="x", availability="maybe"), "JOB", "EUR"))
    assert set(found) == {"price", "availability"}


def test_description_html_is_sanitised() -> None:
    result = validate_record(
        record(description="<p>Hi <b>there</b><script>alert(1)</script></p>"), "JOB", "EUR"
    )
    assert isinstance(result, StagedProduct)
    assert result.description == "<p>Hi <b>there</b></p>"


def batch(*fields: dict[str, str]) -> RecordBatch:
    return RecordBatch.of(
        [SourceRecord(row=2 + i, external_id=f"P{i}", language="fr", fields=f) for i, f in enumerate(fields)]
    )


def test_a_bad_row_in_a_chunk_rejects_only_that_row() -> None:
    rows = [{"title": f"Chaise {n}", "price": "12,50 EUR", "link": f"https://x.lu/{n}"} for n in range(5)]
    rows[3] = {"title": "", "price": "12 USD", "link": "ftp://x.lu/3"}

    staged = stage_batch(batch(*rows), "JOB", "EUR")

    assert [p["external_id"] for p in staged.products] == ["P0", "P1", "P2", "P4"]
    assert {(e.row, e.column) for e in staged.errors[3]} == {(5, "title"), (5, "price"), (5, "link")}
    assert list(staged.errors) == [3]


@pytest.mark.parametrize(
    "prices",
    [
        ["12.50 EUR", "12,5", "7", "0.99", "1234567.89"],  # every price in a common shape
        ["12.50 EUR", "1.234,56 €", "€9", "1,234.56", "EUR 3"],  # some need the general reader
    ],
)
def test_a_column_of_prices_reads_as_each_price_alone(prices: list[str]) -> None:
    staged = stage_batch(batch(*({"title": "T", "price": p} for p in prices)), "JOB", "EUR")

    assert [p["price_minor"] for p in staged.products] == [parse_price(p, "EUR") for p in prices]


def test_one_price_too_large_is_rejected_even_among_common_shapes() -> None:
    staged = stage_batch(
        batch({"title": "T", "price": "5"}, {"title": "T", "price": "999999999999"}), "J", "EUR"
    )

    assert len(staged.products) == 1
    assert [e.message for e in staged.errors[1]] == ["The price is too large."]


def test_blank_optional_fields_are_absent_and_filled_ones_kept() -> None:
    staged = stage_batch(
        batch({"title": "A", "price": "1", "brand": "Wiza"}, {"title": "B", "price": "2", "brand": ""}),
        "J",
        "EUR",
    )
    assert [(p["brand"], p["mpn"], p["variants"], p["image_links"]) for p in staged.products] == [
        ("Wiza", None, (), []),
        (None, None, (), []),
    ]
    assert [StagedProduct.model_validate(p).brand for p in staged.products] == ["Wiza", None]


def test_a_tax_class_column_is_read_in_any_case_and_a_blank_cell_says_nothing() -> None:
    rows = [{"title": t, "price": "1", "tax_class": c} for t, c in (("A", "Reduced"), ("B", ""))]
    staged = stage_batch(batch(*rows), "J", "EUR")
    assert [p["tax_class"] for p in staged.products] == ["reduced", None]
    assert StagedProduct.model_validate(staged.products[0]).tax_class == "reduced"
    without = stage_batch(batch({"title": "C", "price": "3"}), "J", "EUR").products[0]
    assert StagedProduct.model_validate(without).tax_class is None


def test_a_chunk_without_a_title_column_names_the_missing_field() -> None:
    staged = stage_batch(batch({"price": "1"}, {"price": "2"}), "J", "EUR")

    assert staged.products == []
    assert [(e.column, e.message) for e in staged.errors[0]] == [("title", "Field required")]


@pytest.mark.parametrize(
    "column",
    [
        [gtin13(n) for n in range(1, 40)],
        [gtin13(n) for n in range(1, 20)] + ["4006381333932"] + [gtin13(n) for n in range(20, 30)],
        ["96385074", "96385075", "40123455"],  # GTIN-8: one column length, one bad check digit
        [gtin13(1), "", gtin13(2)],  # a blank: checked one by one
        [gtin13(1), "96385074", "036000291452", "00012345600012", "12345"],  # mixed lengths
        ["400638133393x", gtin13(3)],
        ["４００６３８１３３３９３１", gtin13(3)],  # full-width digits are digits to str.isdigit, not to us
    ],
)
def test_a_column_of_gtins_is_checked_as_each_gtin_alone(column: list[str]) -> None:
    expected = [i for i, value in enumerate(column) if value and not gtin_is_valid(value)]
    assert invalid_gtins(column) == expected
    assert all(not gtin_is_valid(column[i]) for i in expected)


def test_a_variant_option_longer_than_a_product_may_hold_is_reported_at_staging() -> None:
    variant = {"row": "8", "sku": "CH-1", "price": "5", "option1_name": "Colour", "option1_value": "x" * 101}
    fine = {"row": "9", "sku": "CH-2", "price": "6", "option1_name": "Colour", "option1_value": "Blue"}
    shopify = SourceRecord(
        row=7, external_id="A", language="fr", fields={"title": "Chaise"}, variants=[variant]
    )
    other = SourceRecord(row=9, external_id="B", language="fr", fields={"title": "Table"}, variants=[fine])
    staged = stage_batch(RecordBatch.of([shopify, other]), "JOB", "EUR")
    assert [p["external_id"] for p in staged.products] == ["B"]
    errors = [error for batch in staged.errors.values() for error in batch]
    assert [(e.row, e.column) for e in errors] == [(8, "option value")]
    assert "at most 100" in errors[0].message


def test_digits_of_other_scripts_are_not_a_price_in_a_column_or_alone() -> None:
    # Arabic-Indic digits match \d but are no price a feed means: reported, never a crash.
    staged = stage_batch(RecordBatch.of([record(price="12.\u0665"), record(price="3")]), "JOB", "EUR")
    assert [p["price_minor"] for p in staged.products] == [300]
    assert [e.column for errors in staged.errors.values() for e in errors] == ["price"]
    with pytest.raises(ValueError, match="is not a price"):
        parse_price("\u0661\u0662", "EUR")
