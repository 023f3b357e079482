"""The user guide (F1, at the current screen's section) and the first-run checklist, on real widgets."""

import re

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt

from svdesk.model.demo import load_demo
from svdesk.model.services import open_svdesk_database
from svdesk.ui.main_window import MODERATION, QUESTIONS, MainWindow
from svdesk.ui.new_tender import NewTenderDialog
from tests.gui_steps import answering, click, ok_button, retype

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def _window(qtbot, db, settings):
    win = MainWindow(db, settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def demo_window(qtbot, tmp_path, settings):
    db = open_svdesk_database(tmp_path / "demo.sqlite")
    load_demo(db)
    win = _window(qtbot, db, settings)
    yield win
    win.db.dispose()


@pytest.fixture
def empty_window(qtbot, tmp_path, settings):
    db = open_svdesk_database(tmp_path / "empty.sqlite")
    win = _window(qtbot, db, settings)
    yield win
    win.db.dispose()


def _heading_at_top(browser) -> str:
    """The text of the first line the guide's view shows."""
    return browser.cursorForPosition(QPoint(8, 8)).block().text()


def test_f1_opens_the_guide_at_the_current_screens_section(demo_window, qtbot, tmp_path):
    w = demo_window
    w.tabs.setCurrentIndex(MODERATION)
    qtbot.keyClick(w, Qt.Key.Key_F1)
    guide = w.guide.dialog
    assert guide is not None and guide.isVisible()
    qtbot.waitUntil(lambda: _heading_at_top(guide.browser) == "Moderation")
    assert guide.anchor == "moderation"
    moderation_scroll = guide.browser.verticalScrollBar().value()

    w.activateWindow()
    w.tabs.setCurrentIndex(QUESTIONS)
    w.guide.action.trigger()  # Help > User guide (F1), now on Questions: the same window, moved
    assert w.guide.dialog is guide
    qtbot.waitUntil(lambda: _heading_at_top(guide.browser) == "Questions")
    assert guide.anchor == "questions"
    assert guide.browser.verticalScrollBar().value() < moderation_scroll  # Questions comes first
    assert w.guide.action.shortcut().toString() == "F1"
    assert "User guide" in w.guide.action.text()
    assert guide.grab().save(str(tmp_path / "guide.png"))


def test_the_guide_lists_every_shortcut_of_the_go_menu(demo_window):
    w = demo_window
    go_menu = next(a.menu() for a in w.menuBar().actions() if a.text() == "&Go")
    listed = [
        (a.text().replace("&&", "&"), a.shortcut().toString()) for a in go_menu.actions() if not a.shortcut().isEmpty()
    ]  # "&&": a literal & in a menu item
    assert len(listed) == 10
    w.guide.show()
    text = w.guide.dialog.browser.toPlainText()
    rows = dict(re.findall(r"^(Ctrl\+\d)\s*\n?\s*Go to (.+)$", text, flags=re.MULTILINE))
    for name, key in listed:
        assert rows.get(key) == name, (key, name, rows)
    for key in ("Ctrl+N", "Ctrl+L", "Ctrl+Shift+L", "Ctrl+Z", "Ctrl+H", "Ctrl+Shift+V", "F1"):
        assert key in text, key


def test_the_checklist_ticks_the_new_tender_step(empty_window, qtbot, tmp_path):
    w = empty_window
    checklist = w.checklist
    assert checklist.isVisible()  # an empty database: the welcome shows the steps
    assert checklist.ticked() == []
    assert w.checklist.items[0].text() == "\u25cb 1. New tender"

    def new_tender(dialog):
        qtbot.keyClicks(dialog.reference, "HELP-1")
        qtbot.keyClicks(dialog.title, "Grounds maintenance")
        retype(qtbot, dialog.value, "250000")
        click(qtbot, ok_button(dialog))

    with answering(qtbot, (NewTenderDialog, new_tender)):
        qtbot.keyClick(w, Qt.Key.Key_N, CTRL)
    assert w.heading.text().startswith("HELP-1")
    assert checklist.isVisible()  # still shown: the rest of the journey is ahead
    assert checklist.ticked() == ["New tender"]
    assert w.checklist.items[0].text() == "\u2714 1. New tender"
    assert w.checklist.items[1].text() == "\u25cb 2. Measures"
    assert checklist.grab().save(str(tmp_path / "checklist.png"))

    click(qtbot, checklist.hide_button)
    assert not checklist.isVisible()


def test_the_checklist_is_not_shown_on_a_database_with_tenders(demo_window):
    assert not demo_window.checklist.isVisible()
