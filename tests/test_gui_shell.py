"""The GUI shell on the demo evaluation, driven with qtbot on real widgets and a real database."""

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QMessageBox

from svdesk.model.demo import load_demo
from svdesk.model.services import open_svdesk_database
from svdesk.ui.main_window import MainWindow
from svdesk.ui.models import ResultsTableModel
from svdesk.ui.table_sizing import fit_columns
from tests.factory import minimal_doc, write_doc


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, tmp_path, settings):
    db = open_svdesk_database(tmp_path / "gui.sqlite")
    load_demo(db)
    win = MainWindow(db, settings)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.db.dispose()


def test_demo_loads_with_stages_and_results(window):
    assert window.tenders_model.rowCount() == 1
    assert "CWAC-2026-0142" in window.heading.text()
    stages = [window.stages_model.data(window.stages_model.index(i)) for i in range(window.stages_model.rowCount())]
    assert any("Scoring 55/55" in s for s in stages)  # Sam declared a conflict: 5 cells fewer
    assert any("Moderation 20/20" in s for s in stages)
    m = window.results_model
    assert m.rowCount() == 4
    assert m.data(m.index(0, ResultsTableModel.COL_BIDDER)) == "Weaver Valley Care Ltd"
    assert m.data(m.index(0, ResultsTableModel.COL_TOTAL)) == "86.03"
    assert m.data(m.index(3, ResultsTableModel.COL_RANK)) == "Disqualified"
    assert m.data(m.index(3, ResultsTableModel.COL_TOTAL)) == "\u2013"
    assert "Sandstone Support Services</b> is disqualified" in window.exclusions.text()
    assert "final" in window.results_caption.text()
    assert "gui.sqlite" in window.db_label.text()


def test_results_columns_fit_their_widest_text_and_header(window):
    table, m = window.results_table, window.results_model
    header = table.horizontalHeader()
    bold = table.font()
    bold.setBold(True)
    for col in range(m.columnCount()):
        metrics = QFontMetrics(bold) if col == ResultsTableModel.COL_TOTAL else table.fontMetrics()
        widest = max(metrics.horizontalAdvance(m.data(m.index(row, col))) for row in range(m.rowCount()))
        title = m.headerData(col, Qt.Orientation.Horizontal)
        assert header.sectionSize(col) > widest, title
        assert header.sectionSize(col) > header.fontMetrics().horizontalAdvance(title), title
    # a refresh with longer texts widens the column
    before = header.sectionSize(ResultsTableModel.COL_BIDDER)
    rows = m._rows
    rows[0].name = "A much longer bidder name than any in the demo, Ltd"
    m.set_results(rows)
    fit_columns(table, m.column_texts)
    assert header.sectionSize(ResultsTableModel.COL_BIDDER) > before


def test_import_evaluation_file_selects_it(window, tmp_path):
    assert window.import_evaluation_file(write_doc(tmp_path / "t.json", minimal_doc()))
    assert window.tenders_model.rowCount() == 2
    assert window.current_reference == "T-001"
    assert "PROVISIONAL" in window.results_caption.text()


def test_bad_file_shows_a_message_and_changes_nothing(window, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, title, text: shown.append((title, text)))
    doc = minimal_doc()
    doc["scores"][0]["score"] = 9
    assert not window.import_evaluation_file(write_doc(tmp_path / "bad.json", doc))
    assert shown and "scores[0].score: 9 is above the scale maximum 5" in shown[0][1]
    assert "Nothing was changed" in shown[0][1]
    assert window.tenders_model.rowCount() == 1


def test_geometry_and_recent_files_are_remembered(qtbot, tmp_path, settings):
    db = open_svdesk_database(tmp_path / "geo.sqlite")
    win = MainWindow(db, settings)
    qtbot.addWidget(win)
    win.show()
    win.resize(780, 540)  # the offscreen screen is 800x600; restoreGeometry keeps windows on screen
    win.close()
    again = MainWindow(db, settings)
    qtbot.addWidget(again)
    assert (again.size().width(), again.size().height()) == (780, 540)
    assert str(tmp_path / "geo.sqlite") in settings.value("recentDatabases")
    assert "No tender yet" in again.heading.text()
    db.dispose()


def test_selecting_another_tender_updates_the_view(window, tmp_path, qtbot):
    window.import_evaluation_file(write_doc(tmp_path / "t.json", minimal_doc()))
    row = window.tenders_model.row_of("CWAC-2026-0142")
    rect = window.tender_list.visualRect(window.tenders_model.index(row))
    qtbot.mouseClick(window.tender_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.current_reference == "CWAC-2026-0142"


def test_large_imports_run_in_the_background(window, tmp_path, qtbot):
    worker = window.import_in_background(write_doc(tmp_path / "t.json", minimal_doc()))
    with qtbot.waitSignal(worker.done, timeout=30_000):
        pass
    assert window.current_reference == "T-001" and window.tenders_model.rowCount() == 2


def test_new_database_from_the_file_menu(window, tmp_path, monkeypatch):
    from svdesk.ui import file_dialogs

    target = tmp_path / "fresh" / "team.sqlite"
    target.parent.mkdir()
    monkeypatch.setattr(file_dialogs, "get_save_file_name", lambda *a, **k: (str(target), ""))
    window.databases.choose_new_database()
    assert target.exists() and window.db.path == target.resolve()
    assert window.tenders_model.rowCount() == 0 and "No tender yet" in window.heading.text()


def test_start_paints_a_window_first_then_opens_the_main_window(qtbot, tmp_path, monkeypatch):
    from svdesk.ui import app as gui

    shown = []
    first_paint = gui.first_paint

    def watched(target):
        window = first_paint(target)
        shown.append((window.isVisible(), window.centralWidget().text()))
        return window

    monkeypatch.setattr(gui, "first_paint", watched)
    window, code = gui.start_gui(str(tmp_path / "start.sqlite"), demo=True)
    qtbot.addWidget(window)
    assert code == 0 and shown == [(True, f"Opening {tmp_path / 'start.sqlite'}\u2026")]
    assert window.isVisible() and "CWAC-2026-0142" in window.heading.text()
    window.opened.close()


def test_start_on_a_file_that_is_not_a_database_says_so(tmp_path, monkeypatch):
    from svdesk.ui import app as gui

    bogus = tmp_path / "notes.sqlite"
    bogus.write_text("meeting notes, not a database", encoding="utf-8")
    said = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, title, text: said.append((title, text)))
    window, code = gui.start_gui(str(bogus))
    assert window is None and code == 2
    assert said and said[0][0] == "svdesk cannot start" and "notes.sqlite" in said[0][1]


def test_stage_screens_are_built_when_first_shown_on_the_database_open_then(window, tmp_path):
    from svdesk.ui.main_window import BIDS, MODERATION, RESULTS, SCORING, SETUP

    win = window
    assert not any(win.tabs.is_built(i) for i in (SETUP, BIDS, SCORING, MODERATION))  # only Results is shown
    win.tabs.setCurrentIndex(BIDS)
    win.open_database_path(str(tmp_path / "second.sqlite"))  # a new, empty database
    assert win.tabs.currentIndex() == RESULTS  # shown from its home, as at start-up
    win.tabs.setCurrentIndex(SETUP)
    assert win.tabs.is_built(SETUP) and win.tabs.currentWidget() is win.setup
    assert win.setup.db is win.db and win.db.path == tmp_path / "second.sqlite"
    win.open_database_path(str(tmp_path / "gui.sqlite"))  # the demo again
    win.tabs.setCurrentWidget(win.moderation)  # asked for by code: built, wired and shown
    assert win.tabs.currentIndex() == MODERATION and win.moderation.db is win.db
    assert win.moderation.model.rowCount() == 4 and win.moderation.desk.undo_stack is win.undo_stack
    assert not win.tabs.is_built(SCORING)


def test_a_tender_with_no_bids_is_not_called_final(qtbot):
    """Issue 17: a new tender's Results said "final" before there was anything to rank."""
    from svdesk.app.reads import Results
    from svdesk.ui.results_panel import ResultsPanel

    panel = ResultsPanel()
    qtbot.addWidget(panel)
    panel.show_results(Results(final=True, bidders=[]), [], {})
    assert "final" not in panel.caption.text() and "no bids registered yet" in panel.caption.text()
