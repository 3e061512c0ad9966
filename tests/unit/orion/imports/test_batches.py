"""Reading a file in batches: the fast row splitter reads what csv.reader reads, batches keep every
record and error in file order, and a chunk file gives back exactly the batch that was written."""

from __future__ import annotations

import csv
import io

import pytest

from orion.imports.formats import ReadOptions, inspect_file, read_batches, split_rows
from orion.imports.models import RecordBatch, RowError, SourceRecord
from tests.feeds import letzshop_feed, shopify_export

TRICKY_TEXTS = [
    "a,b,c\n1,2,3\n",
    "a,b,c\r\n1,2,3\r\n4,5,6",  # Windows line ends, no final line break
    "a,b,c\r1,2,3\r",  # old Mac line ends
    'a,b,c\n1,"two, with comma",3\n4,5,6\n',
    'a,b,c\n1,"line one\nline two",3\n4,"x""y",6\n',  # a quoted cell across lines, a doubled quote
    'a,b,c\n1,"spans\r\nCRLF lines\r\n",3\r\n',
    "a,b,c\n\n\n1,2,3\n   \n",  # blank lines
    "a,b,c\n1,2\n1,2,3,4\n",  # ragged
    'a,b,c\n1,ab"c,3\n',  # a stray quote inside an unquoted cell
    "a,b,c\n1,,\n,,\n",
    "a\tb\tc\n1\t2, not a delimiter\t3\n",
]


@pytest.mark.parametrize("text", TRICKY_TEXTS)
def test_the_row_splitter_reads_what_csv_reader_reads(text: str) -> None:
    delimiter = "\t" if "\t" in text else ","
    expected = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    found = list(split_rows(io.StringIO(text, newline=""), delimiter))
    # csv.reader gives [] for a blank line and the splitter [""]: both are a blank row to the readers.
    assert [row if row != [""] else [] for row in found] == expected


def test_a_nul_is_read_as_the_csv_module_reads_it() -> None:
    text = "a,b\n1,\x002\n"
    expected = list(csv.reader(io.StringIO(text, newline="")))
    assert list(split_rows(io.StringIO(text, newline=""), ",")) == expected


def batches_of(content: bytes, size: int) -> list[tuple[RecordBatch, list[RowError]]]:
    shape = inspect_file(io.BytesIO(content))
    text = io.StringIO(content.decode(shape.encoding), newline="")
    return list(read_batches(text, shape, ReadOptions("fr", 1000, batch_records=size)))


def test_batches_hold_every_record_once_in_file_order_with_their_errors() -> None:
    no_id = ["", "No id"] + [""] * 11
    content = letzshop_feed(25, "fr", extra_rows=[no_id, ["WZ-99", "Ragged"]])

    found = batches_of(content, size=10)

    assert [len(batch) for batch, _ in found] == [10, 10, 5]
    rows = [row for batch, _ in found for row in batch.rows]
    assert rows == list(range(2, 27))
    errors = [error for _, errors in found for error in errors]
    assert [(e.row, e.column) for e in errors] == [(27, "id"), (28, "")]
    first = found[0][0]
    assert first.external_ids[:2] == ["WZ-00001", "WZ-00002"]
    assert first.languages == ["fr"] * 10
    assert dict(zip(first.columns, (v[0] for v in first.values), strict=True))["gtin"] == "5900000000015"


def test_cells_are_stripped_and_blank_rows_skipped() -> None:
    ((batch, errors),) = batches_of(b"id\ttitle\tprice\n  A1 \t Chair \t 5 \n\t\t\n", size=10)
    assert errors == []
    assert (batch.rows, batch.external_ids, batch.values) == ([2], ["A1"], [("Chair",), ("5",)])


def test_a_chunk_file_gives_back_the_batch_that_was_written() -> None:
    ((feed, _),) = batches_of(letzshop_feed(3, "de"), size=10)
    ((shopify, _),) = batches_of(shopify_export(), size=10)
    for batch in (feed, shopify):
        assert RecordBatch.from_json(batch.to_json()) == batch
    assert shopify.variants is not None
    assert [len(variants) for variants in shopify.variants] == [4, 1]


def test_batches_are_cut_and_joined_without_losing_a_record() -> None:
    ((batch, _),) = batches_of(letzshop_feed(7, "fr"), size=10)

    head, tail = batch.split(3)
    kept = batch.take([6, 0])
    head.extend(tail)

    assert (len(head), head.rows) == (7, batch.rows)
    assert head == batch
    assert kept.external_ids == ["WZ-00007", "WZ-00001"]
    assert [record.external_id for record in kept.records()] == ["WZ-00007", "WZ-00001"]


def test_records_and_batches_convert_both_ways() -> None:
    records = [
        SourceRecord(2, "A", "fr", {"title": " Chair ", "price": "5"}),
        SourceRecord(3, "B", "de", {"title": "Stuhl", "brand": "X"}),
    ]
    batch = RecordBatch.of(records)
    assert batch.columns == ("title", "price", "brand")
    assert batch.values == [("Chair", "Stuhl"), ("5", ""), ("", "X")]
    assert [r.fields for r in batch.records()] == [
        {"title": "Chair", "price": "5", "brand": ""},
        {"title": "Stuhl", "price": "", "brand": "X"},
    ]


def test_a_batch_whose_columns_disagree_with_its_rows_is_refused() -> None:
    with pytest.raises(ValueError, match="one value per record"):
        RecordBatch(("title",), [2, 3], ["A", "B"], ["fr", "fr"], [("only one",)])


@pytest.mark.parametrize("size", [1, 10])
def test_a_last_batch_of_only_unusable_rows_reports_them(size: int) -> None:
    # An Orion file whose language column comes after the id: the ragged last row leaves a batch with
    # errors and no records (it used to raise IndexError and fail the job with an internal error).
    content = b"external_id,title,price,language\nA,Mug,5,fr\nB,Cup\n"
    found = batches_of(content, size=size)
    records = [external_id for batch, _ in found for external_id in batch.external_ids]
    errors = [(error.row, error.message) for _, errors in found for error in errors]
    assert records == ["A"]
    assert errors == [(3, "The row has 2 cells but the header has 4 columns.")]
