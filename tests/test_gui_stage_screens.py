"""The scoring, moderation and sign-off screens on the declared screen interface, each on its own:
built from a Desk, told the tender, brought up to date; each owns when it reads the record again."""

import pytest
from PySide6.QtGui import QUndoStack

from svdesk.app import moderation, panel, reads, scoring, signoff
from svdesk.app.database import list_backups, open_database
from svdesk.model.demo import load_demo
from svdesk.ui.moderation_screen import ModerationScreen
from svdesk.ui.scoring_screen import ScoringScreen
from svdesk.ui.screen_base import Desk, Refresh
from svdesk.ui.signoff_screen import SignOffScreen
from tests.gui_steps import answer_box
from tests.keys import enrol, officer, signed_in
from tests.sign_in_steps import offered, sign_in, type_passphrase

REF = "CWAC-2026-0142"


@pytest.fixture
def demo(tmp_path):
    db = open_database(tmp_path / "demo.sqlite")
    load_demo(db)
    yield db
    db.dispose()


def _shown(qtbot, cls, db, actor, reference=REF, person=None):
    """A screen as the window builds and first shows it; `person` signed in (enrolled first if need be)."""
    screen = cls(Desk(db, actor, QUndoStack()))
    qtbot.addWidget(screen)
    if person is not None:
        screen.desk.sign_in(signed_in(db, reference, person))
    screen.show_tender(reference)
    screen.bring_up_to_date(reads.version(db, reference) if reference else None)
    return screen


def _counting(monkeypatch, screen, *names):
    calls = {name: 0 for name in names}
    for name in names:
        original = getattr(screen, name)

        def counted(*args, _name=name, _original=original, **kwargs):
            calls[_name] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(screen, name, counted)
    return calls


def test_moderation_reads_only_the_consensus_again_after_another_members_save(qtbot, demo, monkeypatch):
    screen = _shown(qtbot, ModerationScreen, demo, "Alan Whitfield")
    assert screen.refresh_policy is Refresh.WHEN_CHANGED
    assert screen.model.rowCount() == 4 and screen.threshold.value() == 2 and screen.threshold.maximum() == 5
    grid = screen.model.grid
    screen.grid.setCurrentIndex(screen.model.index(1, 1))
    # another member (another window) agrees Northgate Q2 again
    moderation.set_consensus(demo, "Gwen", REF, "Northgate Homecare Ltd", "Q2", 1, "Section 4 has no referral route.")
    version = reads.version(demo, REF)
    assert version != screen.loaded_version
    screen.bring_up_to_date(version)
    assert screen.model.grid is grid  # not read whole: the consensus column alone
    assert screen.grid.currentIndex().row() == 1 and screen.grid.currentIndex().column() == 1  # selection kept
    assert screen.detail is not None and screen.detail.consensus == 1
    assert screen.loaded_version == version
    # shown again with nothing changed: nothing is read
    calls = _counting(monkeypatch, screen, "load", "catch_up")
    screen.bring_up_to_date(version)
    assert calls == {"load": 0, "catch_up": 0}


def test_moderations_own_save_keeps_it_current_and_undo_goes_through_the_desk(qtbot, demo, monkeypatch):
    screen = _shown(qtbot, ModerationScreen, demo, "Priya", person="Alan Whitfield")
    screen.grid.setCurrentIndex(screen.model.index(0, 0))
    screen.choice.choose_index(3)
    screen.rationale.setPlainText("On reflection: 3, the academy is not funded (section 1.3).")
    assert screen.save_consensus()
    assert screen.message.objectName() == "moderationMessage"
    assert screen.message.text() == "Saved the consensus for Q1, Weaver Valley Care Ltd."
    version = reads.version(demo, REF)
    assert screen.loaded_version == version  # its own edit is all that changed: shown as it is
    calls = _counting(monkeypatch, screen, "load", "catch_up")
    screen.bring_up_to_date(version)
    assert calls == {"load": 0, "catch_up": 0}
    screen.desk.undo_stack.undo()
    assert screen.model.grid is not None
    assert screen.model.grid.cells[("Weaver Valley Care Ltd", "Q1")].consensus == 4


def test_moderation_is_read_whole_when_more_than_the_consensus_changed(qtbot, demo):
    screen = _shown(qtbot, ModerationScreen, demo, "Alan Whitfield")
    screen.modes.setCurrentIndex(1)  # the Pledges tab, read when opened
    assert screen.pledge_model.rowCount() > 0 and screen.pledges_version == screen.loaded_version
    signoff.reopen(demo, "Priya", REF, "A late clarification from a bidder")
    screen.bring_up_to_date(reads.version(demo, REF))
    assert screen.model.grid is None
    assert "only possible while the tender is in moderation" in screen.summary.text()
    assert "only possible while the tender is in moderation" in screen.pledge_message.text()


def test_moderation_shows_there_is_no_tender(qtbot, demo):
    screen = _shown(qtbot, ModerationScreen, demo, "Alan", reference=None)
    assert screen.model.rowCount() == 0 and screen.summary.text() == ""


def test_scoring_is_read_for_a_tender_not_each_time_the_record_moves(qtbot, demo, monkeypatch):
    signoff.reopen(demo, "Priya", REF, "Tom rescores Q4")  # back to scoring; everyone has declared
    screen = _shown(qtbot, ScoringScreen, demo, "Priya", person="Tom Ellis")
    assert screen.refresh_policy is Refresh.WHEN_CHANGED
    assert screen.scorer == "Tom Ellis" and screen.evaluators == scoring.evaluators(demo, REF)
    assert screen.pages.currentIndex() == 2 and screen.editable and screen.items
    items = screen.items
    gwen = signed_in(demo, REF, "Gwen Roberts")
    scoring.set_score(demo, gwen, REF, "Gwen Roberts", "Weaver Valley Care Ltd", "Q1", 2, "Section 1.3.")
    calls = _counting(monkeypatch, screen, "load")
    screen.bring_up_to_date(reads.version(demo, REF))
    assert calls == {"load": 0} and screen.items is items  # what Tom is scoring stays put
    screen.show_tender(REF)  # chosen again: read when next shown
    screen.bring_up_to_date(reads.version(demo, REF))
    assert calls == {"load": 1}


def test_scoring_saves_and_undoes_through_the_use_case(qtbot, demo):
    signoff.reopen(demo, "Priya", REF, "Tom rescores Q1")
    screen = _shown(qtbot, ScoringScreen, demo, "Priya", person="Tom Ellis")
    screen.go(0)
    it = screen.items[0]
    before = (it.score, it.rationale)
    screen.choice.set_value(1)
    screen.rationale.setPlainText("Section 1.3: the academy is not funded.")
    assert screen.save_current()
    assert screen.message.text() == f"Saved {it.question} for {it.bidder}."
    assert scoring.own_score(demo, REF, "Tom Ellis", it.bidder, it.question).score == 1
    newest = reads.history(demo, REF, it.bidder, it.question).rows[0]
    assert newest.actor == "Tom Ellis"  # the person signed in, not the login name
    screen.desk.undo_stack.undo()
    fresh = scoring.own_score(demo, REF, "Tom Ellis", it.bidder, it.question)
    assert (fresh.score, fresh.rationale) == before and (it.score, it.rationale) == before


def test_scoring_says_when_it_has_not_opened(qtbot, tmp_path):
    from svdesk.app import setup

    db = open_database(tmp_path / "d.sqlite")
    try:
        setup.create_tender(db, "Priya", "D-1", "Draft", 100_000)
        panel.add_member(db, "Priya", "D-1", "Tom", "evaluator")
        screen = _shown(qtbot, ScoringScreen, db, "Priya", "D-1")
        assert "No one is signed in" in screen.blocked.text() and screen.sign_in_button.isVisibleTo(screen)
        screen.desk.sign_in(signed_in(db, "D-1", "Tom"))
        screen.bring_up_to_date(None)
        assert "Scoring has not opened yet" in screen.blocked.text() and screen.pages.currentIndex() == 0
    finally:
        db.dispose()


def test_signing_asks_the_members_passphrase_and_refuses_a_wrong_one(qtbot, demo):
    enrol(demo, REF, ("Tom Ellis",))
    screen = _shown(qtbot, SignOffScreen, demo, "Priya")
    assert screen.sign.text() == "Sign in to sign off\u2026"
    assert not screen.step("sign")  # no one signed in: the sign-in dialog first
    dialog = screen.sign_in_dialog
    assert offered(dialog) == ["Tom Ellis"]  # those still to sign who have enrolled
    with qtbot.waitSignal(dialog.refused, timeout=30_000):
        type_passphrase(qtbot, dialog, "Tom Ellis", "Gwen's passphrase, not Tom's")
    assert dialog.problem.text() == "The passphrase for Tom Ellis is not right; nothing was done"
    dialog.reject()  # the member gives up (Esc)
    assert signoff.signoff_view(demo, REF).signatures == [] and list_backups(demo) == []
    assert screen.sign.isEnabled() and screen.desk.signed_in is None


def test_signoff_steps_and_a_signature_in_the_helper_process(qtbot, demo):
    enrol(demo, REF)  # the demo loads its members unenrolled
    screen = _shown(qtbot, SignOffScreen, demo, "Priya")
    assert screen.refresh_policy is Refresh.ALWAYS
    assert "Status: moderation" in screen.status.text() and "Ready for sign-off." in screen.status.text()
    assert screen.sign.isEnabled() and not screen.open_scoring.isEnabled()
    assert screen.unsigned == ["Tom Ellis", "Gwen Roberts", "Sam Okafor", "Alan Whitfield"]
    assert not screen.step("sign")  # who signs? the sign-in dialog, of those still to sign
    assert offered(screen.sign_in_dialog) == screen.unsigned
    sign_in(qtbot, screen.sign_in_dialog, "Tom Ellis")  # signed in: asked what is signed first
    answer_box(qtbot, screen, "sign_confirm", "signConfirmCancel")  # not yet: nothing is signed
    assert screen.message.text() == "Nothing was signed." and signoff.signoff_view(demo, REF).signatures == []
    assert screen.sign.isEnabled() and list_backups(demo) == []
    assert screen.step("sign")  # Tom is signed in now: asked again, at once
    box = screen.sign_confirm
    assert box.text() == f"Sign off tender {REF} as Tom Ellis?"
    assert "Status: moderation" in box.informativeText() and "signed off and locked" in box.informativeText()
    assert not screen.sign.isEnabled()  # one question at a time
    with qtbot.waitSignal(screen.signed, timeout=60_000):  # then signing in the helper process
        answer_box(qtbot, screen, "sign_confirm", "signConfirmSign")
    assert screen.message.text() == "Tom Ellis signed."
    assert "Tom Ellis (evaluator) is signed in and has signed." in screen.signer.text()
    assert [b.label for b in list_backups(demo)].count("pre-signoff") == 1
    assert "Tom Ellis (evaluator) signed" in screen.record.signatures.text()
    assert "sealed with key " in screen.record.signatures.text()
    assert "being signed off" in screen.record.lock_label.text()
    assert screen.step("reopen", "A late clarification")  # asked first: what is withdrawn
    assert "the signatures of Tom Ellis" in screen.reopen_confirm.informativeText()
    answer_box(qtbot, screen, "reopen_confirm", "reopenConfirmCancel")
    assert screen.message.text() == "Not reopened." and len(screen.unsigned) == 3
    assert screen.step("reopen", "A late clarification")
    answer_box(qtbot, screen, "reopen_confirm", "reopenConfirmReopen")  # Tom may not: reopening is the officer's
    assert screen.message.text().startswith("Tom Ellis is an evaluator: only the procurement officer (Priya Shah)")
    assert len(screen.unsigned) == 3  # nothing was done
    screen.desk.sign_in(officer(demo, REF))
    assert screen.step("reopen", "A late clarification")
    answer_box(qtbot, screen, "reopen_confirm", "reopenConfirmReopen")  # the signature is withdrawn
    assert screen.message.text() == "Done."
    assert "Status: moderation" in screen.status.text() and len(screen.unsigned) == 4
    screen.desk.sign_in(signed_in(demo, REF, "Tom Ellis"))
    assert screen.sign.text() == "Sign off as Tom Ellis"  # Tom signs in again, and may sign again
    screen.desk.sign_in(officer(demo, REF))
    assert screen.step("reopen", "Tom rescores Q4")
    assert "No signature is withdrawn" in screen.reopen_confirm.informativeText()
    answer_box(qtbot, screen, "reopen_confirm", "reopenConfirmReopen")
    assert "Status: scoring" in screen.status.text() and "Ready for moderation." in screen.status.text()
    assert screen.open_moderation.isEnabled() and not screen.sign.isEnabled()
    assert not screen.step("award")  # refused: shown, nothing saved
    assert "recording the award decision is only possible" in screen.message.text()
    with qtbot.waitSignal(screen.verified, timeout=60_000):
        screen.reload()
    assert screen.record.verified.text().startswith("Verified")
