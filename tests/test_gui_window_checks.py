"""Window-wide checks that prepare their state through the use-case layer (focused tests, not the
journey): every control has an accessible name; a pledge sheet read in the background."""

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from svdesk.app import measures, pledges
from svdesk.app.database import open_database
from svdesk.ui.main_window import MainWindow
from tests.sheets import plain_workbook, seed003_rows


@pytest.fixture
def window(qtbot, tmp_path):
    db = open_database(tmp_path / "window.sqlite")
    win = MainWindow(db, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    yield win
    win.db.dispose()


def focusable(widget: QWidget):
    kinds = (QAbstractButton, QLineEdit, QPlainTextEdit, QComboBox, QAbstractSpinBox, QAbstractItemView)
    # Qt's own inner parts (a spin box's line edit, a tab bar's scroll buttons) are named by their owner
    return [
        w
        for w in widget.findChildren(QWidget)
        if isinstance(w, kinds)
        and w.focusPolicy() != 0
        and not w.objectName().startswith("qt_")
        and not isinstance(w.parentWidget(), QAbstractSpinBox)
        and type(w.parentWidget()).__name__ not in ("QTabBar", "QScrollBar", "QDialogButtonBox")
        and w.window() is widget.window()
    ]  # a combo box's pop-up list belongs to the combo box


def test_every_focusable_control_has_an_accessible_name(window):
    from svdesk.app.evaluation_files import load_demo

    load_demo(window.db)
    window.refresh_tenders()
    missing = []
    for w in focusable(window):
        name = w.accessibleName() or (w.text() if isinstance(w, QAbstractButton) else "")
        if not name.strip():
            missing.append(
                f"{type(w).__name__} {w.objectName() or '(no object name)'} in {type(w.parentWidget()).__name__}"
            )
    assert missing == [], "\n".join(missing)


def test_pledge_sheet_read_in_the_background_then_previewed(window, tmp_path, qtbot, monkeypatch):
    from PySide6.QtWidgets import QDialog

    from svdesk.ui.bids_screen import PledgePreview

    window.create_tender("BG-1", "Background import", 500_000)
    window.tabs.setCurrentWidget(window.bids)
    bids = window.bids
    bids.edit(lambda: measures.add_measure(bids.db, "Priya", "BG-1", "NT1"))
    bids.edit(lambda: pledges.add_bidder(bids.db, "Priya", "BG-1", "Sandstone Support Services", 400_000))
    shown = []
    monkeypatch.setattr(PledgePreview, "exec", lambda self: shown.append(self) or QDialog.DialogCode.Accepted)
    _h, rows = seed003_rows()
    worker = window.bids.read_in_background(plain_workbook(tmp_path / "s.xlsx", rows), "Sandstone Support Services")
    with qtbot.waitSignal(worker.done, timeout=30_000):
        pass
    assert shown and window.bids.grid_model.data(window.bids.grid_model.index(0, 0)) == "24"  # the seed's NT1
