"""The main window at the small screens of a council laptop (1280 x 720, 1366 x 768), with the larger
font such a laptop's 125% scaling gives: found by a person trying the app by hand (issue H3).

Each test shows the real window on the demo and asserts on the geometry a person sees: the tenders
column keeps its width, nothing runs past the window's edge, the rows they need are on show."""

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from svdesk.app import signoff
from svdesk.model.demo import load_demo
from svdesk.model.services import open_svdesk_database
from svdesk.ui.main_window import MODERATION, RESULTS, SETUP, MainWindow
from svdesk.ui.models import ResultsTableModel
from tests.gui_steps import retype
from tests.keys import officer, signed_in

REF = "CWAC-2026-0142"
NAV_MIN = 200


@pytest.fixture
def laptop_font(qapp):
    """About 11 pt: the 9 pt default at 125% scaling, as on the laptops the panels use."""
    before = QApplication.font()
    font = QApplication.font()
    font.setPointSizeF(11)
    QApplication.setFont(font)
    yield
    QApplication.setFont(before)


@pytest.fixture
def demo_db(tmp_path):
    db = open_svdesk_database(tmp_path / "small.sqlite")
    load_demo(db)
    yield db
    db.dispose()


def _window(qtbot, db, tmp_path, width, height):
    win = MainWindow(db, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.resize(width, height)
    win.show()
    qtbot.waitExposed(win)
    _settle(qtbot)
    assert (win.width(), win.height()) == (width, height)
    return win


def _settle(qtbot):
    for _ in range(3):
        QApplication.processEvents()
        qtbot.wait(20)


def _inside_window(win, widget: QWidget) -> bool:
    """The widget's right edge is within the window's central area (not drawn past its edge)."""
    central = win.centralWidget()
    right = widget.mapTo(central, widget.rect().topRight()).x()
    return right <= central.width()


def _rows_fully_shown(view: QAbstractItemView, rows: int) -> int:
    viewport = view.viewport().rect()
    model = view.model()
    shown = 0
    for row in range(rows):
        rect = view.visualRect(model.index(row, 0))
        if rect.isValid() and rect.top() >= viewport.top() and rect.bottom() <= viewport.bottom():
            shown += 1
    return shown


def _no_horizontal_scroll(win) -> None:
    bar = win.right_area.horizontalScrollBar()
    assert not bar.isVisible(), f"the screen needs {bar.maximum()} px more than the window gives it"


def test_the_tenders_column_keeps_its_width_on_every_screen_at_1280x720(qtbot, laptop_font, demo_db, tmp_path):
    win = _window(qtbot, demo_db, tmp_path, 1280, 720)
    nav = win.splitter.sizes()[0]
    assert nav >= NAV_MIN
    for index in range(win.tabs.count()):  # Moderation among them, then back to Results
        win.tabs.setCurrentIndex(index)
        _settle(qtbot)
        name = win.tabs.tabText(index)
        assert win.splitter.sizes()[0] == nav, f"{name} pushed the tenders column to {win.splitter.sizes()[0]} px"
        assert _inside_window(win, win.tabs), f"{name} runs past the window's edge"
        _no_horizontal_scroll(win)
        screen = win.tabs.currentWidget()
        assert screen.width() >= screen.minimumSizeHint().width(), f"{name} is squeezed below its minimum"
    win.tabs.setCurrentIndex(MODERATION)
    _settle(qtbot)
    win.tabs.setCurrentIndex(RESULTS)
    _settle(qtbot)
    assert win.splitter.sizes()[0] == nav
    # the Total column is on show, within the table and the window
    table = win.results_table
    header = table.horizontalHeader()
    total = ResultsTableModel.COL_TOTAL
    table.scrollTo(win.results_model.index(0, total))
    right_edge = header.sectionViewportPosition(total) + header.sectionSize(total)
    assert header.sectionViewportPosition(total) >= 0 and right_edge <= table.viewport().width()
    assert _inside_window(win, table)
    # the column cannot be dragged to nothing
    win.splitter.moveSplitter(0, 1)
    _settle(qtbot)
    assert win.splitter.sizes()[0] >= NAV_MIN


@pytest.fixture
def moderating(demo_db):
    """The demo back in moderation, so the consensus can be written (and checked as it is)."""
    signoff.reopen(demo_db, "Priya", REF, "The panel meets again on Q1")
    signoff.open_moderation(demo_db, officer(demo_db, REF), REF)
    return demo_db


def test_moderation_keeps_the_grid_and_members_rows_with_the_warning_at_1366x768(
    qtbot, laptop_font, moderating, tmp_path
):
    win = _window(qtbot, moderating, tmp_path, 1366, 768)
    win.desk.sign_in(signed_in(moderating, REF, "Alan Whitfield"))
    win.tabs.setCurrentIndex(MODERATION)
    _settle(qtbot)
    screen = win.moderation
    assert screen.members.rowCount() >= 3
    assert not screen.rationale.isReadOnly()
    screen.rationale.setFocus()
    retype(qtbot, screen.rationale, "Good.")  # boilerplate: the rationale check says so as it is typed
    flags = screen.rationale_flags
    qtbot.waitUntil(flags.isVisible, timeout=5000)
    _settle(qtbot)
    rows = screen.model.rowCount()
    assert _rows_fully_shown(screen.grid, rows) >= min(3, rows), "the grid hides a bid"
    assert _rows_fully_shown(screen.members, screen.members.rowCount()) >= 3, "the members' table hides a member"
    # the warning is laid out whole, and can be brought into view
    for label in (flags, screen.message):
        assert label.height() >= label.heightForWidth(label.width()), f"{label.objectName()} is cut off"
    screen.detail_area.ensureWidgetVisible(flags)
    _settle(qtbot)
    assert flags.visibleRegion().boundingRect().height() == flags.height(), "the warning is cut off"
    assert win.splitter.sizes()[0] >= NAV_MIN and _inside_window(win, win.tabs)
    _no_horizontal_scroll(win)


def test_setup_fields_are_whole_and_apart_at_1366x768(qtbot, laptop_font, demo_db, tmp_path):
    win = _window(qtbot, demo_db, tmp_path, 1366, 768)
    win.tabs.setCurrentIndex(SETUP)
    _settle(qtbot)
    setup = win.setup
    fields = [
        w
        for kind in (QAbstractSpinBox, QComboBox, QLineEdit, QPushButton)
        for w in setup.findChildren(kind)
        if w.isVisibleTo(setup) and not isinstance(w.parent(), (QAbstractSpinBox, QComboBox))
    ]
    assert len(fields) >= 10
    for field in fields:
        name = field.accessibleName() or field.objectName()
        assert field.height() >= field.minimumSizeHint().height(), f"{name} is cut off: {field.height()} px high"
    # no text over a field: each wrapped label is laid out whole and apart from every field
    labels = [w for w in setup.findChildren(QLabel) if w.isVisibleTo(setup) and w.wordWrap() and w.text()]
    assert any(label.objectName() == "procurementHint" for label in labels)
    for label in labels:
        assert label.height() >= label.heightForWidth(label.width()), f"{label.objectName()} is cut off"
        box = label.rect().translated(label.mapTo(setup, label.rect().topLeft()))
        for field in fields:
            other = field.rect().translated(field.mapTo(setup, field.rect().topLeft()))
            assert not box.intersects(other), f"{label.objectName()} overlaps {field.objectName()}"
    table = setup.descriptors
    assert table.rowCount() == 6 and _rows_fully_shown(table, 6) >= 3, "the score scale shows too few rows"
    assert win.splitter.sizes()[0] >= NAV_MIN and _inside_window(win, win.tabs)
    _no_horizontal_scroll(win)
    bar = setup.form_area.horizontalScrollBar()
    assert not bar.isVisible(), "the setup form is wider than the screen"
