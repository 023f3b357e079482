"""Reading a bidder's pledge sheet in the Social Value Portal layout.

Columns (any order, header row anywhere in the first rows of a sheet): Theme, Reference, Question,
Units, Proxy Value, Answer, Pledged Social Value, and any others (ignored). Blank rows and total
rows are skipped; numbers may be plain or text such as "£ 1,234.50" or "£ -".

What is read is what the spreadsheet shows, or the sheet is refused naming the cell:
- the sheet: the one visible sheet with a pledge header; two visible ones are refused (both cells
  named); a hidden or very hidden sheet is read only when no visible sheet has a header, and the
  preview says so; one that also has a header is named in the notes, never read instead.
- formulas: svdesk recalculates simple arithmetic (numbers, + - * / ^ %, cells of this sheet;
  `sheet_formulas`) and refuses an Answer whose saved result disagrees with it, or that it cannot
  recalculate (a function, another sheet); such a Proxy Value is not used, such a Pledged Social
  Value is only compared (neither feeds the value, which is answer x the tender's proxy).
- a row with an answer but no reference (blank, or under a merged cell) is not imported and is
  reported, as is a total line's answer; a value hidden under a merged cell is refused; hidden rows
  and columns that were read are named in the notes.
- the package (`xlsx_parts`): parts two programs would resolve differently, and shared-string
  indexes out of range, are refused naming the part or cell.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from pathlib import Path

from svdesk.model.errors import Problem, ValidationError
from svdesk.model.input_files import PLEDGE_SHEET
from svdesk.model.number_formats import hides_number
from svdesk.model.sandbox import run_limited
from svdesk.model.sheet_formulas import Unsupported, evaluate, shown
from svdesk.model.spreadsheet import MAX_CELL_CHARS, check_xlsx_container, parse_number
from svdesk.model.units import quantity_problem
from svdesk.model.xlsx_parts import SHEET_STATES, SheetPart, SheetRowCells, StrictWorkbook, column_letter, coordinate

HEADER_SEARCH_ROWS = 60
MAX_ROWS = 200_000
MAX_LISTED = 12  # rows named in one note before "and N more"

_Row = list[object]  # one worksheet row's cell values by 0-based column

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
    sheet_state: str = "visible"  # the sheet read: "visible", "hidden" or "veryHidden"
    reported: tuple[str, ...] = ()  # each row with an answer that is not imported, and why
    notes: tuple[str, ...] = ()  # what else the reader decided: other sheets, formulas, hidden rows

    @property
    def read_from(self) -> str:
        """ "read sheet 'SV Pledge'", with "(hidden)" or "(very hidden)" when it is not visible."""
        state = SHEET_STATES.get(self.sheet_state, self.sheet_state)
        return f"read sheet {self.sheet!r}" + ("" if state == "visible" else f" ({state})")


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

    Raises ValidationError naming the file, row and column (and cell) of every bad cell.
    """
    # cheap refusals before starting a process: first of all a path that is no regular file (a FIFO
    # would block this process, /dev/zero never end), then anything that is no plain workbook
    check_xlsx_container(Path(path), PLEDGE_SHEET)
    return run_limited(_read_pledge_sheet, Path(path), source=str(path), timeout=timeout)


@dataclass(frozen=True)
class _Header:
    sheet: SheetPart
    row: int
    columns: dict[str, int]

    @property
    def cell(self) -> str:
        return coordinate(self.row, self.columns["ref"] + 1)


def _find_header(book: StrictWorkbook, sheet: SheetPart) -> _Header | None:
    for row in book.rows(sheet, max_rows=HEADER_SEARCH_ROWS):
        columns = _find_columns(row.values)
        if "ref" in columns and "answer" in columns:
            return _Header(sheet, row.number, columns)
    return None


def _read_pledge_sheet(path: Path) -> PledgeSheet:
    where = str(path)
    with StrictWorkbook(path) as book:
        found = [h for h in (_find_header(book, s) for s in book.worksheets) if h is not None]
        if not found:
            raise ValidationError(
                f"no header row with 'Reference' and 'Answer' columns in the first {HEADER_SEARCH_ROWS} rows of any "
                "sheet; is this a pledge sheet?",
                source=where,
            )
        visible = [h for h in found if h.sheet.state == "visible"]
        pool = visible or found
        if len(pool) > 1:
            first = pool[0]
            kind = "visible " if visible else ""
            raise ValidationError(
                [
                    Problem(
                        f"sheet {other.sheet.name!r}, cell {other.cell}",
                        f"a second {kind}sheet with a pledge header (the first is {first.sheet.name!r}, cell "
                        f"{first.cell}); svdesk cannot tell which is the pledge: delete the other sheet",
                    )
                    for other in pool[1:]
                ],
                source=where,
            )
        chosen = pool[0]
        notes = []
        if chosen.sheet.state != "visible":
            notes.append(
                f"no visible sheet has a pledge header: read sheet {chosen.sheet.name!r}, which is "
                f"{chosen.sheet.shown_state} in the workbook"
                + (
                    " (Excel shows it only to a macro or in the VBA editor)"
                    if chosen.sheet.state == "veryHidden"
                    else ""
                )
            )
        for other in found:
            if other is not chosen:
                notes.append(
                    f"{other.sheet.shown_state} sheet {other.sheet.name!r} also has a pledge header (cell "
                    f"{other.cell}); it was not read"
                )
        return _Body(where, book, chosen, notes).read()


class _Body:
    """The chosen sheet read whole: every row kept (formulas may refer to any), then judged row by row."""

    def __init__(self, where: str, book: StrictWorkbook, header: _Header, notes: list[str]):
        self.where, self.book, self.header, self.notes = where, book, header, notes
        self.columns = header.columns
        self.rows: dict[int, SheetRowCells] = {}
        self.problems: list[Problem] = []
        self.reported: list[str] = []
        self.memo: dict[tuple[int, int], float] = {}
        self.visiting: set[tuple[int, int]] = set()
        self.recalculated: dict[str, list[str]] = {}  # column label -> cells recalculated (agreeing or unsaved)
        self.unchecked: dict[str, list[str]] = {}  # column label -> cells whose formula svdesk cannot recalculate
        self.merged: dict[int, tuple[list[int], list[tuple[int, int, int, int]]]] = {}

    # -- formulas

    def lookup(self, row: int, col: int, depth: int) -> float:
        """A cell's value as a formula's arithmetic uses it: blank is 0, TRUE is 1, text is refused."""
        cells = self.rows.get(row)
        idx = col - 1
        if cells is None:
            return 0.0
        formula = cells.formulas.get(idx)
        if formula is not None:
            key = (row, col)
            if key in self.memo:
                return self.memo[key]
            if key in self.visiting:
                raise Unsupported(f"it refers to itself through {coordinate(row, col)} (a circular reference)")
            self.visiting.add(key)
            try:
                result = evaluate(formula, self.lookup, depth)
            except Unsupported as why:
                raise Unsupported(f"it uses {coordinate(row, col)}, which is {shown(formula)}: {why}") from None
            finally:
                self.visiting.discard(key)
            self.memo[key] = result
            return result
        held = cells.values[idx] if idx < len(cells.values) else None
        if held is None:
            return 0.0
        if isinstance(held, bool):
            return 1.0 if held else 0.0
        if isinstance(held, int | float):
            return float(held)
        raise Unsupported(f"it uses {coordinate(row, col)}, which holds text")

    def number(self, row: SheetRowCells, key: str) -> float | None:
        """The cell under `key` as a number; ValueError naming the cell when it cannot be trusted."""
        idx = self.columns.get(key)
        if idx is None:
            return None
        number = self._number(row, key, idx)
        if key == "answer" and number is not None and idx in row.styles:
            self.check_shown(row, idx, number)
        return number

    def check_shown(self, row: SheetRowCells, idx: int, number: float) -> None:
        """An answer whose number format shows something else (nothing, a text, a date) is refused."""
        cell = coordinate(row.number, idx + 1)
        fmt = self.book.number_format(row.styles[idx])
        if fmt is None:
            raise ValueError(
                f"cell {cell} has a style the workbook does not define; programs would show it differently"
            )
        instead = hides_number(*fmt)
        if instead is not None:
            shown_code = f" {fmt[1]!r}" if fmt[1] is not None else f" (Excel's built-in format {fmt[0]})"
            raise ValueError(
                f"cell {cell} holds {number:,.10g} but its number format{shown_code} shows {instead}; "
                "format it as a number (General) and import it again"
            )

    def _number(self, row: SheetRowCells, key: str, idx: int) -> float | None:
        value = row.values[idx] if idx < len(row.values) else None
        formula = row.formulas.get(idx)
        if formula is None:
            return parse_number(value)
        cell, label = coordinate(row.number, idx + 1), LABELS[key]
        try:
            computed = evaluate(formula, self.lookup)
        except Unsupported as why:
            if key == "answer":
                saved = (
                    "and it has no saved result"
                    if value is None
                    else f"so its saved result {_shown(value)} may not be what Excel shows"
                )
                raise ValueError(
                    f"cell {cell} is the formula {shown(formula)}, which svdesk does not recalculate ({why}), "
                    f"{saved}; type the number instead"
                ) from None
            self.unchecked.setdefault(label, []).append(f"{cell} {shown(formula)}")
            return parse_number(value) if key == "stated_value" else None  # a proxy svdesk cannot check: unused
        if value is not None and not (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and math.isclose(computed, float(value), rel_tol=1e-9, abs_tol=1e-9)
        ):
            raise ValueError(
                f"cell {cell} is the formula {shown(formula)}, which gives {computed:,.10g}, but the file saved "
                f"{_shown(value)} as its result: Excel and other programs would show different figures; open the "
                "sheet in Excel, let it recalculate, save it and import it again"
            )
        self.recalculated.setdefault(label, []).append(f"{cell} {shown(formula)} = {computed:,.10g}")
        return computed

    # -- merged and hidden cells

    def index_merges(self, merges: list[tuple[int, int, int, int]]) -> None:
        wanted = {self.columns[k] + 1 for k in ("ref", "answer", "proxy_value", "stated_value") if k in self.columns}
        for col in wanted:
            spans = sorted(m for m in merges if m[1] <= col <= m[3] and (m[0], m[1]) != (m[2], m[3]))
            for a, b in zip(spans, spans[1:], strict=False):
                if b[0] <= a[2]:
                    raise ValidationError(
                        [Problem(f"column {column_letter(col)}", f"merged cells {_range(a)} and {_range(b)} overlap")],
                        source=self.source,
                    )
            self.merged[col] = ([m[0] for m in spans], spans)

    def merge_covering(self, row: int, col: int) -> tuple[int, int, int, int] | None:
        """The merged range that covers (row, col) without starting there: the cell Excel does not show."""
        starts, spans = self.merged.get(col, ([], []))
        i = bisect.bisect_right(starts, row) - 1
        if i < 0:
            return None
        span = spans[i]
        return span if span[0] <= row <= span[2] and (row, col) != (span[0], span[1]) else None

    def shown_at(self, row: int, col: int) -> str:
        cells = self.rows.get(row)
        value = cells.values[col - 1] if cells is not None and col - 1 < len(cells.values) else None
        return _shown(value) if value is not None else "nothing"

    @property
    def source(self) -> str:
        return f"{self.where} (sheet {self.header.sheet.name!r})"

    # -- the rows

    def read(self) -> PledgeSheet:
        header_row = self.header.row
        cells = self.book.rows(self.header.sheet)
        body: list[SheetRowCells] = []
        for row in cells:
            if row.number - header_row > MAX_ROWS:
                self.problems.append(Problem(f"row {row.number}", f"more than {MAX_ROWS:,} rows; refused"))
                raise ValidationError(self.problems, source=self.source)
            self.rows[row.number] = row
            if row.number > header_row:
                body.append(row)
        self.index_merges(cells.merges)
        out: list[SheetRow] = []
        stated_total: float | None = None
        seen: dict[str, int] = {}
        hidden_rows: list[str] = []
        for row in body:
            imported, total = self.judge(row, seen)
            if total is not None:
                stated_total = total
            if imported is not None:
                out.append(imported)
                if row.hidden:
                    hidden_rows.append(f"{row.number} ({imported.ref})")
        if self.problems:
            raise ValidationError(self.problems, source=self.source)
        self.add_notes(hidden_rows, cells.hidden_columns)
        return PledgeSheet(
            self.where,
            self.header.sheet.name,
            header_row,
            out,
            stated_total,
            self.header.sheet.state,
            tuple(self.reported),
            tuple(self.notes),
        )

    def judge(self, row: SheetRowCells, seen: dict[str, int]) -> tuple[SheetRow | None, float | None]:
        """The row as imported (or None), and the figure of a total line (or None)."""
        number, values = row.number, row.values

        def cell(key: str) -> object:
            idx = self.columns.get(key)
            return values[idx] if idx is not None and idx < len(values) else None

        for value in values:
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                self.problems.append(
                    Problem(
                        f"row {number}", f"a cell holds {len(value):,} characters (Excel's limit is {MAX_CELL_CHARS:,})"
                    )
                )
                break
        for key in ("ref", "answer", "proxy_value", "stated_value"):
            idx = self.columns.get(key)
            if idx is None:
                continue
            span = self.merge_covering(number, idx + 1)
            if span is not None and (idx < len(values) and values[idx] is not None or idx in row.formulas):
                self.problems.append(
                    Problem(
                        f"row {number}, column {LABELS[key]}",
                        f"cell {coordinate(number, idx + 1)} holds {_shown(values[idx])}, hidden under the merged "
                        f"cell {_range(span)} (which shows {self.shown_at(span[0], span[1])}); Excel does not show it",
                    )
                )
                return None, None
        ref_idx = self.columns["ref"]
        if ref_idx in row.formulas:  # which measure an answer counts for: never a saved result taken on trust
            self.problems.append(
                Problem(
                    f"row {number}, column {LABELS['ref']}",
                    f"cell {coordinate(number, ref_idx + 1)} is the formula {shown(row.formulas[ref_idx])}; its saved "
                    f"text {_shown(cell('ref'))} may not be what Excel shows: type the reference instead",
                )
            )
            return None, None
        ref = _text(cell("ref"))
        answer_idx = self.columns["answer"]
        has_answer = answer_idx in row.formulas or _text(cell("answer")) != ""
        texts = " ".join(_norm(v) for v in values if isinstance(v, str))
        if not ref or "total" in ref.lower():
            stated_total = None
            if "total" in texts:
                # e.g. "Total SV Pledge" with the figure in a later cell (or the same one)
                for value in values:
                    try:
                        figure = parse_number(value)
                    except ValueError:
                        continue
                    if figure is not None:
                        stated_total = figure
                if has_answer:
                    self.reported.append(
                        f"row {number} is a total line; its answer ({self.answer_shown(row)}) is not imported"
                    )
            elif has_answer:
                self.reported.append(
                    f"row {number} has an answer ({self.answer_shown(row)}) but no reference{self.why_blank(row)}: "
                    "not imported"
                )
            return None, stated_total
        if ref.upper() in seen:
            self.problems.append(
                Problem(
                    f"row {number}, column {LABELS['ref']}", f"{ref} appears again (first on row {seen[ref.upper()]})"
                )
            )
            return None, None
        seen[ref.upper()] = number
        parsed: dict[str, float | None] = {}
        for key in ("answer", "proxy_value", "stated_value"):
            try:
                parsed[key] = self.number(row, key)
            except ValueError as exc:
                self.problems.append(Problem(f"row {number}, column {LABELS[key]}", str(exc)))
                parsed[key] = None
        answer = parsed["answer"]
        if answer is None and has_answer is False:
            span = self.merge_covering(number, answer_idx + 1)
            if span is not None:
                self.notes.append(
                    f"row {number} ({ref}): its answer cell {coordinate(number, answer_idx + 1)} is part of the merged "
                    f"cell {_range(span)}; read as no answer"
                )
        unit = _text(cell("unit"))[:200]
        if answer is not None and (problem := quantity_problem(unit, answer)):
            self.problems.append(Problem(f"row {number}, column {LABELS['answer']}", f"{ref}: {problem}"))
            return None, None
        proxy = parsed["proxy_value"]
        if proxy is not None and proxy < 0:
            self.problems.append(Problem(f"row {number}, column {LABELS['proxy_value']}", f"{proxy:g} is negative"))
            return None, None
        return (
            SheetRow(number, ref, answer, proxy, parsed["stated_value"], unit, _text(cell("question"))[:5000]),
            None,
        )

    def answer_shown(self, row: SheetRowCells) -> str:
        idx = self.columns["answer"]
        value = row.values[idx] if idx < len(row.values) else None
        formula = row.formulas.get(idx)
        if value is None and formula is not None:
            return shown(formula)
        return _shown(value)

    def why_blank(self, row: SheetRowCells) -> str:
        col = self.columns["ref"] + 1
        span = self.merge_covering(row.number, col)
        if span is None:
            return ""
        return (
            f" (its reference cell {coordinate(row.number, col)} is part of the merged cell {_range(span)}, which "
            f"shows {self.shown_at(span[0], span[1])} once)"
        )

    def add_notes(self, hidden_rows: list[str], hidden_columns: list[tuple[int, int]]) -> None:
        if hidden_rows:
            self.notes.append(
                f"{_count(len(hidden_rows), 'row')} hidden in the sheet but imported: {_listed(hidden_rows)}"
            )
        for key in ("ref", "answer", "proxy_value", "stated_value"):
            idx = self.columns.get(key)
            if idx is not None and any(lo <= idx + 1 <= hi for lo, hi in hidden_columns):
                self.notes.append(
                    f"column {column_letter(idx + 1)} ({LABELS[key]}) is hidden in the sheet; it was read"
                )
        for label, cells in self.recalculated.items():
            self.notes.append(
                f"{label}: {_count(len(cells), 'formula')} recalculated by svdesk, each agreeing with the result the "
                f"file saved (or with none saved): {_listed(cells)}"
            )
        for label, cells in self.unchecked.items():
            use = "compared only, never imported" if label == LABELS["stated_value"] else "not used (the tender's are)"
            self.notes.append(
                f"{label}: {_count(len(cells), 'formula')} svdesk does not recalculate; their saved results are "
                f"{use}: {_listed(cells)}"
            )


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return f"{value:,.10g}"
    text = _text(value)
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _range(span: tuple[int, int, int, int]) -> str:
    return f"{coordinate(span[0], span[1])}:{coordinate(span[2], span[3])}"


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _listed(items: list[str]) -> str:
    shown_items = "; ".join(items[:MAX_LISTED])
    return shown_items + (f"; and {len(items) - MAX_LISTED:,} more" if len(items) > MAX_LISTED else "")
