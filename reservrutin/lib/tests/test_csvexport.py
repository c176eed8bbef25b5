"""lib.csvexport: text that a spreadsheet would run as a formula comes out as text."""

from __future__ import annotations

import csv
import io

import pytest

from reservrutin.lib.csvexport import SafeWriter, csv_response, safe_cell


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"],
)
def test_a_formula_prefix_is_neutralised(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Avdelning 12", "", " =x", 42, -5, 1.5])
def test_other_cells_are_left_alone(value: object) -> None:
    assert safe_cell(value) == value


def test_none_is_an_empty_cell_and_rows_round_trip() -> None:
    stream = io.StringIO()
    SafeWriter(stream).writerows([["a;b", None, "=1"]])
    assert next(csv.reader(io.StringIO(stream.getvalue()), delimiter=";")) == ["a;b", "", "'=1"]


def test_the_response_is_an_excel_friendly_attachment() -> None:
    response = csv_response("x.csv", ["Rubrik"], [["=cmd"]])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert response.content.decode() == "\ufeffRubrik\r\n'=cmd\r\n"


def test_identity_numbers_in_text_cells_are_masked() -> None:
    assert safe_cell("Ringde om 19121212-1212.") == "Ringde om 19121212-****."
    assert safe_cell("-19121212-1212") == "'-19121212-****"
