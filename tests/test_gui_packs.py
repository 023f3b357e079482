"""Offline scoring packs from the Panel screen (qtbot, real widgets, real xlsx): Export… writes the
selected evaluator's pack; Import… reads a pack filled in with openpyxl, previews it (whose, which
tender, the counts, each conflict with the choice of which score stands, and whether it is imported
by proxy: by someone other than its member) and writes it only on Import; a tampered pack or Cancel
writes nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QLabel

from svdesk.app import measures, packs, panel, pledges, questions, reads, scoring, setup, signoff
from svdesk.app.database import open_database
from svdesk.ui import file_dialogs
from svdesk.ui.panel_screen import PanelScreen
from svdesk.ui.screen_base import Desk
from tests.keys import officer, signed_in

REF = "PK-7"
OFFICER = "Priya"
BIDDERS = ("Acme Roads", "Brightway Ltd")
QUESTIONS = ("Q1", "SV1")
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def db(tmp_path):
    """Scoring open: Tom (declared, no conflicts) and Sam (not declared yet) evaluate, Alan chairs."""
    database = open_database(tmp_path / "packs.sqlite")
    setup.create_tender(database, OFFICER, REF, "Highways", 400_000)
    measures.add_measure(database, OFFICER, REF, "NT1")
    questions.save_question(database, OFFICER, REF, "Q1", section="quality", text="Your method?", weight=100)
    questions.save_question(database, OFFICER, REF, "SV1", section="social_value", text="Social value?", weight=100)
    for bidder in BIDDERS:
        pledges.add_bidder(database, OFFICER, REF, bidder, 350_000)
    for name, role in (("Tom", "evaluator"), ("Sam", "evaluator"), ("Alan", "chair")):
        panel.add_member(database, OFFICER, REF, name, role)
    signoff.open_scoring(database, OFFICER, REF)
    scoring.declare(database, "Tom", REF, "Tom", [(b, False, "") for b in BIDDERS])
    yield database
    database.dispose()


@pytest.fixture
def screen(db, qtbot):
    shown = PanelScreen(Desk(db, OFFICER, QUndoStack()))
    qtbot.addWidget(shown)
    shown.show_tender(REF)
    shown.bring_up_to_date(None)
    shown.show()
    return shown


def select(screen, name: str) -> None:
    screen.table.setCurrentCell([r.name for r in screen.rows].index(name), 0)


def click_row(qtbot, screen, name: str) -> None:
    """The officer clicks the member's name in the table."""
    item = screen.table.item([r.name for r in screen.rows].index(name), 0)
    qtbot.mouseClick(screen.table.viewport(), LEFT, pos=screen.table.visualItemRect(item).center())
    assert screen.current_name() == name


def export(qtbot, screen, path: Path, member: str = "Tom") -> Path:
    select(screen, member)
    assert screen.export_pack_button.isEnabled()
    screen.export_pack_to(path)
    qtbot.waitUntil(
        lambda: screen.message.text().startswith(("Wrote", "No scoring pack")) or "\n" in screen.message.text()
    )
    assert screen.message.text() == f"Wrote {member}'s scoring pack to {path}.", screen.message.text()
    return path


def fill(path: Path, edits: dict[tuple[str, str], tuple[object, str]]) -> None:
    """The evaluator's edits in Excel: (bidder, question) -> (score, rationale)."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Scores"]
    rows = {(ws[f"A{r}"].value, ws[f"B{r}"].value): r for r in range(2, ws.max_row + 1)}
    for (bidder, question), (score, rationale) in edits.items():
        r = rows[(bidder, question)]
        ws[f"D{r}"].value, ws[f"E{r}"].value = score, rationale
    wb.save(path)


def edit_meta(path: Path, **values: object) -> None:
    wb = openpyxl.load_workbook(path)
    meta = wb["Meta"]
    for key, value in values.items():
        row = next(r for r in range(1, 20) if meta[f"A{r}"].value == key)
        meta[f"B{row}"].value = value
    wb.save(path)


def held(db, member: str = "Tom") -> dict[tuple[str, str], tuple[float | None, str | None]]:
    """The member's own scores as the Scoring screen reads them (each rationale read afresh)."""
    items = scoring.worklist(db, REF, member).items or []
    out = {}
    for item in items:
        if item.score is not None:
            one = scoring.own_score(db, REF, member, item.bidder, item.question)
            out[(item.bidder, item.question)] = (one.score, one.rationale)
    return out


def preview(qtbot, screen, path: Path):
    screen.pack_preview = None
    screen.import_pack_from(path)
    qtbot.waitUntil(lambda: screen.pack_preview is not None and screen.pack_preview.isVisible())
    return screen.pack_preview


def refused(qtbot, screen, path: Path) -> str:
    screen.pack_preview = None
    screen.import_pack_from(path)
    qtbot.waitUntil(lambda: screen.message.text().endswith("Nothing was imported."))
    assert screen.pack_preview is None  # no preview: nothing to choose, nothing written
    return screen.message.text()


def imported(qtbot, screen) -> str:
    qtbot.waitUntil(
        lambda: screen.message.text().startswith("Imported") or "Nothing was imported" in screen.message.text()
    )
    return screen.message.text()


ALL = {(b, q): (3, f"{q}: section {i + 1} names the staff") for i, b in enumerate(BIDDERS) for q in QUESTIONS}


def test_export_from_the_screen_writes_the_members_pack(screen, db, qtbot, tmp_path, monkeypatch):
    asked = {}

    def save_dialog(parent, caption, suggested, filter_):  # Qt's native dialog, answered as the officer would
        asked.update(caption=caption, suggested=suggested, filter=filter_)
        return str(tmp_path / "tom-pack"), filter_

    monkeypatch.setattr(file_dialogs, "get_save_file_name", save_dialog)
    select(screen, "Tom")
    before = reads.version(db, REF)
    qtbot.mouseClick(screen.export_pack_button, LEFT)
    qtbot.waitUntil(lambda: screen.message.text().startswith("Wrote"))
    assert asked["suggested"] == str(Path.home() / f"{REF}-Tom-pack.xlsx") and "*.xlsx" in asked["filter"]
    written = tmp_path / "tom-pack.xlsx"  # the .xlsx the officer left off is added
    assert screen.message.text() == f"Wrote Tom's scoring pack to {written}."
    pack = packs.read_scoring_pack(written)
    assert pack.member == "Tom" and pack.reference == REF and len(pack.rows) == 4
    assert reads.version(db, REF) != before  # the pack's issue is on the record

    # who does not score gets no pack; one not declared yet is refused with the use case's reason
    click_row(qtbot, screen, "Alan")
    assert not screen.export_pack_button.isEnabled() and "Alan does not score" in screen.export_pack_button.toolTip()
    select(screen, "Sam")
    assert screen.export_pack_button.isEnabled()
    screen.export_pack_to(tmp_path / "sam.xlsx")
    qtbot.waitUntil(lambda: screen.message.text().endswith("No scoring pack was written."))
    assert "Sam has not declared any conflict of interest for: Acme Roads, Brightway Ltd" in screen.message.text()
    assert not (tmp_path / "sam.xlsx").exists()


def test_the_buttons_wait_until_scoring_is_open(qtbot, tmp_path):
    db = open_database(tmp_path / "draft.sqlite")
    setup.create_tender(db, OFFICER, REF, "Highways", 400_000)
    panel.add_member(db, OFFICER, REF, "Tom", "evaluator")
    shown = PanelScreen(Desk(db, OFFICER, QUndoStack()))
    qtbot.addWidget(shown)
    shown.show_tender(REF)
    shown.bring_up_to_date(None)
    select(shown, "Tom")
    assert not shown.export_pack_button.isEnabled() and not shown.import_pack_button.isEnabled()
    assert "while scoring is open" in shown.export_pack_button.toolTip()
    db.dispose()


def test_a_filled_pack_is_previewed_then_imported(screen, db, qtbot, tmp_path):
    path = export(qtbot, screen, tmp_path / "tom.xlsx")
    fill(path, ALL)
    dialog = preview(qtbot, screen, path)
    assert dialog.windowTitle() == "Import Tom's scoring pack"
    summary = dialog.summary.text()
    assert "tom.xlsx" in summary and "<b>Tom</b>" in summary and f"tender <b>{REF}</b>" in summary
    assert "4 new scores, 0 unchanged, 0 in conflict, 0 left blank" in summary
    assert dialog.conflicts is None and dialog.import_button.isEnabled()
    assert held(db) == {}  # the preview wrote nothing
    qtbot.mouseClick(dialog.import_button, LEFT)
    message = imported(qtbot, screen)
    assert message.startswith("Imported Tom's scoring pack from tom.xlsx") and "saved 4 scores" in message, message
    assert held(db) == {k: (3.0, r) for k, (_s, r) in ALL.items()}
    assert [screen.table.item(r, 3).text() for r in range(2)] == ["4 of 4", "0 of 4"]  # read again
    assert signoff.verify_record(db, REF).ok
    # the same pack again is refused, naming the file
    again = refused(qtbot, screen, path)
    assert str(path) in again and "this pack was imported on" in again


@pytest.mark.parametrize(("choice", "stands"), [("keep_existing", (2.0, "Held: thin method")), ("keep_pack", None)])
def test_a_conflict_is_shown_and_the_choice_kept(screen, db, qtbot, tmp_path, choice, stands):
    scoring.set_score(db, "Tom", REF, "Tom", "Acme Roads", "Q1", 2, "Held: thin method")
    path = export(qtbot, screen, tmp_path / "tom.xlsx")
    fill(path, ALL)
    dialog = preview(qtbot, screen, path)
    assert "3 new scores, 0 unchanged, 1 in conflict" in dialog.summary.text()
    table = dialog.conflicts
    assert table is not None and table.rowCount() == 1
    row = [table.item(0, c).text() for c in range(table.columnCount())]
    assert row == ["Q1", "Acme Roads", "2", "Held: thin method", "3", "Q1: section 1 names the staff"]
    assert not dialog.import_button.isEnabled()  # no side is taken by default
    side = getattr(dialog, choice)
    qtbot.mouseClick(side, LEFT, pos=QPoint(8, side.height() // 2))  # on its circle, as the officer clicks
    assert dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.import_button, LEFT)
    message = imported(qtbot, screen)
    expected = {k: (3.0, r) for k, (_s, r) in ALL.items()}
    if stands is not None:
        expected[("Acme Roads", "Q1")] = stands
        assert "saved 3 scores; kept 1 held score(s) as they were" in message, message
    else:
        assert "saved 4 scores" in message, message
    assert held(db) == expected


def test_a_tampered_pack_is_refused_and_nothing_written(screen, db, qtbot, tmp_path):
    path = export(qtbot, screen, tmp_path / "tom.xlsx")
    fill(path, ALL)
    edit_meta(path, member="Sam")  # Tom's scores passed off as Sam's
    before = reads.version(db, REF)
    message = refused(qtbot, screen, path)
    assert message.startswith(f"{path}: Meta!B11: the pack's MAC does not match"), message
    assert reads.version(db, REF) == before and held(db, "Tom") == {} and held(db, "Sam") == {}


def test_cancel_writes_nothing(screen, db, qtbot, tmp_path):
    path = export(qtbot, screen, tmp_path / "tom.xlsx")
    fill(path, ALL)
    before = reads.version(db, REF)
    dialog = preview(qtbot, screen, path)
    qtbot.mouseClick(dialog.cancel_button, LEFT)
    assert not dialog.isVisible() and screen.message.text() == "Import cancelled; nothing was written."
    assert reads.version(db, REF) == before and held(db) == {}
    dialog = preview(qtbot, screen, path)  # cancelled, the pack can still be imported
    qtbot.mouseClick(dialog.import_button, LEFT)
    assert "saved 4 scores" in imported(qtbot, screen)


def test_scores_changed_since_the_preview_are_not_overwritten(screen, db, qtbot, tmp_path):
    path = export(qtbot, screen, tmp_path / "tom.xlsx")
    fill(path, ALL)
    dialog = preview(qtbot, screen, path)
    scoring.set_score(db, "Tom", REF, "Tom", "Acme Roads", "Q1", 1, "Typed on the Scoring screen meanwhile")
    qtbot.mouseClick(dialog.import_button, LEFT)
    message = imported(qtbot, screen)
    assert message.startswith(f"{path}: the scores held changed since the preview"), message
    assert held(db) == {("Acme Roads", "Q1"): (1.0, "Typed on the Scoring screen meanwhile")}


def test_the_officer_is_told_the_pack_is_imported_by_proxy_from_its_sha256(screen, db, qtbot, tmp_path):
    priya = officer(db, REF)  # the procurement officer, enrolled and signed in: every change is hers, signed
    screen.desk.sign_in(priya)
    path = export(qtbot, screen, tmp_path / "tom.xlsx")
    fill(path, ALL)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    dialog = preview(qtbot, screen, path)
    assert dialog.proxy_note is not None and dialog.proxy_note.isVisible()
    assert dialog.proxy_note.text() == (
        f"These scores will be recorded as entered by proxy by {OFFICER} from this pack "
        f"(its SHA-256 {digest}); Tom confirms them when they next sign in."
    )
    assert held(db) == {}  # said before anything is written
    qtbot.mouseClick(dialog.import_button, LEFT)
    message = imported(qtbot, screen)
    assert f"Recorded as entered by proxy from offline pack {digest}, until Tom confirms them." in message, message
    entered = scoring.proxy_scores(db, REF, "Tom")
    assert {(p.entered_by, p.source, p.confirmed) for p in entered} == {(OFFICER, f"offline pack {digest}", False)}
    assert len(entered) == 4 and signoff.verify_record(db, REF).ok


def test_the_member_importing_their_own_pack_is_told_nothing_of_proxies(screen, db, qtbot, tmp_path):
    tom = signed_in(db, REF, "Tom")
    screen.desk.sign_in(tom)
    path = export(qtbot, screen, tmp_path / "tom.xlsx")
    fill(path, ALL)
    dialog = preview(qtbot, screen, path)
    assert dialog.proxy_note is None and dialog.findChild(QLabel, "packProxyNote") is None
    assert "entered by proxy" not in dialog.summary.text()
    qtbot.mouseClick(dialog.import_button, LEFT)
    message = imported(qtbot, screen)
    assert "saved 4 scores" in message and "proxy" not in message, message
    assert scoring.proxy_scores(db, REF) == [] and len(held(db)) == 4
