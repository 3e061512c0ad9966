"""Reading catalogue files: encoding, delimiter, format detection and normalisation into records.

Three formats are understood, each mapped to the same canonical field names:

- Letzshop / Google Shopping product feeds (``id, title, description, link, image_link, price, ...``;
  tab-, comma- or semicolon-separated; ``g:`` prefixes allowed; one file per language),
- Shopify product exports (``Handle, Title, Body (HTML), ..., Variant Price``; the rows of one handle
  are one product and its variants; only the first row of a handle carries the product's fields and
  option names, which every variant of the handle gets),
- Orion native CSV (``external_id, language, title, price, ...``; see docs/imports.md, Formats).

Everything here is pure: it reads text and yields :class:`SourceRecord` or :class:`RowError`.
"""

from __future__ import annotations

import codecs
import csv
import heapq
import io
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO

from orion.imports.errors import UnreadableFile
from orion.imports.models import LANGUAGES, ImportFormat, RecordBatch, RowError, SourceRecord

SNIFF_BYTES = 64 * 1024
# The csv module's own cap on one field; cells above our (smaller) limit are rejected per row.
CSV_FIELD_LIMIT = 64 * 1024 * 1024


@dataclass(frozen=True)
class FileShape:
    """What prepare learned about a file before reading its rows."""

    format: ImportFormat
    encoding: str  # a Python codec name: utf-8, utf-8-sig or cp1252
    delimiter: str
    header: tuple[str, ...]


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
    "tax_class": "tax_class",  # not Google's: its tax_category holds the merchant's own labels
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
    "published": "published",
    "gift card": "gift_card",
    "image src": "image_link",
}
SHOPIFY_VARIANT_COLUMNS = {
    "variant sku": "sku",
    "variant price": "price",
    "variant compare at price": "compare_at_price",
    "variant inventory qty": "stock",
    "variant inventory policy": "inventory_policy",
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
    "tax_class": "tax_class",
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
    batch_records: int = 1000  # records per batch (process_batch checks one chunk at a time)


def read_batches(
    text: IO[str], shape: FileShape, options: ReadOptions
) -> Iterator[tuple[RecordBatch, list[RowError]]]:
    """The products of the file in batches of ``options.batch_records``, in file order, each with
    the errors of the rows read for it (rows that cannot be read, in row order)."""
    lines = iter(text)
    header = next(split_rows(lines, shape.delimiter), None)  # reads the header's lines only
    if header is None:
        return iter(())
    names = [normalise_header_name(name) for name in header]
    if shape.format is ImportFormat.SHOPIFY:
        checked = _checked_rows(split_rows(lines, shape.delimiter), names, options.max_cell_chars)
        return _batched(_shopify_records(checked, names, options.language), options.batch_records)
    mapping = FEED_COLUMNS if shape.format is ImportFormat.LETZSHOP else ORION_COLUMNS
    return _flat_batches(lines, shape.delimiter, names, mapping, options)


def read_records(text: IO[str], shape: FileShape, options: ReadOptions) -> Iterator[SourceRecord | RowError]:
    """Every product of the file, in file order, or the row's error when a row cannot be read."""
    for batch, errors in read_batches(text, shape, options):
        merged: Iterator[SourceRecord | RowError] = heapq.merge(batch.records(), errors, key=_row_of)
        yield from merged


def _row_of(item: SourceRecord | RowError) -> int:
    return item.row


def split_rows(lines: Iterable[str], delimiter: str) -> Iterator[list[str]]:
    """The rows of CSV/TSV lines as ``csv.reader`` reads them (default dialect), a lot faster.

    Most lines of a feed contain no quote: their cells are the line, without its line break, split at
    the delimiter, which is what the csv module makes of them (``newline=""`` text: a line holds one
    line break, at its end). A line with a quote (a quoted cell, perhaps spanning lines) goes to
    ``csv.reader``, which reads the lines of that one record from the same iterator.
    tests/unit/orion/imports/test_batches.py checks the two against each other.
    """
    csv.field_size_limit(CSV_FIELD_LIMIT)
    lines = iter(lines)
    for line in lines:
        if '"' in line:
            yield next(csv.reader(itertools.chain((line,), lines), delimiter=delimiter))
        else:
            yield line.rstrip("\r\n").split(delimiter)


def _checked_rows(
    rows: Iterator[list[str]], names: list[str], max_cell_chars: int
) -> Iterator[tuple[int, list[str]] | RowError]:
    """``(row number, cells)`` of every non-blank row, or the row's error (ragged, a cell too long)."""
    row_number = 1
    try:
        for cells in rows:
            row_number += 1
            usable = _usable_cells(row_number, cells, names, max_cell_chars)
            if isinstance(usable, list):
                yield row_number, usable
            elif usable is not None:
                yield usable
    except csv.Error as exc:
        raise UnreadableFile(f"Row {row_number + 1} cannot be read as CSV: {exc}.") from exc


def _usable_cells(
    row_number: int, cells: list[str], names: list[str], max_cell_chars: int
) -> list[str] | RowError | None:
    """The cells of a row to import, its error (wrong width, a cell too long), or None if it is blank."""
    width = len(names)
    if len(cells) == width and cells[0].strip() and max(map(len, cells)) <= max_cell_chars:
        return cells  # the common case, decided by the cheapest tests
    if not "".join(cells).strip():
        return None
    if len(cells) > width and not "".join(cells[width:]).strip():
        cells = cells[:width]  # trailing empty cells (a spreadsheet's stray delimiters) are harmless
    if len(cells) != width:
        return RowError(
            row=row_number, message=f"The row has {len(cells)} cells but the header has {width} columns."
        )
    too_long = next((i for i, cell in enumerate(cells) if len(cell) > max_cell_chars), None)
    if too_long is None:
        return cells
    return RowError(
        row=row_number,
        column=names[too_long],
        value=cells[too_long][:50],
        message=f"The value is too long ({len(cells[too_long])} characters; the limit is {max_cell_chars}).",
    )


def _flat_batches(
    lines: Iterator[str], delimiter: str, names: list[str], mapping: dict[str, str], options: ReadOptions
) -> Iterator[tuple[RecordBatch, list[RowError]]]:
    """Batches of a feed or Orion file: the hot loop of reading.

    :func:`split_rows` and the common case of :func:`_usable_cells` are inlined (a line no longer than
    the cell limit cannot hold a cell over it); stripping, ids and languages are dealt with a column
    at a time when a batch is full (:class:`_FlatBatch`)."""
    csv.field_size_limit(CSV_FIELD_LIMIT)
    width, max_cell_chars, size = len(names), options.max_cell_chars, options.batch_records
    batch = _FlatBatch(names, mapping, options.language)
    row_number = 1
    try:
        for line in lines:
            row_number += 1
            if '"' in line:
                cells = next(csv.reader(itertools.chain((line,), lines), delimiter=delimiter))
                short = False
            else:
                cells = line.rstrip("\r\n").split(delimiter)
                short = len(line) <= max_cell_chars
            if len(cells) == width and cells[0].strip() and (short or max(map(len, cells)) <= max_cell_chars):
                batch.cells.append(cells)
                batch.rows.append(row_number)
            else:
                usable = _usable_cells(row_number, cells, names, max_cell_chars)
                if isinstance(usable, list):
                    batch.cells.append(usable)
                    batch.rows.append(row_number)
                elif usable is not None:
                    batch.errors.append(usable)
            if len(batch.rows) >= size:
                yield batch.finish()
    except csv.Error as exc:
        raise UnreadableFile(f"Row {row_number} cannot be read as CSV: {exc}.") from exc
    if batch.rows or batch.errors:
        yield batch.finish()


class _FlatBatch:
    """The rows of a flat file read since the last batch, turned into a :class:`RecordBatch`."""

    def __init__(self, names: list[str], mapping: dict[str, str], language: str) -> None:
        self.width = len(names)
        mapped = [(i, mapping[name]) for i, name in enumerate(names) if name in mapping]
        self.id_at = next(i for i, canonical in mapped if canonical == "external_id")
        self.language_at = next((i for i, canonical in mapped if canonical == "language"), None)
        fields = [(i, canonical) for i, canonical in mapped if canonical not in ("external_id", "language")]
        self.field_at = [i for i, _ in fields]
        self.columns = tuple(canonical for _, canonical in fields)
        self.language = language
        self.cells: list[list[str]] = []
        self.rows: list[int] = []
        self.errors: list[RowError] = []

    def finish(self) -> tuple[RecordBatch, list[RowError]]:
        strip = str.strip
        # No usable row since the last batch (only errors): an empty column for each of the file's.
        by_column = list(zip(*self.cells, strict=True)) or [() for _ in range(self.width)]
        external_ids = list(map(strip, by_column[self.id_at]))
        if self.language_at is None:
            languages = [self.language] * len(self.rows)
        else:
            languages = [value.strip().lower() or self.language for value in by_column[self.language_at]]
        values = [tuple(map(strip, by_column[i])) for i in self.field_at] if self.cells else []
        batch = RecordBatch(self.columns, self.rows, external_ids, languages, values)
        errors = self.errors
        if "" in external_ids or not set(languages) <= _LANGUAGE_SET:
            batch, errors = self._without_unusable(batch, errors)
        self.cells, self.rows, self.errors = [], [], []
        return batch, errors

    @staticmethod
    def _without_unusable(batch: RecordBatch, errors: list[RowError]) -> tuple[RecordBatch, list[RowError]]:
        """The batch without its records that have no id or an unknown language, and their errors."""
        keep = []
        errors = list(errors)
        for index, (row, external_id, language) in enumerate(
            zip(batch.rows, batch.external_ids, batch.languages, strict=True)
        ):
            if not external_id:
                errors.append(RowError(row=row, column="id", message="The product id is empty."))
            elif language not in _LANGUAGE_SET:
                errors.append(
                    RowError(
                        row=row,
                        column="language",
                        value=language,
                        message=f"Unsupported language; use one of {', '.join(LANGUAGES)}.",
                    )
                )
            else:
                keep.append(index)
        return batch.take(keep), sorted(errors, key=lambda error: error.row)


_LANGUAGE_SET = frozenset(LANGUAGES)


def _batched(
    items: Iterator[SourceRecord | RowError], size: int
) -> Iterator[tuple[RecordBatch, list[RowError]]]:
    records: list[SourceRecord] = []
    errors: list[RowError] = []
    for item in items:
        if isinstance(item, SourceRecord):
            records.append(item)
            if len(records) >= size:
                yield RecordBatch.of(records), errors
                records, errors = [], []
        else:
            errors.append(item)
    if records or errors:
        yield RecordBatch.of(records), errors


OPTION_NAMES = ("option1_name", "option2_name", "option3_name")
SEPARATED_ROWS = (
    "The rows of a handle must follow each other: this row of {handle} is separated from the "
    "handle's first row (row {first}) by other products' rows."
)


def _shopify_records(
    rows: Iterator[tuple[int, list[str]] | RowError], names: list[str], language: str
) -> Iterator[SourceRecord | RowError]:
    """One record per handle: the product fields of its first row (images of every row, joined by
    ``|``) and a variant per row that has a SKU, a price or an option.

    Shopify writes the option names only on the first row of a handle (they belong to the product);
    each variant gets them here, so a variant is complete on its own wherever it is checked. A record
    holds every row of its handle, so batches and chunks never split a handle. Rows of a handle met
    again after another handle's, without a Title, were cut off from their product: they are reported
    (a record of them would replace the product as a later duplicate, without its fields)."""
    product_columns = [
        (i, SHOPIFY_PRODUCT_COLUMNS[n]) for i, n in enumerate(names) if n in SHOPIFY_PRODUCT_COLUMNS
    ]
    variant_columns = [
        (i, SHOPIFY_VARIANT_COLUMNS[n]) for i, n in enumerate(names) if n in SHOPIFY_VARIANT_COLUMNS
    ]
    current: SourceRecord | None = None
    option_names: dict[str, str] = {}
    first_rows: dict[str, int] = {}  # the row each handle started on
    stray = ""  # the handle of the consecutive rows being reported as cut off from their product
    for item in rows:
        if not isinstance(item, tuple):
            yield item
            continue
        row_number, cells = item
        product = {canonical: cells[i].strip() for i, canonical in product_columns}
        variant = {canonical: cells[i].strip() for i, canonical in variant_columns}
        handle = product.pop("external_id", "")
        if not handle:
            yield RowError(row=row_number, column="handle", message="The Handle is empty.")
            continue
        image = product.pop("image_link", "")
        if handle != stray:
            stray = ""
        if handle == stray or (
            (current is None or handle != current.external_id)
            and handle in first_rows
            and not product.get("title")
        ):
            stray = handle
            message = SEPARATED_ROWS.format(handle=handle, first=first_rows[handle])
            yield RowError(row=row_number, column="handle", value=handle, message=message)
            continue
        if current is None or handle != current.external_id:
            first_rows.setdefault(handle, row_number)
            if current is not None:
                yield current
            current = SourceRecord(row=row_number, external_id=handle, language=language, fields=product)
            current.fields["image_links"] = image
            option_names = {}
        elif image:
            existing = current.fields["image_links"]
            current.fields["image_links"] = f"{existing}|{image}" if existing else image
        if any(variant.get(name) for name in ("sku", "price", "option1_value")):
            for name in OPTION_NAMES:
                # The first name the handle gives an option is its name for every variant.
                option_names[name] = option_names.get(name) or variant.get(name, "")
                variant[name] = option_names[name]
            variant["row"] = str(row_number)
            current.variants.append(variant)
    if current is not None:
        yield current
