"""The evaluation workbook: real xlsx files written and read back with openpyxl."""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pytest

from svdesk.export.workbook import SHEETS, write_evaluation_workbook
from svdesk.export.xlsx_layout import MONEY, Formula, StreamingBook
from svdesk.export.xlsx_safety import MAX_CELL_CHARS, restore_text, safe_text
from svdesk.model.demo import load_demo
from svdesk.model.evaluation_file import parse_document, write_evaluation
from svdesk.model.scoring import round2
from svdesk.model.services import open_svdesk_database
from svdesk.model.services.catalogue import measures_by_ref
from svdesk.model.services.report_data import ReportData, report_data
from svdesk.model.services.tenders import get_tender
from svdesk.resources import resource_path
from tests.factory import minimal_doc
from tests.hostile import HOSTILE_STRINGS

PRODUCT = re.compile(r"=([A-Z]+)(\d+)\*([A-Z]+)(\d+)")
SUM = re.compile(r"=SUM\(([A-Z]+)(\d+):([A-Z]+)(\d+)\)")
# What a generated formula may hold: cell references (of our own sheets), the functions we use,
# numbers, operators and our own fixed words. Anything else (a name, a rationale) leaked into it.
FORMULA_LITERALS = {'""', '"Quality"', '"Social value"', '"Yes"', '"No"', '"tied"', '"relative ratio"'}
FORMULA_TOKEN = re.compile(
    r"(?:(?:Weights|Questions|Scores|Moderation|Pledges)!)?\$?[A-Z]{1,3}\$?\d+"
    r"|(?:IF|AND|OR|ISNUMBER|COUNT|COUNTIF|AVERAGE|MAX|MIN|SUM|SUMIF|ROUND|RANK)\("
    r"|FALSE|\d+(?:\.\d+)?|[-+*/(),:<>=]"
)


def _data(db) -> ReportData:
    with db.reader() as s:
        return report_data(s, get_tender(s))


@pytest.fixture
def demo(tmp_path):
    db = open_svdesk_database(tmp_path / "demo.sqlite")
    load_demo(db)
    yield _data(db)
    db.dispose()


def _value(ws, coord: str) -> float:
    """A cell's value, computing the two formula shapes the workbook writes from the cells they name."""
    cell = ws[coord]
    if cell.data_type != "f":
        return float(cell.value or 0)
    if m := PRODUCT.fullmatch(cell.value):
        return _value(ws, f"{m[1]}{m[2]}") * _value(ws, f"{m[3]}{m[4]}")
    if m := SUM.fullmatch(cell.value):
        assert m[1] == m[3]
        return sum(_value(ws, f"{m[1]}{r}") for r in range(int(m[2]), int(m[4]) + 1))
    raise AssertionError(f"unexpected formula {cell.value!r} in {coord}")


def test_sheets_formulas_and_totals_recompute(demo, tmp_path):
    path = write_evaluation_workbook(demo, tmp_path / "evaluation.xlsx")
    wb = openpyxl.load_workbook(path)  # data_only=False: formulas come back as formulas
    assert wb.sheetnames == list(SHEETS)

    ws = wb["Pledges"]
    assert [c.value for c in ws[1]][:10] == [
        "Bidder", "Ref", "Theme", "Unit", "Proxy value (£)", "Quantity", "Accepted quantity",
        "Pledged value (£)", "Accepted value (£)", "Adjustment reason",
    ]  # fmt: skip
    pledge_rows = [r for r in range(2, ws.max_row + 1) if ws[f"B{r}"].value not in (None, "Subtotal")]
    assert len(pledge_rows) == len(demo.pledges) == 28
    for r, p in zip(pledge_rows, demo.pledges, strict=True):
        assert (ws[f"A{r}"].value, ws[f"B{r}"].value) == (p.bidder, p.ref)
        assert ws[f"H{r}"].data_type == "f" and ws[f"H{r}"].value == f"=F{r}*E{r}"
        assert ws[f"I{r}"].data_type == "f" and ws[f"I{r}"].value == f"=G{r}*E{r}"
        assert ws[f"H{r}"].number_format == MONEY == ws[f"I{r}"].number_format
        assert _value(ws, f"H{r}") == pytest.approx(p.quantity * p.proxy_value, abs=1e-9)
        assert _value(ws, f"I{r}") == pytest.approx(p.accepted_quantity * p.proxy_value, abs=1e-9)

    subtotals = {ws[f"A{r}"].value: r for r in range(2, ws.max_row + 1) if ws[f"B{r}"].value == "Subtotal"}
    assert list(subtotals) == demo.bidders
    results = demo.results.by_name()
    for bidder, r in subtotals.items():
        assert ws[f"H{r}"].value.startswith("=SUM(")
        assert round2(_value(ws, f"H{r}")) == round2(results[bidder].pledged_value)
        assert round2(_value(ws, f"I{r}")) == round2(results[bidder].accepted_value)

    scores = wb["Scores"]
    assert scores.max_row - 1 == len(demo.individual) == 55
    assert scores.freeze_panes == "A2" and all(c.font.b for c in scores[1])
    first = demo.individual[0]
    assert [c.value for c in scores[1]] == [
        "Member", "Role", "Bidder", "Question", "Score", "Descriptor", "Rationale", "Entered by proxy",
    ]  # fmt: skip
    # the member's own score: nothing entered by proxy, an empty cell
    assert [c.value for c in scores[2]] == [
        first.member, first.role, first.bidder, first.question, first.score, demo.descriptor(first.score),
        first.rationale, None,
    ]  # fmt: skip
    assert scores["G2"].alignment.wrap_text and scores["H2"].alignment.wrap_text

    summary = wb["Summary"]
    texts = [c.value for row in summary.iter_rows() for c in row if c.value is not None]
    assert demo.reference in texts and demo.fingerprint in texts and demo.audit_head in texts
    header_row = next(r for r in range(1, summary.max_row + 1) if summary[f"A{r}"].value == "Rank")
    ranked = [summary[f"B{r}"].value for r in range(header_row + 1, header_row + 1 + len(demo.bidders))]
    assert ranked == [b.name for b in demo.results.bidders]
    label = summary[f"A{header_row - 1}"].value
    assert label.startswith("Results: FINAL" if demo.final else "Results: PROVISIONAL")

    moderation = wb["Moderation"]
    assert moderation.max_row - 1 == len(demo.bidders) * len(demo.questions)
    assert "conflict" in [c.value for row in moderation.iter_rows() for c in row]  # Sam and Northgate
    assert wb["Measures"].max_row - 1 == len(demo.measures)
    assert wb["Declarations"].max_row - 1 == len(demo.declarations)


def test_the_scores_sheet_says_which_scores_were_entered_by_proxy(tmp_path):
    """Loaded with the tender (as `svdesk dump` writes them): one confirmed, one not, the rest the members' own."""
    doc = json.loads(Path(resource_path("demo", "demo_evaluation.json")).read_text(encoding="utf-8"))
    doc["format"] = "svdesk-evaluation/2"
    tom, gwen = (next(s for s in doc["scores"] if s["evaluator"] == m) for m in ("Tom Ellis", "Gwen Roberts"))
    doc["proxy_entries"] = [
        {
            "member": "Tom Ellis", "bidder": tom["bidder"], "question": tom["question"], "entered_by": "Priya Shah",
            "source": "paper form signed by Tom Ellis, dated 3 Dec", "entered_at": "2026-12-03T10:00:00+00:00",
            "confirmed_at": "2026-12-05T09:30:00+00:00",
        },
        {
            "member": "Gwen Roberts", "bidder": gwen["bidder"], "question": gwen["question"],
            "entered_by": "Priya Shah", "source": "offline pack " + "ab" * 32,
            "entered_at": "2026-12-04T10:00:00+00:00", "confirmed_at": "",
        },
    ]  # fmt: skip
    db = open_svdesk_database(tmp_path / "proxy.sqlite")
    with db.transaction() as s:
        write_evaluation(s, parse_document(doc, measures_by_ref(s)), "tester")
    data = _data(db)
    db.dispose()
    ws = openpyxl.load_workbook(write_evaluation_workbook(data, tmp_path / "proxy.xlsx"))["Scores"]
    column = [c.value for c in ws[1]].index("Entered by proxy") + 1
    said = {
        (ws.cell(r, 1).value, ws.cell(r, 3).value, ws.cell(r, 4).value): ws.cell(r, column).value
        for r in range(2, ws.max_row + 1)
    }
    assert said.pop(("Tom Ellis", tom["bidder"], tom["question"])) == (
        "by Priya Shah from paper form signed by Tom Ellis, dated 3 Dec; confirmed 5 December 2026"
    )
    assert said.pop(("Gwen Roberts", gwen["bidder"], gwen["question"])) == (
        f"by Priya Shah from offline pack {'ab' * 32}; not confirmed"
    )
    assert len(said) == 53 and set(said.values()) == {None}  # every other score is the member's own


def test_safe_text_neutralises_every_formula_trigger():
    for value in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"):
        assert safe_text(value) == "'" + value
        assert restore_text(safe_text(value)) == value
    for value in ("Acme", "'quoted", "1+1", "", "Zoë"):
        assert safe_text(value) == value == restore_text(value)
    assert safe_text(None) == ""
    assert safe_text("a\x00b\x1fc") == "a\ufffdb\ufffdc"  # illegal in xlsx XML; would break the file
    long = safe_text(HOSTILE_STRINGS["long rationale"])
    assert len(long) == MAX_CELL_CHARS and long.endswith("characters]")


HOSTILE_BIDDER = '=HYPERLINK("http://x","y")'


def _hostile_doc() -> dict:
    doc = minimal_doc()
    doc["bidders"][0]["name"] = HOSTILE_BIDDER
    for section in ("scores", "moderated", "adjustments"):
        for entry in doc[section]:
            entry["bidder"] = HOSTILE_BIDDER
    doc["tender"]["title"] = HOSTILE_STRINGS["formula ="]
    doc["panel"][0]["name"] = HOSTILE_STRINGS["formula @"]
    doc["scores"][0]["evaluator"] = HOSTILE_STRINGS["formula @"]
    doc["scores"][0]["rationale"] = "+cmd"
    doc["scores"][1]["rationale"] = HOSTILE_STRINGS["formula +"]
    doc["scores"] += [
        {"evaluator": "Gwen", "bidder": HOSTILE_BIDDER, "question": "Q2", "score": 2,
         "rationale": HOSTILE_STRINGS["formula -"]},
        {"evaluator": "Gwen", "bidder": HOSTILE_BIDDER, "question": "SV1", "score": 3,
         "rationale": HOSTILE_STRINGS["long rationale"]},
    ]  # fmt: skip
    doc["moderated"][0]["rationale"] = HOSTILE_STRINGS["formula ="]
    doc["adjustments"][0]["reason"] = "-1 FTE not evidenced"
    doc["measures"][2]["description"] = "@SUM(1+1)"
    return doc


def test_hostile_text_never_becomes_a_formula(tmp_path):
    db = open_svdesk_database(tmp_path / "hostile.sqlite")
    with db.transaction() as s:
        write_evaluation(s, parse_document(_hostile_doc(), measures_by_ref(s)), "tester")
    data = _data(db)
    db.dispose()
    path = write_evaluation_workbook(data, tmp_path / "hostile.xlsx")
    wb = openpyxl.load_workbook(path)

    formulas = [(ws.title, c.coordinate, c.value) for ws in wb for row in ws.iter_rows() for c in row
                if c.data_type == "f"]  # fmt: skip
    assert formulas, "the workbook should hold live formulas"
    for sheet, coord, value in formulas:
        assert value.startswith("="), (sheet, coord, value)
        rest = re.sub(r'"[^"]*"', lambda m: "" if m[0] in FORMULA_LITERALS else m[0], value[1:])
        assert FORMULA_TOKEN.sub("", rest) == "", (sheet, coord, value)
        if sheet == "Pledges":
            assert coord[0] in "HI" and (PRODUCT.fullmatch(value) or SUM.fullmatch(value)), value
    assert {sheet for sheet, _coord, _value in formulas} == {"Summary", "Weights", "Questions", "Moderation", "Pledges"}

    cells = {}
    for ws in wb:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.data_type != "f":  # formulas were checked above
                    assert c.data_type == "s"
                    cells.setdefault(c.value, []).append(f"{ws.title}!{c.coordinate}")
    hostile = [
        HOSTILE_BIDDER, "+cmd", HOSTILE_STRINGS["formula +"], HOSTILE_STRINGS["formula -"],
        HOSTILE_STRINGS["formula ="], HOSTILE_STRINGS["formula @"], "-1 FTE not evidenced", "@SUM(1+1)",
    ]  # fmt: skip
    for value in hostile:
        assert value not in cells, f"{value!r} written un-neutralised at {cells.get(value)}"
        assert "'" + value in cells, f"{value!r} missing"
    where = cells["'" + HOSTILE_BIDDER]
    for sheet in ("Summary", "Pledges", "Scores", "Moderation"):
        assert any(w.startswith(sheet + "!") for w in where), sheet
    assert any(v.startswith("The bid evidences") and v.endswith("characters]") for v in cells)


def test_layout_widths_panes_and_formats(demo, tmp_path):
    """The streamed workbook carries the look openpyxl cells had: fonts, fill, formats, widths, panes, wrapping."""
    path = write_evaluation_workbook(demo, tmp_path / "evaluation.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.calculation.fullCalcOnLoad  # a spreadsheet recomputes the formulas (their cached values are svdesk's)
    panes = {
        "Summary": None,
        "Weights": "A2",
        "Questions": "B2",
        "Pledges": "A2",
        "Pledge reviews": "A2",
        "Scores": "A2",
        "Moderation": "C2",
        "Measures": "B2",
        "Declarations": "A2",
    }
    widths = {
        "Summary": 40,
        "Weights": 36,
        "Questions": 10,
        "Pledges": 30,
        "Pledge reviews": 30,
        "Scores": 22,
        "Moderation": 30,
        "Measures": 8,
        "Declarations": 22,
    }
    for ws in wb:
        assert ws.freeze_panes == panes[ws.title]
        assert ws.column_dimensions["A"].width == widths[ws.title]
        assert ws.dimensions == f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row}"

    summary = wb["Summary"]
    assert summary["A1"].font.b and summary["A1"].font.sz == 14
    header = next(r for r in range(1, summary.max_row + 1) if summary[f"A{r}"].value == "Rank")
    for cell in summary[header]:
        assert cell.font.b and cell.fill.fgColor.rgb == "00DDE4EE" and cell.alignment.wrap_text
    assert summary[f"C{header + 1}"].number_format == MONEY
    assert summary[f"J{header + 1}"].number_format == "0.00"
    assert all(
        c.alignment.vertical == "top" for row in summary.iter_rows(min_row=2) for c in row if c.value is not None
    )

    pledges = wb["Pledges"]
    assert pledges["E2"].number_format == '"£"#,##0.00####' and pledges["J2"].alignment.wrap_text
    subtotal = next(r for r in range(2, pledges.max_row + 1) if pledges[f"B{r}"].value == "Subtotal")
    assert all(pledges.cell(subtotal, c).font.b for c in range(1, 10))
    assert pledges[f"I{subtotal}"].number_format == MONEY
    assert wb["Moderation"].cell(2, wb["Moderation"].max_column).alignment.wrap_text
    assert wb["Measures"]["B2"].alignment.wrap_text and wb["Measures"]["D2"].number_format == '"£"#,##0.00####'

    read_only = openpyxl.load_workbook(path, read_only=True)  # as the self-check opens it: from the dimensions
    assert read_only["Scores"].max_row == len(demo.individual) + 1
    read_only.close()


def _streamed(tmp_path, rows: list[list[object]]):
    book = StreamingBook()
    with book.sheet("Cells", (10,) * 6) as ws:
        for number, values in enumerate(rows, start=1):
            ws.row(number, values, (book.style(),) * len(values))
    path = tmp_path / "cells.xlsx"
    path.write_bytes(book.getvalue())
    return openpyxl.load_workbook(path)["Cells"]


def test_streamed_cells_keep_their_types(tmp_path):
    """The tail cache never lets a formula and the same text, or True and 1.0, share a rendering."""
    ws = _streamed(
        tmp_path,
        [
            ["=A2*B2", Formula("=A2*B2"), "=A2*B2", Formula("=B2*A2")],
            [1.0, True, 1, False, 0.0, None],
            ["  padded ", "a < b & c > d", "tab\tand\nnewline", "", "Zoë 🏠", "bad\x00byte"],
            [2.5, 2.5, "2.5", 1e-7, 123456789.123, 10**6],
        ],
    )
    assert [(c.value, c.data_type) for c in ws[1]][:4] == [
        ("'=A2*B2", "s"), ("=A2*B2", "f"), ("'=A2*B2", "s"), ("=B2*A2", "f"),
    ]  # fmt: skip
    assert [c.value for c in ws[2]] == [1, "Yes", 1, "No", 0, None]
    assert [c.value for c in ws[3]] == [
        "  padded ",
        "a < b & c > d",
        "tab\tand\nnewline",
        None,
        "Zoë 🏠",
        "bad\ufffdbyte",
    ]
    assert [c.value for c in ws[4]][:5] == [2.5, 2.5, "2.5", 1e-7, 123456789.123]
    assert ws["F4"].value == 10**6


def test_streamed_rows_must_match_styles_and_come_in_order():
    book = StreamingBook()
    with pytest.raises(ValueError, match="in order"), book.sheet("Rows", ()) as ws:
        ws.row(2, ["a"], (book.style(),))
        ws.row(2, ["b"], (book.style(),))
    with pytest.raises(ValueError, match="styles"), book.sheet("Widths", ()) as ws:
        ws.row(1, ["a", "b"], (book.style(),))


def test_streamed_formulas_carry_their_cached_values_and_rows_their_heights(tmp_path):
    """A formula's cached value is written as its own type (a viewer that does not recalculate shows
    it); a wrapped text's row is as tall as its lines; a page header's '&' stays text."""
    from svdesk.export.xlsx_layout import WRAP
    from svdesk.export.xlsx_print import LINE_HEIGHT, PrintSetup, header_text

    book = StreamingBook()
    printing = PrintSetup(header=(header_text("=R&D <x>"), "&A"))
    with book.sheet("Cells", (10,) * 5, printing=printing) as ws:
        cached = [
            Formula("=1+1", 2.0),
            Formula('="a"&"b"', "ab"),
            Formula("=1=1", True),
            Formula("=A1"),
            Formula("=B1", 3),
        ]
        ws.row(1, cached, (book.style(),) * 5)
        ws.row(2, ["word " * 40, "short"], (book.style(alignment=WRAP), book.style(alignment=WRAP)))
        ws.row(3, ["fits", "x" * 200], (book.style(alignment=WRAP), book.style()))  # not wrapped: one line
    path = tmp_path / "cells.xlsx"
    path.write_bytes(book.getvalue())
    formulas, values = openpyxl.load_workbook(path)["Cells"], openpyxl.load_workbook(path, data_only=True)["Cells"]
    assert [c.value for c in formulas[1]] == ["=1+1", '="a"&"b"', "=1=1", "=A1", "=B1"]
    assert [c.value for c in values[1]] == [2, "ab", True, None, 3]
    assert formulas.row_dimensions[2].height >= 18 * LINE_HEIGHT  # 200 characters, 11 a line
    assert formulas.row_dimensions[1].height is None and formulas.row_dimensions[3].height is None
    assert formulas.oddHeader.left.text == "'=R&&D <x>"  # neutralised, and '&' doubled: no header code
