"""Enrolling a member again after a forgotten passphrase, on the Panel screen: the officer signs in,
the member types the new passphrase twice, the reason goes on the record; nobody signed in is
refused and offered the sign-in. Also: the screen's hint says what the officer should do next."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack

from svdesk.app import identity, panel, pledges, setup
from svdesk.app.database import open_database
from svdesk.ui.panel_screen import PanelScreen
from svdesk.ui.screen_base import Desk
from tests.keys import passphrase_of

REF = "R-1"
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "reenrol.sqlite")
    setup.create_tender(database, "priya", REF, "Highways", 400_000)
    pledges.add_bidder(database, "priya", REF, "Acme Roads", 350_000)
    yield database
    database.dispose()


def _screen(qtbot, db, person=None):
    desk = Desk(db, "priya", QUndoStack())
    if person is not None:
        desk.sign_in(identity.sign_in(db, REF, person, passphrase_of(person)))
    shown = PanelScreen(desk)
    qtbot.addWidget(shown)
    shown.show_tender(REF)
    shown.bring_up_to_date(None)
    shown.show()
    return shown


def _select(qtbot, screen, name):
    row = [r.name for r in screen.rows].index(name)
    rect = screen.table.visualItemRect(screen.table.item(row, 0))
    qtbot.mouseClick(screen.table.viewport(), LEFT, pos=rect.center())
    assert screen.current_name() == name


def test_the_hint_says_what_to_do_next(qtbot, db):
    assert "No one on the panel yet" in _screen(qtbot, db).hint.text()
    panel.add_member(db, "priya", REF, "Tom", "evaluator")
    assert "Add yourself too, as the procurement officer" in _screen(qtbot, db).hint.text()
    panel.add_member(db, "priya", REF, "Priya", "officer")
    assert "Still to enrol: Tom, Priya" in _screen(qtbot, db).hint.text()
    for name in ("Tom", "Priya"):
        identity.enrol(db, "priya", REF, name, passphrase_of(name))
    assert _screen(qtbot, db).hint.text() == ""


def _enrol_again(qtbot, screen, name, reason, passphrase):
    _select(qtbot, screen, name)
    assert screen.enrol.text() == "E&nrol again\u2026" and screen.enrol.isEnabled()
    qtbot.mouseClick(screen.enrol, LEFT)
    dialog = screen.enrol_dialog
    assert dialog.windowTitle() == f"Enrol {name} again" and dialog.ok.text() == "Enrol again"
    qtbot.keyClicks(dialog.passphrase, passphrase)
    qtbot.keyClicks(dialog.again, passphrase)
    assert not dialog.ok.isEnabled()  # no reason yet
    qtbot.keyClicks(dialog.reason, reason)
    assert dialog.ok.isEnabled()
    qtbot.mouseClick(dialog.ok, LEFT)
    return dialog


def test_the_officer_enrols_a_member_again_with_a_reason(qtbot, db):
    for name, role in (("Priya", "officer"), ("Tom", "evaluator")):
        panel.add_member(db, "priya", REF, name, role)
    for name in ("Priya", "Tom"):
        identity.enrol(db, "priya", REF, name, passphrase_of(name))
    (old,) = [k for k in identity.enrolment(db, REF) if k.member == "Tom"]
    # nobody signed in: refused, the sign-in offered, nothing written
    screen = _screen(qtbot, db)
    wanted = []
    screen.desk.presence.sign_in_wanted.connect(lambda: wanted.append(True))
    _enrol_again(qtbot, screen, "Tom", "Forgot his passphrase", "Tom's second passphrase")
    assert "Sign in first" in screen.message.text() and wanted == [True]
    assert [k.key_fingerprint for k in identity.enrolment(db, REF) if k.member == "Tom"] == [old.key_fingerprint]
    # Priya signed in: Tom types his new passphrase, the reason is on the record
    screen = _screen(qtbot, db, person="Priya")
    dialog = _enrol_again(qtbot, screen, "Tom", "Forgot his passphrase", "Tom's second passphrase")
    assert not dialog.isVisible()
    assert screen.message.text().startswith("Enrolled Tom again: new key "), screen.message.text()
    retired, current = [k for k in identity.enrolment(db, REF) if k.member == "Tom"]
    assert (retired.key_fingerprint, retired.retired) == (old.key_fingerprint, True)
    assert (current.retired, current.reason) == (False, "Forgot his passphrase")
    identity.sign_in(db, REF, "Tom", "Tom's second passphrase")  # the new passphrase opens the new key
