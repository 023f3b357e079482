"""The officer's day without friction (issue 17), the fixes a test can see: a fresh tender is not
"set up" until its weights are chosen; the dialogs that change a number open at the number as it
stands, not at 0."""

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

from svdesk.app import moderation, reads, setup
from svdesk.app.database import open_database
from svdesk.model.demo import load_demo
from svdesk.ui.bids_screen import BidsScreen
from svdesk.ui.measures_screen import MeasuresScreen
from svdesk.ui.moderation_screen import ModerationScreen
from svdesk.ui.screen_base import Desk
from tests.keys import signed_in

DEMO = "CWAC-2026-0142"


def _stage(db, reference, name):
    return next(s for s in reads.standing(db, reference).stages if s.name == name)


def test_a_fresh_tender_is_not_set_up_until_its_weights_are_chosen(tmp_path):
    db = open_database(tmp_path / "fresh.sqlite")
    try:
        setup.create_tender(db, "priya", "F-1", "Highways", 400_000)
        stage = _stage(db, "F-1", "Setup")
        assert (stage.complete, stage.summary) == (False, "Setup: confirm the weights")
        setup.set_weights(db, "priya", "F-1", setup.Weights(40, 50, 10))
        stage = _stage(db, "F-1", "Setup")
        assert (stage.complete, stage.summary) == (True, "Setup done")
        load_demo(db)  # a loaded tender's weights were chosen where it was set up
        assert _stage(db, DEMO, "Setup").complete
    finally:
        db.dispose()


@pytest.fixture
def demo(tmp_path):
    db = open_database(tmp_path / "demo.sqlite")
    load_demo(db)
    yield db
    db.dispose()


def _screen(qtbot, cls, db, person=None):
    screen = cls(Desk(db, "priya", QUndoStack()))
    qtbot.addWidget(screen)
    if person is not None:
        screen.desk.sign_in(signed_in(db, DEMO, person))
    screen.show_tender(DEMO)
    screen.bring_up_to_date(reads.version(db, DEMO))
    screen.show()
    return screen


def _opens_at(action) -> list[float]:
    """Run `action`, which opens a QInputDialog for a number: what it opened at; then cancel it."""
    seen: list[float] = []

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QInputDialog):
            seen.append(dialog.doubleValue())
            dialog.reject()
        else:
            QTimer.singleShot(20, look)

    QTimer.singleShot(20, look)
    action()
    return seen


def test_change_proxy_opens_at_the_proxy_value_it_changes(qtbot, demo):
    screen = _screen(qtbot, MeasuresScreen, demo)
    row = next(r for r in range(screen.chosen.rowCount()) if screen.chosen.item(r, 0).text() == "NT1")
    screen.chosen.setCurrentCell(row, 0)
    assert _opens_at(screen.override_selected) == [pytest.approx(screen.proxies["NT1"])]
    assert screen.proxies["NT1"] > 0


def test_reduce_opens_at_the_quantity_as_it_stands(qtbot, demo):
    screen = _screen(qtbot, BidsScreen, demo)
    grid = screen.grid_data
    (ref, bidder), cell = next(((k, c) for k, c in grid.cells.items() if c.quantity > 1))
    row = [m.ref for m in grid.measures].index(ref)
    column = [name for name, _price in grid.bidders].index(bidder)
    screen.grid.setCurrentIndex(screen.grid_model.index(row, column))
    expected = cell.quantity if cell.accepted is None else cell.accepted
    assert _opens_at(lambda: screen.verify("reduce")) == [pytest.approx(expected)]


def test_set_the_accepted_quantity_opens_at_what_stands_now(qtbot, demo):
    screen = _screen(qtbot, ModerationScreen, demo, person="Alan Whitfield")
    screen.modes.setCurrentIndex(1)  # the pledges to reconcile
    rows, _version = moderation.pledges_to_reconcile(demo, DEMO)
    screen.pledge_table.setCurrentIndex(screen.pledge_model.index(0, 0))
    first = rows[0]
    expected = first.quantity if first.accepted_now is None else first.accepted_now
    assert _opens_at(lambda: screen.reconcile("ask")) == [pytest.approx(expected)]


def _answer(button_text: str, seen: list[str]) -> None:
    """Click `button_text` in the question box once it is open (it is exec()'d: it blocks)."""

    def look() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            next(b for b in box.buttons() if b.text().replace("&", "") == button_text).click()
        else:
            QTimer.singleShot(20, look)

    QTimer.singleShot(20, look)


def test_importing_a_tender_that_is_already_here_asks_before_replacing_it(qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from svdesk.app import signoff
    from svdesk.resources import resource_path
    from svdesk.ui.main_window import MainWindow

    db = open_database(tmp_path / "w.sqlite")
    win = MainWindow(db, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    demo_file = resource_path("demo", "demo_evaluation.json")
    with qtbot.waitSignal(win.import_in_background(demo_file).finished, timeout=60_000):
        pass
    assert [t.reference for t in reads.list_tenders(db)] == [DEMO]
    first = reads.version(db, DEMO)
    for answer, replaced in (("Cancel", 0), ("Replace", 1)):
        seen: list[str] = []
        _answer(answer, seen)
        with qtbot.waitSignal(win.import_in_background(demo_file).finished, timeout=60_000):
            pass
        assert seen == [f"Tender {DEMO} is already in this database."]
        if replaced:  # the second load runs once the question is answered
            qtbot.waitUntil(lambda: len(signoff.verify_record(db, DEMO).replaced) == 1, timeout=60_000)
        else:
            assert reads.version(db, DEMO) == first  # nothing changed
    assert "--replace" not in win.statusBar().currentMessage()


def test_a_window_saved_small_opens_at_most_of_the_screen_again(qtbot, tmp_path):
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QMainWindow

    from svdesk.ui.main_window import MainWindow

    small = QMainWindow()
    qtbot.addWidget(small)
    small.resize(320, 240)
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    settings.setValue("mainWindow/geometry", small.saveGeometry())
    db = open_database(tmp_path / "g.sqlite")
    win = MainWindow(db, settings)
    qtbot.addWidget(win)
    available = win.screen().availableGeometry()
    assert win.width() >= available.width() * 0.9 and win.height() >= available.height() * 0.9
    chosen = (win.minimumWidth() + 20, int(available.height() * 0.8))  # a size the user chose
    win.resize(*chosen)
    win.show()
    win.close()
    again = MainWindow(db, settings)
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == chosen  # kept: it is a sensible one
    db.dispose()


def test_the_stages_list_follows_the_scores_saved_on_the_scoring_screen(qtbot, tmp_path):
    """Scoring saves without the window's edit(): the Stages list kept showing the count it had
    ("Scoring 0/12") while the screen showed every score saved."""
    from PySide6.QtCore import QSettings

    from svdesk.app import identity, panel, pledges, questions, scoring, signoff
    from svdesk.ui.main_window import SCORING, MainWindow
    from tests.keys import passphrase_of

    db = open_database(tmp_path / "st.sqlite")
    setup.create_tender(db, "priya", "ST-1", "Highways", 400_000)
    questions.save_question(db, "priya", "ST-1", "Q1", section="quality", text="Your method?", weight=100)
    for bidder in ("Acme Roads", "Brightway Ltd"):
        pledges.add_bidder(db, "priya", "ST-1", bidder, 350_000)
    setup.set_weights(db, "priya", "ST-1", setup.Weights(40, 60, 0))
    for name, role in (("Priya", "officer"), ("Tom", "evaluator")):
        panel.add_member(db, "priya", "ST-1", name, role)
    for name in ("Priya", "Tom"):
        identity.enrol(db, "priya", "ST-1", name, passphrase_of(name))
    signoff.open_scoring(db, identity.sign_in(db, "ST-1", "Priya", passphrase_of("Priya")), "ST-1")
    tom = identity.sign_in(db, "ST-1", "Tom", passphrase_of("Tom"))
    scoring.declare(db, tom, "ST-1", "Tom", [(b, False, "") for b in ("Acme Roads", "Brightway Ltd")])
    win = MainWindow(db, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    win.desk.sign_in(tom)
    win.tabs.setCurrentIndex(SCORING)
    screen = win.scoring
    qtbot.waitUntil(lambda: bool(screen.items))
    stage = lambda: win.stages_model.data(win.stages_model.index(SCORING))  # noqa: E731
    assert stage().endswith("Scoring 0/2")
    screen.choice.set_value(3)
    screen.rationale.setPlainText("Section 2 names the staff and a dated plan.")
    assert screen.save_current(), screen.message.text()
    qtbot.waitUntil(lambda: stage().endswith("Scoring 1/2"), timeout=5_000)
    db.dispose()


def test_the_demo_opens_in_a_database_of_its_own(qtbot, tmp_path, monkeypatch):
    """`svdesk --demo` wrote the demo into the user's own database, where it stayed."""
    import platformdirs

    from svdesk.ui import app as gui

    data = tmp_path / "data"
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda *a, **k: str(data))
    window, code = gui.start_gui(None, demo=True)
    qtbot.addWidget(window)
    assert code == 0 and "CWAC-2026-0142" in window.heading.text()
    assert window.db.path == data / "demo.sqlite" and not (data / "svdesk.sqlite").exists()
    window.opened.close()


def test_keyboard_users_leave_text_boxes_with_tab_and_reach_every_stage(qtbot, tmp_path):
    """Tab typed a tab character into the question and guidance boxes (keyboard-only users could
    not leave them); the stage tabs had no shortcuts."""
    from PySide6.QtCore import QSettings, Qt

    from svdesk.ui.main_window import QUESTIONS, REPORTS, SCORING, MainWindow

    db = open_database(tmp_path / "k.sqlite")
    setup.create_tender(db, "priya", "K-1", "Highways", 400_000)
    win = MainWindow(db, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    for index, key in ((QUESTIONS, Qt.Key.Key_4), (SCORING, Qt.Key.Key_6), (REPORTS, Qt.Key.Key_0)):
        qtbot.keyClick(win, key, Qt.KeyboardModifier.ControlModifier)
        assert win.tabs.currentIndex() == index
    qtbot.keyClick(win, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    screen = win.questions
    qtbot.waitUntil(screen.isVisible)
    screen.new_question()
    screen.text.setFocus()
    qtbot.keyClicks(screen.text, "Describe your method")
    qtbot.keyClick(screen.text, Qt.Key.Key_Tab)
    assert "\t" not in screen.text.toPlainText() and not screen.text.hasFocus()
    db.dispose()


def test_the_weights_a_new_tender_starts_with_can_be_confirmed_as_they_are(qtbot, tmp_path):
    from PySide6.QtCore import Qt

    from svdesk.ui.setup_screen import SetupScreen

    db = open_database(tmp_path / "c.sqlite")
    setup.create_tender(db, "priya", "C-1", "Highways", 400_000)
    screen = SetupScreen(Desk(db, "priya", QUndoStack()))
    qtbot.addWidget(screen)
    screen.show_tender("C-1")
    screen.bring_up_to_date(reads.version(db, "C-1"))
    screen.show()
    assert not _stage(db, "C-1", "Setup").complete
    qtbot.mouseClick(screen.confirm_weights, Qt.MouseButton.LeftButton)
    assert screen.message.text() == "Weights saved." and _stage(db, "C-1", "Setup").complete
    db.dispose()
