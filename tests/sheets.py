"""Builders for real xlsx test files: the seed-003 pledge sheet, plain and styled."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

DATA = Path(__file__).parent / "data"
SEED_TOTAL = 8_461_245.35


def seed003_rows() -> tuple[list[str], list[list[str]]]:
    lines = [
        ln
        for ln in (DATA / "seed003_pledges.tsv").read_text(encoding="utf-8").splitlines()
        if ln and not ln.startswith("#")
    ]
    header = lines[0].split("\t")
    return header, [ln.split("\t") for ln in lines[1:]]


def plain_workbook(path: Path, rows: list[list[object]] | None = None) -> Path:
    """Header on row 1, every cell text exactly as the seed shows it ("£ 738,768.00", "£ -")."""
    header, seed = seed003_rows()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Pledges"
    ws.append(header)
    for r in rows if rows is not None else seed:
        ws.append(list(r))
    wb.save(path)
    return path


def _number(text: str) -> object:
    t = text.replace("£", "").replace(",", "").strip()
    if t in ("", "-"):
        return None if t == "" else 0
    return float(t)


def styled_workbook(path: Path) -> Path:
    """As a council would receive it: a title block, the header on row 6, numbers as real
    numbers with currency formats, merged title cells, fills, wrapped text, a blank separator
    row, a total row, and a second sheet of notes in front."""
    header, seed = seed003_rows()
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "Read me"
    notes["A1"] = "Social Value Portal - bidder submission. Do not edit the Reference column."
    ws = wb.create_sheet("SV Pledge")
    ws.merge_cells("A1:I1")
    ws["A1"] = "Domiciliary care framework, Lot 2 - Social Value Pledge"
    ws["A1"].font = Font(size=16, bold=True, color="FFFFFF")
    ws["A1"].fill = PatternFill("solid", fgColor="1F4E78")
    ws["A2"] = "Bidder:"
    ws["B2"] = "Sandstone Support Services"
    ws["A3"] = "Submitted:"
    ws["B3"] = "2026-10-14"
    ws.append([])
    ws.append([])
    ws.append(header)  # row 6
    thin = Side(style="thin", color="999999")
    for cell in ws[6]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
        cell.border = Border(bottom=thin)
        cell.alignment = Alignment(wrap_text=True)
    for r in seed:
        values: list[object] = list(r)
        values[4] = _number(r[4])
        values[5] = _number(r[5]) if r[5] else None
        values[6] = _number(r[6]) if r[6] else None
        ws.append(values)
        if r[1] == "NT13":
            ws.append([])  # a blank separator row, as in the source
    for row in ws.iter_rows(min_row=7):
        row[6].number_format = '"£"#,##0.00'
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
    ws.append([])
    ws.append(["Total SV Pledge", None, None, None, None, None, SEED_TOTAL])
    ws.cell(ws.max_row, 1).font = Font(bold=True)
    ws.column_dimensions["C"].width = 60
    wb.save(path)
    return path
