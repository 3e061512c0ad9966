"""Reading files: encodings, delimiters, format detection and records, as merchants' files really are."""

from __future__ import annotations

import io

import pytest

from orion.imports.errors import UnreadableFile
from orion.imports.formats import (
    FileShape,
    ReadOptions,
    inspect_file,
    language_from_file_name,
    read_records,
)
from orion.imports.models import ImportFormat, RowError, SourceRecord
from tests.feeds import letzshop_feed, shopify_export


def shape_of(content: bytes, declared: ImportFormat = ImportFormat.AUTO) -> FileShape:
    return inspect_file(io.BytesIO(content), declared)


def records(content: bytes, language: str = "fr", max_cell: int = 1000) -> list[SourceRecord | RowError]:
    shape = shape_of(content)
    text = io.TextIOWrapper(io.BytesIO(content), encoding=shape.encoding, newline="")
    return list(read_records(text, shape, ReadOptions(language=language, max_cell_chars=max_cell)))


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        ("id,title,price\n1,Café,2\n".encode(), "utf-8"),
        ("\ufeffid,title,price\n1,Café,2\n".encode(), "utf-8-sig"),
        ("id,title,price\n1,Café,2\n".encode("cp1252"), "cp1252"),
    ],
)
def test_the_encoding_is_detected(content: bytes, encoding: str) -> None:
    shape = shape_of(content)
    assert shape.encoding == encoding
    (record,) = records(content)
    assert isinstance(record, SourceRecord)
    assert record.fields["title"] == "Café"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"  \n\n", "The file is empty."),
        (b"\x00\x01\x02binary", "This is not a CSV or TSV text file (it contains binary data)."),
        ("id,title".encode("utf-16"), "The file is UTF-16 text; save it as UTF-8 CSV and upload it again."),
        (
            b"just some words\n",
            "The first line has no tab, comma or semicolon: this is not a CSV/TSV header.",
        ),
        (b"id,title,title,price\n", "The header names a column twice."),
    ],
)
def test_unreadable_files_are_refused_with_a_message(content: bytes, message: str) -> None:
    with pytest.raises(UnreadableFile) as raised:
        shape_of(content)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("header", "fmt", "delimiter"),
    [
        ("id\ttitle\tprice\tlink", ImportFormat.LETZSHOP, "\t"),
        ("g:id,g:title,g:price", ImportFormat.LETZSHOP, ","),
        ("ID;Title;Price", ImportFormat.LETZSHOP, ";"),
        ("Handle,Title,Body (HTML),Variant SKU,Variant Price", ImportFormat.SHOPIFY, ","),
        ("external_id,language,title,price", ImportFormat.ORION, ","),
    ],
)
def test_the_format_and_delimiter_come_from_the_header(
    header: str, fmt: ImportFormat, delimiter: str
) -> None:
    shape = shape_of(f"{header}\n".encode())
    assert (shape.format, shape.delimiter) == (fmt, delimiter)


def test_an_unknown_header_names_the_formats_we_read() -> None:
    with pytest.raises(UnreadableFile, match="Unknown file format"):
        shape_of(b"name,colour\nchair,red\n")


@pytest.mark.parametrize(
    ("name", "language"),
    [
        ("letzshop_fr.tsv", "fr"),
        ("feed-de.csv", "de"),
        ("products.en.csv", "en"),
        ("catalogue.csv", None),
        ("french.csv", None),
    ],
)
def test_the_language_can_come_from_the_file_name(name: str, language: str | None) -> None:
    assert language_from_file_name(name) == language


def test_rows_are_numbered_as_a_spreadsheet_shows_them() -> None:
    content = b'id,title,description,price\nA,Chair,"two\nlines",5\n\nB,Table,,6\n'
    found = records(content)
    assert [(r.external_id, r.row) for r in found if isinstance(r, SourceRecord)] == [("A", 2), ("B", 4)]


def test_trailing_empty_cells_are_tolerated_but_other_ragged_rows_rejected() -> None:
    content = b"id,title,price\nA,Chair,5,,\nB,Table\nC,Lamp,7,extra\n"
    found = records(content)
    assert isinstance(found[0], SourceRecord)
    assert [(e.row, e.message) for e in found[1:] if isinstance(e, RowError)] == [
        (3, "The row has 2 cells but the header has 3 columns."),
        (4, "The row has 4 cells but the header has 3 columns."),
    ]


def test_a_cell_over_the_limit_rejects_its_row() -> None:
    content = b"id,title,price\nA," + b"x" * 1001 + b",5\nB,Ok,6\n"
    too_long, ok = records(content, max_cell=1000)
    assert isinstance(too_long, RowError)
    assert too_long.column == "title"
    assert too_long.message == "The value is too long (1001 characters; the limit is 1000)."
    assert isinstance(ok, SourceRecord)


def test_a_language_column_overrides_the_file_language() -> None:
    content = b"external_id,language,title,price\nA,de,Stuhl,5\nB,,Chaise,5\nC,it,Sedia,5\n"
    a, b, c = records(content, language="fr")
    assert isinstance(a, SourceRecord)
    assert a.language == "de"
    assert isinstance(b, SourceRecord)
    assert b.language == "fr"
    assert isinstance(c, RowError)
    assert c.column == "language"


def test_a_feed_maps_to_canonical_fields() -> None:
    (record,) = records(letzshop_feed(1))
    assert isinstance(record, SourceRecord)
    assert record.external_id == "WZ-00001"
    assert record.fields["category"] == "Furniture > Chairs"
    assert record.fields["image_link"] == "https://cdn.wizamart.lu/img/1.jpg"


def test_a_tax_class_column_is_read_from_a_feed_and_an_orion_csv() -> None:
    feed, orion = records(b"id\ttitle\tprice\tg:tax_class\nA\tChaise\t5\treduced\n") + records(
        b"external_id,title,price,tax_class\nB,Chaise,5,super_reduced\n"
    )
    assert isinstance(feed, SourceRecord) and isinstance(orion, SourceRecord)
    assert (feed.fields["tax_class"], orion.fields["tax_class"]) == ("reduced", "super_reduced")


def test_shopify_rows_of_one_handle_become_one_product_with_variants() -> None:
    tee, mug = records(shopify_export(), language="en")
    assert isinstance(tee, SourceRecord)
    assert isinstance(mug, SourceRecord)
    assert tee.external_id == "tee"
    assert tee.row == 2
    assert [v["sku"] for v in tee.variants] == ["TEE-BLU-M", "TEE-BLU-L", "TEE-GRN-M", "TEE-GRN-L"]
    assert (
        tee.fields["image_links"]
        == "https://cdn.wizamart.lu/tee-blue.jpg|https://cdn.wizamart.lu/tee-back.jpg"
    )
    assert mug.row == 6
    assert len(mug.variants) == 1


@pytest.mark.parametrize(
    ("name", "fmt", "count"),
    [
        ("letzshop_fr.tsv", ImportFormat.LETZSHOP, 8),
        ("letzshop_de.tsv", ImportFormat.LETZSHOP, 8),
        ("orion_native.csv", ImportFormat.ORION, 3),
    ],
)
def test_the_sample_files_of_the_readme_read_without_errors(name: str, fmt: ImportFormat, count: int) -> None:
    from orion.imports.rows import validate_record
    from tests.feeds import DATA

    content = (DATA / name).read_bytes()
    assert shape_of(content).format is fmt
    found = records(content, language=name[-6:-4] if fmt is ImportFormat.LETZSHOP else "en", max_cell=100_000)
    assert len(found) == count
    for record in found:
        assert isinstance(record, SourceRecord)
        assert not isinstance(validate_record(record, "JOB", "EUR"), list)
