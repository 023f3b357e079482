"""Issue 14: pledge sheets that read what the spreadsheet does not show, and paths that are no file.

Every row with an answer is imported or reported; the preview says which sheet was read and whether
it is hidden; what two programs would read differently is refused, naming the cell or the part. A
FIFO, a symlink to /dev/zero or a folder given to any command that reads a file exits 2 at once,
naming it (each command runs in its own process, under a timeout: before, they hung or grew
without bound).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtGui import QUndoStack

from svdesk.app import measures, pledges, reads
from svdesk.app.database import open_database
from svdesk.app.setup import create_tender
from svdesk.cli import main
from svdesk.model.sheet_formulas import Unsupported, evaluate
from svdesk.model.xlsx_parts import Formula
from svdesk.ui.bids_screen import BidsScreen, PledgePreview
from svdesk.ui.screen_base import Desk
from tests.factory import write_doc
from tests.gui_steps import answering, click
from tests.hostile import pledge_doc
from tests.hostile.spreadsheets import (
    HEADER,
    NT1,
    REFUSED,
    SPECIAL_FILES,
    agreeing_constant_formula,
    answer_in_ordinary_formats,
    answer_without_reference,
    book,
    hidden_row_and_column,
    hidden_sheet_first,
    merged_reference,
    only_a_hidden_sheet,
    proxy_function,
    shared_formula_agreeing,
    shared_strings_as_excel_writes_them,
    stated_value_function,
    total_line_with_answer,
    unsaved_referencing_formula,
    very_hidden_sheet_first,
)
from tests.sheets import plain_workbook

REPO = Path(__file__).resolve().parents[1]
BIDDER = "Sandstone Support Services"
PACKAGE_CASES = (
    "duplicate zip entry",
    "entries differing in case",
    "relationship target in another case",
    "content types give another workbook",
    "shared string index out of range",
    "shared string index -1",
    "row written twice",
)


def counts(db_path: Path) -> dict[str, int]:
    conn = sqlite3.connect(db_path)
    try:
        return {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("pledge", "audit_entry", "framework", "measure", "score")
        }
    finally:
        conn.close()


@pytest.fixture(scope="module")
def seed_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("faults-db")
    path = folder / "f.sqlite"
    assert main(["load", str(write_doc(folder / "t.json", pledge_doc())), "--db", str(path)]) == 0
    return path


def dry_run(path: Path, db: Path, capsys) -> dict:
    capsys.readouterr()
    code = main(["import-pledges", str(path), "--db", str(db), "--bidder", BIDDER, "--dry-run", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


# --- refused, naming the cell or the part ------------------------------------------------------------


@pytest.mark.parametrize("name", list(REFUSED))
def test_ambiguous_sheets_are_refused_naming_the_cell_or_part(name, seed_db, tmp_path, capsys):
    builder, said = REFUSED[name]
    path = builder(tmp_path)
    before = counts(seed_db)
    capsys.readouterr()
    code = main(["import-pledges", str(path), "--db", str(seed_db), "--bidder", BIDDER])
    err = capsys.readouterr().err
    assert code == 2, err
    assert path.name in err and "Traceback" not in err and "internal error" not in err, err
    for text in said:
        assert text in err, f"{name}: {text!r} not in {err}"
    assert counts(seed_db) == before


@pytest.mark.parametrize("name", PACKAGE_CASES)
def test_packs_and_catalogues_refuse_the_same_packages(name, seed_db, tmp_path, capsys):
    """openpyxl reads packs and catalogues; the strict scan in front of it refuses the same files."""
    builder, said = REFUSED[name]
    path = builder(tmp_path)
    before = counts(seed_db)
    for argv in (["pack", "import", str(path)], ["catalogue", "import", str(path)]):
        capsys.readouterr()
        code = main([*argv, "--db", str(seed_db)])
        err = capsys.readouterr().err
        assert code == 2, f"{argv[0]}: {err}"
        assert path.name in err and "IndexError" not in err and "internal error" not in err, err
        assert any(text in err for text in said), f"{argv[0]} {name}: {err}"
    assert counts(seed_db) == before


# --- which sheet is read, and the preview says so -------------------------------------------------


@pytest.mark.parametrize("builder", [hidden_sheet_first, very_hidden_sheet_first])
def test_the_visible_sheet_is_read_and_a_hidden_one_is_named(builder, seed_db, tmp_path, capsys):
    plan = dry_run(builder(tmp_path), seed_db, capsys)
    assert plan["sheet"] == "Pledges" and plan["sheet_state"] == "visible"
    assert [(r["ref"], r["answer"]) for r in plan["rows"]] == [("NT1", 2)]  # not the hidden sheet's 999
    assert any("sheet 'Old' also has a pledge header (cell B1); it was not read" in n for n in plan["notes"])


def test_a_hidden_sheet_read_alone_is_said_to_be_hidden(seed_db, tmp_path, capsys):
    path = only_a_hidden_sheet(tmp_path)
    capsys.readouterr()
    assert main(["import-pledges", str(path), "--db", str(seed_db), "--bidder", BIDDER, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"{path}: read sheet 'Data' (hidden), header on row 1" in out.splitlines()[0]
    assert "no visible sheet has a pledge header" in out


# --- formulas ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "builder, answers",
    [
        (agreeing_constant_formula, {"NT1": 12, "NT3": 1}),
        (unsaved_referencing_formula, {"NT1": 12, "NT3": 1}),
        (shared_formula_agreeing, {"NT1": 12, "NT3": 1}),  # F3 shares F2's H2*2: H3*2 = 1
    ],
)
def test_formulas_are_recalculated_not_taken_on_trust(builder, answers, seed_db, tmp_path, capsys):
    plan = dry_run(builder(tmp_path), seed_db, capsys)
    assert {r["ref"]: r["answer"] for r in plan["rows"]} == answers
    assert any(n.startswith("Answer:") and "recalculated by svdesk" in n for n in plan["notes"]), plan["notes"]


def test_a_stated_value_formula_is_compared_and_a_proxy_formula_unused(seed_db, tmp_path, capsys):
    stated = dry_run(stated_value_function(tmp_path), seed_db, capsys)
    assert {r["ref"]: r["stated_value"] for r in stated["rows"]}["NT1"] == 61564
    assert any("G2 =ROUND(E2*F2,2)" in n and "compared only" in n for n in stated["notes"])
    proxy = dry_run(proxy_function(tmp_path), seed_db, capsys)
    assert {r["ref"]: r["status"] for r in proxy["rows"]} == {"NT1": "ok", "NT3": "ok"}  # the tender's proxies
    assert any("E2 =MAX(30782,1)" in n and "not used" in n for n in proxy["notes"])


def test_excel_precedence_and_shared_references():
    cells = {(2, 8): 6.0, (3, 8): 0.5}

    def value(text: str, rows: int = 0, cols: int = 0) -> float:
        return evaluate(Formula(text, "shared", rows, cols), lambda r, c, _d: cells.get((r, c), 0.0))

    assert value("-2^2") == 4  # negation binds tighter than ^ in Excel
    assert value("2^3^2") == 64  # and ^ is left to right
    assert value("1+2*3-4/2") == 5 and value("50%*8") == 4 and value("(1+2)*3") == 9
    assert value("H2*2", rows=1) == 1 and value("$H$2*2", rows=1) == 12 and value("H$2*2", rows=1) == 12
    assert value("Z99") == 0  # a blank cell is 0
    for text in ("SUM(H2)", "H2:H3", "Sheet2!A1", "1/0", '"a"&"b"', "H2 H3", "(-8)^0.5", "TRUE"):
        with pytest.raises(Unsupported):
            value(text)


# --- every row with an answer: imported or reported --------------------------------------------------


@pytest.mark.parametrize(
    "builder, said",
    [
        (answer_without_reference, "row 3 has an answer (12) but no reference: not imported"),
        (
            merged_reference,
            "row 3 has an answer (5) but no reference (its reference cell B3 is part of the merged cell B2:B3, "
            "which shows 'NT1' once): not imported",
        ),
        (total_line_with_answer, "row 4 is a total line; its answer (99) is not imported"),
    ],
)
def test_a_row_with_an_answer_and_no_reference_is_reported(builder, said, seed_db, tmp_path, capsys):
    path = builder(tmp_path)
    plan = dry_run(path, seed_db, capsys)
    assert plan["reported"] == [said]
    assert [r["ref"] for r in plan["rows"]] == ["NT1", "NT3"]
    capsys.readouterr()
    assert main(["import-pledges", str(path), "--db", str(seed_db), "--bidder", BIDDER, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Not imported, though they hold an answer:" in out and f"  - {said}" in out


def test_hidden_rows_and_columns_read_are_named(seed_db, tmp_path, capsys):
    plan = dry_run(hidden_row_and_column(tmp_path), seed_db, capsys)
    assert "1 row hidden in the sheet but imported: 3 (NT3)" in plan["notes"]
    assert "column F (Answer) is hidden in the sheet; it was read" in plan["notes"]


def test_shared_strings_read_as_excel_shows_them(seed_db, tmp_path, capsys):
    sheet = pledges.read_sheet(shared_strings_as_excel_writes_them(tmp_path))
    assert [(r.ref, r.question, r.answer) for r in sheet.rows] == [
        ("NT1", "Local FTE", 2),
        ("NT3", "Long-term unemployed", 1),
    ]
    assert sheet.reported == () and sheet.notes == ()


def test_number_formats_that_show_the_number_are_read(tmp_path):
    for path in answer_in_ordinary_formats(tmp_path):
        assert [r.answer for r in pledges.read_sheet(path).rows] == [12, 1], path.name


def test_the_seed_sheet_reads_as_before(tmp_path):
    sheet = pledges.read_sheet(plain_workbook(tmp_path / "seed.xlsx"))
    assert (sheet.sheet, sheet.sheet_state, sheet.header_row, len(sheet.rows)) == ("Pledges", "visible", 1, 22)
    assert sheet.reported == () and sheet.notes == () and sheet.read_from == "read sheet 'Pledges'"


# --- the preview in the window ------------------------------------------------------------------------


def test_the_preview_dialog_names_the_hidden_sheet_and_the_rows_not_imported(tmp_path, qtbot):
    db = open_database(tmp_path / "gui.sqlite")
    try:
        create_tender(db, "Priya", "GUI-1", "Domiciliary care", 2_000_000)
        measures.add_measure(db, "Priya", "GUI-1", "NT1")
        pledges.add_bidder(db, "Priya", "GUI-1", BIDDER, 1_985_000)
        path = book(
            tmp_path / "hidden.xlsx",
            ("Read me", "visible", [["Submission"]]),
            ("Data", "hidden", [HEADER, NT1, ["Jobs", None, "Apprentices", "no. weeks", 224.07, 12, 2688.84]]),
        )
        screen = BidsScreen(Desk(db, "Priya", QUndoStack()))
        qtbot.addWidget(screen)
        screen.show_tender("GUI-1")
        screen.bring_up_to_date(reads.version(db, "GUI-1"))
        screen.show()
        seen: dict[str, str] = {}

        def preview(dialog: PledgePreview) -> None:
            seen["summary"] = dialog.findChild(type(dialog.notes), "importSummary").text()
            seen["notes"] = dialog.notes.text() if dialog.notes.isVisible() else ""
            click(qtbot, dialog.import_button)

        with answering(qtbot, (PledgePreview, preview)):
            worker = screen.read_in_background(path, BIDDER)
            with qtbot.waitSignal(worker.done, timeout=30_000):
                pass
        assert "hidden.xlsx: read sheet 'Data' (hidden), header on row 1" in seen["summary"], seen
        assert "Not imported: row 3 has an answer (12) but no reference: not imported" in seen["notes"]
        assert "no visible sheet has a pledge header" in seen["notes"]
        qtbot.waitUntil(lambda: screen.message.text().startswith("Imported "))
    finally:
        db.dispose()


# --- paths that are no regular file: every command that reads one ------------------------------------

COMMANDS = {
    "import-pledges": ("x.xlsx", ["import-pledges", "{file}", "--bidder", BIDDER]),
    "pack import": ("x.xlsx", ["pack", "import", "{file}"]),
    "catalogue import (xlsx)": ("x.xlsx", ["catalogue", "import", "{file}"]),
    "catalogue import (csv)": ("x.csv", ["catalogue", "import", "{file}"]),
    "load": ("x.json", ["load", "{file}"]),
    "backup restore": ("x.sqlite", ["backup", "restore", "{file}"]),
}
SPECIAL_LIMIT_S = 8.0  # a fresh process: its start-up, then an instant refusal (before: a hang)


@pytest.mark.parametrize("kind", list(SPECIAL_FILES))
@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_path_that_is_no_file_is_refused_before_it_is_read(command, kind, seed_db, tmp_path):
    name, argv = COMMANDS[command]
    path = SPECIAL_FILES[kind](tmp_path, name)
    db = tmp_path / "copy.sqlite"
    db.write_bytes(seed_db.read_bytes())
    args = [a.replace("{file}", str(path)) for a in argv]
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "svdesk", *args, "--db", str(db)],
            cwd=REPO,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
            capture_output=True,
            text=True,
            timeout=30,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{command} on a {kind} did not finish in 30 s")
    elapsed = time.monotonic() - started
    assert done.returncode == 2, done.stderr
    assert f"svdesk: {path}: " in done.stderr and "not a regular file" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert elapsed < SPECIAL_LIMIT_S, f"{command} on a {kind}: {elapsed:.1f} s"


def test_a_file_over_its_kinds_limit_is_refused_by_its_size(seed_db, tmp_path, capsys):
    big = tmp_path / "big.xlsx"
    with big.open("wb") as fh:  # sparse: no disk is used
        fh.truncate(101 * 1024 * 1024)
    capsys.readouterr()
    assert main(["import-pledges", str(big), "--db", str(seed_db), "--bidder", BIDDER]) == 2
    assert f"{big}: the file is 101 MB; a pledge sheet may be at most 100 MB" in capsys.readouterr().err
