"""The officer's day without friction (issue 17), the remaining small fixes a test can see: the
pledge grid keeps its cell across a save; Enter adds measures and the message names them all;
weights checked as typed and the heading follows them; one rounding for a bid's total; messages
that stood for another tender or an earlier state go; an export offers to open the file."""

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QAbstractItemView, QLineEdit

from svdesk.app import measures as ms
from svdesk.app import pledges as pl
from svdesk.app import reads, setup
from svdesk.app.database import open_database
from svdesk.ui.bids_screen import BidsScreen
from svdesk.ui.measures_screen import MeasuresScreen, RefRole
from svdesk.ui.screen_base import Desk


@pytest.fixture
def fresh(tmp_path):
    db = open_database(tmp_path / "fresh.sqlite")
    setup.create_tender(db, "priya", "F-1", "Highways", 400_000)
    yield db
    db.dispose()


def _screen(qtbot, cls, db, reference="F-1"):
    screen = cls(Desk(db, "priya", QUndoStack()))
    qtbot.addWidget(screen)
    screen.show_tender(reference)
    screen.bring_up_to_date(reads.version(db, reference))
    screen.show()
    return screen


def test_typing_down_a_column_of_the_pledge_grid_saves_every_value(qtbot, fresh, qtlog):
    for ref in ("NT1", "NT3", "NT18"):
        ms.add_measure(fresh, "priya", "F-1", ref)
    pl.add_bidder(fresh, "priya", "F-1", "Acme Roads", 390_000)
    screen = _screen(qtbot, BidsScreen, fresh)
    grid = screen.grid
    grid.setFocus()
    grid.setCurrentIndex(screen.grid_model.index(0, 0))
    for typed in ("12", "7", "3"):  # value, Enter; value, Enter: as in a spreadsheet
        qtbot.keyClick(grid, typed[0])  # a key typed on a cell opens its editor with the key
        editor = next(e for e in grid.findChildren(QLineEdit) if e.isVisible())
        qtbot.keyClicks(editor, typed[1:])
        qtbot.keyClick(editor, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: grid.state() != QAbstractItemView.State.EditingState)  # Qt commits queued
    cells = pl.pledge_grid(fresh, "F-1").cells
    assert {ref: cells[(ref, "Acme Roads")].quantity for ref in ("NT1", "NT3", "NT18")} == {
        "NT1": 12,
        "NT3": 7,
        "NT18": 3,
    }
    assert screen.grid_model.index(0, 0).data() == "12"  # the grid shows what was saved
    assert [grid.currentIndex().row(), grid.currentIndex().column()] == [2, 0]  # the last measure: Enter stays
    assert not [r for r in qtlog.records if "commitData" in r.message]


def _catalogue_index(screen, ref):
    model = screen.tree.model()
    found = model.match(model.index(0, 0), RefRole, ref, 1, Qt.MatchFlag.MatchRecursive)
    assert found, ref
    return found[0]


def test_enter_in_the_catalogue_adds_every_measure_chosen_and_says_which(qtbot, fresh):
    screen = _screen(qtbot, MeasuresScreen, fresh)
    screen.tree.setCurrentIndex(_catalogue_index(screen, "NT1"))
    rows = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for ref in ("NT3", "NT18"):  # Ctrl+click on two more
        screen.tree.selectionModel().select(_catalogue_index(screen, ref), rows)
    qtbot.keyClick(screen.tree, Qt.Key.Key_Return)
    assert [m.ref for m in ms.tender_measures(fresh, "F-1")] == ["NT1", "NT3", "NT18"]
    assert screen.message.text() == "Added NT1, NT3 and NT18."
    assert screen.chosen.rowCount() == 3


def _window(qtbot, db, tmp_path):
    from PySide6.QtCore import QSettings

    from svdesk.ui.main_window import MainWindow

    win = MainWindow(db, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    return win


def test_weights_are_checked_as_typed_and_the_heading_shows_them_once_saved(qtbot, fresh, tmp_path):
    win = _window(qtbot, fresh, tmp_path)
    screen = win.setup
    win.tabs.setCurrentWidget(screen)
    typed = screen.price.lineEdit()
    typed.selectAll()
    qtbot.keyClicks(typed, "70")  # not yet left: price 70 with the others as they stand is over 100
    assert screen.weights_state.text().startswith("\u2717"), screen.weights_state.text()
    assert "sum to" in screen.weights_state.text()
    assert setup.setup_view(fresh, "F-1").weights.price != 70  # nothing saved while it is wrong
    for box, value in ((screen.price, "30"), (screen.quality, "60"), (screen.social, "10")):
        box.lineEdit().selectAll()
        qtbot.keyClicks(box.lineEdit(), value)
        qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)
    assert screen.weights_state.text() == "\u2714 The weights sum to 100."
    weights = setup.setup_view(fresh, "F-1").weights
    assert (weights.price, weights.quality, weights.social_value) == (30, 60, 10)
    assert "Weights: price 30, quality 60, social value 10" in win.subheading.text()


def test_a_bids_total_reads_the_same_in_the_results_table_and_the_chart(qtbot):
    """Each part rounds to 2 places and the total rounds once: 30.00 + 20.11 + 24.22 = 74.33 is
    what the parts' sum says, for a total of 74.34 (the unrounded parts sum to 74.335)."""
    from svdesk.app.reads import BidderResult, Results
    from svdesk.ui.results_panel import ResultsPanel

    bid = BidderResult("Acme Roads", 390_000, 0, 0, 30.0, 20.11, 24.22, 0.0, 74.34, 1, False, [], {})
    panel = ResultsPanel()
    qtbot.addWidget(panel)
    panel.show_results(Results(final=False, bidders=[bid]), [], {})
    total_column = panel.model.COL_TOTAL
    assert panel.model.index(0, total_column).data() == "74.34"
    assert panel.components_chart.total_text(0) == "74.34"


def test_a_message_goes_with_the_tender_and_the_record_it_spoke_of(qtbot, fresh, tmp_path):
    from svdesk.ui.main_window import SETUP, SIGNOFF

    setup.create_tender(fresh, "priya", "F-2", "Waste", 200_000)
    win = _window(qtbot, fresh, tmp_path)
    win.refresh_tenders(select="F-1")
    win.tabs.setCurrentIndex(SIGNOFF)
    screen = win.signoff
    assert not screen.step("open-scoring")  # no questions, no bids, no panel: refused, and said
    refusal = screen.message.text()
    assert refusal.lower().startswith("cannot open scoring"), refusal
    win.tabs.setCurrentIndex(SETUP)
    win.tabs.setCurrentIndex(SIGNOFF)
    assert screen.message.text() == refusal  # nothing changed: it still stands
    setup.set_weights(fresh, "priya", "F-1", setup.Weights(30, 60, 10))  # the record moves on
    win.tabs.setCurrentIndex(SETUP)
    win.tabs.setCurrentIndex(SIGNOFF)
    assert screen.message.text() == ""  # it spoke of the record as it was
    assert not screen.step("open-scoring")
    assert screen.message.text()
    win.refresh_tenders(select="F-2")  # another tender: nothing said of F-1 stays on show
    assert screen.message.text() == ""


def test_the_lock_banner_is_words_the_font_has(qtbot, fresh, tmp_path):
    from PySide6.QtGui import QFontMetrics

    win = _window(qtbot, fresh, tmp_path)
    win.refresh_tenders(select="F-1")
    win.banner.setText("")
    fresh.read_only, fresh.read_only_reason = True, "another svdesk has it open"
    win.summary_version = None  # read the standing again
    win.refresh_summary()
    text = win.banner.text()
    assert "another svdesk has it open" in text
    metrics = QFontMetrics(win.banner.font())
    assert all(metrics.inFontUcs4(ord(c)) for c in text), [c for c in text if not metrics.inFontUcs4(ord(c))]


def test_an_export_offers_to_open_the_file_it_wrote(qtbot, tmp_path, monkeypatch):
    from PySide6.QtGui import QDesktopServices

    from svdesk.model.demo import load_demo
    from svdesk.ui import file_dialogs

    db = open_database(tmp_path / "demo.sqlite")
    load_demo(db)
    win = _window(qtbot, db, tmp_path)
    book = tmp_path / "audit.xlsx"
    monkeypatch.setattr(file_dialogs, "get_save_file_name", lambda *a, **k: (str(book), "Excel (*.xlsx)"))
    opened: list[str] = []  # the desktop's application: the one stand-in
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    worker = win.reports.workbook()
    with qtbot.waitSignal(worker.done, timeout=30_000):
        pass
    box = win.reports.written_box
    assert box is not None and box.isVisible() and str(book) in box.text()
    next(b for b in box.buttons() if b.text().replace("&", "") == "Open").click()
    assert opened == [str(book)] and book.exists()
    db.dispose()
