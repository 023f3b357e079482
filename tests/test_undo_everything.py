"""Undo for every edit (issue 17): a first score typed in the Scoring screen is undone into "not yet
scored" (a withdrawal, on the record) and redone; the withdrawal is refused outside scoring; and the
confirmations before a restore say what happens, Cancel changing nothing."""

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from svdesk.app import database, measures, panel, pledges, questions, reads, scoring, setup, signoff
from svdesk.app.database import open_database
from svdesk.app.errors import SvdeskError
from svdesk.ui import file_dialogs
from svdesk.ui.main_window import MainWindow
from tests.gui_steps import ALT, CTRL, answer_box, click, focus_back
from tests.keys import signed_in

REF = "UN-1"
BIDDER = "Acme Roads"
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def window(qtbot, tmp_path):
    path = tmp_path / "undo.sqlite"
    db = open_database(path)
    setup.create_tender(db, "priya", REF, "Highways", 400_000)
    measures.add_measure(db, "priya", REF, "NT1")
    questions.save_question(db, "priya", REF, "Q1", section="quality", text="Your method?", weight=100)
    questions.save_question(db, "priya", REF, "SV1", section="social_value", text="Social value?", weight=100)
    pledges.add_bidder(db, "priya", REF, BIDDER, 350_000)
    for name, role in (("Priya", "officer"), ("Tom", "evaluator"), ("Alan", "chair")):
        panel.add_member(db, "priya", REF, name, role)
    signoff.open_scoring(db, "priya", REF)
    db.dispose()
    win = MainWindow(open_database(path), QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.db.dispose()


def _score_first_item(qtbot, win):
    """Tom signs in, declares, and types his first score of the first item (Alt+4, a note, Ctrl+Enter)."""
    win.desk.sign_in(signed_in(win.db, REF, "Tom"))
    win.tabs.setCurrentWidget(win.scoring)
    screen = win.scoring
    for none, _some, _details in screen.declarations.choices.values():
        click(qtbot, none)
    click(qtbot, screen.declarations.save_button)
    screen.go(0)
    it = screen.items[0]
    assert it.score is None
    qtbot.keyClick(screen.rationale, Qt.Key.Key_4, ALT)
    qtbot.keyClicks(screen.rationale, "Section 2.1 names the site team, a costed rota and a dated plan.")
    qtbot.keyClick(screen.rationale, Qt.Key.Key_Return, CTRL)  # saves and moves on
    assert scoring.own_score(win.db, REF, "Tom", it.bidder, it.question).score == 4
    return screen, it


def _edit_key(qtbot, win, modifiers):
    """Ctrl+Z (or Ctrl+Shift+Z) pressed in the window, away from the rationale box's own undo."""
    win.scoring.previous.setFocus()
    focus_back(qtbot, win)
    qtbot.keyClick(win.scoring.previous, Qt.Key.Key_Z, modifiers)
    QApplication.processEvents()


def test_a_first_score_is_undone_into_not_yet_scored_and_redone(qtbot, window):
    win = window
    screen, it = _score_first_item(qtbot, win)
    assert win.undo_stack.canUndo()  # no longer greyed out after a first score
    _edit_key(qtbot, win, CTRL)
    fresh = scoring.own_score(win.db, REF, "Tom", it.bidder, it.question)
    assert fresh.score is None and fresh.version == 0 and it.score is None  # not yet scored
    withdrawals = [r for r in reads.history(win.db, REF, it.bidder, it.question).rows if r.action == "Score withdrawn"]
    assert len(withdrawals) == 1 and withdrawals[0].actor == "Tom" and "undone" in withdrawals[0].reason
    assert withdrawals[0].before.startswith("4: Section 2.1")  # what was withdrawn stays on the record
    assert not screen.items[0].done
    _edit_key(qtbot, win, CTRL | SHIFT)
    again = scoring.own_score(win.db, REF, "Tom", it.bidder, it.question)
    assert again.score == 4 and again.rationale.startswith("Section 2.1") and it.score == 4
    assert signoff.verify_record(win.db, REF).problems == []  # the withdrawal replays with the rest


def test_a_score_is_withdrawn_only_while_scoring_and_only_by_its_member(qtbot, window):
    win = window
    _screen, it = _score_first_item(qtbot, win)
    tom = win.desk.signed_in
    with pytest.raises(SvdeskError, match="give a reason"):
        scoring.withdraw_score(win.db, tom, REF, "Tom", it.bidder, it.question, "  ")
    with pytest.raises(SvdeskError, match="only Tom withdraws"):
        scoring.withdraw_score(win.db, "Priya", REF, "Tom", it.bidder, it.question, "tidy up")
    scoring.withdraw_score(win.db, tom, REF, "Tom", it.bidder, it.question, "changed my mind")
    with pytest.raises(SvdeskError, match="no score to withdraw"):
        scoring.withdraw_score(win.db, tom, REF, "Tom", it.bidder, it.question, "again")
    scoring.set_score(win.db, tom, REF, "Tom", it.bidder, it.question, 3, "Section 2.1 names the team.")
    signoff.reopen(win.db, signed_in(win.db, REF, "Priya"), REF, "a question to reword")  # back to draft
    with pytest.raises(SvdeskError, match="withdrawing a score"):
        scoring.withdraw_score(win.db, tom, REF, "Tom", it.bidder, it.question, "too late")
    assert scoring.own_score(win.db, REF, "Tom", it.bidder, it.question).score == 3


def test_restoring_a_backup_asks_first_and_cancel_changes_nothing(qtbot, window, monkeypatch):
    win = window
    backup = database.back_up(win.db, "manual")
    setup.create_tender(win.db, "priya", "UN-2", "Later", 1_000)  # after the backup
    monkeypatch.setattr(file_dialogs, "get_open_file_name", lambda *a, **k: (str(backup), ""))
    win.restore_backup()
    asked = answer_box(qtbot, win.databases, "restore_confirm", "restoreConfirmCancel")
    assert f"Replace the whole database with the backup {backup.name}" in asked and "(manual)" in asked
    assert "Everyone signs in again" in asked
    assert "UN-2" in [t.reference for t in reads.list_tenders(win.db)]  # nothing was restored
    win.restore_backup()
    answer_box(qtbot, win.databases, "restore_confirm", "restoreConfirmRestore")
    assert "UN-2" not in [t.reference for t in reads.list_tenders(win.db)]
