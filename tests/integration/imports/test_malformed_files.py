"""Malformed uploads: each ends in a final status with a message a merchant can act on, never RUNNING,
and never writes anything outside the uploading store."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import boto3
import pytest

from infra.wiring import LOCAL_REGION
from orion.imports.models import ImportJob, ImportStatus
from orion.imports.service import staged_products
from tests.feeds import FEED_HEADER, feed_rows, letzshop_feed
from tests.integration.imports.conftest import WIZAMART, Uploader

pytestmark = pytest.mark.usefixtures("pipeline")


def tsv(*rows: list[str] | tuple[str, ...]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter="\t", lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode()


def report(job: ImportJob) -> list[list[str]]:
    assert job.report_key, "the job has no error report"
    body = boto3.client("s3", region_name=LOCAL_REGION).get_object(Bucket="orion-reports", Key=job.report_key)
    raw = body["Body"].read()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def staged(job: ImportJob) -> dict[str, object]:
    return {p.external_id: p for p in staged_products(WIZAMART, job.id)}


@pytest.fixture(autouse=True)
def _nothing_outside_the_store(upload: Uploader) -> Iterator[None]:
    yield
    table = boto3.client("dynamodb", region_name=LOCAL_REGION)
    for page in table.get_paginator("scan").paginate(TableName="orion"):
        for item in page["Items"]:
            if item.get("kind", {}).get("S", "").startswith("Import"):
                assert item["PK"]["S"].startswith("P#oms#S#wizamart#IMPORT#")
    s3 = boto3.client("s3", region_name=LOCAL_REGION)
    for bucket, prefixes in (
        ("orion-uploads", ("uploads/oms/wizamart/", "work/oms/wizamart/")),
        ("orion-reports", ("imports/oms/wizamart/",)),
    ):
        for obj in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
            assert obj["Key"].startswith(prefixes)


def test_an_empty_file_fails_with_a_message(upload: Uploader) -> None:
    job = upload(b"", "feed_fr.tsv")
    assert job.status is ImportStatus.FAILED
    assert job.message == "The file is empty."


def test_a_header_without_rows_fails(upload: Uploader) -> None:
    job = upload(tsv(FEED_HEADER), "feed_fr.tsv")
    assert job.status is ImportStatus.FAILED
    assert job.message == "The file has a header but no product rows."
    assert job.counts.rows == 0


def test_an_unknown_format_fails_and_names_the_expected_ones(upload: Uploader) -> None:
    job = upload(b"name,colour,weight\nchair,red,3\n", "feed.csv")
    assert job.status is ImportStatus.FAILED
    assert job.message
    assert job.message.startswith("Unknown file format")
    assert "Shopify" in job.message
    assert "Letzshop" in job.message


def test_a_binary_file_fails(upload: Uploader) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    job = upload(png, "feed.csv")
    assert job.status is ImportStatus.FAILED
    assert job.message == "This is not a CSV or TSV text file (it contains binary data)."


def test_a_declared_format_that_does_not_match_fails(upload: Uploader) -> None:
    from orion.imports.models import ImportFormat

    job = upload(letzshop_feed(2), "feed_fr.tsv", declared=ImportFormat.SHOPIFY)
    assert job.status is ImportStatus.FAILED
    assert job.message
    assert "does not match the shopify format" in job.message


def test_windows_1252_accents_are_read_correctly(upload: Uploader) -> None:
    content = "id;title;price\nA1;Chaise à bascule été;12,50 €\n".encode("cp1252")
    job = upload(content, "feed_fr.csv")
    assert job.status is ImportStatus.COMPLETED, job.message
    product = staged(job)["A1"]
    assert product.title == "Chaise à bascule été"  # type: ignore[attr-defined]
    assert product.price_minor == 1250  # type: ignore[attr-defined]


def test_a_utf8_bom_does_not_hide_the_first_column(upload: Uploader) -> None:
    job = upload(b"\xef\xbb\xbf" + letzshop_feed(3, "de", delimiter=","), "feed_de.csv")
    assert job.status is ImportStatus.COMPLETED, job.message
    assert sorted(staged(job)) == ["WZ-00001", "WZ-00002", "WZ-00003"]


def test_ragged_rows_are_rejected_and_the_rest_imported(upload: Uploader) -> None:
    content = tsv(("id", "title", "price"), ("A", "Chair", "5"), ("B", "Table"), ("C", "Lamp", "7", "oops"))
    job = upload(content, "feed_fr.tsv")
    assert job.status is ImportStatus.COMPLETED_WITH_ERRORS
    assert job.counts.model_dump() == {"rows": 3, "accepted": 1, "rejected": 2, "duplicates": 0}
    rows = report(job)
    assert rows[1] == ["3", "", "", "The row has 2 cells but the header has 3 columns."]
    assert rows[2] == ["4", "", "", "The row has 4 cells but the header has 3 columns."]


def test_quoted_fields_may_span_lines(upload: Uploader) -> None:
    content = b'id,title,description,price\nA,Chair,"line one\nline two, with comma",5\nB,Table,x,oops\n'
    job = upload(content, "feed_fr.csv")
    assert job.status is ImportStatus.COMPLETED_WITH_ERRORS
    assert staged(job)["A"].description == "line one\nline two, with comma"  # type: ignore[attr-defined]
    assert report(job)[1][:3] == ["3", "price", "oops"]  # spreadsheet row 3, not physical line 4


def test_a_one_megabyte_cell_rejects_only_its_row(upload: Uploader) -> None:
    content = tsv(
        ("id", "title", "description", "price"), ("A", "Chair", "x" * 1_048_576, "5"), ("B", "Lamp", "", "7")
    )
    job = upload(content, "feed_fr.tsv")
    assert job.status is ImportStatus.COMPLETED_WITH_ERRORS
    assert sorted(staged(job)) == ["B"]
    row = report(job)[1]
    assert row[0:2] == ["2", "description"]
    assert row[3] == "The value is too long (1048576 characters; the limit is 100000)."


def test_duplicate_ids_keep_the_last_row_and_are_reported(upload: Uploader) -> None:
    first, second = feed_rows(2, "fr")
    again = list(first)
    again[1] = "Chaise (corrigée)"
    job = upload(tsv(FEED_HEADER, first, second, again), "feed_fr.tsv")
    assert job.status is ImportStatus.COMPLETED_WITH_ERRORS
    assert job.counts.model_dump() == {"rows": 3, "accepted": 2, "rejected": 0, "duplicates": 1}
    assert staged(job)["WZ-00001"].title == "Chaise (corrigée)"  # type: ignore[attr-defined]
    assert report(job)[1] == [
        "2",
        "id",
        "WZ-00001",
        "Duplicate id: row 4 has the same id and language and replaces this row.",
    ]


def test_bad_prices_reject_their_rows_with_the_reason(upload: Uploader) -> None:
    content = tsv(
        ("id", "title", "price"),
        ("A", "Ok", "12.50 EUR"),
        ("B", "Words", "cheap"),
        ("C", "Dollars", "12 USD"),
        ("D", "Negative", "-3"),
        ("E", "Fractions", "1.999"),
        ("F", "Comma", "12,50"),
    )
    job = upload(content, "feed_fr.tsv")
    assert job.status is ImportStatus.COMPLETED_WITH_ERRORS
    assert sorted(staged(job)) == ["A", "F"]
    messages = {row[0]: row[3] for row in report(job)[1:]}
    assert messages == {
        "3": "The price is not a price (examples: 12.50 EUR, 12,50).",
        "4": "The price is in USD, but the store sells in EUR.",
        "5": "The price must not be negative.",
        "6": "The price has more than two decimals.",
    }


def test_formula_cells_are_escaped_in_the_report(upload: Uploader) -> None:
    content = tsv(
        ("id", "title", "price"),
        ("A", "Chair", '=HYPERLINK("http://evil","x")'),
        ("B", "Table", "+1"),
        ("C", "Lamp", "@SUM(A1)"),
        ("D", "Desk", "-1+2"),
    )
    job = upload(content, "feed_fr.tsv")
    assert job.status is ImportStatus.FAILED
    assert job.message == "None of the 4 rows could be imported; see the error report."
    values = [row[2] for row in report(job)[1:]]
    assert values == ['\'=HYPERLINK("http://evil","x")', "'+1", "'@SUM(A1)", "'-1+2"]
