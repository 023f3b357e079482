"""Panel set-up: members added, renamed, given a role and an email, removed only before they have
done anything and withdrawn afterwards; the officer is a person who neither scores nor signs; every
change is on the record and verifies. On SQLite and PostgreSQL."""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import text

from svdesk.app import measures, moderation, panel, pledges, questions, reads, scoring, setup, signoff
from svdesk.app.database import open_database
from svdesk.app.errors import NotFoundError, ValidationError, WorkflowError
from svdesk.model.services import workflow
from svdesk.model.services.tenders import get_tender

OFFICER = "Priya"
REF = "P-1"
BIDS = ("Acme Roads", "Brightway Ltd")
CODES = ("Q1", "SV1")
RATIONALE = "Section 2 of the bid names the staff and a dated plan."


@pytest.fixture
def db(database_target):
    database = open_database(database_target)
    setup.create_tender(database, OFFICER, REF, "Highways", 400_000)
    yield database
    database.dispose()


def ready_to_score(db, *evaluators):
    """Measures, questions and bids; the officer and `evaluators` on the panel."""
    measures.add_measure(db, OFFICER, REF, "NT1")
    questions.save_question(db, OFFICER, REF, "Q1", section="quality", text="Method?", weight=60)
    questions.save_question(db, OFFICER, REF, "SV1", section="social_value", text="Social value?", weight=100)
    for b in BIDS:
        pledges.add_bidder(db, OFFICER, REF, b, 350_000)
    pledges.set_pledge(db, OFFICER, REF, "Acme Roads", "NT1", 10)
    panel.add_member(db, OFFICER, REF, OFFICER, "officer", "priya.shah@council.example")
    for name in evaluators:
        panel.add_member(db, OFFICER, REF, name, "evaluator")


def declare_and_score(db, member):
    scoring.declare(db, member, REF, member, [(b, False, "") for b in BIDS])
    for b in BIDS:
        for q in CODES:
            scoring.set_score(db, member, REF, member, b, q, 3, f"{member}: {RATIONALE}")


def row(db, name):
    return next(r for r in panel.panel_rows(db, REF) if r.name == name)


def test_members_are_added_renamed_given_roles_and_emails_and_every_change_verifies(db):
    panel.add_member(db, OFFICER, REF, OFFICER, "officer", "priya.shah@council.example")
    panel.add_member(db, OFFICER, REF, "Tom", "evaluator")
    panel.add_member(db, OFFICER, REF, "Gwen", "evaluator", " gwen@council.example ")
    panel.add_member(db, OFFICER, REF, "Alan", "chair")
    panel.update_member(db, OFFICER, REF, "Gwen", new_name="Gwen Roberts")
    panel.update_member(db, OFFICER, REF, "Alan", role="moderator")
    panel.set_email(db, OFFICER, REF, "Tom", "tom.ellis@council.example")
    panel.set_email(db, OFFICER, REF, "Gwen Roberts", "")  # cleared
    assert panel.members(db, REF) == [
        panel.Member(OFFICER, "officer"),
        panel.Member("Tom", "evaluator"),
        panel.Member("Gwen Roberts", "evaluator"),
        panel.Member("Alan", "moderator"),
    ]
    assert [(r.name, r.role, r.email) for r in panel.panel_rows(db, REF)] == [
        (OFFICER, "officer", "priya.shah@council.example"),
        ("Tom", "evaluator", "tom.ellis@council.example"),
        ("Gwen Roberts", "evaluator", ""),
        ("Alan", "moderator", ""),
    ]
    assert panel.evaluators(db, REF) == ["Tom", "Gwen Roberts"]  # not the officer, not the moderator
    changes = [(h.action, h.what) for h in reads.history(db, REF).rows]
    assert ("Panel member changed", "Gwen Roberts") in changes and ("Panel member changed", "Alan") in changes
    assert ("Panel member's email set", "Tom") in changes
    assert signoff.verify_record(db, REF).ok
    stage = next(s for s in reads.standing(db, REF).stages if s.name == "Panel")
    # two evaluators, but nobody enrolled: the stage is done once everyone has (they act signed in)
    assert stage.summary == "Panel: 4 members, 0 enrolled" and not stage.complete


def test_bad_input_names_the_member_and_writes_nothing(db):
    panel.add_member(db, OFFICER, REF, "Tom", "evaluator")
    before = reads.version(db, REF)
    refused = [
        (lambda: panel.add_member(db, OFFICER, REF, "Gwen", "scorer"), ValidationError, "Gwen: the role 'scorer'"),
        (lambda: panel.add_member(db, OFFICER, REF, "Gwen", "evaluator", "gwen at council"), ValidationError,
         "Gwen: 'gwen at council' is not an email address"),
        (lambda: panel.add_member(db, OFFICER, REF, "Tom", "chair"), ValidationError, "'Tom' is already on the panel"),
        (lambda: panel.add_member(db, OFFICER, REF, "  ", "chair"), ValidationError, "name: must not be empty"),
        (lambda: panel.update_member(db, OFFICER, REF, "Tom", role="boss"), ValidationError, "Tom: the role 'boss'"),
        (lambda: panel.update_member(db, OFFICER, REF, "Zed", new_name="Z"), NotFoundError, "'Zed' is not on the"),
        (lambda: panel.set_email(db, OFFICER, REF, "Tom", "tom@"), ValidationError, "Tom: 'tom@' is not an email"),
        (lambda: panel.withdraw_member(db, OFFICER, REF, "Tom", "  "), ValidationError, "withdrawing Tom needs a"),
        (lambda: panel.remove_member(db, OFFICER, REF, "Zed"), NotFoundError, "'Zed' is not on the panel"),
    ]  # fmt: skip
    for call, error, message in refused:
        with pytest.raises(error, match=message):
            call()
    panel.add_member(db, OFFICER, REF, "Gwen", "evaluator")
    with pytest.raises(ValidationError, match="'Gwen' is already on the panel"):
        panel.update_member(db, OFFICER, REF, "Tom", new_name="Gwen")
    assert reads.version(db, REF).follows(before)  # only Gwen's addition since
    assert [m.name for m in panel.members(db, REF)] == ["Tom", "Gwen"]


def test_a_member_who_has_done_nothing_is_removed_with_their_details(db):
    panel.add_member(db, OFFICER, REF, "Extra", "evaluator", "extra@council.example")
    panel.remove_member(db, OFFICER, REF, "Extra")
    assert panel.members(db, REF) == []
    actions = [h.action for h in reads.history(db, REF).rows]
    assert actions[-2:] == ["Panel member's details removed", "Panel member removed"]
    assert signoff.verify_record(db, REF).ok


def test_a_member_who_has_acted_is_withdrawn_and_nothing_waits_for_them(db):
    ready_to_score(db, "Tom", "Sam", "Gwen")
    panel.add_member(db, OFFICER, REF, "Alan", "chair")
    signoff.open_scoring(db, OFFICER, REF)
    scoring.declare(db, "Tom", REF, "Tom", [(BIDS[0], False, ""), (BIDS[1], True, "My brother works there")])
    with pytest.raises(ValidationError, match="Tom has made 2 declarations and cannot be removed.*withdraw them"):
        panel.remove_member(db, OFFICER, REF, "Tom")
    declare_and_score(db, "Sam")
    declare_and_score(db, "Gwen")
    with pytest.raises(ValidationError, match="Sam has made 4 scores and 2 declarations and cannot be removed"):
        panel.remove_member(db, OFFICER, REF, "Sam")
    with pytest.raises(ValidationError, match="Sam has given 4 scores as evaluator: the role cannot change"):
        panel.update_member(db, OFFICER, REF, "Sam", role="chair")
    with pytest.raises(WorkflowError, match="not submitted: Tom \\(2 scores missing\\)"):
        signoff.open_moderation(db, OFFICER, REF)
    panel.withdraw_member(db, OFFICER, REF, "Tom", "Long-term sick leave")
    tom = row(db, "Tom")
    assert tom.withdrawn and tom.withdrawal_reason == "Long-term sick leave" and tom.acted
    assert tom.withdrawn_at[:10] == datetime.now(UTC).date().isoformat()
    assert tom.conflicts == ("Brightway Ltd",) and tom.declarations == 2 and tom.scores_expected == 0
    assert panel.members(db, REF)[1] == panel.Member("Tom", "evaluator", withdrawn=True)  # kept in the record
    assert "Tom" not in panel.evaluators(db, REF)
    with pytest.raises(ValidationError, match="Tom was already withdrawn"):
        panel.withdraw_member(db, OFFICER, REF, "Tom", "again")
    withdrawn = "Tom was withdrawn from the panel \\(Long-term sick leave\\) and cannot"
    with pytest.raises(WorkflowError, match=f"{withdrawn} score"):
        scoring.set_score(db, "Tom", REF, "Tom", BIDS[0], "Q1", 3, RATIONALE)
    with pytest.raises(WorkflowError, match=f"{withdrawn} declare"):
        scoring.declare(db, "Tom", REF, "Tom", [(BIDS[0], False, "")])
    with pytest.raises(WorkflowError, match=f"{withdrawn} review pledges"):
        scoring.review_pledge(db, "Tom", REF, "Tom", BIDS[0], "NT1", "accept")
    stage = next(s for s in reads.standing(db, REF).stages if s.name == "Panel")
    assert stage.summary == "Panel: 4 members, 0 enrolled"  # the withdrawn are not counted
    scoring_stage = next(s for s in reads.standing(db, REF).stages if s.name == "Scoring")
    assert scoring_stage.summary == "Scoring 8/8"  # Sam's and Gwen's: Tom's are not waited for
    signoff.open_moderation(db, OFFICER, REF)  # nothing waits for Tom
    for b in BIDS:
        for q in CODES:
            moderation.set_consensus(db, "Alan", REF, b, q, 3, f"Agreed: {RATIONALE}")
    assert signoff.signoff_view(db, REF).unsigned == ["Sam", "Gwen", "Alan"]  # not the officer, not Tom
    # signing needs the signed-in member (svdesk.app.identity); who may sign is checked before anything else
    for name, refusal in (("Tom", f"{withdrawn} sign"), (OFFICER, "Priya is the procurement officer and cannot sign")):
        with db.transaction() as s, pytest.raises(WorkflowError, match=refusal):
            workflow.sign(s, get_tender(s, REF), SimpleNamespace(member=name))
    assert signoff.verify_record(db, REF).ok
    with pytest.raises(NotFoundError, match="'Nobody' is not on the panel"):
        panel.withdraw_member(db, OFFICER, REF, "Nobody", "typo")


def test_the_officer_neither_scores_nor_reviews_and_is_no_evaluator(db):
    ready_to_score(db, "Tom")
    signoff.open_scoring(db, OFFICER, REF)
    assert panel.evaluators(db, REF) == ["Tom"]
    scoring.declare(db, OFFICER, REF, OFFICER, [(b, False, "") for b in BIDS])  # an officer may declare
    with pytest.raises(WorkflowError, match="Priya is the procurement officer and cannot score"):
        scoring.set_score(db, OFFICER, REF, OFFICER, BIDS[0], "Q1", 3, RATIONALE)
    with pytest.raises(WorkflowError, match="Priya is the procurement officer and cannot review pledges"):
        scoring.review_pledge(db, OFFICER, REF, OFFICER, BIDS[0], "NT1", "accept")
    officer = row(db, OFFICER)
    assert (officer.scores_expected, officer.declarations, officer.bidders) == (0, 2, 2)
    assert row(db, "Tom").scores_expected == 4
    with pytest.raises(ValidationError, match="Priya has made 2 declarations and cannot be removed"):
        panel.remove_member(db, OFFICER, REF, OFFICER)


def test_a_panel_of_the_officer_alone_cannot_open_scoring(db):
    ready_to_score(db)
    with pytest.raises(WorkflowError, match="no evaluators on the panel"):
        signoff.open_scoring(db, OFFICER, REF)
    panel.add_member(db, OFFICER, REF, "Tom", "evaluator")
    panel.withdraw_member(db, OFFICER, REF, "Tom", "Left the council")
    with pytest.raises(WorkflowError, match="no evaluators on the panel"):
        signoff.open_scoring(db, OFFICER, REF)


def test_an_enrolled_member_is_shown_enrolled_and_cannot_be_removed(db):
    panel.add_member(db, OFFICER, REF, "Tom", "evaluator")
    panel.add_member(db, OFFICER, REF, "Gwen", "evaluator")
    with db.transaction() as s:  # an enrolment key as svdesk.app.identity writes it (the key is not our test)
        member_id = s.execute(text("SELECT id FROM panel_member WHERE name = 'Tom'")).scalar_one()
        s.execute(
            text(
                "INSERT INTO member_key (member_id, public_key, key_fingerprint, enrolled_at, reason, retired, "
                "sealed_private_key, kdf, salt, failed_attempts, locked_until) VALUES (:m, :k, :f, :at, '', :no, "
                ":sealed, 'scrypt', :salt, 0, '')"
            ),
            {"m": member_id, "k": "ab" * 32, "f": "cd" * 32, "at": "2026-12-01T10:00:00+00:00", "no": False,
             "sealed": b"sealed", "salt": b"salt"},
        )  # fmt: skip
    assert [(r.name, r.enrolled) for r in panel.panel_rows(db, REF)] == [("Tom", True), ("Gwen", False)]
    stage = next(s for s in reads.standing(db, REF).stages if s.name == "Panel")
    assert stage.summary == "Panel: 2 members, 1 enrolled"
    with pytest.raises(ValidationError, match="Tom has made 1 enrolment and cannot be removed"):
        panel.remove_member(db, OFFICER, REF, "Tom")


def test_a_detail_changed_behind_the_apps_back_is_named_by_verify(db):
    panel.add_member(db, OFFICER, REF, "Tom", "evaluator", "tom@council.example")
    panel.add_member(db, OFFICER, REF, "Gwen", "evaluator")
    panel.withdraw_member(db, OFFICER, REF, "Gwen", "Conflict with every bidder")
    assert signoff.verify_record(db, REF).ok
    with db.transaction() as s:
        s.execute(text("UPDATE member_detail SET email = 'mallory@example.com' WHERE email = 'tom@council.example'"))
        s.execute(text("UPDATE member_detail SET withdrawn = :no WHERE withdrawal_reason <> ''"), {"no": False})
    report = signoff.verify_record(db, REF)
    assert not report.ok
    assert any(
        p.startswith('detail/Tom: email: the database holds "mallory@example.com", the audit log "tom@council')
        for p in report.problems
    ), report.problems
    assert any(p.startswith("detail/Gwen: withdrawn: the database holds false") for p in report.problems)
