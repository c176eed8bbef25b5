"""The one CSV writer: every export goes through it, so no cell can become a formula.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, and
some also after a leading tab or carriage return (OWASP "CSV Injection"). A text typed by a
user, such as ``=HYPERLINK("http://…","Klicka")``, would otherwise come out live in
Excel or LibreOffice. ``safe_cell`` puts an apostrophe before such a text, which the
spreadsheet shows as plain text. Numbers, dates and other non-text values are written as
they are: only text can carry a formula.

A file travels further than a page, so every text cell also passes through the one
redactor (``lib.identity.redact``): an identity number typed into a timeline note or a
checklist item comes out masked. The records' own exports carry identifiers masked already.

The files are what Swedish Excel opens by double-click: UTF-8 with a byte-order mark
(otherwise å, ä and ö come out garbled) and ``;`` between cells (``,`` is the decimal
separator in Swedish).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse

from reservrutin.lib.identity import redact

#: The characters that make a spreadsheet read a cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
DELIMITER = ";"


def safe_cell(value: Any) -> Any:
    """``value`` as a cell that a spreadsheet shows as text, never runs, with identity
    numbers masked."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = redact(value)
        if value.startswith(FORMULA_PREFIXES):
            return "'" + value
    return value


class SafeWriter:
    """A ``csv.writer`` whose every text cell goes through ``safe_cell``."""

    def __init__(self, stream: Any) -> None:
        self._writer = csv.writer(stream, delimiter=DELIMITER)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_response(
    filename: str, header: Iterable[Any], rows: Iterable[Iterable[Any]]
) -> HttpResponse:
    """An attachment ``filename`` with ``header`` and ``rows``, every cell made safe."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # Excel opens UTF-8 with å, ä, ö correctly only with a BOM
    writer = SafeWriter(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response
