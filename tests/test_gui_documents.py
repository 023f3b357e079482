"""The Bid documents panel (issue 18 part 1) on real widgets: a real SQLite record, real PDFs made by
reportlab, the import run in the background as in the window. The file dialogs are the panel's
`choose_files` / `choose_folder` methods, replaced here; everything else is clicked or typed."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QVBoxLayout

from svdesk.app import documents, reads
from svdesk.app.database import open_database
from svdesk.model.evaluation_file import parse_document, write_evaluation
from svdesk.model.services import workflow as wf
from svdesk.model.services.catalogue import measures_by_ref
from svdesk.model.services.tenders import get_tender
from svdesk.ui.documents_panel import COLUMNS, DocumentsPanel
from svdesk.ui.screen_base import Desk, TenderScreen
from tests.factory import minimal_doc
from tests.gui_steps import answer_box, choose, click, click_cell, retype
from tests.hostile_pdfs import realistic_method_statement

REF, ACME, ZOE = "T-001", "Acme Roads", "Zoë Łukasz Ó Súilleabháin Ltd"
OFFICER = "Priya"
WAIT_MS = 60_000  # a PDF is inspected in a child process, which is spawned the first time


class Host(TenderScreen):
    """A tender screen that shows the panel, as the Bids screen embeds it."""

    def __init__(self, desk: Desk) -> None:
        super().__init__(desk)
        self.documents = DocumentsPanel(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.documents)
        layout.addWidget(self.message)

    def load(self) -> None:
        self.documents.load()


def _pdf(path: Path, pages: int, heading: str) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    for page in range(1, pages + 1):
        c.drawString(72, 770, f"{heading}: section {page}")
        c.showPage()
    c.save()
    return path


def _method_statement(path: Path) -> Path:
    realistic_method_statement(path)
    return path


@pytest.fixture
def db(tmp_path):
    doc = minimal_doc()
    doc["scores"], doc["moderated"] = [], []  # a draft tender: the documents come before scoring
    doc["panel"].append({"name": OFFICER, "role": "officer"})
    doc["declarations"] = [
        {"member": m, "bidder": b, "conflict": False} for m in ("Tom", "Gwen", "Alan") for b in (ACME, ZOE)
    ]
    database = open_database(tmp_path / "docs.sqlite")
    with database.transaction() as s:
        write_evaluation(s, parse_document(json.loads(json.dumps(doc)), measures_by_ref(s)), OFFICER)
    yield database
    database.dispose()


@pytest.fixture
def host(qtbot, db):
    screen = Host(Desk(db, OFFICER, QUndoStack()))
    qtbot.addWidget(screen)
    screen.resize(1100, 560)
    screen.show()
    qtbot.waitExposed(screen)
    screen.show_tender(REF)
    screen.bring_up_to_date(reads.version(db, REF))
    return screen


def _cells(panel: DocumentsPanel, column: str) -> list[str]:
    c = COLUMNS.index(column)
    return [panel.table.item(r, c).text() for r in range(panel.table.rowCount())]


def _add(qtbot, panel: DocumentsPanel, monkeypatch, bidder: str, paths: list[Path]) -> None:
    """Choose the bidder, click Add documents…, pick `paths` in the (replaced) file dialog, wait."""
    asked: list[str] = []
    monkeypatch.setattr(panel, "choose_files", lambda who: asked.append(who) or list(paths))
    choose(qtbot, panel.bidder, bidder[:2])  # typed: the first letters (keys for ASCII only)
    click(qtbot, panel.add_files)
    if asked:
        qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
        assert asked == [bidder]


def _select(qtbot, panel: DocumentsPanel, title: str) -> None:
    row = _cells(panel, "Title").index(title)
    click_cell(qtbot, panel.table, panel.table.model().index(row, 1))


def test_add_documents_map_pages_and_a_duplicate_is_refused(qtbot, host, db, tmp_path, monkeypatch):
    panel = host.documents
    statement = _method_statement(tmp_path / "Method_statement.pdf")
    plan = _pdf(tmp_path / "Social_value_plan.pdf", 3, "Social value plan")
    notes = tmp_path / "Site_notes.txt"
    notes.write_text("Depot at Hoole Road; open 7am to 7pm.\n", encoding="utf-8")

    _add(qtbot, panel, monkeypatch, ACME, [statement, plan, notes])
    assert _cells(panel, "Title") == ["Method statement", "Social value plan", "Site notes"]
    assert _cells(panel, "Pages") == ["6", "3", "not a PDF"]
    assert _cells(panel, "Bidder") == [ACME] * 3
    said = panel.message.text()
    assert "Imported 3 documents for Acme Roads" in said and "cannot be cited by page" in said

    # Method statement answers Q1, pages 2 to 3, chosen in the dialog
    _select(qtbot, panel, "Method statement")
    click(qtbot, panel.map_part)
    dialog = panel.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.first.maximum() == 6 and dialog.last.maximum() == 6  # bounded by its pages
    choose(qtbot, dialog.question, "Q1")
    click(qtbot, dialog.range)
    retype(qtbot, dialog.first, "2")
    retype(qtbot, dialog.last, "3")
    dialog.grab().save("/tmp/documents_part_dialog.png")
    click(qtbot, dialog.ok)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert _cells(panel, "Answers")[0] == "Q1 pp. 2\u20133"
    (view,) = [d for d in documents.documents(db, REF) if d.name == "Method_statement.pdf"]
    assert [(p.question_code, p.first_page, p.last_page) for p in view.parts] == [("Q1", 2, 3)]
    assert panel.selected() is not None and panel.selected().name == "Method_statement.pdf"  # kept selected

    # the text file cannot be cited by page: the dialog offers only the whole file
    _select(qtbot, panel, "Site notes")
    click(qtbot, panel.map_part)
    assert panel.dialog is not None and not panel.dialog.range.isEnabled()
    assert "cannot be cited by page" in panel.dialog.note.text()
    click(qtbot, panel.dialog.buttons.button(panel.dialog.buttons.StandardButton.Cancel))

    # the same file again: refused, naming it, and nothing changes
    before = _cells(panel, "Title")
    _add(qtbot, panel, monkeypatch, ACME, [statement])
    said = panel.message.text()
    assert "Method_statement.pdf" in said and "already imported for Acme Roads" in said, said
    assert "nothing was imported" in said
    assert _cells(panel, "Title") == before and len(documents.documents(db, REF)) == 3

    # Open hands the stored copy, checked and named as imported, to the desktop's application
    opened: list[Path] = []
    monkeypatch.setattr(panel, "launch", lambda path: opened.append(path) or True)
    _select(qtbot, panel, "Social value plan")
    click(qtbot, panel.open_button)
    assert [p.name for p in opened] == ["Social_value_plan.pdf"]
    assert hashlib.sha256(opened[0].read_bytes()).hexdigest() == hashlib.sha256(plan.read_bytes()).hexdigest()

    # Remove from question: the mapping goes, the document stays
    _select(qtbot, panel, "Method statement")
    click(qtbot, panel.unmap_part)
    assert _cells(panel, "Answers")[0] == "" and "no longer answers Q1" in panel.message.text()
    assert [d.parts for d in documents.documents(db, REF) if d.name == "Method_statement.pdf"] == [()]
    assert not panel.unmap_part.isEnabled()

    # the filter shows one bidder's documents
    choose(qtbot, panel.filter, "Zo")
    assert panel.table.rowCount() == 0
    choose(qtbot, panel.filter, "All")
    assert panel.table.rowCount() == 3

    # removed before scoring opens, after asking
    _select(qtbot, panel, "Site notes")
    click(qtbot, panel.remove)
    asked = answer_box(qtbot, panel, "confirm", "removeDocumentConfirmRemove")
    assert "Site_notes.txt" in asked
    assert _cells(panel, "Title") == ["Method statement", "Social value plan"]

    panel.grab().save("/tmp/documents_panel.png")


def test_after_scoring_opens_only_a_late_clarification_with_a_reason(qtbot, host, db, tmp_path, monkeypatch):
    panel = host.documents
    _add(qtbot, panel, monkeypatch, ZOE, [_pdf(tmp_path / "Method.pdf", 4, "Method")])
    assert panel.banner.isHidden() and panel.reason.isHidden()
    with db.transaction() as s:
        wf.open_scoring(s, get_tender(s, REF), OFFICER)
    host.bring_up_to_date(reads.version(db, REF))
    assert panel.banner.isVisible() and "frozen" in panel.banner.text() and panel.reason.isVisible()

    # no reason: refused before any file is chosen, saying what to give
    clarification = _pdf(tmp_path / "Clarification_1.pdf", 2, "Clarification")
    asked: list[str] = []
    monkeypatch.setattr(panel, "choose_files", lambda who: asked.append(who) or [clarification])
    choose(qtbot, panel.bidder, "Zo")
    click(qtbot, panel.add_files)
    assert asked == [] and "Reason" in panel.message.text() and "nothing was imported" in panel.message.text()
    assert panel.table.rowCount() == 1

    reason = "Clarification received on 3 March 2026, answering the panel's question of 1 March"
    qtbot.mouseClick(panel.reason, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(panel.reason, reason)
    click(qtbot, panel.add_files)
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    assert _cells(panel, "Title") == ["Method", "Clarification 1"]
    assert _cells(panel, "Late: reason") == ["", reason]
    assert panel.reason.text() == ""  # the next import gives its own reason

    # a frozen document is not removed: the service's refusal, in the message line
    _select(qtbot, panel, "Method")
    click(qtbot, panel.remove)
    answer_box(qtbot, panel, "confirm", "removeDocumentConfirmRemove")
    assert "cannot be removed: scoring of tender T-001 has opened" in panel.message.text()
    assert panel.table.rowCount() == 2
    panel.grab().save("/tmp/documents_panel_frozen.png")


def test_portal_export_asks_about_unmatched_folders_and_imports_the_matched(qtbot, host, db, tmp_path, monkeypatch):
    panel = host.documents
    export = tmp_path / "portal-export"
    (export / "ACME ROADS").mkdir(parents=True)  # the portal's spelling: matched case-insensitively
    (export / ZOE.lower()).mkdir()
    (export / "Northgate Homecare").mkdir()  # no such bid
    _pdf(export / "ACME ROADS" / "Quality_response.pdf", 5, "Acme quality")
    _pdf(export / "ACME ROADS" / "Pricing.pdf", 1, "Acme prices")
    _pdf(export / ZOE.lower() / "Response.pdf", 3, "Zoe response")
    _pdf(export / "Northgate Homecare" / "Response.pdf", 2, "Northgate response")
    monkeypatch.setattr(panel, "choose_folder", lambda title: export)

    click(qtbot, panel.add_export)
    asked = answer_box(qtbot, panel, "confirm", "portalConfirmImport")
    assert "2 bids" in asked and "1 sub-folder matches no bid" in asked
    assert "Northgate Homecare" in asked and "NOTHING is imported" in asked
    assert "Acme Roads \u2190 ACME ROADS (2 files)" in asked
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT_MS)
    assert sorted(zip(_cells(panel, "Bidder"), _cells(panel, "Title"), strict=True)) == [
        (ACME, "Pricing"),
        (ACME, "Quality response"),
        (ZOE, "Response"),
    ]
    assert "Imported 2 documents for Acme Roads" in panel.message.text()
    assert "Northgate" not in {d.bidder for d in documents.documents(db, REF)}

    # cancelled: nothing is written
    click(qtbot, panel.add_export)
    answer_box(qtbot, panel, "confirm", "portalConfirmCancel")
    assert "nothing was written" in panel.message.text() and panel.table.rowCount() == 3


def test_the_documents_archive_is_written_and_read_back_in_the_window(qtbot, host, db, tmp_path, monkeypatch):
    panel = host.documents
    statement = _method_statement(tmp_path / "Method_statement.pdf")
    _add(qtbot, panel, monkeypatch, ACME, [statement])
    archive = tmp_path / "T-001 documents.zip"
    monkeypatch.setattr(panel, "choose_archive", lambda save: archive)
    click(qtbot, panel.save_archive)
    qtbot.waitUntil(lambda: "Wrote 1 document to" in panel.message.text(), timeout=WAIT_MS)
    # another database (the evaluation file's destination) takes the archive in
    other = open_database(tmp_path / "elsewhere.sqlite")
    try:
        there = Host(Desk(other, OFFICER, QUndoStack()))
        qtbot.addWidget(there)
        there.show()
        qtbot.waitExposed(there)
        monkeypatch.setattr(there.documents, "choose_archive", lambda save: archive)
        click(qtbot, there.documents.load_archive)
        qtbot.waitUntil(lambda: "Loaded 1 document of T-001" in there.documents.message.text(), timeout=WAIT_MS)
        sha = hashlib.sha256(statement.read_bytes()).hexdigest()
        assert (tmp_path / "elsewhere.sqlite.documents" / sha[:2] / sha).read_bytes() == statement.read_bytes()
    finally:
        other.dispose()
