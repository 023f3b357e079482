"""Signing in through the window: the dialog's widgets, the window's "who is signed in", the screens
bound to that person (scoring, moderation), switching person, and the idle lock."""

import pytest
from PySide6.QtCore import QEvent, QSettings, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from svdesk.app import identity, measures, moderation, panel, pledges, questions, reads, scoring, setup, signoff
from svdesk.app.database import open_database
from svdesk.model.demo import load_demo
from svdesk.ui.main_window import MainWindow
from svdesk.ui.presence import IDLE_KEY
from tests.gui_steps import answer_box
from tests.keys import enrol, passphrase_of
from tests.sign_in_steps import offered, sign_in, type_passphrase

REF = "SI-1"
DEMO = "CWAC-2026-0142"
BIDDERS = ("Acme Roads", "Brightway Ltd")


@pytest.fixture
def panel_path(tmp_path):
    """A tender open for scoring: Tom and Sam (evaluators), Alan (chair) and Priya (the officer)
    enrolled, Ruth (an evaluator) not, and Wendy enrolled, then withdrawn."""
    path = tmp_path / "sign-in.sqlite"
    db = open_database(path)
    setup.create_tender(db, "priya", REF, "Highways", 400_000)
    measures.add_measure(db, "priya", REF, "NT1")
    questions.save_question(db, "priya", REF, "Q1", section="quality", text="Your method?", weight=100)
    questions.save_question(db, "priya", REF, "SV1", section="social_value", text="Social value?", weight=100)
    for bidder in BIDDERS:
        pledges.add_bidder(db, "priya", REF, bidder, 350_000)
    for name, role in (
        ("Priya", "officer"), ("Tom", "evaluator"), ("Sam", "evaluator"), ("Ruth", "evaluator"),
        ("Wendy", "evaluator"), ("Alan", "chair"),
    ):  # fmt: skip
        panel.add_member(db, "priya", REF, name, role)
    for name in ("Priya", "Tom", "Sam", "Wendy", "Alan"):
        identity.enrol(db, "priya", REF, name, passphrase_of(name))  # each chooses their own
    priya = identity.sign_in(db, REF, "Priya", passphrase_of("Priya"))  # changes are signed from now on
    panel.withdraw_member(db, priya, REF, "Wendy", "Moved to another directorate")
    signoff.open_scoring(db, priya, REF)
    db.dispose()
    return path


def _window(qtbot, path, tmp_path, idle_minutes=None):
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    if idle_minutes is not None:
        settings.setValue(IDLE_KEY, idle_minutes)
    win = MainWindow(open_database(path), settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def window(qtbot, panel_path, tmp_path):
    win = _window(qtbot, panel_path, tmp_path)
    yield win
    win.db.dispose()


def declare_none(qtbot, screen):
    for none, _some, _details in screen.declarations.choices.values():
        none.setChecked(True)
    qtbot.mouseClick(screen.declarations.save_button, Qt.MouseButton.LeftButton)


def test_sign_in_from_the_status_bar_binds_the_window_to_the_person(qtbot, window):
    w = window
    assert w.presence.label.text() == "Not signed in" and w.presence.button.text() == "Sign in\u2026"
    w.tabs.setCurrentWidget(w.scoring)
    assert w.scoring.pages.currentIndex() == 0 and "No one is signed in" in w.scoring.blocked.text()
    assert w.scoring.sign_in_button.isVisible()
    qtbot.mouseClick(w.presence.button, Qt.MouseButton.LeftButton)
    dialog = w.presence.dialog
    assert dialog.isVisible() and dialog.objectName() == "signInDialog"
    # only the enrolled members still on the panel: not Ruth (not enrolled), not Wendy (withdrawn)
    assert offered(dialog) == ["Priya", "Tom", "Sam", "Alan"]
    assert dialog.passphrase.echoMode() == dialog.passphrase.EchoMode.Password
    sign_in(qtbot, dialog, "Tom")
    assert not dialog.isVisible()
    assert w.desk.signed_in.member == "Tom" and w.desk.signed_in.reference == REF
    assert w.presence.label.text() == "Signed in: Tom (evaluator) \u2014" and w.presence.button.text() == "Sign out"
    # the scoring screen is Tom's: his declarations first
    assert "Scoring as <b>Tom (evaluator)</b>" in w.scoring.who.text()
    assert w.scoring.pages.currentIndex() == 1
    assert "<b>Tom</b>, before you see any bid" in w.scoring.declarations.intro.text()
    declare_none(qtbot, w.scoring)
    assert w.scoring.pages.currentIndex() == 2 and len(w.scoring.items) == 4
    # what he does is recorded as Tom, not as the login name at the keyboard
    w.scoring.choice.set_value(3)
    w.scoring.rationale.setPlainText("Section 2 names the site leads.")
    w.scoring.save_and_next()
    actors = {(r.action, r.actor) for r in reads.history(w.db, REF, member="Tom").rows}
    assert {("Declaration", "Tom"), ("Score", "Tom")} <= actors, actors
    assert not {a for a in actors if a[0] in ("Declaration", "Score") and a[1] != "Tom"}, actors
    # sign out from the status bar: nothing of Tom's stays on screen
    qtbot.mouseClick(w.presence.button, Qt.MouseButton.LeftButton)
    answer_box(qtbot, w.presence, "sign_out_confirm", "signOutConfirmSign")  # asked first
    assert w.desk.signed_in is None and w.presence.label.text() == "Not signed in"
    assert w.scoring.items == [] and w.scoring.pages.currentIndex() == 0 and w.scoring.sign_in_button.isVisible()


def test_a_wrong_passphrase_is_said_in_the_dialog_and_nothing_else_happens(qtbot, window):
    w = window
    before = reads.version(w.db, REF)
    w.presence.sign_in_action.trigger()  # Tender > Sign in…
    dialog = w.presence.dialog
    for _attempt in range(3):
        with qtbot.waitSignal(dialog.refused, timeout=30_000) as refused:
            type_passphrase(qtbot, dialog, "Tom", "not Tom's passphrase at all")
        assert dialog.isVisible() and w.desk.signed_in is None
        assert dialog.problem.text() == refused.args[0] and dialog.problem.text().startswith(
            "The passphrase for Tom is not right; nothing was done"
        )
        assert dialog.passphrase.text() == ""  # cleared for the next try
    assert "After 3 wrong passphrases, try again in" in dialog.problem.text()  # slowed, and told when
    with qtbot.waitSignal(dialog.refused, timeout=30_000):  # at once again: still slowed
        type_passphrase(qtbot, dialog, "Tom")
    assert "Tom: 3 wrong passphrases in a row; try again in" in dialog.problem.text()
    assert w.desk.signed_in is None and reads.version(w.db, REF) == before  # nothing on the record
    # an empty passphrase is not even tried
    dialog.passphrase.clear()
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    assert dialog.problem.text() == "Tom, type your passphrase."
    # Esc cancels: no one is signed in
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and w.desk.signed_in is None and w.presence.label.text() == "Not signed in"


def test_switch_person_asks_the_next_persons_passphrase_and_shows_only_their_work(qtbot, window):
    w = window
    w.tabs.setCurrentWidget(w.scoring)
    screen = w.scoring
    qtbot.mouseClick(screen.sign_in_button, Qt.MouseButton.LeftButton)
    dialog = screen.sign_in_dialog
    assert offered(dialog) == ["Priya", "Tom", "Sam", "Alan"] and dialog.chosen() == "Tom"  # the first evaluator
    sign_in(qtbot, dialog, "Tom")
    declare_none(qtbot, screen)
    screen.choice.set_value(5)
    screen.rationale.setPlainText("Tom's private view: section 3 is excellent.")
    screen.save_and_next()
    assert screen.items[0].score == 5
    assert screen.switch.text() == "S&witch person\u2026"
    qtbot.mouseClick(screen.switch, Qt.MouseButton.LeftButton)
    dialog = screen.sign_in_dialog
    assert dialog.chosen() == "Sam"  # the next evaluator in panel order
    assert w.desk.signed_in.member == "Tom"  # Tom stays signed in until Sam has proved who he is
    sign_in(qtbot, dialog, "Sam")
    assert w.desk.signed_in.member == "Sam" and "Scoring as <b>Sam (evaluator)</b>" in screen.who.text()
    assert screen.pages.currentIndex() == 1  # Sam declares first
    declare_none(qtbot, screen)
    assert all(it.score is None and not it.rationale for it in screen.items)  # never Tom's
    for index in range(len(screen.items)):
        screen.go(index)
        assert "Tom's private view" not in screen.rationale.toPlainText()
    # Tom's score cannot be undone while Sam is signed in: undo refuses and saves nothing
    w.undo_stack.undo()
    assert scoring.own_score(w.db, REF, "Tom", "Acme Roads", "Q1").score == 5


def test_the_officer_and_the_chair_do_not_score(qtbot, window):
    w = window
    w.tabs.setCurrentWidget(w.scoring)
    w.presence.sign_in_action.trigger()
    sign_in(qtbot, w.presence.dialog, "Priya")
    assert w.presence.label.text() == "Signed in: Priya (procurement officer) \u2014"
    assert "Priya (procurement officer) is signed in: only evaluators score" in w.scoring.blocked.text()
    assert w.scoring.sign_in_button.isVisible() and w.scoring.items == []
    w.presence.sign_in_action.trigger()  # Switch person…: the next member after Priya is offered
    assert w.presence.dialog.chosen() == "Tom"
    sign_in(qtbot, w.presence.dialog, "Alan")
    assert w.scoring.pages.currentIndex() == 1  # the chair declares here too, before sign-off
    assert "<b>Alan</b>, before you see any bid" in w.scoring.declarations.intro.text()
    declare_none(qtbot, w.scoring)
    assert "Alan (chair) is signed in: only evaluators score" in w.scoring.blocked.text()
    assert "They have declared for every bidder." in w.scoring.blocked.text()
    assert {d.bidder for d in reads.declarations(w.db, REF, "Alan") if d.declared} == set(BIDDERS)


def test_a_member_cannot_see_another_members_scores(qtbot, window):
    w = window
    person = {m: identity.sign_in(w.db, REF, m, passphrase_of(m)) for m in ("Tom", "Sam")}
    for member in ("Tom", "Sam"):
        scoring.declare(w.db, person[member], REF, member, [(b, False, "") for b in BIDDERS])
    scoring.set_score(w.db, person["Sam"], REF, "Sam", "Acme Roads", "Q1", 4, "Sam's private view")
    w.tabs.setCurrentWidget(w.scoring)
    qtbot.mouseClick(w.scoring.sign_in_button, Qt.MouseButton.LeftButton)
    sign_in(qtbot, w.scoring.sign_in_dialog, "Tom")
    assert w.scoring.scorer == "Tom" and len(w.scoring.items) == 4
    assert all(it.score is None for it in w.scoring.items)
    for index in range(len(w.scoring.items)):
        w.scoring.go(index)
        assert w.scoring.rationale.toPlainText() == "" and w.scoring.choice.value() is None


def test_the_idle_lock_signs_the_person_out(qtbot, panel_path, tmp_path):
    w = _window(qtbot, panel_path, tmp_path, idle_minutes=0.003)  # 180 ms, for the test
    try:
        w.tabs.setCurrentWidget(w.scoring)
        w.presence.sign_in_action.trigger()
        sign_in(qtbot, w.presence.dialog, "Tom")
        assert w.scoring.pages.currentIndex() == 1 and w.presence.idle.timer.isActive()
        qtbot.waitUntil(lambda: w.desk.signed_in is None, timeout=10_000)
        assert w.presence.label.text() == "Not signed in"
        assert "Signed out after 0.003 minutes without use" in w.statusBar().currentMessage()
        assert w.scoring.pages.currentIndex() == 0 and "No one is signed in" in w.scoring.blocked.text()
        assert not w.presence.idle.timer.isActive()
    finally:
        w.db.dispose()


def test_a_key_press_or_a_click_restarts_the_idle_count(qtbot, panel_path, tmp_path):
    w = _window(qtbot, panel_path, tmp_path, idle_minutes=0.02)  # 1.2 s
    try:
        w.presence.sign_in_action.trigger()
        sign_in(qtbot, w.presence.dialog, "Tom")
        assert w.presence.idle.timer.interval() == 1200
        for _ in range(12):  # 2.4 s of someone at the keyboard: still signed in
            qtbot.wait(200)
            QApplication.sendEvent(
                w.tender_list, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Shift, Qt.KeyboardModifier.NoModifier)
            )
        qtbot.mouseClick(w.presence.label, Qt.MouseButton.LeftButton)
        assert w.desk.signed_in is not None
        qtbot.waitUntil(lambda: w.desk.signed_in is None, timeout=10_000)  # then left alone: signed out
    finally:
        w.db.dispose()


def test_another_tender_or_database_signs_the_person_out(qtbot, window, tmp_path):
    w = window
    w.presence.sign_in_action.trigger()
    sign_in(qtbot, w.presence.dialog, "Tom")
    w.open_database_path(str(tmp_path / "empty.sqlite"))
    assert w.desk.signed_in is None and w.presence.label.text() == "Not signed in"
    assert not w.presence.sign_in_action.isEnabled()  # no tender to sign in to


def test_moderation_is_recorded_as_the_signed_in_panel_member(qtbot, tmp_path):
    path = tmp_path / "demo.sqlite"
    db = open_database(path)
    load_demo(db)
    enrol(db, DEMO, members=("Tom Ellis", "Alan Whitfield"))
    db.dispose()
    w = _window(qtbot, path, tmp_path)
    try:
        mod = w.moderation
        w.tabs.setCurrentWidget(mod)
        assert mod.model.rowCount() == 4  # anyone sees the grid (the meeting room's projector)
        assert not mod.editable and not mod.save.isEnabled() and mod.sign_in_button.isVisible()
        assert "sign in as a panel member to record the consensus" in mod.summary.text()
        mod.grid.setCurrentIndex(mod.model.index(0, 0))
        mod.choice.choose_index(3)
        mod.rationale.setPlainText("Section 1.3: the academy is not funded.")
        assert not mod.save_consensus()  # no one signed in: nothing saved
        qtbot.mouseClick(mod.sign_in_button, Qt.MouseButton.LeftButton)
        sign_in(qtbot, mod.sign_in_dialog, "Alan Whitfield")
        assert mod.editable and mod.save.isEnabled() and not mod.sign_in_button.isVisible()
        assert "recording as Alan Whitfield (chair)" in mod.summary.text()
        mod.choice.choose_index(3)
        mod.rationale.setPlainText("Section 1.3: the academy is not funded.")
        assert mod.save_consensus(), mod.message.text()
        newest = reads.history(w.db, DEMO, "Weaver Valley Care Ltd", "Q1").rows[0]
        assert newest.actor == "Alan Whitfield" and newest.after.startswith("3: Section 1.3")
        w.desk.sign_out()
        assert not mod.editable and not mod.save.isEnabled()
        assert moderation.cell_detail(w.db, DEMO, "Weaver Valley Care Ltd", "Q1").consensus == 3
    finally:
        w.db.dispose()
