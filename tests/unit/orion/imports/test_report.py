"""The error report is safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io

import pytest

from orion.imports.models import RowError
from orion.imports.report import error_report_csv, escape_cell


@pytest.mark.parametrize("value", ["=1+1", "+31 6", "-2", "@SUM(A1)", "\t=1", "\r=1"])
def test_formula_triggers_are_escaped(value: str) -> None:
    assert escape_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["12.50", "Chaise", "", "a=b"])
def test_plain_values_are_left_alone(value: str) -> None:
    assert escape_cell(value) == value


def test_the_report_lists_row_column_value_and_message() -> None:
    body = error_report_csv(
        [RowError(row=3, column="price", value="=cmd|' /C calc'!A0", message="The price is not a price.")]
    )
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows == [
        ["row", "column", "value", "message"],
        ["3", "price", "'=cmd|' /C calc'!A0", "The price is not a price."],
    ]
