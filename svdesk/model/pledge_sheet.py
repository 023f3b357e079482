"""Reading a bidder's pledge sheet in the Social Value Portal layout.

Columns (any order, header row anywhere in the first rows of the first sheets): Theme, Reference,
Question, Units, Proxy Value, Answer, Pledged Social Value, and any others (ignored). Blank rows
and total rows are skipped; numbers may be plain or text such as "£ 1,234.50" or "£ -".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from svdesk.model.errors import Problem, ValidationError
from svdesk.model.sandbox import run_limited
from svdesk.model.spreadsheet import MAX_CELL_CHARS, check_xlsx_container, open_workbook_safely, parse_number
from svdesk.model.units import quantity_problem

HEADER_SEARCH_ROWS = 60
HEADER_SEARCH_SHEETS = 5
MAX_ROWS = 200_000

_Row = tuple[object, ...]  # one worksheet row's cell values, as openpyxl's iter_rows(values_only=True) gives them

COLUMNS: dict[str, tuple[str, ...]] = {
    "ref": ("reference", "ref", "measure ref", "toms ref", "ref."),
    "answer": ("answer", "quantity", "commitment", "your answer", "pledge"),
    "proxy_value": ("proxy value", "proxy", "proxy value (£)", "proxy values"),
    "stated_value": ("pledged social value", "social value", "pledged value", "value (£)", "social value (£)"),
    "unit": ("units", "unit"),
    "question": ("question", "measure", "description"),
    "theme": ("theme",),
}
LABELS = {
    "ref": "Reference",
    "answer": "Answer",
    "proxy_value": "Proxy Value",
    "stated_value": "Pledged Social Value",
    "unit": "Units",
    "question": "Question",
    "theme": "Theme",
}


@dataclass(frozen=True)
class SheetRow:
    row: int  # 1-based row number as Excel shows it
    ref: str
    answer: float | None  # None: left blank
    proxy_value: float | None  # the sheet's own proxy
    stated_value: float | None  # the sheet's own pledged £
    unit: str
    question: str


@dataclass(frozen=True)
class PledgeSheet:
    path: str
    sheet: str
    header_row: int
    rows: list[SheetRow]
    stated_total: float | None  # the sheet's own total line, when it has one


def _norm(cell: object) -> str:
    return " ".join(str(cell or "").replace("\n", " ").split()).strip().lower()


def _find_columns(row: _Row) -> dict[str, int]:
    found: dict[str, int] = {}
    for idx, cell in enumerate(row):
        label = _norm(cell)
        for key, names in COLUMNS.items():
            if label in names and key not in found:
                found[key] = idx
    return found


def _text(cell: object) -> str:
    return "" if cell is None else str(cell).strip()


def read_pledge_sheet(path: Path, timeout: float | None = None) -> PledgeSheet:
    """Parse the sheet in a time- and memory-limited child process.

    Raises ValidationError naming the file, row and column of every bad cell.
    """
    check_xlsx_container(Path(path))  # cheap refusals before starting a process
    return run_limited(_read_pledge_sheet, Path(path), source=str(path), timeout=timeout)


def _read_pledge_sheet(path: Path) -> PledgeSheet:
    where = str(path)
    wb = open_workbook_safely(path)
    try:
        for ws in wb.worksheets[:HEADER_SEARCH_SHEETS]:
            rows = ws.iter_rows(values_only=True)
            for number, row in enumerate(rows, start=1):
                if number > HEADER_SEARCH_ROWS:
                    break
                columns = _find_columns(row)
                if "ref" in columns and "answer" in columns:
                    return _read_body(where, ws.title, number, columns, rows)
        raise ValidationError(
            f"no header row with 'Reference' and 'Answer' columns in the first {HEADER_SEARCH_ROWS} rows of the "
            f"first {HEADER_SEARCH_SHEETS} sheets; is this a pledge sheet?",
            source=where,
        )
    finally:
        wb.close()


def _read_body(where: str, sheet: str, header_row: int, columns: dict[str, int], rows: Iterable[_Row]) -> PledgeSheet:
    problems: list[Problem] = []
    out: list[SheetRow] = []
    stated_total: float | None = None
    seen: dict[str, int] = {}

    for number, row in enumerate(rows, start=header_row + 1):
        if number - header_row > MAX_ROWS:
            problems.append(Problem(f"row {number}", f"more than {MAX_ROWS:,} rows; refused"))
            break

        def cell(key: str, row: _Row = row) -> object:
            idx = columns.get(key)
            return row[idx] if idx is not None and idx < len(row) else None

        for value in row:
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                problems.append(
                    Problem(
                        f"row {number}", f"a cell holds {len(value):,} characters (Excel's limit is {MAX_CELL_CHARS:,})"
                    )
                )
                break
        ref = _text(cell("ref"))
        texts = " ".join(_norm(v) for v in row if isinstance(v, str))
        if not ref or "total" in ref.lower():
            if "total" in texts:
                # e.g. "Total SV Pledge" with the figure in a later cell (or the same one)
                for value in row:
                    try:
                        figure = parse_number(value)
                    except ValueError:
                        continue
                    if figure is not None:
                        stated_total = figure
            continue  # blank or total line
        if ref.upper() in seen:
            problems.append(
                Problem(
                    f"row {number}, column {LABELS['ref']}", f"{ref} appears again (first on row {seen[ref.upper()]})"
                )
            )
            continue
        seen[ref.upper()] = number
        parsed: dict[str, float | None] = {}
        for key in ("answer", "proxy_value", "stated_value"):
            try:
                parsed[key] = parse_number(cell(key))
            except ValueError as exc:
                problems.append(Problem(f"row {number}, column {LABELS[key]}", str(exc)))
                parsed[key] = None
        answer = parsed["answer"]
        unit = _text(cell("unit"))[:200]
        if answer is not None and (problem := quantity_problem(unit, answer)):
            problems.append(Problem(f"row {number}, column {LABELS['answer']}", f"{ref}: {problem}"))
            continue
        proxy = parsed["proxy_value"]
        if proxy is not None and proxy < 0:
            problems.append(Problem(f"row {number}, column {LABELS['proxy_value']}", f"{proxy:g} is negative"))
            continue
        out.append(
            SheetRow(
                number,
                ref,
                answer,
                proxy,
                parsed["stated_value"],
                unit,
                _text(cell("question"))[:5000],
            )
        )
    if problems:
        raise ValidationError(problems, source=f"{where} (sheet {sheet!r})")
    return PledgeSheet(where, sheet, header_row, out, stated_total)
