"""The scoring and moderation screens, driven with qtbot on real widgets; checks on the stored record."""

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QUndoStack

from svdesk.model.demo import load_demo
from svdesk.model.services import open_svdesk_database
from svdesk.model.services import setup as su
from svdesk.model.services import workflow as wf
from svdesk.model.services.tenders import get_tender, scores_visible_to
from svdesk.ui.main_window import MODERATION, MainWindow
from svdesk.ui.moderation_screen import CellRole, ModerationScreen
from svdesk.ui.scoring_screen import ScoringScreen
from svdesk.ui.screen_base import Desk
from tests.keys import signed_in


def _screen(cls, db, actor, reference, person=None):
    """A stage screen on its own, as the window builds it, showing `reference`; `person` signed in
    (enrolled first if they have not been)."""
    screen = cls(Desk(db, actor, QUndoStack()))
    if person is not None:
        screen.desk.sign_in(signed_in(db, reference, person))
    screen.show_tender(reference)
    screen.bring_up_to_date(None)
    return screen


def _switch(screen, db, reference, person):
    """`person` signs in at the screen's desk (Switch person…), and the screen shows their work."""
    screen.desk.sign_in(signed_in(db, reference, person))
    screen.bring_up_to_date(None)


@pytest.fixture
def scoring_db(tmp_path):
    db = open_svdesk_database(tmp_path / "panel.sqlite")
    with db.transaction() as s:
        t = su.create_tender(s, "Priya", "P-1", "Highways", 400_000)
        su.add_measure(s, t, "Priya", "NT1")
        su.save_question(
            s,
            t,
            "Priya",
            "Q1",
            section="quality",
            title="Method",
            text="Your method?",
            weight=60,
            guidance="Look for named staff.",
            minimum_score=2,
        )
        su.save_question(s, t, "Priya", "SV1", section="social_value", text="Social value?", weight=100)
        for b in ("Acme Roads", "Brightway Ltd"):
            su.add_bidder(s, t, "Priya", b, 350_000)
        su.add_member(s, t, "Priya", "Tom", "evaluator")
        su.add_member(s, t, "Priya", "Sam", "evaluator")
        wf.open_scoring(s, t, "Priya")
    yield db
    db.dispose()


def test_scoring_a_whole_bid_set_by_keyboard(qtbot, scoring_db):
    screen = _screen(ScoringScreen, scoring_db, "Priya", "P-1", person="Tom")
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitExposed(screen)
    assert screen.scorer == "Tom"
    assert screen.pages.currentIndex() == 1  # declarations first
    screen.save_declarations()
    assert "Declare for every bidder first" in screen.declarations.message.text()
    for name, (none, some, details) in screen.declarations.choices.items():
        if name == "Brightway Ltd":
            some.setChecked(True)
            details.setText("My brother is a director")
        else:
            none.setChecked(True)
    qtbot.mouseClick(screen.declarations.save_button, Qt.MouseButton.LeftButton)
    assert screen.pages.currentIndex() == 2
    assert len(screen.items) == 2  # Brightway is not shown to Tom: conflict
    assert screen.bid_label.text() == "Acme Roads" and "Look for named staff" in screen.guidance.text()

    screen.activateWindow()
    qtbot.waitUntil(screen.isActiveWindow)  # shortcuts need the active window
    screen.rationale.setFocus()
    qtbot.keyClicks(screen.rationale, "Section 3 names 4 site leads")  # digits typed here stay text
    assert screen.choice.value() is None
    qtbot.keyClick(screen, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "Choose a score" in screen.message.text()
    qtbot.keyClick(screen.rationale, Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
    assert screen.choice.value() == 4
    qtbot.keyClick(screen, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert screen.items[0].score == 4 and screen.index == 1
    assert screen.progress.value() == 1
    screen.choice.choose_index(3)
    qtbot.keyClick(screen, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "a rationale that cites the bid" in screen.message.text()
    screen.rationale.setPlainText("Apprenticeship plan in appendix B.")
    screen.save_and_next()
    assert "Everything is scored" in screen.message.text()
    with scoring_db.reader() as s:
        t = get_tender(s, "P-1")
        mine = {(v.bidder, v.question): (v.score, v.rationale) for v in scores_visible_to(s, t, "Tom")}
        decl = {(d.member, d.bidder): d.conflict for d in wf.declarations(s, t)}
    assert mine == {
        ("Acme Roads", "Q1"): (4, "Section 3 names 4 site leads"),
        ("Acme Roads", "SV1"): (3, "Apprenticeship plan in appendix B."),
    }
    assert decl[("Tom", "Brightway Ltd")] is True

    again = _screen(ScoringScreen, scoring_db, "Priya", "P-1", person="Tom")  # afresh: rationales read when shown
    qtbot.addWidget(again)
    again.go(0)
    assert again.rationale.toPlainText() == "Section 3 names 4 site leads" and again.choice.value() == 4
    again.go(1)
    assert again.rationale.toPlainText() == "Apprenticeship plan in appendix B." and again.choice.value() == 3


def test_another_members_scores_never_show(qtbot, scoring_db):
    with scoring_db.transaction() as s:
        t = get_tender(s, "P-1")
        for b in ("Acme Roads", "Brightway Ltd"):
            wf.declare(s, t, "Sam", b, False)
            wf.declare(s, t, "Tom", b, False)
        from svdesk.model.services.tenders import set_score

        set_score(s, t, "Sam", "Acme Roads", "Q1", 5, "Sam's private view")
    screen = _screen(ScoringScreen, scoring_db, "Priya", "P-1", person="Tom")
    qtbot.addWidget(screen)
    assert screen.scorer == "Tom" and screen.items
    assert all(it.score is None and it.rationale == "" for it in screen.items)


def test_moderation_grid_flags_spread_and_saves_consensus(qtbot, tmp_path):
    db = open_svdesk_database(tmp_path / "m.sqlite")
    load_demo(db)
    screen = _screen(ModerationScreen, db, "Priya", "CWAC-2026-0142", person="Alan Whitfield")
    qtbot.addWidget(screen)
    screen.show()
    m = screen.model
    assert m.rowCount() == 4 and m.columnCount() == 5
    weaver_q1 = m.index(0, 0)
    cell = weaver_q1.data(CellRole)
    assert cell.marks == [2, 4, 5] and screen.model.grid.flagged(cell)
    grid = screen.model.grid
    assert m.data(weaver_q1) == "2 \u00b7 4 \u00b7 5  \u2192 4"
    assert "20 of 20" in screen.summary.text()
    screen.grid.setCurrentIndex(weaver_q1)
    assert screen.members.rowCount() == 3 and screen.members.item(0, 0).text() == "Tom Ellis"
    assert "Mean of the panel's scores: 3.67" in screen.suggestion.text()
    screen.choice.choose_index(3)
    screen.rationale.setPlainText("Better than Northgate on staffing.")
    assert screen.save_consensus()
    assert "compares bids" in screen.message.text()
    with db.reader() as s:
        from svdesk.model.services.history import tender_history

        rows = tender_history(s, get_tender(s), "Weaver Valley Care Ltd", "Q1")
    rows = [r for r in rows if not r.after.startswith("the meeting of")]  # which meeting agreed it: apart
    assert rows[-1].after.startswith("3: Better than Northgate")
    # the saved cell is read afresh, not the whole grid (a framework's grid has 8,000 cells)
    assert screen.model.grid is grid and m.data(weaver_q1) == "2 \u00b7 4 \u00b7 5  \u2192 3"
    assert screen.detail.consensus == 3 and screen.detail.consensus_rationale.startswith("Better than")
    # the threshold is configurable: at 4 nothing in the demo is flagged
    screen.threshold.setValue(4)
    assert not any(screen.model.grid.flagged(c) for c in screen.model.grid.cells.values())
    assert "0 high-spread" in screen.summary.text()
    db.dispose()


def test_moderation_is_refused_while_scoring_is_blind(qtbot, scoring_db):
    screen = _screen(ModerationScreen, scoring_db, "Priya", "P-1")
    qtbot.addWidget(screen)
    assert screen.model.rowCount() == 0 and "only possible while the tender is in moderation" in screen.summary.text()


def test_main_window_has_scoring_and_moderation_tabs(qtbot, tmp_path):
    db = open_svdesk_database(tmp_path / "w.sqlite")
    load_demo(db)
    win = MainWindow(db, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    tabs = [win.tabs.tabText(i) for i in range(win.tabs.count())]
    assert tabs == [
        "Setup",
        "Panel",
        "Measures",
        "Questions",
        "Bids && pledges",
        "Scoring",
        "Moderation",
        "Results",
        "Sign-off",
        "Reports",
        "History",
        "Declarations",
    ]
    # the stages on the left open their screens
    win.stage_list.clicked.emit(win.stages_model.index(MODERATION))
    assert win.tabs.currentWidget() is win.moderation
    win.tabs.setCurrentWidget(win.moderation)
    assert win.moderation.model.rowCount() == 4
    win.tabs.setCurrentWidget(win.scoring)
    assert "No one is signed in" in win.scoring.blocked.text()  # scoring is bound to the person signed in
    db.dispose()


def test_undo_and_redo_save_through_the_services(qtbot, tmp_path):
    db = open_svdesk_database(tmp_path / "u.sqlite")
    load_demo(db)
    win = MainWindow(db, QSettings(str(tmp_path / "u.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.desk.sign_in(signed_in(db, "CWAC-2026-0142", "Alan Whitfield"))  # the chair records the consensus
    mod = win.moderation
    win.tabs.setCurrentWidget(mod)
    mod.grid.setCurrentIndex(mod.model.index(0, 0))
    mod.choice.choose_index(3)
    mod.rationale.setPlainText("On reflection: 3, the academy is not funded (section 1.3).")
    assert mod.save_consensus()
    assert mod.model.grid.cells[("Weaver Valley Care Ltd", "Q1")].consensus == 3
    win.undo_stack.undo()
    assert mod.model.grid.cells[("Weaver Valley Care Ltd", "Q1")].consensus == 4
    assert mod.detail.consensus == 4 and mod.detail.consensus_rationale.startswith("The panel agreed 4")
    win.undo_stack.redo()
    assert mod.model.grid.cells[("Weaver Valley Care Ltd", "Q1")].consensus == 3
    with db.reader() as s:
        from svdesk.model.services.history import tender_history

        rows = tender_history(s, get_tender(s), "Weaver Valley Care Ltd", "Q1")
    rows = [r for r in rows if not r.after.startswith("the meeting of")]  # which meeting agreed it: apart
    assert [r.after[:1] for r in rows] == ["3", "4", "3"]  # each undo/redo is on the record
    db.dispose()


def test_members_review_pledges_blind_and_the_panel_reconciles(qtbot, scoring_db):
    from svdesk.model.errors import WorkflowError
    from svdesk.model.services.pledge_reviews import pledges_to_reconcile
    from svdesk.model.services.verify import verify_tender

    with scoring_db.transaction() as s:
        t = get_tender(s, "P-1")
        wf.reopen(s, t, "Priya", "add pledges")
        su.set_pledge(s, t, "Priya", "Acme Roads", "NT1", 10)
        wf.open_scoring(s, t, "Priya")
        for m in ("Tom", "Sam"):
            for b in ("Acme Roads", "Brightway Ltd"):
                wf.declare(s, t, m, b, False)
    screen = _screen(ScoringScreen, scoring_db, "Priya", "P-1", person="Tom")
    qtbot.addWidget(screen)
    assert screen.pledge_model.rowCount() == 0  # read when the Pledges tab is opened
    screen.modes.setCurrentIndex(1)
    assert screen.pledge_model.rowCount() == 1 and "307,820.00" in screen.pledge_model.text(0, 5)
    screen.pledges.selectRow(0)
    assert not screen.review("reduce", 12, "Evidence: 12 posts")  # more than pledged
    assert "not less than the 10 pledged" in screen.message.text()
    assert screen.review("reduce", 6, "Evidence: only 6 named posts")
    _switch(screen, scoring_db, "P-1", "Sam")
    screen.modes.setCurrentIndex(0)
    screen.modes.setCurrentIndex(1)  # Sam opens the Pledges tab
    assert screen.pledge_model.text(0, 6).startswith("\u2013 not reviewed")  # blind: Tom's view is not shown
    screen.pledges.selectRow(0)
    assert screen.review("accept")
    with (
        scoring_db.reader() as s,
        pytest.raises(WorkflowError, match="only possible while the tender is in moderation"),
    ):
        pledges_to_reconcile(s, get_tender(s, "P-1"))
    # scores so moderation can open, then reconcile in the moderation screen
    from svdesk.model import audit
    from svdesk.model.services.tenders import set_score
    from tests.keys import as_person, signed_in

    for m in ("Tom", "Sam"):
        with scoring_db.transaction() as s, audit.signing(signed_in(scoring_db, "P-1", m)):
            t = get_tender(s, "P-1")
            for b in ("Acme Roads", "Brightway Ltd"):
                for q in ("Q1", "SV1"):
                    set_score(s, t, m, b, q, 3, "Section 2 evidence.")
    with as_person(scoring_db, "P-1", "Priya") as s:
        wf.open_moderation(s, get_tender(s, "P-1"), "Priya")
    mod = _screen(ModerationScreen, scoring_db, "Priya", "P-1", person="Tom")  # a panel member records it
    qtbot.addWidget(mod)
    mod.modes.setCurrentIndex(1)
    assert "Tom: reduce to 6 (Evidence: only 6 named posts)" in mod.pledge_model.text(0, 3)
    assert "Sam: accept" in mod.pledge_model.text(0, 3)
    mod.pledge_table.selectRow(0)
    assert mod.reconcile(7, "Panel agreed 7: six named posts plus one funded vacancy")
    assert mod.pledge_model.text(0, 4).startswith("7: Panel agreed 7")
    with scoring_db.reader() as s:
        assert verify_tender(s, get_tender(s, "P-1")).ok
