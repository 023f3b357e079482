"""The Panel screen, driven with clicks and keys (qtbot): members added in a dialog, edited in place,
removed, refused removal offered as withdrawal, enrolled with a passphrase typed twice; read-only
when the tender is locked."""

import shutil

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QUndoStack

from svdesk.app import panel, pledges, reads, scoring, setup, signoff
from svdesk.app.database import open_database
from svdesk.ui.main_window import PANEL, MainWindow
from svdesk.ui.panel_screen import PanelScreen
from svdesk.ui.screen_base import Desk
from tests.keys import passphrase_of

REF = "P-1"
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "panel.sqlite")
    setup.create_tender(database, "Priya", REF, "Highways", 400_000)
    for bidder in ("Acme Roads", "Brightway Ltd"):
        pledges.add_bidder(database, "Priya", REF, bidder, 350_000)
    yield database
    database.dispose()


@pytest.fixture
def screen(db, qtbot):
    shown = PanelScreen(Desk(db, "Priya", QUndoStack()))
    qtbot.addWidget(shown)
    shown.show_tender(REF)
    shown.bring_up_to_date(None)
    shown.show()
    return shown


def add(qtbot, screen, name, role_keys="", email=""):
    """Add member…, the name typed, the role chosen by typing its first letters, Enter."""
    qtbot.mouseClick(screen.add, LEFT)
    dialog = screen.add_dialog
    assert dialog.isVisible() and not dialog.ok.isEnabled()  # nothing to add yet
    qtbot.keyClicks(dialog.name, name)
    if role_keys:
        qtbot.keyClicks(dialog.role, role_keys)
    qtbot.keyClicks(dialog.email, email)
    qtbot.keyClick(dialog.email, Qt.Key.Key_Return)
    return dialog


def cells(screen, column):
    return [screen.table.item(r, column).text() for r in range(screen.table.rowCount())]


def test_members_are_added_edited_and_removed_with_clicks_and_keys(screen, db, qtbot):
    assert "No one on the panel yet" in screen.hint.text() and not screen.save.isEnabled()
    add(qtbot, screen, "Priya Shah", "Proc", "priya@council.example")
    assert screen.message.text() == "Added Priya Shah." and screen.hint.text().startswith("Still to enrol: Priya Shah.")
    add(qtbot, screen, "Tom")
    add(qtbot, screen, "Alan", "Ch")
    dialog = add(qtbot, screen, "Tom", "", "")  # already on the panel: the dialog stays open, saying so
    assert dialog.isVisible() and "'Tom' is already on the panel" in dialog.problem.text()
    qtbot.keyClick(dialog.name, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert cells(screen, 0) == ["Priya Shah", "Tom", "Alan"]
    assert cells(screen, 1) == ["Officer", "Evaluator", "Chair"]
    assert cells(screen, 3) == ["\u2014", "0 of 0", "\u2014"]
    assert cells(screen, 4) == ["\u2014", "0 of 2", "0 of 2"]  # the officer may declare; nobody waits for her
    # edit in place: the selected member's name, role and email, saved with Enter
    screen.table.setFocus()
    screen.table.setCurrentCell(1, 0)
    assert screen.name.text() == "Tom" and screen.selected.title() == "Selected member: Tom"
    screen.name.selectAll()
    qtbot.keyClicks(screen.name, "Tom Ellis")
    qtbot.keyClicks(screen.email, "tom.ellis@council.example")
    qtbot.keyClick(screen.email, Qt.Key.Key_Return)
    assert screen.message.text() == "Saved Tom Ellis.", screen.message.text()
    assert panel.panel_rows(db, REF)[1].email == "tom.ellis@council.example"
    assert screen.current_name() == "Tom Ellis"
    screen.email.setText("not an address")
    qtbot.mouseClick(screen.save, LEFT)
    assert "Tom Ellis: 'not an address' is not an email address" in screen.message.text()
    assert panel.panel_rows(db, REF)[1].email == "tom.ellis@council.example"  # nothing saved
    # Delete on the table removes the selected member, who has done nothing
    screen.table.setCurrentCell(2, 0)
    qtbot.keyClick(screen.table, Qt.Key.Key_Delete)
    assert screen.message.text() == "Removed Alan." and cells(screen, 0) == ["Priya Shah", "Tom Ellis"]
    assert signoff.verify_record(db, REF).ok


def test_a_member_who_has_acted_is_offered_withdrawal_instead_of_removal(screen, db, qtbot):
    panel.add_member(db, "Priya", REF, "Tom", "evaluator")
    panel.add_member(db, "Priya", REF, "Gwen", "evaluator")
    scoring.declare(db, "Tom", REF, "Tom", [("Acme Roads", False, ""), ("Brightway Ltd", True, "My brother")])
    screen.reload()
    assert cells(screen, 4) == ["2 of 2", "0 of 2"] and cells(screen, 5) == ["Brightway Ltd", ""]
    screen.table.setCurrentCell(0, 0)
    qtbot.mouseClick(screen.remove, LEFT)  # refused, with the reason; withdrawal is offered instead
    dialog = screen.withdraw_dialog
    assert dialog.isVisible() and dialog.member == "Tom" and not dialog.ok.isEnabled()
    assert "Tom has made 2 declarations and cannot be removed" in dialog.said.text()
    assert "Tom has made 2 declarations" in screen.message.text() and len(panel.members(db, REF)) == 2
    qtbot.keyClicks(dialog.reason, "Long-term sick leave")
    qtbot.mouseClick(dialog.ok, LEFT)
    assert not dialog.isVisible() and screen.message.text() == "Withdrew Tom."
    assert cells(screen, 7)[0].startswith("Withdrawn ") and cells(screen, 7)[0].endswith(": Long-term sick leave")
    assert not screen.withdraw.isEnabled() and "Tom" not in screen.enrol_buttons  # withdrawn: no more
    assert panel.evaluators(db, REF) == ["Gwen"]


def test_a_member_enrols_typing_their_passphrase_twice(screen, db, qtbot):
    panel.add_member(db, "Priya", REF, "Tom", "evaluator")
    screen.reload()
    qtbot.mouseClick(screen.enrol_buttons["Tom"], LEFT)
    dialog = screen.enrol_dialog
    qtbot.keyClicks(dialog.passphrase, passphrase_of("Tom"))
    qtbot.keyClicks(dialog.again, passphrase_of("Tom")[:-1])
    assert dialog.state.text() == "The two passphrases differ." and not dialog.ok.isEnabled()
    qtbot.keyClicks(dialog.again, passphrase_of("Tom")[-1])
    assert dialog.ok.isEnabled() and dialog.state.text() == ""
    qtbot.keyClick(dialog.again, Qt.Key.Key_Return)
    assert not dialog.isVisible() and screen.message.text().startswith("Enrolled Tom: key ")
    assert cells(screen, 6) == ["Yes"] and screen.enrol_buttons == {}
    assert screen.enrol.text() == "E&nrol again\u2026"  # a forgotten passphrase: the officer, signed in
    assert panel.panel_rows(db, REF)[0].enrolled


def test_the_panel_stage_sits_after_setup_and_the_screen_is_read_only_when_locked(signed_db, tmp_path, qtbot):
    path = shutil.copy(signed_db, tmp_path / "signed.sqlite")
    db = open_database(path)
    win = MainWindow(db, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    try:
        assert win.tabs.tabText(PANEL) == "Panel" and win.tabs.tabText(PANEL - 1) == "Setup"
        stages = [s.summary for s in reads.standing(db, None).stages]
        assert stages[PANEL] == "Panel: 5 members, 5 enrolled"  # the officer, and the four who sign
        win.stage_list.setCurrentIndex(win.stages_model.index(PANEL))
        qtbot.keyClick(win.stage_list, Qt.Key.Key_Return)  # the stage on the left opens its tab
        assert win.tabs.currentIndex() == PANEL and win.tabs.currentWidget() is win.panel
        screen = win.panel
        assert screen.table.rowCount() == 5 and screen.message.text().startswith("Read only: tender CWAC-2026-0142")
        for control in (screen.add, screen.save, screen.remove, screen.withdraw, screen.enrol, screen.name):
            assert not control.isEnabled(), control.objectName()
        assert screen.enrol_buttons == {}
    finally:
        db.dispose()


def test_every_control_of_the_screen_and_its_dialogs_is_named_for_assistive_technology(screen, db, qtbot):
    from PySide6.QtWidgets import QAbstractButton

    from tests.test_gui_window_checks import focusable

    panel.add_member(db, "Priya", REF, "Tom", "evaluator")
    screen.reload()
    dialogs = [screen.open_add_dialog(), screen.open_withdraw_dialog("Tom"), screen.open_enrol_dialog("Tom")]
    missing = [
        f"{type(w).__name__} {w.objectName()}"
        for top in (screen, *dialogs)
        for w in focusable(top)
        if not (w.accessibleName() or (w.text() if isinstance(w, QAbstractButton) else "")).strip()
    ]
    assert missing == []
    assert all(w.objectName() for top in (screen, *dialogs) for w in focusable(top))  # each found by tests
