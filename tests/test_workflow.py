"""Workflow, independence and sign-off rules, enforced in the services."""

from datetime import date

import pytest
from sqlalchemy import select

from svdesk.model.entities import AuditEntry, TenderStatus
from svdesk.model.errors import ValidationError, WorkflowError
from svdesk.model.scoring import Weights
from svdesk.model.services import award_stage, open_svdesk_database
from svdesk.model.services import setup as su
from svdesk.model.services import workflow as wf
from svdesk.model.services.tenders import (
    adjust_pledge,
    get_tender,
    prices_visible_to,
    scores_visible_to,
    set_moderated,
    set_score,
)
from svdesk.model.services.verify import verify_tender
from tests.factory import complete_award_details
from tests.keys import as_person, sign, signed_in

OFFICER = "Priya"


@pytest.fixture
def sdb(database_target):
    db = open_svdesk_database(database_target)
    with db.transaction() as s:
        t = su.create_tender(s, OFFICER, "WF-1", "Home care", 2_400_000, Weights(40, 50, 10), 50)
        su.add_measure(s, t, OFFICER, "NT1")
        su.add_measure(s, t, OFFICER, "NT18")
        su.save_question(
            s,
            t,
            OFFICER,
            "Q1",
            section="quality",
            title="Recruitment",
            text="How will you recruit?",
            weight=60,
            minimum_score=2,
        )
        su.save_question(s, t, OFFICER, "Q2", section="quality", text="Safeguarding?", weight=40)
        su.save_question(s, t, OFFICER, "SV1", section="social_value", text="Delivering SV?", weight=100)
        for name, price in (("Weaver Valley", 2_310_000), ("Northgate", 2_195_000)):
            su.add_bidder(s, t, OFFICER, name, price)
        su.set_pledge(s, t, OFFICER, "Weaver Valley", "NT1", 10)
        su.set_pledge(s, t, OFFICER, "Northgate", "NT18", 300_000)
        for name, role in (("Tom", "evaluator"), ("Gwen", "evaluator"), ("Sam", "evaluator"), ("Alan", "chair")):
            su.add_member(s, t, OFFICER, name, role)
    yield db
    db.dispose()


def tender(s):
    return get_tender(s, "WF-1")


def declare_all(db, conflicts=()):
    with db.transaction() as s:
        t = tender(s)
        for m in ("Tom", "Gwen", "Sam", "Alan"):
            for b in ("Weaver Valley", "Northgate"):
                c = (m, b) in conflicts
                wf.declare(s, t, m, b, c, "Worked there until 2025" if c else "")


def score_all(db, skip=()):
    with db.transaction() as s:
        t = tender(s)
        for m in ("Tom", "Gwen", "Sam"):
            for i, b in enumerate(("Weaver Valley", "Northgate"), 1):
                if (m, b) in skip:
                    continue
                for j, q in enumerate(("Q1", "Q2", "SV1"), 1):  # each its own: a repeated note is flagged
                    set_score(s, t, m, b, q, 3, f"{m}: section {i}.{j} evidences named staff and a costed rota")


# each bid's own evidence: an explanation shared by two bids explains neither (reg 31(2)(e)(i)(aa))
EVIDENCE = {
    "Weaver Valley": "section 2 names six care workers and a costed recruitment plan",
    "Northgate": "appendix 2 caps agency hours at 5% and names a recruitment coordinator",
}


def moderate_all(db):
    with db.transaction() as s:
        t = tender(s)
        for b in ("Weaver Valley", "Northgate"):
            for q in ("Q1", "Q2", "SV1"):
                set_moderated(s, t, "Alan", b, q, 3, f"Agreed 3: {EVIDENCE[b]} ({q}).")


def to_moderation(db):
    """Scoring opened, every member declared and scored, moderation opened."""
    with db.transaction() as s:
        wf.open_scoring(s, tender(s), OFFICER)
    declare_all(db)
    score_all(db)
    with db.transaction() as s:
        wf.open_moderation(s, tender(s), OFFICER)


def score_and_moderate_all(db):
    """... and every cell agreed."""
    to_moderation(db)
    moderate_all(db)


def test_happy_path_to_award_and_the_lock(sdb):
    with sdb.transaction() as s:
        wf.open_scoring(s, tender(s), OFFICER)
    declare_all(sdb, conflicts={("Sam", "Northgate")})
    score_all(sdb, skip={("Sam", "Northgate")})
    with sdb.transaction() as s:
        wf.open_moderation(s, tender(s), OFFICER)
    moderate_all(sdb)
    complete_award_details(sdb, "WF-1")  # what the assessment summaries need (reg 31), before anyone enrols
    for m in ("Tom", "Gwen", "Sam"):
        signer = signed_in(sdb, "WF-1", m)
        with sdb.transaction() as s:
            wf.sign(s, tender(s), signer)
            assert tender(s).status == TenderStatus.MODERATION
    signer = signed_in(sdb, "WF-1", "Alan")
    with sdb.transaction() as s:
        wf.sign(s, tender(s), signer)
        assert tender(s).status == TenderStatus.SIGNED_OFF
    # locked: nothing can change scores, weights, measures, pledges or questions
    edits = [
        lambda s, t: set_moderated(s, t, "Alan", "Northgate", "Q1", 4, "Changed my mind"),
        lambda s, t: su.set_weights(s, t, OFFICER, Weights(30, 60, 10)),
        lambda s, t: su.add_measure(s, t, OFFICER, "NT3"),
        lambda s, t: su.set_pledge(s, t, OFFICER, "Northgate", "NT18", 1),
        lambda s, t: adjust_pledge(s, t, OFFICER, "Northgate", "NT18", 1, "less"),
        lambda s, t: su.save_question(s, t, OFFICER, "Q2", section="quality", text="x", weight=1),
        lambda s, t: wf.declare(s, t, "Tom", "Northgate", True, "late"),
    ]
    for edit in edits:
        with pytest.raises(WorkflowError, match="signed off and locked"), as_person(sdb, "WF-1", "Alan") as s:
            edit(s, tender(s))
    with as_person(sdb, "WF-1", OFFICER) as s:  # the award decision is the officer's to record
        award_stage.decide(
            s, tender(s), OFFICER, decided_on=date.today(), recommendation="Northgate",
            decision_maker="Alan", delegated_authority="Scheme of delegation 4.2",
        )  # fmt: skip
        assert tender(s).status == TenderStatus.AWARDED
    with sdb.reader() as s:
        report = verify_tender(s, tender(s))
    assert report.ok, report.problems
    assert len(report.signatures) == 4 and all(sig["fingerprint_matches"] for sig in report.signatures)


def test_preconditions_say_what_is_missing(sdb):
    with sdb.transaction() as s:
        wf.open_scoring(s, tender(s), OFFICER)
    with pytest.raises(WorkflowError) as info, sdb.transaction() as s:
        wf.open_moderation(s, tender(s), OFFICER)
    assert "3 members have not declared conflicts of interest" in str(info.value)
    declare_all(sdb)
    score_all(sdb, skip={("Tom", "Northgate"), ("Gwen", "Northgate")})
    with pytest.raises(WorkflowError) as info, sdb.transaction() as s:
        wf.open_moderation(s, tender(s), OFFICER)
    assert "2 members have not submitted: Tom (3 scores missing), Gwen (3 scores missing)" in str(info.value)
    score_all(sdb)
    with sdb.transaction() as s:
        wf.open_moderation(s, tender(s), OFFICER)
    with sdb.transaction() as s:
        set_moderated(s, tender(s), "Alan", "Weaver Valley", "Q1", 4, "Named recruitment lead, section 3.")
    signer = signed_in(sdb, "WF-1", "Alan")
    with pytest.raises(WorkflowError) as info, sdb.transaction() as s:
        wf.sign(s, tender(s), signer)
    assert "Q2 for Weaver Valley has no consensus score" in str(info.value)
    assert "Q1 for Northgate has no consensus score" in str(info.value)


def test_open_scoring_needs_a_complete_setup(tmp_path):
    db = open_svdesk_database(tmp_path / "empty.sqlite")
    with db.transaction() as s:
        t = su.create_tender(s, OFFICER, "E-1", "Empty", 10_000)
    with pytest.raises(WorkflowError) as info, db.transaction() as s:
        wf.open_scoring(s, get_tender(s, "E-1"), OFFICER)
    text = str(info.value)
    for expected in (
        "no bidders registered",
        "the quality weight has no quality questions",
        "no measures chosen",
        "no evaluators on the panel",
    ):
        assert expected in text
    db.dispose()
    assert t is not None


def test_conflict_of_interest_gate(sdb):
    with sdb.transaction() as s:
        wf.open_scoring(s, tender(s), OFFICER)
    with (
        pytest.raises(WorkflowError, match="must declare any conflict of interest for every bidder"),
        sdb.transaction() as s,
    ):
        set_score(s, tender(s), "Sam", "Weaver Valley", "Q1", 3, "Evidence in section 2.")
    with pytest.raises(ValidationError, match="describe the conflict"), sdb.transaction() as s:
        wf.declare(s, tender(s), "Sam", "Northgate", True, "")
    declare_all(sdb, conflicts={("Sam", "Northgate")})
    with pytest.raises(WorkflowError, match="declared a conflict of interest with Northgate"), sdb.transaction() as s:
        set_score(s, tender(s), "Sam", "Northgate", "Q1", 3, "Evidence in section 2.")
    with sdb.transaction() as s:
        set_score(s, tender(s), "Sam", "Weaver Valley", "Q1", 3, "Evidence in section 2.")
    with sdb.reader() as s:
        views = wf.declarations(s, tender(s))
    sam_ng = next(v for v in views if v.member == "Sam" and v.bidder == "Northgate")
    assert sam_ng.conflict and sam_ng.details == "Worked there until 2025"


def test_blind_scoring_until_moderation(sdb):
    with sdb.transaction() as s:
        wf.open_scoring(s, tender(s), OFFICER)
    declare_all(sdb)
    score_all(sdb)
    with sdb.reader() as s:
        own = scores_visible_to(s, tender(s), "Tom")
        assert {v.member for v in own} == {"Tom"} and len(own) == 6
        with pytest.raises(WorkflowError, match="blind until moderation opens: Tom cannot see Gwen's scores"):
            scores_visible_to(s, tender(s), "Tom", of_member="Gwen")
    with sdb.transaction() as s:
        wf.open_moderation(s, tender(s), OFFICER)
    with sdb.reader() as s:
        assert len(scores_visible_to(s, tender(s), "Tom")) == 18
        assert {v.member for v in scores_visible_to(s, tender(s), "Tom", of_member="Gwen")} == {"Gwen"}


def test_prices_can_be_hidden_from_quality_evaluators(sdb):
    with sdb.transaction() as s:
        su.update_details(s, tender(s), OFFICER, hide_prices_from_quality=True)
        wf.open_scoring(s, tender(s), OFFICER)
    with sdb.reader() as s:
        assert not prices_visible_to(s, tender(s), "Tom")
        assert prices_visible_to(s, tender(s), "Alan")


def test_score_without_rationale_is_refused(sdb):
    with sdb.transaction() as s:
        wf.open_scoring(s, tender(s), OFFICER)
    declare_all(sdb)
    with pytest.raises(ValidationError, match="a rationale is required"), sdb.transaction() as s:
        set_score(s, tender(s), "Tom", "Northgate", "Q1", 3, "   ")
    with pytest.raises(ValidationError, match="7 is above the scale maximum 5"), sdb.transaction() as s:
        set_score(s, tender(s), "Tom", "Northgate", "Q1", 7, "text")


def test_comparative_consensus_rationale_is_saved_with_a_warning(sdb):
    to_moderation(sdb)
    with sdb.transaction() as s:
        result = set_moderated(s, tender(s), "Alan", "Weaver Valley", "Q1", 4, "Better than Northgate on staffing.")
        assert result.warnings and "compares bids" in result.warnings[0]
        clean = set_moderated(s, tender(s), "Alan", "Weaver Valley", "Q2", 4, "Section 5 names a safeguarding lead.")
        assert clean.warnings == []


def test_reopen_withdraws_signatures_and_needs_a_reason(sdb):
    score_and_moderate_all(sdb)
    sign(sdb, "WF-1", "Tom")
    with pytest.raises(WorkflowError, match="being signed off"), as_person(sdb, "WF-1", "Alan") as s:
        set_moderated(s, tender(s), "Alan", "Northgate", "Q1", 4, "Evidence section 2.")
    with pytest.raises(ValidationError, match="needs a reason"), as_person(sdb, "WF-1", OFFICER) as s:
        wf.reopen(s, tender(s), OFFICER, "")
    with as_person(sdb, "WF-1", OFFICER) as s:  # reopening is the officer's
        assert wf.reopen(s, tender(s), OFFICER, "Clarification received from Northgate") == TenderStatus.MODERATION
    with as_person(sdb, "WF-1", "Alan") as s:
        set_moderated(s, tender(s), "Alan", "Northgate", "Q1", 4, "Clarification letter confirms named staff.")
    with sdb.reader() as s:
        assert wf.unsigned_members(s, tender(s)) == ["Tom", "Gwen", "Sam", "Alan"]
        entries = s.scalars(select(AuditEntry).where(AuditEntry.action == "signature.withdraw")).all()
        assert entries[0].reason == "Clarification received from Northgate"
        assert verify_tender(s, tender(s)).ok


def test_individual_scores_only_while_scoring(sdb):
    with pytest.raises(WorkflowError, match="only possible while the tender is in scoring"), sdb.transaction() as s:
        set_score(s, tender(s), "Tom", "Northgate", "Q1", 3, "text")


def test_signing_needs_every_consensus_rationale_however_it_starts(sdb):
    from svdesk.model.entities import Bidder, ModeratedScore, Question

    score_and_moderate_all(sdb)
    indented = " " * 70 + "\n\tAgreed 3: section 2 names the recruitment lead."  # read whole: its start is blank
    with sdb.transaction() as s:
        set_moderated(s, tender(s), "Alan", "Weaver Valley", "Q2", 3, indented)
    with sdb.reader() as s:
        assert wf.readiness_to_sign(s, tender(s)).ready
    # a blank rationale cannot be saved through svdesk; one written around it is still caught
    with sdb.engine.begin() as conn:
        for blank, code in ((" " * 80, "Q1"), ("\u00a0\u2003 ", "SV1")):
            conn.execute(
                ModeratedScore.__table__.update()
                .where(
                    ModeratedScore.bidder_id == select(Bidder.id).where(Bidder.name == "Northgate").scalar_subquery(),
                    ModeratedScore.question_id == select(Question.id).where(Question.code == code).scalar_subquery(),
                )
                .values(rationale=blank)
            )
    with sdb.reader() as s:
        missing = wf.readiness_to_sign(s, tender(s)).missing
    assert missing == ["Q1 for Northgate has no consensus rationale", "SV1 for Northgate has no consensus rationale"]
