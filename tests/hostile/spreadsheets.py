"""Pledge sheets that show one thing and hold another, and paths that are no file (issue 14).

Each workbook is built with openpyxl, then (where openpyxl cannot write the trick) its zip is patched
with zipfile: a cached formula result, a shared formula, a shared-string table, a value under a
merged cell, a duplicate or case-differing part, a [Content_Types].xml or relationship pointing
elsewhere. Builders take a folder and return the file's path.

`REFUSED` maps a case to its builder and the text the refusal must hold (the cell or part named);
`SPECIAL_FILES` makes a FIFO, a symlink to /dev/zero and a folder under a given name.
"""

from __future__ import annotations

import os
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl

HEADER = ["Theme", "Reference", "Question", "Units", "Proxy Value", "Answer", "Pledged Social Value"]
NT1 = ["Jobs", "NT1", "Local FTE", "no. people FTE", 30782, 2, 61564]
NT3 = ["Jobs", "NT3", "Long-term unemployed", "no. people FTE", 20481, 1, 20481]
SHEET1 = "xl/worksheets/sheet1.xml"
WB_RELS = "xl/_rels/workbook.xml.rels"
CT = "[Content_Types].xml"

Rows = list[list[object]]
Edit = Callable[[bytes], bytes]


# --- building and patching --------------------------------------------------------------------------


def book(path: Path, *sheets: tuple[str, str, Rows]) -> Path:
    """A workbook of (name, state, rows) sheets, in order."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, state, rows in sheets:
        ws = wb.create_sheet(name)
        ws.sheet_state = state
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def pledges(path: Path, *rows: list[object]) -> Path:
    """One visible sheet 'Pledges': the header on row 1, then `rows` (NT1 and NT3 by default)."""
    return book(path, ("Pledges", "visible", [HEADER, *(list(rows) or [NT1, NT3])]))


def patch(
    src: Path,
    dst: Path,
    edits: dict[str, Edit] | None = None,
    extra: dict[str, bytes] | None = None,
    drop: tuple[str, ...] = (),
) -> Path:
    """`src` rewritten as `dst`: parts edited, parts added (a name already there is added again:
    a duplicate entry), parts dropped."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in drop:
                continue
            data = zin.read(info.filename)
            if edits and info.filename in edits:
                data = edits[info.filename](data)
            zout.writestr(info.filename, data)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # zipfile's "Duplicate name": wanted here
            for name, data in (extra or {}).items():
                zout.writestr(name, data)
    return dst


def replace(old: str, new: str) -> Edit:
    def edit(data: bytes) -> bytes:
        assert old.encode() in data, f"{old!r} is not in the part"
        return data.replace(old.encode(), new.encode(), 1)

    return edit


def chain(*edits: Edit) -> Edit:
    def edit(data: bytes) -> bytes:
        for e in edits:
            data = e(data)
        return data

    return edit


def cached(formula: str, saved: str) -> Edit:
    """openpyxl writes a formula with no saved result (`<v />`): give it `saved`."""
    return replace(f"<f>{formula}</f><v />", f"<f>{formula}</f><v>{saved}</v>")


def _read(path: Path, part: str) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read(part)


# --- which sheet ------------------------------------------------------------------------------------


def hidden_sheet_first(folder: Path, state: str = "hidden") -> Path:
    """A hidden sheet in front, pledging 999 FTE; the visible sheet behind it pledges 2."""
    old = ["Jobs", "NT1", "Local FTE", "no. people FTE", 30782, 999, 30_751_218]
    return book(folder / f"{state}_first.xlsx", ("Old", state, [HEADER, old]), ("Pledges", "visible", [HEADER, NT1]))


def very_hidden_sheet_first(folder: Path) -> Path:
    return hidden_sheet_first(folder, "veryHidden")


def only_a_hidden_sheet(folder: Path) -> Path:
    return book(
        folder / "only_hidden.xlsx",
        ("Read me", "visible", [["Social Value Portal submission"]]),
        ("Data", "hidden", [HEADER, NT1]),
    )


def two_visible_sheets(folder: Path) -> Path:
    copy = ["Jobs", "NT1", "Local FTE", "no. people FTE", 30782, 20, 615640]
    return book(folder / "two_visible.xlsx", ("Pledges", "visible", [HEADER, NT1]), ("Copy", "visible", [HEADER, copy]))


def two_hidden_sheets(folder: Path) -> Path:
    return book(
        folder / "two_hidden.xlsx",
        ("Read me", "visible", [["notes"]]),
        ("A", "hidden", [HEADER, NT1]),
        ("B", "veryHidden", [HEADER, NT1]),
    )


# --- formulas ---------------------------------------------------------------------------------------


def _formula_answer(folder: Path, name: str, formula: str, saved: str | None, helper: object = None) -> Path:
    row = ["Jobs", "NT1", "Local FTE", "no. people FTE", 30782, f"={formula}", None, helper]
    base = pledges(folder / f"{name}_base.xlsx", row, NT3)
    if saved is None:
        return base
    return patch(base, folder / f"{name}.xlsx", {SHEET1: cached(formula, saved)})


def stale_constant_formula(folder: Path) -> Path:
    """=2*6 with 1200 saved as its result: Excel shows 12, a reader of the saved value imports 1200."""
    return _formula_answer(folder, "stale_constant", "2*6", "1200")


def agreeing_constant_formula(folder: Path) -> Path:
    return _formula_answer(folder, "agreeing_constant", "2*6", "12")


def stale_referencing_formula(folder: Path) -> Path:
    """=H2*2 where H2 holds 6, with 999 saved."""
    return _formula_answer(folder, "stale_reference", "H2*2", "999", helper=6)


def unsaved_referencing_formula(folder: Path) -> Path:
    """=H2*2 where H2 holds 6 and no result saved (as openpyxl and scripts write them): 12."""
    return _formula_answer(folder, "unsaved_reference", "H2*2", None, helper=6)


def function_formula(folder: Path) -> Path:
    """=SUM(H2,1) with 7 saved: a function svdesk does not recalculate."""
    return _formula_answer(folder, "function", "SUM(H2,1)", "7", helper=6)


def circular_formula(folder: Path) -> Path:
    return _formula_answer(folder, "circular", "F2+1", "3")


def text_referencing_formula(folder: Path) -> Path:
    """=C2*2 where C2 is the question's text: #VALUE! in Excel, 0 saved."""
    return _formula_answer(folder, "text_reference", "C2*2", "0")


def _shared(folder: Path, name: str, second_saved: str) -> Path:
    """F2:F3 share the formula H2*2 (as Excel writes a filled-down column): H2 = 6, H3 = 0.5."""
    rows = [
        ["Jobs", "NT1", "Local FTE", "no. people FTE", 30782, "=H2*2", None, 6],
        ["Jobs", "NT3", "Long-term unemployed", "no. people FTE", 20481, "=H3*2", None, 0.5],
    ]
    base = pledges(folder / f"{name}_base.xlsx", *rows)
    edit = chain(
        replace("<f>H2*2</f><v />", '<f t="shared" ref="F2:F3" si="0">H2*2</f><v>12</v>'),
        replace("<f>H3*2</f><v />", f'<f t="shared" si="0"/><v>{second_saved}</v>'),
    )
    return patch(base, folder / f"{name}.xlsx", {SHEET1: edit})


def shared_formula_agreeing(folder: Path) -> Path:
    return _shared(folder, "shared_ok", "1")


def shared_formula_stale(folder: Path) -> Path:
    return _shared(folder, "shared_stale", "999")


def stated_value_function(folder: Path) -> Path:
    """Pledged Social Value =ROUND(E2*F2,2), saved: not recalculated, compared only (it is never imported)."""
    row = ["Jobs", "NT1", "Local FTE", "no. people FTE", 30782, 2, "=ROUND(E2*F2,2)"]
    base = pledges(folder / "stated_function_base.xlsx", row, NT3)
    return patch(base, folder / "stated_function.xlsx", {SHEET1: cached("ROUND(E2*F2,2)", "61564")})


def proxy_function(folder: Path) -> Path:
    """Proxy Value =MAX(30782,1): not recalculated, so not used (not even to add the measure)."""
    row = ["Jobs", "NT1", "Local FTE", "no. people FTE", "=MAX(30782,1)", 2, 61564]
    base = pledges(folder / "proxy_function_base.xlsx", row, NT3)
    return patch(base, folder / "proxy_function.xlsx", {SHEET1: cached("MAX(30782,1)", "30782")})


# --- rows with an answer but no reference; merged and hidden cells -----------------------------------


def reference_formula(folder: Path) -> Path:
    """B2 =IF(1,"NT1","NT3") with NT3 saved: which measure the answer counts for, taken on trust."""
    base = pledges(
        folder / "ref_formula_base.xlsx", ["Jobs", '=IF(1,"NT1","NT3")', "x", "no. people FTE", 30782, 2, 61564]
    )
    return patch(
        base,
        folder / "ref_formula.xlsx",
        {
            SHEET1: replace(
                '<c r="B2"><f>IF(1,"NT1","NT3")</f><v /></c>',
                '<c r="B2" t="str"><f>IF(1,"NT1","NT3")</f><v>NT3</v></c>',
            )
        },
    )


def answer_without_reference(folder: Path) -> Path:
    return pledges(
        folder / "no_reference.xlsx", NT1, ["Jobs", None, "Apprentices", "no. weeks", 224.07, 12, 2688.84], NT3
    )


def merged_reference(folder: Path) -> Path:
    """B2:B3 merged (showing NT1 once); row 3 has its own answer, 5."""
    path = folder / "merged_reference.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Pledges"
    for row in (HEADER, NT1, ["Jobs", None, "Local FTE (supply chain)", "no. people FTE", 30782, 5, 153910], NT3):
        ws.append(row)
    ws.merge_cells("B2:B3")
    wb.save(path)
    return path


def value_under_merge(folder: Path) -> Path:
    """B3 holds NT3, but B2:B3 is merged: Excel shows NT1 only."""
    base = pledges(folder / "under_merge_base.xlsx")
    return patch(
        base,
        folder / "under_merge.xlsx",
        {SHEET1: replace("</sheetData>", '</sheetData><mergeCells count="1"><mergeCell ref="B2:B3"/></mergeCells>')},
    )


def total_line_with_answer(folder: Path) -> Path:
    return pledges(folder / "total_answer.xlsx", NT1, NT3, ["Total SV Pledge", None, None, None, None, 99, 82045])


def hidden_row_and_column(folder: Path) -> Path:
    path = folder / "hidden_row.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Pledges"
    for row in (HEADER, NT1, NT3):
        ws.append(row)
    ws.row_dimensions[3].hidden = True
    ws.column_dimensions["F"].hidden = True
    wb.save(path)
    return path


# --- the package: parts two readers resolve differently ----------------------------------------------


def duplicate_entry(folder: Path) -> Path:
    """Two zip entries named xl/worksheets/sheet1.xml: the second pledges 999."""
    base = pledges(folder / "dup_base.xlsx")
    other = _read(pledges(folder / "dup_other.xlsx", ["Jobs", "NT1", "x", "no. people FTE", 30782, 999, 1]), SHEET1)
    return patch(base, folder / "duplicate_entry.xlsx", extra={SHEET1: other})


def case_differing_entries(folder: Path) -> Path:
    """xl/worksheets/Sheet1.xml beside xl/worksheets/sheet1.xml: one part to Excel, two to others."""
    base = pledges(folder / "case_base.xlsx")
    other = _read(pledges(folder / "case_other.xlsx", ["Jobs", "NT1", "x", "no. people FTE", 30782, 999, 1]), SHEET1)
    return patch(base, folder / "case_entries.xlsx", extra={"xl/worksheets/Sheet1.xml": other})


def relationship_case_differs(folder: Path) -> Path:
    """The workbook's relationship names worksheets/Sheet1.xml; the zip holds sheet1.xml (openpyxl skips the sheet)."""
    base = book(folder / "rel_case_base.xlsx", ("Pledges", "visible", [HEADER, NT1]), ("Old", "hidden", [HEADER, NT1]))
    return patch(
        base, folder / "rel_case.xlsx", {WB_RELS: replace("/xl/worksheets/sheet1.xml", "/xl/worksheets/Sheet1.xml")}
    )


def content_types_elsewhere(folder: Path) -> Path:
    """[Content_Types].xml gives the workbook as /xl/workbook2.xml; _rels/.rels as xl/workbook.xml."""
    base = pledges(folder / "ct_base.xlsx")
    return patch(
        base,
        folder / "ct_elsewhere.xlsx",
        {CT: replace('PartName="/xl/workbook.xml"', 'PartName="/xl/workbook2.xml"')},
        extra={"xl/workbook2.xml": _read(base, "xl/workbook.xml")},
    )


def relationship_outside_xl(folder: Path) -> Path:
    """A sheet's relationship target leaves xl/ (../evil/sheet1.xml)."""
    base = pledges(folder / "outside_base.xlsx")
    return patch(
        base,
        folder / "outside_xl.xlsx",
        {
            WB_RELS: replace('Target="/xl/worksheets/sheet1.xml"', 'Target="../evil/sheet1.xml"'),
            CT: replace('PartName="/xl/worksheets/sheet1.xml"', 'PartName="/evil/sheet1.xml"'),
        },
        extra={"evil/sheet1.xml": _read(base, SHEET1)},
        drop=(SHEET1,),
    )


def _with_strings(folder: Path, name: str, index: str, rels_target: str = "sharedStrings.xml") -> Path:
    """B2 (NT1) as a shared string, as Excel writes text; the table holds 'NT1' and 'Local FTE'."""
    base = pledges(folder / f"{name}_base.xlsx")
    sst = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">'
        b'<si><t>NT1</t></si><si><r><t>Local</t></r><r><t xml:space="preserve"> FTE</t></r></si></sst>'
    )
    strings_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    rel_type = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
    return patch(
        base,
        folder / f"{name}.xlsx",
        {
            SHEET1: chain(
                replace('<c r="B2" t="inlineStr"><is><t>NT1</t></is></c>', f'<c r="B2" t="s"><v>{index}</v></c>'),
                replace('<c r="C2" t="inlineStr"><is><t>Local FTE</t></is></c>', '<c r="C2" t="s"><v>1</v></c>'),
            ),
            CT: replace(
                "</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{strings_type}"/></Types>'
            ),
            WB_RELS: replace(
                "</Relationships>",
                f'<Relationship Id="rId99" Type="{rel_type}" Target="{rels_target}"/></Relationships>',
            ),
        },
        extra={
            "xl/sharedStrings.xml": sst,
            **({f"xl/{rels_target}": sst} if rels_target != "sharedStrings.xml" else {}),
        },
    )


def shared_strings_as_excel_writes_them(folder: Path) -> Path:
    return _with_strings(folder, "strings_ok", "0")


def shared_string_out_of_range(folder: Path) -> Path:
    return _with_strings(folder, "strings_57", "57")


def shared_string_negative(folder: Path) -> Path:
    """Index -1: openpyxl reads the last string of the table (another cell's text)."""
    return _with_strings(folder, "strings_minus1", "-1")


def shared_strings_two_tables(folder: Path) -> Path:
    """[Content_Types].xml names xl/sharedStrings.xml, the workbook's relationship xl/strings2.xml."""
    return _with_strings(folder, "strings_two", "0", rels_target="strings2.xml")


def row_written_twice(folder: Path) -> Path:
    base = pledges(folder / "row_twice_base.xlsx")
    return patch(base, folder / "row_twice.xlsx", {SHEET1: replace('<row r="3"', '<row r="2"')})


def cell_written_twice(folder: Path) -> Path:
    base = pledges(folder / "cell_twice_base.xlsx")
    return patch(
        base,
        folder / "cell_twice.xlsx",
        {SHEET1: replace('<c r="F2" t="n"><v>2</v></c>', '<c r="F2" t="n"><v>2</v></c><c r="F2" t="n"><v>999</v></c>')},
    )


# --- number formats that show something else ---------------------------------------------------------


def _formatted_answer(folder: Path, name: str, code: str, answer: object = 1000) -> Path:
    """NT1's answer F2 holds `answer` under the number format `code`."""
    path = folder / f"{name}.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Pledges"
    for row in (HEADER, ["Jobs", "NT1", "Local FTE", "no. people FTE", 30782, answer, None], NT3):
        ws.append(row)
    ws["F2"].number_format = code
    wb.save(path)
    return path


def answer_shown_as_nothing(folder: Path) -> Path:
    return _formatted_answer(folder, "shows_nothing", ";;;")


def answer_shown_as_text(folder: Path) -> Path:
    """1000 FTE, shown as "10"."""
    return _formatted_answer(folder, "shows_text", '"10"')


def answer_shown_in_thousands(folder: Path) -> Path:
    """12000 shown as 12."""
    return _formatted_answer(folder, "shows_thousands", "0,", 12000)


def answer_shown_as_date(folder: Path) -> Path:
    return _formatted_answer(folder, "shows_date", "d-mmm", 12)


def answer_in_ordinary_formats(folder: Path) -> list[Path]:
    """Formats that show the number (currency, decimals, a unit, percent): read as they are."""
    return [
        _formatted_answer(folder, f"ordinary_{i}", code, 12)
        for i, code in enumerate(("#,##0.00", '0" FTE"', "0%", '"£"#,##0', "General", "@"))
    ]


REFUSED: dict[str, tuple[Callable[[Path], Path], tuple[str, ...]]] = {
    "two visible sheets": (two_visible_sheets, ("sheet 'Copy', cell B1", "'Pledges', cell B1")),
    "two hidden sheets, none visible": (two_hidden_sheets, ("sheet 'B', cell B1", "'A', cell B1")),
    "stale saved result of =2*6": (stale_constant_formula, ("cell F2", "=2*6", "gives 12", "1,200")),
    "stale saved result of =H2*2": (stale_referencing_formula, ("cell F2", "=H2*2", "gives 12", "999")),
    "answer formula with a function": (function_formula, ("cell F2", "=SUM(H2,1)", "does not recalculate")),
    "circular answer formula": (circular_formula, ("cell F2", "circular")),
    "answer formula on text": (text_referencing_formula, ("cell F2", "C2, which holds text")),
    "stale shared formula": (shared_formula_stale, ("cell F3", "=H3*2", "gives 1,", "999")),
    "value under a merged cell": (value_under_merge, ("cell B3", "'NT3'", "B2:B3", "'NT1'")),
    "duplicate zip entry": (duplicate_entry, ("two parts named 'xl/worksheets/sheet1.xml'",)),
    "entries differing in case": (case_differing_entries, ("'xl/worksheets/sheet1.xml'", "'xl/worksheets/Sheet1.xml'")),
    "relationship target in another case": (relationship_case_differs, ("'xl/worksheets/Sheet1.xml'", "holds")),
    "content types give another workbook": (content_types_elsewhere, ("'xl/workbook2.xml'", "'xl/workbook.xml'")),
    "relationship target outside xl/": (relationship_outside_xl, ("'../evil/sheet1.xml'",)),
    "shared string index out of range": (
        shared_string_out_of_range,
        ("cell B2", "shared string '57'", "has 2 strings"),
    ),
    "shared string index -1": (shared_string_negative, ("cell B2", "shared string '-1'")),
    "two shared-string tables": (shared_strings_two_tables, ("'xl/sharedStrings.xml'", "xl/strings2.xml")),
    "row written twice": (row_written_twice, ("sheet 'Pledges', row 2", "written again after row 2")),
    "cell written twice": (cell_written_twice, ("cell F2", "written twice")),
    "reference that is a formula": (reference_formula, ("cell B2", "=IF(1,", "'NT3'", "type the reference")),
    "answer formatted to show nothing": (answer_shown_as_nothing, ("cell F2", "1,000", "';;;'", "shows nothing")),
    "answer formatted to show a text": (answer_shown_as_text, ("cell F2", "1,000", "the text '10'")),
    "answer formatted in thousands": (answer_shown_in_thousands, ("cell F2", "12,000", "divided by 1,000")),
    "answer formatted as a date": (answer_shown_as_date, ("cell F2", "built-in format 16", "a date")),
}


# --- paths that are no regular file -------------------------------------------------------------------


def fifo(folder: Path, name: str) -> Path:
    path = folder / name
    os.mkfifo(path)
    return path


def link_to_dev_zero(folder: Path, name: str) -> Path:
    path = folder / name
    path.symlink_to("/dev/zero")
    return path


def a_folder(folder: Path, name: str) -> Path:
    path = folder / name
    path.mkdir()
    return path


SPECIAL_FILES: dict[str, Callable[[Path, str], Path]] = {
    "FIFO": fifo,
    "symlink to /dev/zero": link_to_dev_zero,
    "folder": a_folder,
}
