"""The workflow's and the award stage's steps are the procurement officer's once the record is
signed (anyone enrolled): an evaluator opening scoring, or recording the award decision, is refused
by name and role, naming who may, with nothing written; the officer's own steps work; before anyone
enrolled a login name takes them as it always did. Signing stays each member's own.

Procurement Act 2023: the contracting authority decides the award (s.98 records who did); on the
panel it is represented by the tender's procurement officer."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from svdesk.app import award, panel, signoff
from svdesk.app.database import open_database
from svdesk.model.demo import load_demo
from svdesk.model.errors import WorkflowError
from svdesk.model.services import award_stage, workflow
from svdesk.model.services.tenders import get_tender
from tests.factory import complete_award_details
from tests.keys import DEMO_PANEL, as_person, officer, sign, signed_in

REF = "CWAC-2026-0142"
OFFICER = "Priya Shah"  # the demo's procurement officer


def _head(db) -> tuple[str, str]:
    """The tender's status and audit head: what a refused step must leave as it was."""
    with db.reader() as s:
        tender = get_tender(s, REF)
        return tender.status.value, workflow.audit_head(s, tender)


@pytest.fixture
def draft(tmp_path):
    """The demo taken back to draft by its officer, signed in (so the record is signed)."""
    db = open_database(tmp_path / "demo.sqlite")
    load_demo(db)
    priya = officer(db, REF)
    signoff.reopen(db, priya, REF, "back to scoring to test the roles")
    signoff.reopen(db, priya, REF, "back to draft to test the roles")
    yield db
    db.dispose()


@pytest.fixture(scope="module")
def signed_off_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("roles") / "signed.sqlite"
    db = open_database(path)
    load_demo(db)
    complete_award_details(db, REF)
    for member in DEMO_PANEL:
        sign(db, REF, member)
    db.dispose()
    return path


@pytest.fixture
def signed_off(signed_off_file, tmp_path):
    path = tmp_path / "signed.sqlite"
    shutil.copyfile(signed_off_file, path)
    db = open_database(path)
    yield db
    db.dispose()


def test_an_evaluator_does_not_open_scoring_the_officer_does(draft):
    tom = signed_in(draft, REF, "Tom Ellis")
    before = _head(draft)
    with pytest.raises(WorkflowError) as refused:
        signoff.open_scoring(draft, tom, REF)
    assert str(refused.value) == (
        f"Tom Ellis is an evaluator: only the procurement officer ({OFFICER}) opens scoring; nothing was done"
    )
    assert _head(draft) == before == ("draft", before[1])
    # the same refusal through the step by name (the command line's and the Sign-off screen's path)
    with pytest.raises(WorkflowError, match="Tom Ellis is an evaluator: only the procurement officer"):
        signoff.advance(draft, tom, REF, "open-scoring")
    assert _head(draft) == before
    done = signoff.open_scoring(draft, officer(draft, REF), REF)
    assert done.value.value == "scoring"


def test_the_chair_does_not_reopen_nor_an_evaluator_open_moderation(draft):
    priya = officer(draft, REF)
    signoff.open_scoring(draft, priya, REF)
    alan = signed_in(draft, REF, "Alan Whitfield")  # enrolling is in the record: read the head after
    gwen = signed_in(draft, REF, "Gwen Roberts")
    before = _head(draft)
    with pytest.raises(WorkflowError, match=rf"^Alan Whitfield is a chair: only .*\({OFFICER}\) reopens the"):
        signoff.reopen(draft, alan, REF, "the chair wants it back")
    with pytest.raises(WorkflowError, match=rf"^Gwen Roberts is an evaluator: only .*\({OFFICER}\) opens moderation"):
        signoff.open_moderation(draft, gwen, REF)
    assert _head(draft) == before
    assert signoff.reopen(draft, priya, REF, "back to draft").value.value == "draft"


def test_an_evaluator_does_not_record_the_award_decision_the_officer_does(signed_off):
    sam = signed_in(signed_off, REF, "Sam Okafor")
    before = _head(signed_off)
    with pytest.raises(WorkflowError) as refused:
        signoff.award(signed_off, sam, REF, decided_on=date(2026, 11, 16))
    assert str(refused.value) == (
        f"Sam Okafor is an evaluator: only the procurement officer ({OFFICER}) records the award decision; "
        "nothing was done"
    )
    assert _head(signed_off) == before == ("signed_off", before[1])
    assert not award.award_view(signed_off, REF).decided
    priya = officer(signed_off, REF)
    assert signoff.award(signed_off, priya, REF, decided_on=date(2026, 11, 16)).value.value == "awarded"
    view = award.award_view(signed_off, REF)
    assert view.decided_on == "2026-11-16"
    # the later steps are the officer's too; the role is checked before anything else
    after_decision = _head(signed_off)
    for step, does in (
        (award.summaries_sent, "records the assessment summaries sent"),
        (award.notice_published, "records the contract award notice"),
        (award.contract_entered, "records the contract entered into"),
    ):
        with pytest.raises(WorkflowError, match=f"^Sam Okafor is an evaluator: only .* {does}; nothing was done$"):
            step(signed_off, sam, REF, date(2026, 11, 18))
    assert _head(signed_off) == after_decision
    assert award.summaries_sent(signed_off, priya, REF, date(2026, 11, 18)).value.summaries_sent_on == "2026-11-18"


def test_model_steps_check_the_person_whose_key_signs(signed_off):
    """The services themselves check the signer in effect, whatever name the caller passes."""
    with pytest.raises(WorkflowError, match="^Tom Ellis is an evaluator"), as_person(signed_off, REF, "Tom Ellis") as s:
        award_stage.decide(s, get_tender(s, REF), OFFICER, decided_on=date(2026, 11, 16), recommendation="x")
    assert _head(signed_off)[0] == "signed_off"


def test_a_withdrawn_officer_takes_no_step(draft):
    priya = officer(draft, REF)
    panel.add_member(draft, priya, REF, "Rhys Morgan", "officer")
    rhys = signed_in(draft, REF, "Rhys Morgan")
    tom = signed_in(draft, REF, "Tom Ellis")  # signed in before Priya leaves (she enrols him)
    panel.withdraw_member(draft, priya, REF, OFFICER, "moved to another team")
    with pytest.raises(WorkflowError, match=f"^{OFFICER} was withdrawn from the panel"):
        signoff.open_scoring(draft, priya, REF)
    with pytest.raises(WorkflowError, match=r"only the procurement officer \(Rhys Morgan\) opens scoring"):
        signoff.open_scoring(draft, tom, REF)
    assert signoff.open_scoring(draft, rhys, REF).value.value == "scoring"


def test_before_anyone_enrols_a_login_name_takes_the_steps_as_before(tmp_path):
    db = open_database(tmp_path / "unsigned.sqlite")
    load_demo(db)
    # an unsigned record: the actor is the login, not a panel member, and nothing is asked of it
    assert signoff.reopen(db, "tellis", REF, "back to scoring").value.value == "scoring"
    assert signoff.open_moderation(db, "tellis", REF).value.value == "moderation"
    db.dispose()


def test_signing_stays_each_members_own(signed_off_file, tmp_path):
    """Sign-off is unchanged: an evaluator signs their own signature (the demo's four did, above);
    the officer does not sign."""
    db = open_database(signed_off_file)
    try:
        names = [s.name for s in signoff.signoff_view(db, REF).signatures]
    finally:
        db.dispose()
    assert names == list(DEMO_PANEL)


def test_the_sign_off_screen_shows_the_refusal(qtbot, draft):
    from PySide6.QtGui import QUndoStack

    from svdesk.app import reads
    from svdesk.ui.screen_base import Desk
    from svdesk.ui.signoff_screen import SignOffScreen
    from tests.gui_steps import click

    screen = SignOffScreen(Desk(draft, "tellis", QUndoStack()))
    qtbot.addWidget(screen)
    screen.show()
    screen.desk.sign_in(signed_in(draft, REF, "Tom Ellis"))
    screen.show_tender(REF)
    screen.bring_up_to_date(reads.version(draft, REF))
    assert screen.open_scoring.isEnabled()  # the button stays: the refusal says who may
    click(qtbot, screen.open_scoring)
    assert screen.message.text() == (
        f"Tom Ellis is an evaluator: only the procurement officer ({OFFICER}) opens scoring; nothing was done"
    )
    assert signoff.signoff_view(draft, REF).status.value == "draft"
