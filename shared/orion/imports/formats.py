"""Reading catalogue files: encoding, delimiter, format detection and normalisation into records.

Three formats are understood, each mapped to the same canonical field names:

- Letzshop / Google Shopping product feeds (``id, title, description, link, image_link, price, ...``;
  tab-, comma- or semicolon-separated; ``g:`` prefixes allowed; one file per language),
- Shopify product exports (``Handle, Title, Body (HTML), ..., Variant Price``; the rows of one handle
  are one product and its variants),
- Orion native CSV (``external_id, language, title, price, ...``; see the README).

Everything here is pure: it reads text and yields :class:`SourceRecord` or :class:`RowError`.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO

from orion.imports.models import LANGUAGES, ImportFormat, RowError, SourceRecord

SNIFF_BYTES = 64 * 1024
# The csv module's own cap on one field; cells above our (smaller) limit are rejected per row.
CSV_FIELD_LIMIT = 64 * 1024 * 1024


class UnreadableFile(ValueError):
    """The file as a whole cannot be imported; the message is shown to the merchant."""


@dataclass(frozen=True)
class FileShape:
    """What prepare learned about a file before reading its rows."""

    format: ImportFormat
    encoding: str  # a Python codec name: utf-8, utf-8-sig or cp1252
    delimiter: str
    header: tuple[str, ...]

    @property
    def encoding_label(self) -> str:
        return {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 with BOM", "cp1252": "Windows-1252"}[self.encoding]


# --- canonical columns per format ---------------------------------------------------------------

FEED_COLUMNS = {
    "id": "external_id",
    "title": "title",
    "description": "description",
    "link": "link",
    "image_link": "image_link",
    "additional_image_link": "additional_image_link",
    "availability": "availability",
    "price": "price",
    "sale_price": "sale_price",
    "brand": "brand",
    "gtin": "gtin",
    "mpn": "mpn",
    "condition": "condition",
    "google_product_category": "category",
    "product_type": "product_type",
    "item_group_id": "item_group_id",
    "language": "language",
}
FEED_REQUIRED = ("id", "title", "price")

SHOPIFY_PRODUCT_COLUMNS = {
    "handle": "external_id",
    "title": "title",
    "body (html)": "description",
    "vendor": "brand",
    "product category": "category",
    "type": "product_type",
    "status": "status",
    "image src": "image_link",
}
SHOPIFY_VARIANT_COLUMNS = {
    "variant sku": "sku",
    "variant price": "price",
    "variant compare at price": "compare_at_price",
    "variant inventory qty": "stock",
    "variant barcode": "gtin",
    "option1 name": "option1_name",
    "option1 value": "option1_value",
    "option2 name": "option2_name",
    "option2 value": "option2_value",
    "option3 name": "option3_name",
    "option3 value": "option3_value",
}
SHOPIFY_REQUIRED = ("handle", "title", "variant price")

ORION_COLUMNS = {
    "external_id": "external_id",
    "language": "language",
    "title": "title",
    "description": "description",
    "price": "price",
    "sale_price": "sale_price",
    "currency": "currency",
    "availability": "availability",
    "brand": "brand",
    "gtin": "gtin",
    "mpn": "mpn",
    "condition": "condition",
    "link": "link",
    "image_links": "image_links",
    "category": "category",
    "item_group_id": "item_group_id",
}
ORION_REQUIRED = ("external_id", "title", "price")

REQUIRED = {
    ImportFormat.LETZSHOP: FEED_REQUIRED,
    ImportFormat.SHOPIFY: SHOPIFY_REQUIRED,
    ImportFormat.ORION: ORION_REQUIRED,
}


def normalise_header_name(name: str) -> str:
    name = name.strip().strip('"').strip().lower()
    return name[2:] if name.startswith("g:") else name


# --- encoding, delimiter, format ----------------------------------------------------------------


def detect_encoding(stream: IO[bytes]) -> str:
    """UTF-8 (with or without BOM) if the whole stream decodes as UTF-8, else Windows-1252.

    Reads the stream once, in blocks; the caller rewinds it. Binary data fails with a clear message.
    """
    head = stream.read(SNIFF_BYTES)
    if not head.strip():
        raise UnreadableFile("The file is empty.")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UnreadableFile("The file is UTF-16 text; save it as UTF-8 CSV and upload it again.")
    if b"\x00" in head:
        raise UnreadableFile("This is not a CSV or TSV text file (it contains binary data).")
    decoder = codecs.getincrementaldecoder("utf-8")()
    block = head
    try:
        while block:
            decoder.decode(block)
            block = stream.read(1024 * 1024)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return _check_cp1252(head)
    return "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"


def _check_cp1252(head: bytes) -> str:
    try:
        head.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise UnreadableFile("The file is neither UTF-8 nor Windows-1252 text.") from exc
    return "cp1252"


def detect_delimiter(header_line: str) -> str:
    """The separator of the header line: tab, comma or semicolon (whichever occurs most)."""
    counts = {delimiter: header_line.count(delimiter) for delimiter in ("\t", ",", ";")}
    delimiter, count = max(counts.items(), key=lambda item: item[1])
    if count == 0:
        raise UnreadableFile("The first line has no tab, comma or semicolon: this is not a CSV/TSV header.")
    return delimiter


def detect_format(header: Iterable[str], declared: ImportFormat = ImportFormat.AUTO) -> ImportFormat:
    """The format whose required columns the header has (the declared one must match too)."""
    names = {normalise_header_name(name) for name in header}
    matching = [fmt for fmt, required in REQUIRED.items() if all(column in names for column in required)]
    if declared is not ImportFormat.AUTO:
        if declared in matching:
            return declared
        missing = [column for column in REQUIRED[declared] if column not in names]
        raise UnreadableFile(
            f"The header does not match the {declared.value} format: missing column(s) {', '.join(missing)}."
        )
    for fmt in (ImportFormat.SHOPIFY, ImportFormat.ORION, ImportFormat.LETZSHOP):
        if fmt in matching:
            return fmt
    raise UnreadableFile(
        "Unknown file format. Expected a Letzshop/Google Shopping feed (id, title, price, ...), "
        "a Shopify product export (Handle, Title, Variant Price, ...) or an Orion CSV "
        "(external_id, title, price, ...)."
    )


def inspect_file(stream: IO[bytes], declared: ImportFormat = ImportFormat.AUTO) -> FileShape:
    """Encoding, delimiter, header and format of a seekable byte stream (rewound afterwards)."""
    encoding = detect_encoding(stream)
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    try:
        first_line = text.readline()
        while first_line and not first_line.strip():
            first_line = text.readline()
    finally:
        text.detach()
    stream.seek(0)
    delimiter = detect_delimiter(first_line)
    header = next(csv.reader([first_line], delimiter=delimiter))
    if len({normalise_header_name(name) for name in header if name.strip()}) != len(
        [name for name in header if name.strip()]
    ):
        raise UnreadableFile("The header names a column twice.")
    return FileShape(detect_format(header, declared), encoding, delimiter, tuple(header))


def language_from_file_name(file_name: str) -> str | None:
    """``feed_fr.tsv``, ``letzshop-de.csv``, ``products.en.csv`` -> the language; else ``None``."""
    stem = file_name.rsplit("/", 1)[-1].rsplit(".", 1)[0].lower()
    match = re.search(r"(?:^|[_.\-\s])(fr|de|en)$", stem)
    return match.group(1) if match else None


# --- rows -> records ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReadOptions:
    language: str
    max_cell_chars: int


def read_records(text: IO[str], shape: FileShape, options: ReadOptions) -> Iterator[SourceRecord | RowError]:
    """Every product of the file, in file order, or the row's error when a row cannot be read."""
    csv.field_size_limit(CSV_FIELD_LIMIT)
    reader = csv.reader(text, delimiter=shape.delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return
    names = [normalise_header_name(name) for name in header]
    rows = _checked_rows(reader, names, options.max_cell_chars)
    if shape.format is ImportFormat.SHOPIFY:
        yield from _shopify_records(rows, names, options.language)
    else:
        mapping = FEED_COLUMNS if shape.format is ImportFormat.LETZSHOP else ORION_COLUMNS
        yield from _flat_records(rows, names, mapping, options.language)


def _checked_rows(
    reader: Iterator[list[str]], names: list[str], max_cell_chars: int
) -> Iterator[tuple[int, list[str]] | RowError]:
    width = len(names)
    row_number = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise UnreadableFile(f"Row {row_number + 1} cannot be read as CSV: {exc}.") from exc
        row_number += 1
        if not cells or all(not cell.strip() for cell in cells):
            continue
        if len(cells) > width and not any(cell.strip() for cell in cells[width:]):
            cells = cells[:width]
        if len(cells) != width:
            yield RowError(
                row=row_number,
                message=f"The row has {len(cells)} cells but the header has {width} columns.",
            )
            continue
        too_long = (
            next(i for i, cell in enumerate(cells) if len(cell) > max_cell_chars)
            if max(map(len, cells)) > max_cell_chars
            else None
        )
        if too_long is not None:
            yield RowError(
                row=row_number,
                column=names[too_long],
                value=cells[too_long][:50],
                message=f"The value is too long ({len(cells[too_long])} characters; the limit is "
                f"{max_cell_chars}).",
            )
            continue
        yield row_number, cells


def _flat_records(
    rows: Iterator[tuple[int, list[str]] | RowError],
    names: list[str],
    mapping: dict[str, str],
    language: str,
) -> Iterator[SourceRecord | RowError]:
    columns = [(i, mapping[name]) for i, name in enumerate(names) if name in mapping]
    for item in rows:
        if isinstance(item, RowError):
            yield item
            continue
        row_number, cells = item
        fields = {canonical: cells[i].strip() for i, canonical in columns}
        external_id = fields.pop("external_id", "")
        row_language = fields.pop("language", "").lower() or language
        if not external_id:
            yield RowError(row=row_number, column="id", message="The product id is empty.")
            continue
        if row_language not in LANGUAGES:
            yield RowError(
                row=row_number,
                column="language",
                value=row_language,
                message=f"Unsupported language; use one of {', '.join(LANGUAGES)}.",
            )
            continue
        yield SourceRecord(row_number, external_id, row_language, fields)


def _shopify_records(
    rows: Iterator[tuple[int, list[str]] | RowError], names: list[str], language: str
) -> Iterator[SourceRecord | RowError]:
    product_columns = [
        (i, SHOPIFY_PRODUCT_COLUMNS[n]) for i, n in enumerate(names) if n in SHOPIFY_PRODUCT_COLUMNS
    ]
    variant_columns = [
        (i, SHOPIFY_VARIANT_COLUMNS[n]) for i, n in enumerate(names) if n in SHOPIFY_VARIANT_COLUMNS
    ]
    current: SourceRecord | None = None
    for item in rows:
        if isinstance(item, RowError):
            yield item
            continue
        row_number, cells = item
        product = {canonical: cells[i].strip() for i, canonical in product_columns}
        variant = {canonical: cells[i].strip() for i, canonical in variant_columns}
        handle = product.pop("external_id", "")
        if not handle:
            yield RowError(row=row_number, column="handle", message="The Handle is empty.")
            continue
        if current is None or handle != current.external_id:
            if current is not None:
                yield current
            image = product.pop("image_link", "")
            current = SourceRecord(row=row_number, external_id=handle, language=language, fields=product)
            if image:
                current.fields["image_links"] = image
        else:
            image = product.get("image_link", "")
            if image:
                existing = current.fields.get("image_links", "")
                current.fields["image_links"] = f"{existing}|{image}" if existing else image
        if any(variant.get(name) for name in ("sku", "price", "option1_value")):
            variant["row"] = str(row_number)
            current.variants.append(variant)
    if current is not None:
        yield current
