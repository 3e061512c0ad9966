"""The error report: a CSV of every rejected row, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from orion.imports.models import RowError

REPORT_HEADER = ("row", "column", "value", "message")
# A spreadsheet evaluates a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: str) -> str:
    """Prefix a formula-looking cell with a quote so spreadsheets show it as text."""
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def error_report_csv(errors: Iterable[RowError]) -> bytes:
    """The report as UTF-8 CSV with a BOM (so spreadsheet apps detect the encoding)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(REPORT_HEADER)
    for error in errors:
        writer.writerow(
            [str(error.row), escape_cell(error.column), escape_cell(error.value), escape_cell(error.message)]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
