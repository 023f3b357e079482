"""Small helpers shared by the xlsx exports: typed cell writing, headers, widths, number formats.

Every value goes through `put`: text is neutralised (svdesk.export.xlsx_safety), and a formula is
only ever written when the caller wraps trusted, generated text in `Formula`.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from svdesk.export.xlsx_safety import put_text

MONEY = '"£"#,##0.00'
PROXY = '"£"#,##0.00####'  # proxies such as £0.963812 per £ keep their digits visible
POINTS = "0.00"
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", start_color="DDE4EE")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")


class Formula(str):
    """A formula we generated from cell addresses only (never from user text)."""


def put(ws: Worksheet, row: int, column: int, value: object, number_format: str | None = None) -> Cell:
    cell: Cell = ws.cell(row=row, column=column)
    if isinstance(value, Formula):
        cell.value = str(value)  # openpyxl types a leading '=' as a formula: wanted here only
    elif isinstance(value, bool):
        put_text(cell, "Yes" if value else "No")
    elif isinstance(value, int | float):
        cell.value = value
    elif value is not None:
        put_text(cell, value)
    if number_format:
        cell.number_format = number_format
    cell.alignment = TOP
    return cell


def put_row(
    ws: Worksheet, row: int, values: Sequence[object], formats: Sequence[str | None] = (), start: int = 1
) -> list[Cell]:
    padded = list(formats) + [None] * (len(values) - len(formats))
    return [put(ws, row, start + i, v, padded[i]) for i, v in enumerate(values)]


def header(ws: Worksheet, row: int, titles: Sequence[str], start: int = 1) -> None:
    for i, title in enumerate(titles):
        cell = put(ws, row, start + i, title)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = WRAP


def widths(ws: Worksheet, sizes: Sequence[float]) -> None:
    for i, size in enumerate(sizes, start=1):
        ws.column_dimensions[get_column_letter(i)].width = size


def wrap_column(ws: Worksheet, column: int, first_row: int) -> None:
    """Long texts (rationales, questions) wrap instead of running off the page."""
    for (cell,) in ws.iter_rows(min_row=first_row, min_col=column, max_col=column):
        cell.alignment = WRAP


def workbook_bytes(wb: Workbook) -> bytes:
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
