"""The GUI shows the record: history, declarations, fingerprint, the lock; and writes the reports."""

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from svdesk.model.demo import load_demo
from svdesk.model.instance_lock import InstanceLock
from svdesk.model.services import open_svdesk_database
from svdesk.model.services.tenders import get_tender, set_moderated
from svdesk.ui import file_dialogs
from svdesk.ui.main_window import MainWindow
from svdesk.ui.opening import open_for_gui
from svdesk.ui.record_views import HistoryModel
from tests.keys import sign

REF = "CWAC-2026-0142"


@pytest.fixture
def demo_path(tmp_path):
    db = open_svdesk_database(tmp_path / "rec.sqlite")
    load_demo(db)
    with db.transaction() as s:
        set_moderated(
            s,
            get_tender(s, REF),
            "Alan Whitfield",
            "Weaver Valley Care Ltd",
            "Q1",
            3,
            "On reflection the rural workforce plan (1.3) is not yet funded.",
        )
    db.dispose()
    return tmp_path / "rec.sqlite"


@pytest.fixture
def window(qtbot, demo_path, tmp_path):
    opened = open_for_gui(None, demo_path)
    win = MainWindow(opened, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    yield win
    win.opened.close()


def cell(model, row, col):
    return model.data(model.index(row, col))


def test_history_of_one_score(window):
    h = window.history
    h.bidder_filter.setCurrentIndex(h.bidder_filter.findData("Weaver Valley Care Ltd"))
    h.question_filter.setCurrentIndex(h.question_filter.findData("Q1"))
    m = h.model
    assert m.rowCount() == 1
    assert cell(m, 0, HistoryModel.COL_WHO) == "Alan Whitfield"
    assert cell(m, 0, HistoryModel.COL_ACTION) == "Consensus score"
    assert cell(m, 0, HistoryModel.COL_BEFORE).startswith("4: The panel agreed 4")
    assert cell(m, 0, HistoryModel.COL_AFTER).startswith("3: On reflection")
    h.bidder_filter.setCurrentIndex(0)
    h.question_filter.setCurrentIndex(0)
    assert m.rowCount() == 2 and cell(m, 0, HistoryModel.COL_ACTION) == "Loaded from file"


def test_a_long_history_lists_the_newest_and_says_so(window, monkeypatch):
    from svdesk.ui import record_views

    monkeypatch.setattr(record_views, "HISTORY_SHOWN", 1)  # as a framework's 100,000 changes against 2,000
    h = window.history
    window.tabs.setCurrentWidget(h)
    h.question_filter.setCurrentIndex(0)  # refresh with the smaller cap
    assert h.model.rowCount() == 1 and cell(h.model, 0, HistoryModel.COL_ACTION) == "Consensus score"
    assert h.shown.text() == "The newest 1 of 2 changes. Choose a bid or a question to see its whole history."
    h.bidder_filter.setCurrentIndex(h.bidder_filter.findData("Weaver Valley Care Ltd"))
    assert h.model.rowCount() == 1 and h.shown.isHidden()  # one bid's history is shown whole


def test_declarations_and_record_tabs(qtbot, window):
    assert window.declarations.model.rowCount() == 0  # read when the tab is opened, not before
    window.tabs.setCurrentWidget(window.declarations)
    d = window.declarations.model
    rows = [tuple(cell(d, r, c) for c in range(4)) for r in range(d.rowCount())]
    assert (
        "Sam Okafor",
        "evaluator",
        "Northgate Homecare Ltd",
        "CONFLICT: Employed by Northgate Homecare Ltd as finance business partner until March 2025; "
        "no continuing financial interest. (recorded outside svdesk)",  # the demo's came with its file
    ) in rows
    assert "1 conflict(s) declared" in window.declarations.summary.text()
    assert "16 came with the evaluation file" in window.declarations.summary.text()
    rec = window.record
    with qtbot.waitSignal(window.signoff.verified, timeout=20000):  # verified off the event loop
        window.tabs.setCurrentWidget(window.signoff)
        assert rec.verified.text().startswith("Verifying") and not rec.verify_button.isEnabled()
    assert len(rec.fingerprint.text()) == 64
    assert rec.verified.text().startswith("Verified")
    assert "Tom Ellis: not signed" in rec.signatures.text()
    assert not window.banner.isVisible()


def test_signed_off_tender_shows_the_lock(qtbot, demo_path, tmp_path):
    db = open_svdesk_database(demo_path)
    for member in ("Tom Ellis", "Gwen Roberts", "Sam Okafor", "Alan Whitfield"):
        sign(db, REF, member)
    db.dispose()
    win = MainWindow(open_for_gui(None, demo_path), QSettings(str(tmp_path / "t.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    assert win.banner.isVisible() and "signed off and locked" in win.banner.text()
    with qtbot.waitSignal(win.signoff.verified, timeout=20000):
        win.tabs.setCurrentWidget(win.signoff)
    assert "Alan Whitfield (chair) signed" in win.record.signatures.text()
    assert win.record.verified.text().startswith("Verified")
    assert "signed off and locked" in win.record.lock_label.text()
    win.opened.close()


def test_reports_menu_writes_pdfs_in_the_background(window, tmp_path, monkeypatch, qtbot):
    target = tmp_path / "out" / "evaluation.pdf"
    target.parent.mkdir()
    monkeypatch.setattr(file_dialogs, "get_save_file_name", lambda *a, **k: (str(target), "PDF (*.pdf)"))
    worker = window.reports.pdf("evaluation", "evaluation-report")
    with qtbot.waitSignal(worker.done, timeout=30_000):
        pass
    assert target.read_bytes().startswith(b"%PDF")
    assert "evaluation.pdf" in window.reports.last_written.text()
    folder = tmp_path / "summaries"
    folder.mkdir()
    monkeypatch.setattr(file_dialogs, "get_existing_directory", lambda *a, **k: str(folder))
    worker = window.reports.summaries()
    with qtbot.waitSignal(worker.done, timeout=30_000):
        pass
    assert len(list(folder.glob("*.pdf"))) == 4
    book = tmp_path / "out" / "audit.xlsx"
    monkeypatch.setattr(file_dialogs, "get_save_file_name", lambda *a, **k: (str(book), "Excel (*.xlsx)"))
    worker = window.reports.workbook()
    with qtbot.waitSignal(worker.done, timeout=30_000):
        pass
    assert book.exists()


def test_second_instance_opens_read_only(qtbot, demo_path, tmp_path, monkeypatch):
    holder = InstanceLock(demo_path)
    holder.acquire()
    asked = []

    def answer(_parent, title, text, *_args):
        asked.append(text)
        return QMessageBox.StandardButton.Open

    monkeypatch.setattr(QMessageBox, "question", answer)
    try:
        opened = open_for_gui(None, demo_path)
        assert asked and "is open in svdesk by" in asked[0]
        assert opened.db.read_only and opened.lock is None
        win = MainWindow(opened, QSettings(str(tmp_path / "r.ini"), QSettings.Format.IniFormat))
        qtbot.addWidget(win)
        assert "read-only" in win.windowTitle() and win.results_model.rowCount() == 4
        shown = []
        monkeypatch.setattr(QMessageBox, "warning", lambda _p, title, text: shown.append(text))
        win.back_up_now()  # reading is allowed; a backup is a read (made in the helper process)
        qtbot.waitUntil(lambda: "Backed up to" in win.statusBar().currentMessage(), timeout=60_000)
        assert not shown
        win.opened.close()
    finally:
        holder.release()
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Cancel)
    holder.acquire()
    try:
        assert open_for_gui(None, demo_path) is None
    finally:
        holder.release()
