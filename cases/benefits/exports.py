"""One dashboard table as the page shows it, as CSV and as XLSX (openpyxl) — from the same rows, so the numbers
agree. Cells are str, int, Decimal, date or None (:class:`cases.hooks.DashboardTable`).

- :func:`cell_text` is the one text form of a cell (page and CSV): ints and Decimals as plain digits (no
  thousands separator; Decimal as stored), dates ISO ``YYYY-MM-DD``, None empty.
- CSV: UTF-8 with a BOM (Excel opens Chinese text right), a header row, then the rows. A text cell that starts
  with ``= + - @`` (or a tab / carriage return) is prefixed with ``'`` so a spreadsheet never runs it as a
  formula (OWASP "CSV injection"); numbers are never changed.
- XLSX: one sheet named after the table key; header row bold; ints and Decimals as numbers, dates as dates
  (``yyyy-mm-dd``); text cells stored as text (``data_type = "s"``), never as formulas.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from cases.hooks import DashboardTable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_text(value: Any) -> str:
    """The text of a cell on the page and in the CSV."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, Decimal)):
        return str(value)
    return str(value)


def _csv_cell(value: Any) -> str:
    text = cell_text(value)
    if isinstance(value, str) and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def to_csv(table: DashboardTable) -> bytes:
    """The table as CSV bytes (UTF-8 with BOM)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_csv_cell(c) for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_cell(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(table: DashboardTable) -> bytes:
    """The table as an XLSX workbook (bytes)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = table.key[:31]
    for col, title in enumerate(table.columns, start=1):
        cell = sheet.cell(row=1, column=col, value=str(title))
        cell.data_type = "s"
        cell.font = Font(bold=True)
    for r, row in enumerate(table.rows, start=2):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c)
            if isinstance(value, dt.datetime):
                cell.value = value.replace(tzinfo=None)
            elif isinstance(value, dt.date):
                cell.value = value
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(value, (int, Decimal)) and not isinstance(value, bool):
                cell.value = value
            elif value is not None:
                cell.value = str(value)
                cell.data_type = "s"
    for col in range(1, len(table.columns) + 1):
        sheet.column_dimensions[sheet.cell(row=1, column=col).column_letter].width = 22
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
